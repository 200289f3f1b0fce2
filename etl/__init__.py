"""Read, validate and load the yearly workbooks into the DuckDB warehouse."""
