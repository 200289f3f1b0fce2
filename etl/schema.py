"""The workbook contract: every sheet, column and category, described once.

This module is the project's single source of truth for the vocabulary in
../shared/VOCABULARY.md. The validator, the Excel template, the warehouse
tables, the data dictionary page and every chart label are generated from
it; no other file lists a column or a category code.

Labels come in three languages (``id`` Indonesian, ``en`` English, ``zh``
Simplified Chinese). Descriptions are given in all three too, so the data
dictionary can be shown in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from translations import DEFAULT_LANGUAGE, LANGUAGES, typeset  # noqa: F401  (DEFAULT_LANGUAGE, LANGUAGES re-exported)


@dataclass(frozen=True)
class Text:
    """One piece of text in every supported language."""

    en: str
    id: str
    zh: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "zh", typeset(self.zh, "zh"))  # "1 轻微" keeps its number, as the catalogue does

    def __call__(self, lang: str) -> str:
        return getattr(self, lang, self.en)


class Kind(StrEnum):
    """How a cell is read and stored."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    CATEGORY = "category"

    @property
    def sql_type(self) -> str:
        return {
            Kind.TEXT: "VARCHAR",
            Kind.INTEGER: "INTEGER",
            Kind.NUMBER: "DOUBLE",
            Kind.DATE: "DATE",
            Kind.CATEGORY: "VARCHAR",
        }[self]


@dataclass(frozen=True)
class Category:
    code: str
    label: Text
    # Extra spellings a spreadsheet may use (e.g. "F" and "P" for female).
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of category codes with their labels."""

    name: str
    categories: tuple[Category, ...]
    ordered: bool = False
    # For host_city and beneficiary: the name of the row's own partner city
    # (e.g. "Beijing") is accepted and stored as this code.
    partner_name_code: str | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(category.code for category in self.categories)

    def label(self, code: str, lang: str) -> str:
        for category in self.categories:
            if category.code == code:
                return category.label(lang)
        return code

    def labels(self, lang: str) -> dict[str, str]:
        return {category.code: category.label(lang) for category in self.categories}

    def covers(self, codes: Iterable[str]) -> bool:
        """True when ``codes`` name every category: a filter on them narrows nothing."""
        return set(codes) == set(self.codes)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    label: Text
    description: Text
    required: bool = False
    vocabulary: Vocabulary | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: str | None = None
    unique: bool = False  # an ID: unique within its sheet and year
    # Needed in the workbook but never stored (UU PDP 27/2022).
    private: bool = False
    # Must not be earlier than this other column of the same row.
    not_before: str | None = None
    # Must exist as this (sheet, column) of the same workbook.
    references: tuple[str, str] | None = None
    example: str = ""
    # Longest accepted text, in characters (every TEXT column has one; see TEXT_LENGTHS).
    max_length: int | None = None
    # The characters a code may hold (a regular expression the whole value must match; SQL and Python alike).
    pattern: str | None = None
    # A code that follows a series across years (indicator_code, with its unit and partner city): recorded at
    # most once a year together with these columns, or which row to follow cannot be told. A warning, not an
    # error: the contract allows it, and the rows still load; only the series is not followed.
    once_a_year_with: tuple[str, ...] = ()
    # A date expected within NEAR_YEARS of the program year. Farther is a remark, not an error: a sheet copied
    # from another year's workbook keeps that year's dates (the timeline would place the year's activities
    # there), but a program may run into the next year.
    near_program_year: bool = False


@dataclass(frozen=True)
class DerivedColumn:
    """A warehouse column computed by the loader instead of read."""

    name: str
    kind: Kind
    label: Text
    description: Text
    # Computed by the warehouse across all years when writing, not from the workbook alone.
    across_years: bool = False
    # Kept in the warehouse but never given out (downloads, API, open-data package): a linking pseudonym.
    published: bool = True


@dataclass(frozen=True)
class Sheet:
    name: str
    label: Text
    description: Text
    columns: tuple[Column, ...]
    required: bool = True
    derived: tuple[DerivedColumn, ...] = ()

    @property
    def id_column(self) -> Column:
        return next(column for column in self.columns if column.unique)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def stored_columns(self) -> tuple[Column | DerivedColumn, ...]:
        """Columns of the warehouse table, in order (private ones replaced)."""
        kept: list[Column | DerivedColumn] = [c for c in self.columns if not c.private]
        return tuple(kept) + self.derived

    @property
    def published_columns(self) -> tuple[Column | DerivedColumn, ...]:
        """Stored columns anyone may download (the downloads, the API, the open-data package), in order."""
        return tuple(column for column in self.stored_columns if getattr(column, "published", True))


def _cats(*rows: tuple) -> tuple[Category, ...]:
    """Build categories from (code, en, id, zh[, aliases]) tuples."""
    built = []
    for row in rows:
        code, en, id_, zh, *rest = row
        built.append(Category(code, Text(en=en, id=id_, zh=zh), tuple(rest[0]) if rest else ()))
    return tuple(built)


# --------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------

FIELD = Vocabulary("field", _cats(
    ("youth_sports", "Youth and sports", "Pemuda dan olahraga", "青年与体育"),
    ("urban_planning", "Urban planning", "Tata kota", "城市规划"),
    ("arts_culture", "Arts and culture", "Seni dan budaya", "文化艺术"),
    ("transportation", "Transportation", "Transportasi", "交通"),
    ("tourism", "Tourism", "Pariwisata", "旅游"),
    ("waste_management", "Waste management", "Pengelolaan sampah", "垃圾管理"),
    ("environment", "Environment", "Lingkungan hidup", "环境"),
))

DIRECTION = Vocabulary("direction", _cats(
    ("outbound", "Jakarta to partner city", "Jakarta ke kota mitra", "雅加达赴友好城市"),
    ("inbound", "Partner city to Jakarta", "Kota mitra ke Jakarta", "友好城市赴雅加达"),
))

GENDER = Vocabulary("gender", _cats(
    ("female", "Female", "Perempuan", "女", ("F", "P")),
    ("male", "Male", "Laki-laki", "男", ("M", "L")),
))

ORIGIN = Vocabulary("origin", _cats(
    ("jakarta_pusat", "Central Jakarta", "Jakarta Pusat", "中雅加达"),
    ("jakarta_utara", "North Jakarta", "Jakarta Utara", "北雅加达"),
    ("jakarta_barat", "West Jakarta", "Jakarta Barat", "西雅加达"),
    ("jakarta_selatan", "South Jakarta", "Jakarta Selatan", "南雅加达"),
    ("jakarta_timur", "East Jakarta", "Jakarta Timur", "东雅加达"),
    ("kepulauan_seribu", "Thousand Islands", "Kepulauan Seribu", "千岛群岛"),
    ("partner_city", "Partner city", "Kota mitra", "友好城市"),
))
# The five kota administrasi and the kabupaten of DKI Jakarta.
JAKARTA_AREAS: tuple[str, ...] = (
    "jakarta_pusat", "jakarta_utara", "jakarta_barat", "jakarta_selatan", "jakarta_timur", "kepulauan_seribu")

INSTITUTION_TYPE = Vocabulary("institution_type", _cats(
    ("high_school", "High school", "SMA/SMK", "高中"),
    ("university", "University", "Perguruan tinggi", "大学"),
    ("youth_organisation", "Youth organisation", "Organisasi kepemudaan", "青年组织"),
    ("professional", "Professional", "Profesional", "职业人士"),
))

STAGE = Vocabulary("stage_reached", _cats(
    ("registered", "Registered", "Mendaftar", "报名"),
    ("administrative", "Administrative screening", "Seleksi administrasi", "资格审查"),
    ("written_test", "Written test", "Tes tertulis", "笔试"),
    ("interview", "Interview", "Wawancara", "面试"),
    ("selected", "Selected", "Terpilih", "入选"),
), ordered=True)

STATUS = Vocabulary("status", _cats(
    ("delegate", "Delegate", "Delegasi", "代表"),
    ("reserve", "Reserve", "Cadangan", "候补"),
    ("not_selected", "Not selected", "Tidak lolos", "未入选"),
    ("withdrew", "Withdrew", "Mengundurkan diri", "退出"),
))

# Which stages each status is consistent with (a delegate reached "selected").
STATUS_STAGES: dict[str, tuple[str, ...]] = {
    "delegate": ("selected",),
    "reserve": ("interview", "selected"),
    "not_selected": ("registered", "administrative", "written_test", "interview"),
    "withdrew": STAGE.codes,
}

# Which origins each direction is consistent with: outbound applicants come from
# an area of Jakarta, inbound delegates from the partner city.
DIRECTION_ORIGINS: dict[str, tuple[str, ...]] = {
    "outbound": JAKARTA_AREAS,
    "inbound": ("partner_city",),
}

ACTIVITY_TYPE = Vocabulary("activity_type", _cats(
    ("forum", "Forum or seminar", "Forum atau seminar", "论坛或研讨会"),
    ("workshop", "Workshop or training", "Lokakarya atau pelatihan", "工作坊或培训"),
    ("cultural_visit", "Cultural visit", "Kunjungan budaya", "文化参访"),
    ("sports", "Sports", "Olahraga", "体育活动"),
    ("campus_visit", "School or campus visit", "Kunjungan sekolah atau kampus", "学校或校园参访"),
    ("official_meeting", "Official meeting", "Pertemuan resmi", "官方会谈"),
    ("community_service", "Community service", "Pengabdian masyarakat", "社区服务"),
    ("language_class", "Language class", "Kelas bahasa", "语言课程"),
    ("pre_departure", "Pre-departure training", "Pembekalan pra-keberangkatan", "行前培训"),
))

HOST_CITY = Vocabulary("host_city", _cats(
    ("jakarta", "Jakarta", "Jakarta", "雅加达"),
    ("partner_city", "Partner city", "Kota mitra", "友好城市"),
    ("other", "Other", "Lainnya", "其他"),
), partner_name_code="partner_city")

BENEFICIARY = Vocabulary("beneficiary", _cats(
    ("jakarta", "Jakarta", "Jakarta", "雅加达"),
    ("partner_city", "Partner city", "Kota mitra", "友好城市"),
    ("both", "Both cities", "Kedua kota", "两市"),
), partner_name_code="partner_city")

LEVEL = Vocabulary("level", _cats(
    ("participant", "Participant", "Peserta", "参与者"),
    ("organisation", "Organisation", "Organisasi", "机构"),
    ("city", "City", "Kota", "城市"),
), ordered=True)

BENEFIT_CATEGORY = Vocabulary("benefit_category", _cats(
    ("knowledge_transfer", "Knowledge transfer", "Transfer pengetahuan", "知识转移"),
    ("intercultural", "Intercultural understanding", "Pemahaman lintas budaya", "跨文化理解"),
    ("skills", "Skills and competences", "Keterampilan dan kompetensi", "技能与能力"),
    ("network", "Network and partnership", "Jejaring dan kemitraan", "网络与伙伴关系"),
    ("follow_up", "Follow-up cooperation", "Kerja sama lanjutan", "后续合作"),
    ("policy", "Policy adoption", "Adopsi kebijakan", "政策采纳"),
    ("city_image", "City image", "Citra kota", "城市形象"),
))

FRAMEWORK = Vocabulary("framework", _cats(
    ("kc2018", "EU Key Competences 2018", "Kompetensi Kunci UE 2018", "欧盟关键能力2018"),
    ("ray", "RAY monitoring", "Pemantauan RAY", "RAY监测"),
    ("local", "Local indicator", "Indikator lokal", "本地指标"),
))

UNIT = Vocabulary("unit", _cats(
    ("percent", "Percent", "Persen", "百分比"),
    ("count", "Count", "Jumlah", "数量"),
    ("idr", "Rupiah", "Rupiah", "印尼盾"),
    ("score", "Score (1–5)", "Skor (1–5)", "评分（1–5）"),
))

# Plausible range of a benefit's value for each unit (None: unbounded).
UNIT_RANGES: dict[str, tuple[float | None, float | None]] = {
    "percent": (0, 100),
    "count": (0, None),
    "idr": (0, None),
    "score": (1, 5),
}

SOURCE = Vocabulary("source", _cats(
    ("survey", "Survey", "Survei", "问卷调查"),
    ("interview", "Interview", "Wawancara", "访谈"),
    ("report", "Report", "Laporan", "报告"),
))

OBSTACLE_CATEGORY = Vocabulary("obstacle_category", _cats(
    ("language", "Language barrier", "Kendala bahasa", "语言障碍"),
    ("budget", "Budget", "Anggaran", "预算"),
    ("bureaucracy", "Bureaucracy and coordination", "Birokrasi dan koordinasi", "官僚与协调"),
    ("schedule", "Schedule and timing", "Jadwal dan waktu", "日程与时间"),
    ("outreach", "Outreach of selection", "Jangkauan seleksi", "选拔覆盖面"),
    ("cultural", "Cultural differences", "Perbedaan budaya", "文化差异"),
    ("travel", "Visa and travel", "Visa dan perjalanan", "签证与出行"),
))

# Jakarta's sister cities; add a row here when a new agreement is signed.
PARTNER_CITY = Vocabulary("partner_city", _cats(
    ("jeddah", "Jeddah", "Jeddah", "吉达"),
    ("seoul", "Seoul", "Seoul", "首尔"),
    ("islamabad", "Islamabad", "Islamabad", "伊斯兰堡"),
    ("rotterdam", "Rotterdam", "Rotterdam", "鹿特丹"),
    ("tokyo", "Tokyo", "Tokyo", "东京"),
    ("los_angeles", "Los Angeles", "Los Angeles", "洛杉矶"),
    ("casablanca", "Casablanca", "Casablanca", "卡萨布兰卡"),
    ("beijing", "Beijing", "Beijing", "北京"),
    ("berlin", "Berlin", "Berlin", "柏林"),
    ("new_south_wales", "New South Wales", "New South Wales", "新南威尔士"),
    ("paris", "Paris", "Paris", "巴黎"),
    ("bangkok", "Bangkok", "Bangkok", "曼谷"),
    ("hanoi", "Hanoi", "Hanoi", "河内"),
    ("istanbul", "Istanbul", "Istanbul", "伊斯坦布尔"),
    ("maputo", "Maputo", "Maputo", "马普托"),
    ("kyiv", "Kyiv", "Kyiv", "基辅"),
    ("moscow", "Moscow", "Moskwa", "莫斯科"),
    ("budapest", "Budapest", "Budapest", "布达佩斯"),
))
DEFAULT_PARTNER_CITY = "beijing"

VOCABULARIES: tuple[Vocabulary, ...] = (
    FIELD, DIRECTION, GENDER, ORIGIN, INSTITUTION_TYPE, STAGE, STATUS, ACTIVITY_TYPE,
    HOST_CITY, BENEFICIARY, LEVEL, BENEFIT_CATEGORY, FRAMEWORK, UNIT, SOURCE,
    OBSTACLE_CATEGORY, PARTNER_CITY,
)

# --------------------------------------------------------------------------
# Longest text per kind of text column, in characters
# --------------------------------------------------------------------------
# Past these a value is no longer a label or a note but a pasted document or a slip of
# the mouse, and it breaks every chart and table it reaches (a 2,800-character title
# squashed the Activities timeline). Each leaves ample room for what the column holds.
CODE_PATTERN = "[A-Za-z0-9._-]+"  # indicator_code (VOCABULARY.md): letters, digits, '-', '_', '.'
ID_LENGTH = 40  # codes such as P2019-001, like indicator_code in the contract: short and stable
NAME_LENGTH = 200  # a person's, an institution's or an activity's name: one line of text
INDICATOR_LENGTH = 300  # one measured statement: a sentence
NOTE_LENGTH = 1_000  # a remark to the reader: a short paragraph
LONG_TEXT_LENGTH = 2_000  # what happened, what was done: a few paragraphs, not a report

# --------------------------------------------------------------------------
# Columns shared by every sheet
# --------------------------------------------------------------------------

FIRST_PROGRAM_YEAR = 1992  # Jakarta and Beijing became sister cities in 1992.
LAST_PROGRAM_YEAR = 2100


def _year() -> Column:
    return Column(
        "year", Kind.INTEGER, Text("Year", "Tahun", "年份"),
        Text("Program year; equal to the workbook's year on every row.",
             "Tahun program; sama dengan tahun workbook pada setiap baris.",
             "项目年份；每一行都必须与工作簿的年份一致。"),
        required=True, minimum=FIRST_PROGRAM_YEAR, maximum=LAST_PROGRAM_YEAR, example="2019")


def _partner_city() -> Column:
    return Column(
        "partner_city", Kind.CATEGORY, Text("Partner city", "Kota mitra", "友好城市"),
        Text("Jakarta's sister city in this exchange; empty means Beijing.",
             "Kota kembar Jakarta dalam pertukaran ini; kosong berarti Beijing.",
             "本次交流的雅加达友好城市；留空表示北京。"),
        vocabulary=PARTNER_CITY, default=DEFAULT_PARTNER_CITY, example="Beijing")


def _field(required: bool) -> Column:
    return Column(
        "field", Kind.CATEGORY, Text("Field", "Bidang", "领域"),
        Text("One of the seven fields of the Jakarta–Beijing MoU.",
             "Salah satu dari tujuh bidang MoU Jakarta–Beijing.",
             "雅加达—北京谅解备忘录的七个合作领域之一。"),
        required=required, vocabulary=FIELD, example="Seni dan budaya")


def _description(required: bool, en: str, id_: str, zh: str) -> Column:
    return Column(
        "description", Kind.TEXT, Text("Description", "Deskripsi", "描述"),
        Text(en, id_, zh), required=required, max_length=LONG_TEXT_LENGTH)


# --------------------------------------------------------------------------
# Sheets
# --------------------------------------------------------------------------

PARTICIPANTS = Sheet(
    "participants",
    Text("Participants", "Peserta", "参与者"),
    Text("One row per applicant (not only delegates), so the selection funnel can be drawn.",
         "Satu baris per pendaftar (bukan hanya delegasi), agar corong seleksi dapat digambar.",
         "每位申请人一行（不只是代表），以便绘制选拔漏斗。"),
    columns=(
        Column("participant_id", Kind.TEXT, Text("Participant ID", "ID peserta", "参与者编号"),
               Text("Applicant's ID, unique within the year.",
                    "ID pendaftar, unik dalam satu tahun.",
                    "申请人编号，在同一年份内唯一。"),
               required=True, unique=True, example="P2019-001", max_length=ID_LENGTH),
        _year(),
        _partner_city(),
        Column("direction", Kind.CATEGORY, Text("Direction", "Arah pertukaran", "交流方向"),
               Text("Outbound: a Jakarta applicant going to the partner city; "
                    "inbound: a partner-city delegate visiting Jakarta.",
                    "Keluar: pendaftar Jakarta ke kota mitra; masuk: delegasi kota mitra yang berkunjung ke Jakarta.",
                    "出访：雅加达申请人前往友好城市；来访：友好城市代表访问雅加达。"),
               required=True, vocabulary=DIRECTION, example="Jakarta ke kota mitra"),
        Column("full_name", Kind.TEXT, Text("Full name", "Nama lengkap", "姓名"),
               Text("Needed to recognise repeat applicants; never stored in the warehouse (only a keyed pseudonym).",
                    "Diperlukan untuk mengenali pendaftar berulang; tidak pernah disimpan di gudang data "
                    "(hanya pseudonim berkunci).",
                    "用于识别重复申请人；不会存入数据仓库（只保存加密假名）。"),
               required=True, private=True, example="Siti Rahmawati", max_length=NAME_LENGTH),
        Column("gender", Kind.CATEGORY, Text("Gender", "Jenis kelamin", "性别"),
               Text("Female (F, P) or male (M, L).", "Perempuan (F, P) atau laki-laki (M, L).",
                    "女（F、P）或男（M、L）。"),
               required=True, vocabulary=GENDER, example="P"),
        Column("birth_date", Kind.DATE, Text("Date of birth", "Tanggal lahir", "出生日期"),
               Text("Excel date or YYYY-MM-DD; only the age on 1 July of the program year is stored.",
                    "Tanggal Excel atau YYYY-MM-DD; yang disimpan hanya usia pada 1 Juli tahun program.",
                    "Excel 日期或 YYYY-MM-DD；仅保存项目年份7月1日时的年龄。"),
               required=True, private=True, example="2000-08-17"),
        Column("origin", Kind.CATEGORY, Text("Origin", "Asal wilayah", "来源地区"),
               Text("One of the six areas of DKI Jakarta for outbound applicants; partner city for inbound delegates.",
                    "Salah satu dari enam wilayah DKI Jakarta untuk pendaftar keluar; kota mitra untuk delegasi masuk.",
                    "出访申请人填写雅加达六个行政区之一；来访代表填写友好城市。"),
               required=True, vocabulary=ORIGIN, example="Jakarta Timur"),
        Column("institution_type", Kind.CATEGORY, Text("Institution type", "Jenis institusi", "机构类型"),
               Text("Where the applicant studies or works.", "Tempat pendaftar belajar atau bekerja.",
                    "申请人就读或工作的机构类别。"),
               required=True, vocabulary=INSTITUTION_TYPE, example="Perguruan tinggi"),
        Column("institution", Kind.TEXT, Text("Institution", "Institusi", "机构"),
               Text("Name of the school, university or organisation.",
                    "Nama sekolah, perguruan tinggi atau organisasi.", "学校、大学或组织名称。"),
               example="Universitas Negeri Jakarta", max_length=NAME_LENGTH),
        _field(required=True),
        Column("stage_reached", Kind.CATEGORY, Text("Stage reached", "Tahap seleksi", "选拔阶段"),
               Text("Last selection stage reached: registered → administrative → written test → interview → selected.",
                    "Tahap seleksi terakhir yang dicapai: mendaftar → administrasi → tes tertulis → "
                    "wawancara → terpilih.",
                    "到达的最后选拔阶段：报名 → 资格审查 → 笔试 → 面试 → 入选。"),
               required=True, vocabulary=STAGE, example="Wawancara"),
        Column("status", Kind.CATEGORY, Text("Status", "Status", "状态"),
               Text("Outcome; a delegate must have reached 'selected'.",
                    "Hasil akhir; delegasi harus sudah mencapai tahap 'terpilih'.",
                    "最终结果；代表必须已到达“入选”阶段。"),
               required=True, vocabulary=STATUS, example="Tidak lolos"),
        Column("score", Kind.NUMBER, Text("Score", "Nilai", "分数"),
               Text("Final selection score, 0–100.", "Nilai akhir seleksi, 0–100.", "最终选拔分数，0–100。"),
               minimum=0, maximum=100, example="78.5"),
    ),
    derived=(
        DerivedColumn("age", Kind.INTEGER, Text("Age", "Usia", "年龄"),
                      Text("Age on 1 July of the program year, computed from the date of birth.",
                           "Usia pada 1 Juli tahun program, dihitung dari tanggal lahir.",
                           "根据出生日期计算的项目年份7月1日时的年龄。")),
        DerivedColumn("person_key", Kind.TEXT, Text("Person key", "Kunci orang", "个人假名键"),
                      Text("Keyed pseudonym (HMAC-SHA256 of name and date of birth) that recognises a repeat "
                           "applicant without storing who it is.",
                           "Pseudonim berkunci (HMAC-SHA256 dari nama dan tanggal lahir) untuk mengenali "
                           "pendaftar berulang tanpa menyimpan identitasnya.",
                           "加密假名（姓名与出生日期的 HMAC-SHA256），可识别重复申请人而不保存其身份。"),
                      published=False),
        DerivedColumn("first_year", Kind.INTEGER, Text("First year applied", "Tahun pertama mendaftar", "首次申请年份"),
                      across_years=True,
                      description=Text("The earliest program year in which the same person (same person key "
                           "and partner city) appears; recomputed by the warehouse at every load.",
                           "Tahun program paling awal orang yang sama (kunci orang dan kota mitra yang sama) "
                           "tercatat; dihitung ulang oleh gudang data pada setiap pemuatan.",
                           "同一人（相同个人假名键和友好城市）最早出现的项目年份；每次载入时由数据仓库重新计算。")),
    ),
)

ACTIVITIES = Sheet(
    "activities",
    Text("Activities", "Kegiatan", "活动"),
    Text("Every activity of the exchange in the program year.",
         "Setiap kegiatan pertukaran pada tahun program.", "项目年度内交流的每一项活动。"),
    columns=(
        Column("activity_id", Kind.TEXT, Text("Activity ID", "ID kegiatan", "活动编号"),
               Text("Activity's ID, unique within the year.", "ID kegiatan, unik dalam satu tahun.",
                    "活动编号，在同一年份内唯一。"),
               required=True, unique=True, example="A2019-01", max_length=ID_LENGTH),
        _year(),
        _partner_city(),
        Column("title", Kind.TEXT, Text("Title", "Judul", "标题"),
               Text("Name of the activity.", "Nama kegiatan.", "活动名称。"),
               required=True, example="Beijing Sister City Youth Camp", max_length=NAME_LENGTH),
        Column("type", Kind.CATEGORY, Text("Type", "Jenis kegiatan", "活动类型"),
               Text("Kind of activity.", "Jenis kegiatan.", "活动类别。"),
               required=True, vocabulary=ACTIVITY_TYPE, example="Forum atau seminar"),
        _field(required=True),
        Column("host_city", Kind.CATEGORY, Text("Host city", "Kota penyelenggara", "举办城市"),
               Text("Where it took place: Jakarta, the partner city (its name is accepted) or elsewhere.",
                    "Tempat pelaksanaan: Jakarta, kota mitra (namanya juga diterima) atau tempat lain.",
                    "举办地点：雅加达、友好城市（也可填写城市名称）或其他地方。"),
               required=True, vocabulary=HOST_CITY, example="Beijing"),
        Column("start_date", Kind.DATE, Text("Start date", "Tanggal mulai", "开始日期"),
               Text("First day (Excel date or YYYY-MM-DD).", "Hari pertama (tanggal Excel atau YYYY-MM-DD).",
                    "第一天（Excel 日期或 YYYY-MM-DD）。"),
               required=True, near_program_year=True, example="2019-07-22"),
        Column("end_date", Kind.DATE, Text("End date", "Tanggal selesai", "结束日期"),
               Text("Last day; not before the start date.", "Hari terakhir; tidak sebelum tanggal mulai.",
                    "最后一天；不得早于开始日期。"),
               required=True, not_before="start_date", near_program_year=True, example="2019-07-30"),
        Column("participants_jakarta", Kind.INTEGER,
               Text("Jakarta participants", "Peserta Jakarta", "雅加达参与人数"),
               Text("Number of participants from Jakarta (0 or more).",
                    "Jumlah peserta dari Jakarta (0 atau lebih).", "来自雅加达的参与人数（0或以上）。"),
               minimum=0, example="3"),
        Column("participants_partner", Kind.INTEGER,
               Text("Partner participants", "Peserta kota mitra", "友城参与人数"),
               Text("Number of participants from the partner city (0 or more).",
                    "Jumlah peserta dari kota mitra (0 atau lebih).", "来自友好城市的参与人数（0或以上）。"),
               minimum=0, example="40"),
        Column("organizer", Kind.TEXT, Text("Organizer", "Penyelenggara", "主办方"),
               Text("Who organised it.", "Pihak penyelenggara.", "组织者。"), example="Dispora DKI Jakarta",
               max_length=NAME_LENGTH),
        Column("budget_idr", Kind.NUMBER, Text("Budget (IDR)", "Anggaran (Rp)", "预算（印尼盾）"),
               Text("Budget in rupiah (0 or more).", "Anggaran dalam rupiah (0 atau lebih).",
                    "以印尼盾计的预算（0或以上）。"),
               minimum=0, example="150000000"),
        _description(False, "What happened.", "Uraian kegiatan.", "活动内容。"),
    ),
)

BENEFITS = Sheet(
    "benefits",
    Text("Benefits", "Manfaat", "成效"),
    Text("Measured benefits of the exchange, one indicator per row.",
         "Manfaat pertukaran yang diukur, satu indikator per baris.", "交流取得的成效，每行一个指标。"),
    columns=(
        Column("benefit_id", Kind.TEXT, Text("Benefit ID", "ID manfaat", "成效编号"),
               Text("Indicator's ID, unique within the year.", "ID indikator, unik dalam satu tahun.",
                    "指标编号，在同一年份内唯一。"),
               required=True, unique=True, example="B2019-01", max_length=ID_LENGTH),
        _year(),
        _partner_city(),
        Column("beneficiary", Kind.CATEGORY, Text("Beneficiary", "Penerima manfaat", "受益方"),
               Text("Who benefits: Jakarta, the partner city (its name is accepted) or both.",
                    "Siapa yang menerima manfaat: Jakarta, kota mitra (namanya juga diterima) atau keduanya.",
                    "受益方：雅加达、友好城市（也可填写城市名称）或两市。"),
               required=True, vocabulary=BENEFICIARY, example="Jakarta"),
        Column("level", Kind.CATEGORY, Text("Level", "Tingkat", "层面"),
               Text("Participant, organisation or city.", "Peserta, organisasi atau kota.", "参与者、机构或城市。"),
               required=True, vocabulary=LEVEL, example="Peserta"),
        Column("category", Kind.CATEGORY, Text("Category", "Kategori", "类别"),
               Text("Kind of benefit.", "Jenis manfaat.", "成效类别。"),
               required=True, vocabulary=BENEFIT_CATEGORY, example="Transfer pengetahuan"),
        Column("framework", Kind.CATEGORY, Text("Framework", "Kerangka", "框架"),
               Text("Measurement framework of the indicator.", "Kerangka pengukuran indikator.", "指标的测量框架。"),
               vocabulary=FRAMEWORK, example="Indikator lokal"),
        Column("indicator_code", Kind.TEXT, Text("Indicator code", "Kode indikator", "指标代码"),
               Text("Optional short code of the indicator (letters, digits, '-', '_', '.'), the same in every year "
                    "it is measured, so its values can be followed across years.",
                    "Kode singkat indikator (opsional; huruf, angka, '-', '_', '.'), sama di setiap tahun indikator "
                    "itu diukur, agar nilainya dapat diikuti antar tahun.",
                    "指标的简短代码（可选；字母、数字、“-”“_”“.”），在测量该指标的每一年都相同，以便跨年份跟踪其数值。"),
               example="RAY-IC-01", max_length=ID_LENGTH, pattern=CODE_PATTERN,
               once_a_year_with=("unit", "partner_city")),
        Column("indicator", Kind.TEXT, Text("Indicator", "Indikator", "指标"),
               Text("What was measured.", "Apa yang diukur.", "测量内容。"),
               required=True, example="Peserta yang melaporkan peningkatan kemampuan bahasa",
               max_length=INDICATOR_LENGTH),
        Column("value", Kind.NUMBER, Text("Value", "Nilai capaian", "指标值"),
               Text("Measured value, in the unit given.", "Nilai yang diukur, dalam satuan yang disebut.",
                    "测量值，单位见“单位”列。"),
               required=True, example="85"),
        Column("unit", Kind.CATEGORY, Text("Unit", "Satuan", "单位"),
               Text("Unit of the value.", "Satuan nilai.", "指标值的单位。"),
               required=True, vocabulary=UNIT, example="Persen"),
        _field(required=False),
        Column("activity_id", Kind.TEXT, Text("Activity ID", "ID kegiatan", "活动编号"),
               Text("Activity this benefit comes from; must exist in the activities sheet of the same year.",
                    "Kegiatan asal manfaat ini; harus ada di lembar kegiatan tahun yang sama.",
                    "成效来源的活动；必须存在于同一年份的活动表中。"),
               references=("activities", "activity_id"), example="A2019-01", max_length=ID_LENGTH),
        Column("source", Kind.CATEGORY, Text("Source", "Sumber", "来源"),
               Text("Where the value comes from.", "Asal nilai.", "数据来源。"),
               vocabulary=SOURCE, example="Survei"),
        Column("note", Kind.TEXT, Text("Note", "Catatan", "备注"),
               Text("Anything a reader should know.", "Hal yang perlu diketahui pembaca.", "读者需要了解的其他信息。"),
               max_length=NOTE_LENGTH),
    ),
)

OBSTACLES = Sheet(
    "obstacles",
    Text("Obstacles", "Hambatan", "障碍"),
    Text("What got in the way, and how it was handled (optional sheet).",
         "Apa yang menghambat dan bagaimana mengatasinya (lembar opsional).",
         "遇到的障碍及其应对方式（可选工作表）。"),
    required=False,
    columns=(
        Column("obstacle_id", Kind.TEXT, Text("Obstacle ID", "ID hambatan", "障碍编号"),
               Text("Obstacle's ID, unique within the year.", "ID hambatan, unik dalam satu tahun.",
                    "障碍编号，在同一年份内唯一。"),
               required=True, unique=True, example="H2019-01", max_length=ID_LENGTH),
        _year(),
        _partner_city(),
        Column("category", Kind.CATEGORY, Text("Category", "Kategori", "类别"),
               Text("Kind of obstacle.", "Jenis hambatan.", "障碍类别。"),
               required=True, vocabulary=OBSTACLE_CATEGORY, example="Kendala bahasa"),
        Column("severity", Kind.INTEGER, Text("Severity", "Tingkat keparahan", "严重程度"),
               Text("1 (minor) to 5 (blocking).", "1 (ringan) sampai 5 (menghambat total).",
                    "1（轻微）至5（严重阻碍）。"),
               required=True, minimum=1, maximum=5, example="3"),
        _description(True, "What happened.", "Uraian hambatan.", "障碍说明。"),
        Column("mitigation", Kind.TEXT, Text("Mitigation", "Mitigasi", "缓解措施"),
               Text("What was done about it.", "Langkah yang diambil.", "采取的措施。"),
               max_length=LONG_TEXT_LENGTH),
    ),
)

SHEETS: tuple[Sheet, ...] = (PARTICIPANTS, ACTIVITIES, BENEFITS, OBSTACLES)
SHEETS_BY_NAME: dict[str, Sheet] = {sheet.name: sheet for sheet in SHEETS}

# Age is computed on this day of the program year.
AGE_REFERENCE_MONTH_DAY = (7, 1)
MIN_AGE, MAX_AGE = 10, 99
# A date of a column marked near_program_year may fall this many calendar years before or after the program
# year without a remark (a program of 2019 may end in January 2020).
NEAR_YEARS = 1

# --------------------------------------------------------------------------
# Matching what analysts type
# --------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s_\-]+")
_HEADER_NOISE = re.compile(r"[\s_]+")


def normalize_value(text: str) -> str:
    """Category matching key: case-folded, runs of space/underscore/hyphen as one space.

    validate.py applies the same rule in SQL (``normalize_sql``); keep them equal.
    """
    return _SEPARATORS.sub(" ", text.strip()).lower().strip()


def normalize_sql(expression: str) -> str:
    """SQL twin of :func:`normalize_value`."""
    return f"trim(lower(regexp_replace(trim({expression}), '[\\s_\\-]+', ' ', 'g')))"


def normalize_header(text: str) -> str:
    """Header and sheet matching key: case, spaces and underscores ignored."""
    return _HEADER_NOISE.sub("", str(text)).lower()


def header_aliases(sheet: Sheet) -> dict[str, str]:
    """Every accepted spelling of each header of a sheet -> column name."""
    aliases: dict[str, str] = {}
    for column in sheet.columns:
        for spelling in (column.name, column.label.en, column.label.id, column.label.zh):
            aliases[normalize_header(spelling)] = column.name
    return aliases


def sheet_aliases() -> dict[str, str]:
    """Every accepted spelling of each sheet name -> sheet name."""
    aliases: dict[str, str] = {}
    for sheet in SHEETS:
        for spelling in (sheet.name, sheet.label.en, sheet.label.id, sheet.label.zh):
            aliases[normalize_header(spelling)] = sheet.name
    return aliases


def category_spellings(vocabulary: Vocabulary) -> Iterator[tuple[str, str]]:
    """(normalised spelling, code) for every accepted spelling of every category."""
    for category in vocabulary.categories:
        spellings = (category.code, category.label.en, category.label.id, category.label.zh,
                     *category.aliases)
        for spelling in spellings:
            yield normalize_value(spelling), category.code


def column_label(name: str) -> Text:
    """The label of a column by name (a name means the same in every sheet that has it)."""
    for sheet in SHEETS:
        for column in (*sheet.columns, *sheet.derived):
            if column.name == name:
                return column.label
    raise KeyError(name)


def column_letter(index: int) -> str:
    """0-based column index -> Excel column letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(frozen=True)
class Limits:
    """Bounds a workbook must stay within before it is parsed."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_uncompressed_bytes: int = 1024 * 1024 * 1024
    max_compression_ratio: int = 200
    max_zip_entries: int = 2_000
    max_rows_per_sheet: int = 1_048_576
    max_columns_per_sheet: int = 100
    max_problems: int = 10_000


DEFAULT_LIMITS = Limits()


def quote(identifier: str) -> str:
    """Quote a schema identifier for SQL (they are constants, never user input)."""
    return '"' + identifier.replace('"', '""') + '"'
