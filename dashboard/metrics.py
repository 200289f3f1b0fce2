"""The metric catalogue: every figure the dashboard shows, defined once.

A headline card, a chart's measure, a finding, a table column, the offline
report, the API and the glossary all take a figure's name, definition, unit,
number format and period from here; no page defines a metric. Each entry
says, in Indonesian, English and Chinese, what is counted (which rows, the
numerator and the denominator), and names the query column that computes
it (dashboard.queries), so tests can compare every catalogue figure with
independent SQL.

Names and definitions may hold ``{partner}`` (the partner city's name in the
reader's language).

Periods, one rule for every screen:
- LATEST_YEAR: the latest selected year in which the partner city has any
  record, compared with the loaded year before it that has any (headline
  cards, findings, achieved values: latest_year);
- PER_YEAR: one value per selected year (charts over time);
- SELECTED_YEARS: summed over every selected year (charts that span them,
  which say so in their caption).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from etl import schema
from etl.schema import Text
from translations import format_number, format_percentage, no_value

if TYPE_CHECKING:
    import pandas as pd


class Unit(StrEnum):
    PEOPLE = "people"
    ATTENDANCES = "attendances"  # one person at two activities counts twice
    ACTIVITIES = "activities"
    INDICATORS = "indicators"
    OBSTACLES = "obstacles"
    PERCENT = "percent"  # a share, stored as a fraction 0–1
    SCORE = "score"  # 1–5
    MIXED = "mixed"  # each row in its own unit (benefit values)

    @property
    def counted(self) -> bool:
        """Whether a figure in this unit counts rows or people: a whole number."""
        return self in (Unit.PEOPLE, Unit.ATTENDANCES, Unit.ACTIVITIES, Unit.INDICATORS, Unit.OBSTACLES)


class Theme(StrEnum):
    SELECTION = "selection"
    EXCHANGE = "exchange"
    ACTIVITIES = "activities"
    OUTCOMES = "outcomes"


# The sheet a theme's figures count rows of; the outcomes count two (benefits, obstacles), named per metric.
THEME_SHEETS = {Theme.SELECTION: "participants", Theme.EXCHANGE: "participants", Theme.ACTIVITIES: "activities"}


class Period(StrEnum):
    LATEST_YEAR = "latest_year"
    PER_YEAR = "per_year"
    SELECTED_YEARS = "selected_years"


@dataclass(frozen=True)
class Metric:
    key: str
    name: Text
    definition: Text
    unit: Unit
    theme: Theme
    source: str  # "query.column" that computes it
    decimals: int = 0
    lower_is_better: bool = False
    on_card: bool = False  # a headline card of the Overview
    of_sheet: str = ""  # the sheet whose rows it counts, where its theme does not say (outcomes)
    direction: str = ""  # the one direction of exchange it counts, where it counts only one

    @property
    def sheet(self) -> str:
        """The sheet whose rows it counts: what a filter narrows or not (obstacles have no field)."""
        return self.of_sheet or THEME_SHEETS[self.theme]

    def excluded_by(self, direction: str) -> bool:
        """Whether the direction filter, set to ``direction``, leaves it nothing to count: the partner city's
        delegates when only Jakarta's are chosen, whose 0 a card wrote as if none had come."""
        return bool(self.direction) and direction in schema.DIRECTION.codes and direction != self.direction

    def label(self, lang: str, partner: str = "") -> str:
        return self.name(lang).format(partner=partner)

    def explain(self, lang: str, partner: str = "") -> str:
        """The definition in ``lang``, each category or figure it quotes named as the sidebar, the charts and
        the cards name it (QUOTED_LABELS): written by hand, "'partner city to Jakarta'" and "'delegate'"
        differed from the filter's "Partner city to Jakarta" and the status "Delegate"."""
        quoted = {name: vocabulary.label(code, lang) for name, (vocabulary, code) in QUOTED_LABELS.items()}
        return self.definition(lang).format(partner=partner, achieved_value=METRICS["achieved_value"].label(lang),
                                            **quoted)

    def format(self, value: float | int | None, lang: str) -> str:
        """The value as the reader's language writes it (1.234; 3,8%); "–" for no value (None or NaN)."""
        if no_value(value):
            return "–"
        if self.unit is Unit.PERCENT:
            return format_percentage(float(value), lang, 1)
        return format_number(value, lang, self.decimals)


# The categories a definition quotes, by the name it gives each in braces ("{inbound}"): their labels come from
# the workbook's vocabulary (etl.schema), as the filters' and the charts' do.
QUOTED_LABELS: dict[str, tuple[schema.Vocabulary, str]] = {
    "outbound": (schema.DIRECTION, "outbound"), "inbound": (schema.DIRECTION, "inbound"),
    "delegate": (schema.STATUS, "delegate"), "reserve": (schema.STATUS, "reserve"),
    "not_selected": (schema.STATUS, "not_selected"), "selected_stage": (schema.STAGE, "selected")}


def _m(key: str, theme: Theme, unit: Unit, source: str, name: tuple[str, str, str],
       definition: tuple[str, str, str], **options: object) -> Metric:
    """A metric from (en, id, zh) name and definition."""
    return Metric(key, Text(*name), Text(*definition), unit, theme, source, **options)  # type: ignore[arg-type]


CATALOGUE: tuple[Metric, ...] = (
    # -- selection --------------------------------------------------------------------------
    _m("applicants", Theme.SELECTION, Unit.PEOPLE, "yearly_summary.applicants",
       ("Applicants", "Pendaftar", "申请人"),
       ("People who applied to Jakarta's selection in the year: rows of the participants sheet with direction "
        "“{outbound}”. With the direction filter set to “{inbound}”, the partner "
        "city's participants instead. Each person counts once per year.",
        "Orang yang mendaftar seleksi Jakarta pada tahun itu: baris lembar peserta dengan arah “{outbound}”. "
        "Jika filter arah “{inbound}”, peserta dari kota mitra. Setiap orang dihitung sekali "
        "per tahun.",
        "当年报名参加雅加达选拔的人：参与者表中方向为“{outbound}”的行。若方向筛选为“{inbound}”，则为友好城市的参与者。"
        "每人每年计一次。"), on_card=True),
    _m("delegates", Theme.SELECTION, Unit.PEOPLE, "yearly_summary.selected",
       ("Delegates selected", "Delegasi terpilih", "入选代表"),
       ("Applicants whose final status is “{delegate}”: the people who actually went. Reserves are not "
        "included.",
        "Pendaftar dengan status akhir “{delegate}”: orang yang benar-benar berangkat. Cadangan tidak termasuk.",
        "最终状态为“{delegate}”的申请人，即实际出行的人，不含候补。")),
    _m("reserves", Theme.SELECTION, Unit.PEOPLE, "yearly_summary.reserves",
       ("Reserves", "Cadangan", "候补"),
       ("Applicants whose final status is “{reserve}”: chosen to stand in, did not go.",
        "Pendaftar dengan status akhir “{reserve}”: dipilih sebagai pengganti, tidak berangkat.",
        "最终状态为“{reserve}”的申请人：被选为替补，未出行。")),
    _m("selection_rate", Theme.SELECTION, Unit.PERCENT, "yearly_summary.selected / yearly_summary.applicants",
       ("Selection rate", "Tingkat keterpilihan", "入选率"),
       ("Delegates selected divided by applicants, in the same year and filters. Its change against the year "
        "before is in percentage points (pp). With the direction filter “{inbound}” it is the share "
        "of the partner city's participants on record who were delegates: where none is marked “{not_selected}”, "
        "it says who was recorded, not how selective the partner city was (the Overview's finding says so).",
        "Delegasi terpilih dibagi pendaftar, pada tahun dan filter yang sama. Perubahannya dibanding tahun "
        "sebelumnya dalam poin persentase (pp). Dengan filter arah “{inbound}”, ini bagian peserta "
        "kota mitra yang tercatat yang menjadi delegasi: jika tidak ada yang berstatus “{not_selected}”, angka ini "
        "menunjukkan siapa yang tercatat, bukan seberapa ketat seleksi kota mitra (temuan di Ikhtisar "
        "menyebutkannya).",
        "入选代表除以申请人（同一年份与筛选条件）。与上一年的变化以百分点（pp）表示。方向筛选为“{inbound}”时，"
        "它是记录在案的友好城市参与者中代表所占的比例：若无人标为“{not_selected}”，它反映的是记录了谁，并不说明友好城市选拔的"
        "严格程度（概览的发现会说明）。"), on_card=True),
    _m("reached_stage", Theme.SELECTION, Unit.PEOPLE, "selection_funnel.applicants",
       ("Applicants reaching the stage", "Pendaftar yang mencapai tahap", "到达该阶段的申请人"),
       ("Applicants whose last selection stage is this stage or a later one. The stage “{selected_stage}” counts "
        "delegates and reserves; the funnel's last bar counts delegates only.",
        "Pendaftar yang tahap seleksi terakhirnya adalah tahap ini atau sesudahnya. Tahap “{selected_stage}” "
        "menghitung delegasi dan cadangan; batang terakhir corong hanya delegasi.",
        "最后到达的选拔阶段为该阶段或之后阶段的申请人。“{selected_stage}”阶段包括代表和候补；漏斗最后一栏只计代表。")),
    _m("stage_conversion", Theme.SELECTION, Unit.PERCENT, "selection_funnel.conversion",
       ("Conversion from the previous stage", "Konversi dari tahap sebelumnya", "较上一阶段的转化率"),
       ("Applicants reaching a stage divided by those reaching the stage before it. None for the first stage, "
        "or where nobody reached the stage before.",
        "Pendaftar yang mencapai suatu tahap dibagi yang mencapai tahap sebelumnya. Tidak ada untuk tahap "
        "pertama, atau bila tidak seorang pun mencapai tahap sebelumnya.",
        "到达某阶段的申请人除以到达前一阶段的申请人。第一阶段以及上一阶段无人到达时不计。")),
    _m("first_time_applicants", Theme.SELECTION, Unit.PEOPLE, "repeat_applicants.applicants - returning",
       ("First-time applicants", "Pendaftar pertama kali", "首次申请人"),
       ("Applicants of the year who had not applied in any earlier loaded year (recognised by their keyed "
        "pseudonym, never by name). Not counted for the first year with records of {partner}, which has no "
        "earlier year.",
        "Pendaftar tahun itu yang belum pernah mendaftar pada tahun sebelumnya yang dimuat (dikenali dari "
        "pseudonim berkunci, tidak dari nama). Tidak dihitung untuk tahun pertama yang memuat catatan {partner}, "
        "yang tidak memiliki tahun sebelumnya.",
        "在此前已载入的任何年份中都未申请过的当年申请人（通过加密假名识别，而非姓名）。有{partner}记录的第一个年份没有更早的年份，"
        "不计算。")),
    _m("returning_applicants", Theme.SELECTION, Unit.PEOPLE, "repeat_applicants.returning",
       ("Returning applicants", "Pendaftar berulang", "重复申请人"),
       ("Applicants of the year who had applied in an earlier loaded year, in any field or direction. Not "
        "counted for the first year with records of {partner}, which has no earlier year.",
        "Pendaftar tahun itu yang pernah mendaftar pada tahun sebelumnya yang dimuat, di bidang atau arah mana "
        "pun. Tidak dihitung untuk tahun pertama yang memuat catatan {partner}, yang tidak memiliki tahun "
        "sebelumnya.",
        "曾在此前已载入年份（任何领域或方向）申请过的当年申请人。有{partner}记录的第一个年份没有更早的年份，不计算。")),
    _m("returning_share", Theme.SELECTION, Unit.PERCENT, "repeat_applicants.returning / applicants",
       ("Share of returning applicants", "Porsi pendaftar berulang", "重复申请人占比"),
       ("Returning applicants divided by applicants of the same year.",
        "Pendaftar berulang dibagi pendaftar pada tahun yang sama.", "重复申请人除以同年申请人。")),
    _m("people_on_record", Theme.SELECTION, Unit.PEOPLE, "participation_breakdown.participants",
       ("People on record", "Orang tercatat", "登记人数"),
       ("Every row of the participants sheet: Jakarta's applicants and the partner city's delegates (the "
        "direction filter narrows it). Each person counts once per year.",
        "Setiap baris lembar peserta: pendaftar Jakarta dan delegasi kota mitra (filter arah mempersempitnya). "
        "Setiap orang dihitung sekali per tahun.",
        "参与者表的每一行：雅加达申请人和友好城市代表（方向筛选可缩小范围）。每人每年计一次。")),
    _m("delegates_both_ways", Theme.SELECTION, Unit.PEOPLE, "participation_breakdown.delegates",
       ("Delegates, both directions", "Delegasi, kedua arah", "代表（双向）"),
       ("People on record whose final status is “{delegate}”: Jakarta's delegates and the partner city's "
        "(the direction filter narrows it).",
        "Orang tercatat dengan status akhir “{delegate}”: delegasi Jakarta dan delegasi kota mitra (filter arah "
        "mempersempitnya).",
        "最终状态为“{delegate}”的登记人员：雅加达代表和友好城市代表（方向筛选可缩小范围）。")),
    # -- exchange ---------------------------------------------------------------------------
    _m("delegates_outbound", Theme.EXCHANGE, Unit.PEOPLE, "yearly_summary.delegates_outbound",
       ("Delegates Jakarta → {partner}", "Delegasi Jakarta → {partner}", "雅加达 → {partner} 代表"),
       ("Jakarta's young people sent to {partner} as delegates in the year (status “{delegate}”, direction "
        "“{outbound}”). Reserves are not included. No card when the direction filter is “{inbound}”.",
        "Pemuda Jakarta yang dikirim ke {partner} sebagai delegasi pada tahun itu (status “{delegate}”, arah "
        "“{outbound}”). Cadangan tidak termasuk. Tanpa kartu bila filter arah “{inbound}”.",
        "当年作为代表派往{partner}的雅加达青年（状态“{delegate}”，方向“{outbound}”），不含候补。"
        "方向筛选为“{inbound}”时不显示此卡片。"), on_card=True,
       direction="outbound"),
    _m("delegates_inbound", Theme.EXCHANGE, Unit.PEOPLE, "yearly_summary.delegates_inbound",
       ("Delegates {partner} → Jakarta", "Delegasi {partner} → Jakarta", "{partner} → 雅加达 代表"),
       ("Delegates of {partner} received in Jakarta in the year (status “{delegate}”, direction “{inbound}”). "
        "No card when the direction filter is “{outbound}”.",
        "Delegasi {partner} yang diterima di Jakarta pada tahun itu (status “{delegate}”, arah “{inbound}”). "
        "Tanpa kartu bila filter arah “{outbound}”.",
        "当年在雅加达接待的{partner}代表（状态“{delegate}”，方向“{inbound}”）。方向筛选为“{outbound}”时不显示此卡片。"),
       on_card=True,
       direction="inbound"),
    # -- activities -------------------------------------------------------------------------
    _m("activities", Theme.ACTIVITIES, Unit.ACTIVITIES, "yearly_summary.activities",
       ("Activities", "Kegiatan", "活动"),
       ("Activities of the exchange held in the year: rows of the activities sheet.",
        "Kegiatan pertukaran yang diadakan pada tahun itu: baris lembar kegiatan.",
        "当年举办的交流活动：活动表的行数。"), on_card=True),
    _m("attendances_jakarta", Theme.ACTIVITIES, Unit.ATTENDANCES, "yearly_summary.participants_jakarta",
       ("Attendances from Jakarta", "Kehadiran dari Jakarta", "雅加达参与人次"),
       ("Jakarta participants summed over the activities of the year: a person at two activities counts "
        "twice, so this is attendances, not people.",
        "Peserta Jakarta dijumlahkan atas kegiatan tahun itu: orang yang ikut dua kegiatan dihitung dua kali, "
        "jadi ini jumlah kehadiran, bukan jumlah orang.",
        "当年各项活动的雅加达参与人数之和：参加两项活动的人计两次，因此是人次而非人数。"), on_card=True),
    _m("attendances_partner", Theme.ACTIVITIES, Unit.ATTENDANCES, "yearly_summary.participants_partner",
       ("Attendances from {partner}", "Kehadiran dari {partner}", "{partner}参与人次"),
       ("{partner} participants summed over the activities of the year: attendances, not people.",
        "Peserta {partner} dijumlahkan atas kegiatan tahun itu: jumlah kehadiran, bukan jumlah orang.",
        "当年各项活动的{partner}参与人数之和：人次而非人数。"), on_card=True),
    # -- outcomes ---------------------------------------------------------------------------
    _m("benefit_indicators", Theme.OUTCOMES, Unit.INDICATORS, "yearly_summary.benefits",
       ("Benefit indicators recorded", "Indikator manfaat tercatat", "记录的成效指标"),
       ("Rows of the benefits sheet: each is one indicator measured for the year. A count of records, not "
        "of what was achieved: see “{achieved_value}”.",
        "Baris lembar manfaat: masing-masing satu indikator yang diukur untuk tahun itu. Jumlah catatan, bukan "
        "capaian: lihat “{achieved_value}”.",
        "成效表的行数：每行是当年测量的一个指标。这是记录数，而非成果：请看“{achieved_value}”。"), on_card=True,
       of_sheet="benefits"),
    _m("achieved_value", Theme.OUTCOMES, Unit.MIXED, "benefit_values.value",
       ("Achieved value", "Nilai capaian", "达成值"),
       ("What an indicator measured, in its own unit: a percentage (0–100), a score (1–5), a count or rupiah. "
        "An indicator is followed across years by its indicator code, if the code is recorded once in each year.",
        "Apa yang diukur sebuah indikator, dalam satuannya sendiri: persen (0–100), skor (1–5), jumlah atau "
        "rupiah. Indikator diikuti antar tahun melalui kode indikatornya, jika kode itu tercatat sekali setiap tahun.",
        "指标所测量的结果，以其自身单位表示：百分比（0–100）、评分（1–5）、数量或印尼盾。通过指标代码跨年份跟踪同一指标"
        "（该代码须每年只记录一次）。"), of_sheet="benefits"),
    _m("obstacles", Theme.OUTCOMES, Unit.OBSTACLES, "yearly_summary.obstacles",
       ("Obstacles recorded", "Hambatan tercatat", "记录的障碍"),
       ("Rows of the obstacles sheet for the year; fewer is better. Obstacles are recorded without a field, "
        "so the fields filter does not narrow them.",
        "Baris lembar hambatan tahun itu; makin sedikit makin baik. Hambatan dicatat tanpa bidang, jadi filter "
        "bidang tidak mempersempitnya.",
        "当年障碍表的行数；越少越好。障碍的记录不分领域，因此领域筛选不影响此数。"),
       lower_is_better=True, on_card=True, of_sheet="obstacles"),
    _m("mean_severity", Theme.OUTCOMES, Unit.SCORE,
       "Σ obstacles_breakdown.severity × obstacles_breakdown.obstacles / Σ obstacles_breakdown.obstacles",
       ("Mean severity", "Rata-rata keparahan", "平均严重程度"),
       ("The average severity (1 minor – 5 blocking) of the obstacles counted.",
        "Rata-rata tingkat keparahan (1 ringan – 5 menghambat total) hambatan yang dihitung.",
        "所计障碍的平均严重程度（1 轻微 – 5 严重阻碍）。"), decimals=1, lower_is_better=True, of_sheet="obstacles"),
)

METRICS: dict[str, Metric] = {metric.key: metric for metric in CATALOGUE}
CARD_METRICS: tuple[Metric, ...] = tuple(metric for metric in CATALOGUE if metric.on_card)

UNIT_NAMES: dict[Unit, Text] = {
    Unit.PEOPLE: Text("people", "orang", "人"),
    Unit.ATTENDANCES: Text("attendances", "kehadiran", "人次"),
    Unit.ACTIVITIES: Text("activities", "kegiatan", "项活动"),
    Unit.INDICATORS: Text("indicators", "indikator", "个指标"),
    Unit.OBSTACLES: Text("obstacles", "hambatan", "项障碍"),
    Unit.PERCENT: Text("percent", "persen", "百分比"),
    Unit.SCORE: Text("score 1–5", "skor 1–5", "评分 1–5"),
    Unit.MIXED: Text("each in its unit", "menurut satuannya", "按各自单位"),
}
THEME_NAMES: dict[Theme, Text] = {
    Theme.SELECTION: Text("Selection", "Seleksi", "选拔"),
    Theme.EXCHANGE: Text("Exchange", "Pertukaran", "交流"),
    Theme.ACTIVITIES: Text("Activities", "Kegiatan", "活动"),
    Theme.OUTCOMES: Text("Outcomes", "Hasil", "成果"),
}
PERIOD_NAMES: dict[Period, Text] = {
    Period.LATEST_YEAR: Text("the latest selected year with records of the partner city, with its change against the "
                             "loaded year before it that has any",
                             "tahun terakhir yang dipilih yang memuat catatan kota mitra, dengan perubahannya "
                             "dibanding tahun sebelumnya yang dimuat yang juga memuatnya",
                             "所选年份中有该友好城市记录的最近一年，以及与此前同样有其记录的已载入年份相比的变化"),
    Period.PER_YEAR: Text("each selected year", "setiap tahun yang dipilih", "每个所选年份"),
    Period.SELECTED_YEARS: Text("all selected years together", "semua tahun yang dipilih digabung", "所有所选年份合计"),
}


# Columns of dashboard.queries.yearly_summary holding each per-year count.
SUMMARY_COLUMNS: dict[str, str] = {
    "applicants": "applicants", "delegates": "selected", "reserves": "reserves",
    "delegates_outbound": "delegates_outbound", "delegates_inbound": "delegates_inbound",
    "activities": "activities", "attendances_jakarta": "participants_jakarta",
    "attendances_partner": "participants_partner", "benefit_indicators": "benefits", "obstacles": "obstacles",
}


def metric(key: str) -> Metric:
    return METRICS[key]


def latest_year(summary: pd.DataFrame, years: Iterable[int]) -> int | None:
    """The period of the cards, the findings and every "latest year" chart: the latest selected year in which
    the partner city has any record (yearly_summary.partner_active). Once Seoul's 2020 was loaded, Beijing's
    default view headlined 2020 with 0 applicants (-131), a year of another partner city's alone."""
    chosen = summary[summary["year"].isin(list(years)) & summary["partner_active"]]
    return None if chosen.empty else int(chosen["year"].max())


def summary_value(key: str, row: Mapping[str, object] | None) -> float | None:
    """A metric's value in one row of yearly_summary (None when there is no row, or no denominator)."""
    if row is None:
        return None
    if key == "selection_rate":
        applicants = float(row["applicants"])  # type: ignore[arg-type]
        return float(row["selected"]) / applicants if applicants else None  # type: ignore[arg-type]
    return float(row[SUMMARY_COLUMNS[key]])  # type: ignore[arg-type]
