"""Read side of the dashboard: connection, filters, queries, charts, findings and page parts."""
