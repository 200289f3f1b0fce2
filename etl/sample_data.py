"""Deterministic generator of the bundled sample workbooks (data/sample/2017.xlsx … 2019.xlsx).

The data are illustrative: every person, name, score, budget, benefit value and
obstacle is invented. Only the public 2017 facts are real: 96 applicants, of whom 3
were selected for the Beijing Sister City Youth Camp; selection on 22–30 July 2017;
pre-departure training at the Dispora building (Gedung Dispora DKI Jakarta).

Sheets, columns and category labels all come from :mod:`etl.schema`; this module only
adds free text. Run ``python -m etl.sample_data [OUT_DIR]`` to rewrite the workbooks.
"""

from __future__ import annotations

import argparse
import io
import random
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

from etl.schema import (
    ACTIVITIES,
    ACTIVITY_TYPE,
    AGE_REFERENCE_MONTH_DAY,
    BENEFICIARY,
    BENEFIT_CATEGORY,
    BENEFITS,
    DEFAULT_PARTNER_CITY,
    DIRECTION,
    FIELD,
    FRAMEWORK,
    GENDER,
    HOST_CITY,
    INSTITUTION_TYPE,
    JAKARTA_AREAS,
    LEVEL,
    OBSTACLE_CATEGORY,
    OBSTACLES,
    ORIGIN,
    PARTICIPANTS,
    PARTNER_CITY,
    SHEETS,
    SOURCE,
    STAGE,
    STATUS,
    STATUS_STAGES,
    UNIT,
    Sheet,
    Vocabulary,
)

Row = dict[str, object]

DEFAULT_OUT_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"
LANG = "id"  # analysts fill the workbooks in Indonesian
# Fixed document timestamps and zip entry times, so regenerating gives byte-identical files.
FIXED_TIMESTAMP = datetime(2020, 1, 1, 0, 0, 0)
MIN_APPLICANT_AGE, MAX_APPLICANT_AGE = 17, 30


def _code(vocabulary: Vocabulary, code: str) -> str:
    """A category code checked against the schema, so a renamed code fails at import."""
    if code not in vocabulary.codes:
        raise ValueError(f"{code!r} is not a {vocabulary.name} code")
    return code


def _codes_map(vocabulary: Vocabulary, mapping: Mapping[str, float], subset: tuple[str, ...] = ()) -> dict:
    """Weights keyed by code; must cover exactly the vocabulary's codes (or ``subset``)."""
    expected = set(subset or vocabulary.codes)
    if set(mapping) != expected:
        raise ValueError(f"{vocabulary.name}: weights for {sorted(mapping)}, expected {sorted(expected)}")
    return dict(mapping)


# --------------------------------------------------------------------------
# Year plans
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class YearPlan:
    seed: int
    applicants: int  # outbound applicants (all stages)
    delegates: int  # outbound delegates
    reserves: int
    withdrew: int
    inbound: int  # Beijing delegates visiting Jakarta
    repeats: int  # applicants who also applied in an earlier year
    benefits: int
    obstacles: int


PLANS: dict[int, YearPlan] = {
    # 2017: 96 applicants and 3 delegates are the public facts.
    2017: YearPlan(seed=20170722, applicants=96, delegates=3, reserves=2, withdrew=1, inbound=4,
                   repeats=0, benefits=12, obstacles=5),
    2018: YearPlan(seed=20180716, applicants=118, delegates=4, reserves=3, withdrew=2, inbound=5,
                   repeats=7, benefits=16, obstacles=6),
    2019: YearPlan(seed=20190708, applicants=131, delegates=5, reserves=3, withdrew=1, inbound=6,
                   repeats=8, benefits=20, obstacles=7),
}
YEARS: tuple[int, ...] = tuple(PLANS)

# Share of the not-selected applicants stopping at each stage; decreasing, so the funnel narrows.
FUNNEL_SHARES: tuple[float, ...] = (0.36, 0.30, 0.21, 0.13)
assert len(FUNNEL_SHARES) == len(STATUS_STAGES["not_selected"])

# Scores by stage for those not chosen; delegates and reserves top the ranking whatever their stage.
SCORE_RANGES: dict[str, tuple[float, float]] = {
    _code(STAGE, "written_test"): (35.0, 70.0),
    _code(STAGE, "interview"): (55.0, 78.0),
    _code(STAGE, "selected"): (70.0, 80.0),
}
STATUS_SCORE_RANGES: dict[str, tuple[float, float]] = {
    _code(STATUS, "delegate"): (86.0, 96.0),
    _code(STATUS, "reserve"): (78.0, 86.0),
}
FIRST_SCORED_STAGE = STAGE.codes.index(_code(STAGE, "written_test"))

FIELD_WEIGHTS = _codes_map(FIELD, {
    "youth_sports": 26, "arts_culture": 24, "tourism": 14, "environment": 12,
    "urban_planning": 9, "transportation": 8, "waste_management": 7,
})
ORIGIN_WEIGHTS = _codes_map(ORIGIN, {
    "jakarta_pusat": 15, "jakarta_utara": 17, "jakarta_barat": 20, "jakarta_selatan": 22,
    "jakarta_timur": 24, "kepulauan_seribu": 2,
}, subset=JAKARTA_AREAS)
INSTITUTION_WEIGHTS = _codes_map(INSTITUTION_TYPE, {
    "high_school": 30, "university": 45, "youth_organisation": 15, "professional": 10,
})
AGE_RANGES = _codes_map(INSTITUTION_TYPE, {
    "high_school": (17, 19), "university": (18, 24), "youth_organisation": (19, 30), "professional": (23, 30),
})

# --------------------------------------------------------------------------
# Free text: fictional names and real-sounding institutions
# --------------------------------------------------------------------------

FEMALE = _code(GENDER, "female")
MALE = _code(GENDER, "male")

FIRST_NAMES = {
    FEMALE: ("Siti", "Dewi", "Putri", "Ayu", "Rina", "Nurul", "Anisa", "Fitri", "Intan", "Rahma", "Wulan",
             "Dian", "Sari", "Maya", "Indah", "Nadia", "Aulia", "Citra", "Kartika", "Melati", "Laras",
             "Salsabila", "Zahra", "Amelia", "Nabila", "Tiara", "Yuni", "Ratna", "Mega", "Annisa"),
    MALE: ("Budi", "Andi", "Agus", "Rizky", "Fajar", "Dimas", "Arief", "Bayu", "Hendra", "Yoga", "Rangga",
           "Fikri", "Ilham", "Reza", "Aditya", "Bagas", "Gilang", "Hafiz", "Irfan", "Joko", "Kevin",
           "Muhammad", "Naufal", "Rafi", "Satria", "Teguh", "Wahyu", "Yusuf", "Farhan", "Dani"),
}
LAST_NAMES = (
    "Pratama", "Wijaya", "Hidayat", "Nugroho", "Santoso", "Kusuma", "Setiawan", "Permana", "Siregar",
    "Nasution", "Lubis", "Harahap", "Wibowo", "Gunawan", "Hakim", "Ramadhan", "Maulana", "Firmansyah",
    "Kurniawan", "Halim", "Tanjung", "Sinaga", "Manurung", "Suryadi", "Hasibuan", "Batubara", "Sembiring",
    "Tarigan", "Simatupang", "Rahman", "Syahputra", "Effendi", "Haryanto", "Sutanto", "Wirawan",
    "Purnomo", "Hartono", "Salim", "Saragih", "Pohan",
)
PINYIN_SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu",
                   "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo")
PINYIN_GIVEN = {
    FEMALE: ("Xiaomei", "Jingyi", "Yuxin", "Ruoxi", "Mengyao", "Siqi", "Xinyi", "Yutong", "Jiayi",
             "Wanting"),
    MALE: ("Haoran", "Zihan", "Yuhang", "Junjie", "Zhiyuan", "Tianyu", "Mingxuan", "Jiahao", "Bowen",
           "Yifan"),
}

INSTITUTIONS = _codes_map(INSTITUTION_TYPE, {
    "high_school": ("SMA Negeri 8 Jakarta", "SMA Negeri 68 Jakarta", "SMA Negeri 70 Jakarta",
                    "SMA Negeri 28 Jakarta", "SMK Negeri 27 Jakarta", "SMA Negeri 13 Jakarta",
                    "SMK Negeri 57 Jakarta", "SMA Negeri 81 Jakarta", "MAN 4 Jakarta",
                    "SMA Negeri 69 Jakarta"),
    "university": ("Universitas Indonesia", "Universitas Negeri Jakarta", "Universitas Trisakti",
                   "Universitas Tarumanagara", "UIN Syarif Hidayatullah Jakarta",
                   "UPN Veteran Jakarta", "Universitas Bina Nusantara", "Universitas Katolik Atma Jaya",
                   "Politeknik Negeri Jakarta", "Universitas Muhammadiyah Prof. Dr. Hamka",
                   "Universitas Pancasila", "Universitas Al Azhar Indonesia"),
    "youth_organisation": ("Karang Taruna {area}", "KNPI DKI Jakarta", "Kwartir Daerah Pramuka DKI Jakarta",
                           "Forum Anak Jakarta", "Relawan PMI {area}", "Komunitas Peduli Sampah {area}",
                           "Paskibraka DKI Jakarta"),
    "professional": ("PT MRT Jakarta", "PT Transportasi Jakarta", "Bank DKI", "PT Pembangunan Jaya Ancol",
                     "Konsultan perencanaan kota", "Wiraswasta", "Biro perjalanan wisata",
                     "Lembaga swadaya masyarakat lingkungan"),
})
# Weighted by repetition: most Beijing delegates are students.
INBOUND_INSTITUTION_TYPES = tuple(
    _code(INSTITUTION_TYPE, code)
    for code in ("university", "university", "youth_organisation", "professional")
)
INBOUND_INSTITUTIONS = _codes_map(INSTITUTION_TYPE, {
    "university": ("Tsinghua University", "Peking University", "Beijing Normal University",
                   "Beijing Foreign Studies University", "Beijing Sport University"),
    "youth_organisation": ("Beijing Youth Federation", "Beijing Youth Volunteers Association"),
    "professional": ("Beijing Tourism Group", "Beijing Public Transport Corporation"),
}, subset=tuple(sorted(set(INBOUND_INSTITUTION_TYPES))))

# --------------------------------------------------------------------------
# Activities: free text per year; codes checked against the schema
# --------------------------------------------------------------------------

OUT = "outbound delegates"  # participants_jakarta placeholder: the year's outbound delegates
IN = "inbound delegates"  # participants_partner placeholder: the year's Beijing delegates


@dataclass(frozen=True)
class ActivitySpec:
    key: str  # stable handle that benefits refer to
    title: str
    type: str
    field: str
    host: str
    start: date
    days: int
    jakarta: int | str
    partner: int | str
    organizer: str
    budget: int | None
    description: str

    def __post_init__(self) -> None:
        _code(ACTIVITY_TYPE, self.type)
        _code(FIELD, self.field)
        _code(HOST_CITY, self.host)


def _act(key: str, title: str, type_: str, field: str, host: str, start: str, days: int,
         jakarta: int | str, partner: int | str, organizer: str, budget: int | None,
         description: str) -> ActivitySpec:
    return ActivitySpec(key, title, type_, field, host, date.fromisoformat(start), days, jakarta, partner,
                        organizer, budget, description)


_DISPORA = "Dispora DKI Jakarta"
_BEIJING_GOV = "Pemerintah Kota Beijing"

ACTIVITY_SPECS: dict[int, tuple[ActivitySpec, ...]] = {
    2017: (
        _act("predeparture", "Pembekalan pra-keberangkatan delegasi Youth Camp", "pre_departure",
             "youth_sports", "jakarta", "2017-08-07", 3, OUT, 0, _DISPORA, 35_000_000,
             "Pembekalan di Gedung Dispora DKI Jakarta setelah seleksi 22–30 Juli 2017: protokol, "
             "presentasi budaya Betawi dan persiapan materi forum."),
        _act("language", "Kelas bahasa Mandarin dasar untuk delegasi", "language_class", "arts_culture",
             "jakarta", "2017-08-10", 2, OUT, 0, _DISPORA, 6_000_000,
             "Percakapan sehari-hari dan perkenalan diri dalam bahasa Mandarin."),
        _act("camp", "Beijing Sister City Youth Camp 2017", "cultural_visit", "youth_sports", "partner_city",
             "2017-08-15", 10, OUT, 45, _BEIJING_GOV, 150_000_000,
             "Perkemahan pemuda kota-kota kembar Beijing; tiket pesawat delegasi ditanggung Pemprov DKI."),
        _act("forum", "International Youth Forum Beijing 2017", "forum", "environment", "partner_city",
             "2017-08-18", 2, OUT, 120, _BEIJING_GOV, None,
             "Delegasi Jakarta mempresentasikan gerakan pemuda untuk lingkungan di Jakarta."),
        _act("heritage", "Kunjungan budaya ke Tembok Besar dan Kota Terlarang", "cultural_visit", "tourism",
             "partner_city", "2017-08-20", 1, OUT, 45, _BEIJING_GOV, None,
             "Pengenalan sejarah dan pengelolaan destinasi wisata warisan budaya."),
        _act("campus", "Kunjungan kampus Tsinghua University", "campus_visit", "urban_planning",
             "partner_city", "2017-08-21", 1, OUT, 20, "Tsinghua University", None,
             "Diskusi dengan mahasiswa arsitektur tentang perencanaan kota Beijing."),
        _act("iyp", "International Youth Program Jakarta 2017", "forum", "youth_sports", "jakarta",
             "2017-10-23", 6, 40, IN, _DISPORA, 275_000_000,
             "Program pemuda internasional di Jakarta yang diikuti delegasi Beijing."),
        _act("official", "Audiensi delegasi Beijing di Balai Kota Jakarta", "official_meeting",
             "youth_sports", "jakarta", "2017-10-23", 1, 10, IN, "Biro Kerja Sama Daerah DKI Jakarta",
             5_000_000, "Penyambutan resmi delegasi dan penyerahan cendera mata."),
        _act("oldtown", "Kunjungan delegasi Beijing ke Kota Tua Jakarta", "cultural_visit", "arts_culture",
             "jakarta", "2017-10-24", 1, 12, IN, _DISPORA, 8_000_000,
             "Museum Fatahillah, Museum Wayang dan pertunjukan tari Betawi."),
        _act("transport", "Diskusi transportasi perkotaan bersama PT MRT Jakarta", "workshop",
             "transportation", "jakarta", "2017-10-25", 1, 20, IN, "PT MRT Jakarta", 4_000_000,
             "Paparan pembangunan MRT Jakarta dan pengalaman kereta bawah tanah Beijing."),
        _act("waste", "Lokakarya pengelolaan sampah berbasis komunitas", "workshop", "waste_management",
             "jakarta", "2017-10-26", 1, 25, IN, "Dinas Lingkungan Hidup DKI Jakarta", 7_500_000,
             "Praktik bank sampah di kelurahan dan pemilahan sampah di sumber."),
        _act("beach", "Aksi bersih pantai Pulau Pramuka, Kepulauan Seribu", "community_service",
             "environment", "jakarta", "2017-10-27", 1, 30, IN, _DISPORA, 12_000_000,
             "Bersih pantai dan penanaman mangrove bersama karang taruna setempat."),
        _act("sports", "Pertandingan persahabatan bulu tangkis pemuda Jakarta–Beijing", "sports",
             "youth_sports", "jakarta", "2017-10-28", 1, 16, IN, _DISPORA, 6_000_000,
             "Pertandingan ganda campuran dengan tim gabungan kedua kota."),
    ),
    2018: (
        _act("predeparture", "Pembekalan pra-keberangkatan delegasi 2018", "pre_departure", "youth_sports",
             "jakarta", "2018-07-23", 3, OUT, 0, _DISPORA, 40_000_000,
             "Pembekalan di Gedung Dispora DKI Jakarta: protokol, keamanan perjalanan, materi forum."),
        _act("language", "Kelas bahasa Mandarin intensif", "language_class", "arts_culture", "jakarta",
             "2018-07-26", 3, OUT, 0, _DISPORA, 9_000_000,
             "Tiga sesi percakapan dengan pengajar penutur asli."),
        _act("camp", "Beijing Sister City Youth Camp 2018", "cultural_visit", "youth_sports", "partner_city",
             "2018-08-06", 10, OUT, 50, _BEIJING_GOV, 180_000_000,
             "Perkemahan pemuda kota-kota kembar Beijing dengan tema kota layak huni."),
        _act("forum", "International Youth Forum Beijing 2018", "forum", "urban_planning", "partner_city",
             "2018-08-09", 2, OUT, 130, _BEIJING_GOV, None,
             "Delegasi Jakarta mempresentasikan penataan ruang publik terpadu ramah anak."),
        _act("ecocity", "Lokakarya kota ramah lingkungan di Tianjin Eco-City", "workshop", "environment",
             "other", "2018-08-12", 1, OUT, 30, _BEIJING_GOV, None,
             "Kunjungan studi ke kawasan kota ekologis di Tianjin."),
        _act("museum", "Kunjungan ke Museum Perencanaan Kota Beijing", "cultural_visit", "urban_planning",
             "partner_city", "2018-08-11", 1, OUT, 50, _BEIJING_GOV, None,
             "Maket kota dan sejarah rencana induk Beijing."),
        _act("campus", "Kunjungan kampus Beijing Normal University", "campus_visit", "arts_culture",
             "partner_city", "2018-08-13", 1, OUT, 25, "Beijing Normal University", None,
             "Kelas kaligrafi dan diskusi dengan mahasiswa."),
        _act("recycling", "Studi banding fasilitas daur ulang di Beijing", "workshop", "waste_management",
             "partner_city", "2018-08-14", 1, OUT, 15, _BEIJING_GOV, None,
             "Pengolahan sampah organik dan sistem pemilahan di permukiman."),
        _act("iyp", "International Youth Program Jakarta 2018", "forum", "youth_sports", "jakarta",
             "2018-11-05", 6, 45, IN, _DISPORA, 310_000_000,
             "Program pemuda internasional di Jakarta yang diikuti delegasi Beijing."),
        _act("official", "Pertemuan resmi delegasi Beijing dengan Dispora DKI Jakarta", "official_meeting",
             "youth_sports", "jakarta", "2018-11-05", 1, 8, IN, _DISPORA, 4_000_000,
             "Pembahasan rencana pertukaran pemuda tahun berikutnya."),
        _act("sports", "Kunjungan ke Gelora Bung Karno dan latihan bersama atlet muda", "sports",
             "youth_sports", "jakarta", "2018-11-06", 1, 20, IN, _DISPORA, 10_000_000,
             "Tur fasilitas olahraga dan latihan bersama atlet pelajar."),
        _act("transport", "Diskusi integrasi TransJakarta dan MRT Jakarta", "workshop", "transportation",
             "jakarta", "2018-11-07", 1, 20, IN, "PT Transportasi Jakarta", 5_000_000,
             "Integrasi tarif dan halte; perbandingan dengan sistem kartu transportasi Beijing."),
        _act("betawi", "Kunjungan budaya ke Perkampungan Budaya Betawi Setu Babakan", "cultural_visit",
             "arts_culture", "jakarta", "2018-11-08", 1, 15, IN, _DISPORA, 9_000_000,
             "Kuliner, musik gambang kromong dan rumah adat Betawi."),
        _act("school", "Kunjungan sekolah ke SMA Negeri 8 Jakarta", "campus_visit", "arts_culture",
             "jakarta", "2018-11-08", 1, 60, IN, "SMA Negeri 8 Jakarta", 2_000_000,
             "Kelas bersama dan pertunjukan seni siswa."),
        _act("mangrove", "Penanaman mangrove di Taman Wisata Alam Angke Kapuk", "community_service",
             "environment", "jakarta", "2018-11-09", 1, 35, IN, "Dinas Lingkungan Hidup DKI Jakarta",
             11_000_000, "Penanaman 500 bibit mangrove bersama komunitas pesisir."),
        _act("islands", "Tur wisata Kepulauan Seribu bersama delegasi Beijing", "cultural_visit", "tourism",
             "jakarta", "2018-11-10", 1, 15, IN, "Dinas Pariwisata DKI Jakarta", 14_000_000,
             "Promosi destinasi wisata bahari Jakarta."),
    ),
    2019: (
        _act("predeparture", "Pembekalan pra-keberangkatan delegasi 2019", "pre_departure", "youth_sports",
             "jakarta", "2019-07-15", 3, OUT, 0, _DISPORA, 45_000_000,
             "Pembekalan di Gedung Dispora DKI Jakarta: protokol, diplomasi publik, materi forum."),
        _act("language", "Kelas bahasa Mandarin untuk delegasi 2019", "language_class", "arts_culture",
             "jakarta", "2019-07-18", 3, OUT, 0, _DISPORA, 9_000_000,
             "Percakapan dasar dan istilah transportasi dalam bahasa Mandarin."),
        _act("camp", "Beijing Sister City Youth Camp 2019", "cultural_visit", "youth_sports", "partner_city",
             "2019-07-29", 10, OUT, 55, _BEIJING_GOV, 200_000_000,
             "Perkemahan pemuda kota-kota kembar Beijing dengan tema kota hijau."),
        _act("forum", "International Youth Forum Beijing 2019", "forum", "transportation", "partner_city",
             "2019-08-01", 2, OUT, 140, _BEIJING_GOV, None,
             "Delegasi Jakarta mempresentasikan integrasi transportasi umum Jakarta."),
        _act("expo", "Kunjungan ke Beijing International Horticultural Exhibition 2019", "cultural_visit",
             "environment", "partner_city", "2019-08-03", 1, OUT, 55, _BEIJING_GOV, None,
             "Paviliun taman kota dan teknologi ruang terbuka hijau."),
        _act("wushu", "Kelas wushu bersama pemuda Beijing", "sports", "youth_sports", "partner_city",
             "2019-08-04", 1, OUT, 30, "Beijing Sport University", None,
             "Latihan dasar wushu dan pertandingan persahabatan."),
        _act("campus", "Kunjungan kampus Peking University", "campus_visit", "urban_planning",
             "partner_city", "2019-08-05", 1, OUT, 20, "Peking University", None,
             "Diskusi kota kompak dan hunian vertikal dengan mahasiswa."),
        _act("transit", "Pertemuan dengan pejabat transportasi Kota Beijing", "official_meeting",
             "transportation", "partner_city", "2019-08-06", 1, OUT, 6, _BEIJING_GOV, None,
             "Paparan sistem kartu terpadu dan pengelolaan bus listrik."),
        _act("iyp", "International Youth Program Jakarta 2019", "forum", "youth_sports", "jakarta",
             "2019-10-14", 6, 50, IN, _DISPORA, 325_000_000,
             "Program pemuda internasional di Jakarta yang diikuti delegasi Beijing."),
        _act("official", "Audiensi delegasi Beijing di Balai Kota Jakarta", "official_meeting",
             "youth_sports", "jakarta", "2019-10-14", 1, 10, IN, "Biro Kerja Sama Daerah DKI Jakarta",
             5_000_000, "Penyambutan resmi delegasi."),
        _act("bahasa", "Kelas bahasa Indonesia untuk delegasi Beijing", "language_class", "arts_culture",
             "jakarta", "2019-10-14", 2, 4, IN, _DISPORA, 3_000_000,
             "Ungkapan sehari-hari dan pengenalan budaya Indonesia."),
        _act("oldtown", "Diskusi revitalisasi kawasan Kota Tua dan trotoar Sudirman–Thamrin", "workshop",
             "urban_planning", "jakarta", "2019-10-15", 1, 25, IN, "Dinas Bina Marga DKI Jakarta",
             6_000_000, "Penataan ruang pejalan kaki dan cagar budaya."),
        _act("landfill", "Studi lapangan pengelolaan sampah di TPST Bantargebang, Bekasi", "workshop",
             "waste_management", "other", "2019-10-16", 1, 20, IN, "Dinas Lingkungan Hidup DKI Jakarta",
             8_000_000, "Pengolahan sampah menjadi energi dan tantangan kapasitas TPST."),
        _act("school", "Kunjungan sekolah ke SMK Negeri 27 Jakarta", "campus_visit", "arts_culture",
             "jakarta", "2019-10-17", 1, 50, IN, "SMK Negeri 27 Jakarta", 2_500_000,
             "Praktik kerja siswa dan pertunjukan seni."),
        _act("river", "Aksi bersih Sungai Ciliwung bersama komunitas", "community_service", "environment",
             "jakarta", "2019-10-18", 1, 40, IN, _DISPORA, 10_000_000,
             "Bersih sungai dan edukasi warga bantaran."),
        _act("heritage", "Tur wisata sejarah Jakarta", "cultural_visit", "tourism", "jakarta", "2019-10-19",
             1, 15, IN, "Dinas Pariwisata DKI Jakarta", 12_000_000,
             "Monas, Masjid Istiqlal, Gereja Katedral dan Pasar Baru."),
        _act("funrun", "Fun run pemuda Jakarta–Beijing di Car Free Day Sudirman–Thamrin", "sports",
             "youth_sports", "jakarta", "2019-10-20", 1, 80, IN, _DISPORA, 15_000_000,
             "Lari 5 km bersama komunitas lari Jakarta."),
    ),
}

# --------------------------------------------------------------------------
# Benefits and obstacles: pools of free text; each year draws from them
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class BenefitSpec:
    category: str
    level: str
    beneficiary: str
    framework: str | None
    unit: str
    low: float
    high: float
    source: str | None
    activity: str | None  # ActivitySpec.key
    field: str | None
    indicator: str
    note: str | None = None
    # OUT or IN when a percent is a share of that year's few delegates (so 3 delegates give 66.7, not 78).
    population: str | None = None

    def __post_init__(self) -> None:
        _code(BENEFIT_CATEGORY, self.category)
        _code(LEVEL, self.level)
        _code(BENEFICIARY, self.beneficiary)
        _code(UNIT, self.unit)
        for vocabulary, code in ((FRAMEWORK, self.framework), (SOURCE, self.source), (FIELD, self.field)):
            if code is not None:
                _code(vocabulary, code)


B = BenefitSpec
_FRAMEWORK_PREFIX = {"kc2018": "KC", "ray": "RAY", "local": "LOK"}
_CATEGORY_ABBREVIATION = {"knowledge_transfer": "KT", "intercultural": "IC", "skills": "SK", "network": "NW",
                          "follow_up": "FU", "policy": "PO", "city_image": "CI"}


def indicator_code(spec: BenefitSpec) -> str:
    """A stable code per indicator of the pool (e.g. RAY-IC-01), the same in every year it is measured."""
    same = [other for other in BENEFIT_POOL if (other.framework, other.category) == (spec.framework, spec.category)]
    return f"{_FRAMEWORK_PREFIX[spec.framework or 'local']}-{_CATEGORY_ABBREVIATION[spec.category]}-" \
           f"{same.index(spec) + 1:02d}"


BENEFIT_POOL: tuple[BenefitSpec, ...] = (
    B("knowledge_transfer", "participant", "jakarta", "kc2018", "percent", 70, 95, "survey", "camp", None,
      "Delegasi yang menerapkan pengetahuan dari Beijing dalam kegiatan organisasinya", population=OUT),
    B("knowledge_transfer", "organisation", "jakarta", "local", "count", 2, 6, "report", None,
      "waste_management", "Praktik pengelolaan sampah Beijing yang dibahas dalam rapat kerja dinas"),
    B("knowledge_transfer", "city", "jakarta", "local", "count", 1, 3, "report", "forum", "urban_planning",
      "Rekomendasi forum pemuda yang dikutip dalam dokumen perencanaan"),
    B("knowledge_transfer", "participant", "jakarta", "kc2018", "score", 3.5, 4.5, "survey", "campus", None,
      "Pemahaman peserta tentang pengelolaan kota Beijing (skala 1–5)"),
    B("intercultural", "participant", "both", "ray", "score", 3.6, 4.7, "survey", "camp", None,
      "Pemahaman peserta tentang budaya kota mitra (skala 1–5)"),
    B("intercultural", "participant", "partner_city", "ray", "percent", 75, 98, "survey", "iyp", None,
      "Delegasi Beijing yang menilai kunjungan ke Jakarta memperluas wawasan budayanya", population=IN),
    B("intercultural", "participant", "jakarta", "kc2018", "percent", 60, 90, "interview", "language", None,
      "Peserta yang lebih percaya diri berkomunikasi dengan penutur bahasa Mandarin", population=OUT),
    B("skills", "participant", "jakarta", "kc2018", "score", 3.4, 4.6, "survey", "predeparture", None,
      "Kemampuan presentasi di depan publik setelah pembekalan (skala 1–5)"),
    B("skills", "participant", "jakarta", "kc2018", "percent", 55, 85, "survey", "language", None,
      "Peserta yang mampu bercakap-cakap dasar dalam bahasa Mandarin", population=OUT),
    B("skills", "participant", "both", "ray", "percent", 65, 92, "survey", "forum", None,
      "Peserta yang melaporkan peningkatan kerja sama tim lintas negara"),
    B("skills", "participant", "jakarta", "kc2018", "percent", 60, 90, "survey", "camp", "youth_sports",
      "Peserta yang menilai kemampuan kepemimpinannya meningkat (penilaian diri)", population=OUT),
    B("network", "participant", "both", "ray", "count", 10, 40, "survey", "camp", None,
      "Kontak pemuda kota mitra yang masih aktif enam bulan setelah kegiatan"),
    B("network", "organisation", "jakarta", "local", "count", 2, 8, "report", "iyp", "youth_sports",
      "Organisasi kepemudaan Jakarta yang terhubung dengan mitra di Beijing"),
    B("network", "organisation", "both", "local", "count", 1, 4, "interview", None, None,
      "Kegiatan bersama komunitas alumni kedua kota", "Dihitung dari laporan alumni."),
    B("network", "organisation", "partner_city", "local", "count", 1, 4, "interview", "camp", None,
      "Lembaga di Beijing yang berminat bermitra dengan organisasi Jakarta"),
    B("follow_up", "city", "both", "local", "count", 1, 3, "report", None, None,
      "Rencana kerja sama lanjutan yang disepakati kedua kota"),
    B("follow_up", "organisation", "jakarta", "local", "count", 1, 5, "report", None, None,
      "Kegiatan lanjutan yang diselenggarakan alumni di wilayah asal"),
    B("follow_up", "city", "jakarta", "local", "idr", 50_000_000, 250_000_000, "report", "iyp", None,
      "Ko-pendanaan dari mitra untuk kegiatan lanjutan", "Nilai dibulatkan ke juta rupiah."),
    B("policy", "city", "jakarta", "local", "count", 1, 2, "report", None, "environment",
      "Usulan program lingkungan hidup yang diadopsi dari praktik Beijing"),
    B("policy", "organisation", "jakarta", "local", "count", 1, 3, "interview", "predeparture",
      "youth_sports",
      "Perbaikan mekanisme seleksi yang diterapkan Dispora pada tahun berikutnya"),
    B("policy", "city", "jakarta", "local", "count", 1, 2, "report", None, "transportation",
      "Gagasan integrasi transportasi dari Beijing yang dibahas bersama dinas terkait"),
    B("city_image", "city", "jakarta", "local", "count", 5, 25, "report", "iyp", "tourism",
      "Liputan media tentang Jakarta selama program"),
    B("city_image", "city", "partner_city", "local", "percent", 70, 95, "survey", "iyp", "tourism",
      "Delegasi Beijing yang berminat kembali berkunjung ke Jakarta", population=IN),
    B("city_image", "city", "both", "ray", "score", 3.8, 4.8, "survey", "forum", None,
      "Citra Jakarta di mata peserta internasional (skala 1–5)"),
    B("city_image", "city", "jakarta", "local", "idr", 20_000_000, 80_000_000, None, None, "tourism",
      "Nilai promosi pariwisata Jakarta di media Beijing (setara iklan)", "Perkiraan panitia."),
)
del B


@dataclass(frozen=True)
class ObstacleSpec:
    category: str
    low: int
    high: int
    description: str
    mitigation: str

    def __post_init__(self) -> None:
        _code(OBSTACLE_CATEGORY, self.category)


Ob = ObstacleSpec
OBSTACLE_POOL: tuple[ObstacleSpec, ...] = (
    Ob("language", 3, 4,
       "Kemampuan bahasa Mandarin delegasi terbatas; diskusi forum bergantung pada penerjemah.",
       "Kelas bahasa Mandarin ditambahkan dalam pembekalan; panitia Beijing menyediakan pendamping."),
    Ob("language", 2, 3,
       "Sebagian materi kunjungan hanya tersedia dalam bahasa Mandarin.",
       "Delegasi menyusun glosarium istilah bersama pendamping."),
    Ob("budget", 3, 5,
       "Anggaran perjalanan hanya cukup untuk sedikit delegasi sehingga kuota tidak dapat ditambah.",
       "Mengusulkan tambahan anggaran pada APBD perubahan dan menjajaki sponsor."),
    Ob("budget", 2, 4,
       "Pencairan anggaran kegiatan terlambat dari jadwal.",
       "Kebutuhan mendesak dibiayai dari pos anggaran rutin Dispora."),
    Ob("bureaucracy", 3, 4,
       "Koordinasi Dispora dan Biro Kerja Sama Daerah memerlukan surat-menyurat berulang.",
       "Dibentuk grup koordinasi bersama dengan rapat mingguan menjelang keberangkatan."),
    Ob("schedule", 2, 4,
       "Jarak antara pengumuman hasil seleksi dan keberangkatan kurang dari tiga minggu.",
       "Jadwal seleksi tahun berikutnya dimajukan."),
    Ob("schedule", 2, 3,
       "Jadwal kegiatan berbenturan dengan masa ujian sebagian peserta.",
       "Surat dispensasi dari Dispora dikirim ke sekolah dan kampus peserta."),
    Ob("outreach", 3, 4,
       "Informasi pendaftaran terutama tersebar lewat media sosial; pendaftar dari Kepulauan Seribu "
       "sangat sedikit.",
       "Sosialisasi langsung ke sekolah dan karang taruna di setiap wilayah."),
    Ob("cultural", 1, 3,
       "Kebiasaan makan berbeda; kebutuhan makanan halal perlu diatur khusus.",
       "Daftar kebutuhan makanan peserta dikirim ke panitia Beijing sebelum kedatangan."),
    Ob("cultural", 1, 2,
       "Delegasi Beijing perlu menyesuaikan diri dengan cuaca panas dan kepadatan lalu lintas.",
       "Jadwal kunjungan lapangan dibuat lebih longgar dengan waktu istirahat."),
    Ob("travel", 2, 4,
       "Pengurusan paspor dinas dan visa memakan waktu lebih lama dari perkiraan.",
       "Dokumen diajukan segera setelah delegasi ditetapkan, dengan surat pengantar Pemprov DKI."),
)
del Ob

# --------------------------------------------------------------------------
# Applicants (cached per year, because later years re-use earlier applicants)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    full_name: str
    gender: str
    birth_date: date
    origin: str
    institution_type: str
    institution: str


@dataclass(frozen=True)
class Applicant:
    person: Person
    field: str
    stage: str
    status: str
    score: float | None


def _rng(year: int, part: str) -> random.Random:
    # One stream per part of the year, so editing one sheet's generator leaves the others unchanged.
    return random.Random(f"{PLANS[year].seed}:{part}")


def age_on_reference_day(birth_date: date, year: int) -> int:
    """Age on 1 July of the program year (the schema's reference day)."""
    month, day = AGE_REFERENCE_MONTH_DAY
    return year - birth_date.year - ((month, day) < (birth_date.month, birth_date.day))


def _birth_date(rng: random.Random, year: int, age: int) -> date:
    month, day = AGE_REFERENCE_MONTH_DAY
    latest = date(year - age, month, day)
    return latest - timedelta(days=rng.randrange(365))


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _covering(rng: random.Random, n: int, weights: Mapping[str, float]) -> list[str]:
    """n weighted draws that include every code at least once (n ≥ number of codes)."""
    draws = list(weights) + [_weighted(rng, weights) for _ in range(n - len(weights))]
    rng.shuffle(draws)
    return draws


def _institution(rng: random.Random, institution_type: str, origin: str) -> str:
    return rng.choice(INSTITUTIONS[institution_type]).format(area=ORIGIN.label(origin, LANG))


def _unique_name(rng: random.Random, gender: str, taken: set[str]) -> str:
    while True:
        parts = [rng.choice(FIRST_NAMES[gender])]
        if rng.random() < 0.35:
            parts.append(rng.choice(FIRST_NAMES[gender]))
        parts.append(rng.choice(LAST_NAMES))
        name = " ".join(dict.fromkeys(parts))  # no "Dewi Dewi"
        if name not in taken:
            taken.add(name)
            return name


def _names_before(year: int) -> set[str]:
    """Every name used in earlier years, so only deliberate repeats share a name."""
    names: set[str] = set()
    for earlier in YEARS[: YEARS.index(year)]:
        names.update(applicant.person.full_name for applicant in _outbound(earlier))
        names.update(person.full_name for person in _inbound(earlier))
    return names


def _repeat_people(rng: random.Random, year: int) -> list[Person]:
    """Applicants of the previous year who try again (not its delegates, still young enough)."""
    index = YEARS.index(year)
    if index == 0 or PLANS[year].repeats == 0:
        return []
    delegate = _code(STATUS, "delegate")
    candidates = [
        applicant.person for applicant in _outbound(YEARS[index - 1])
        if applicant.status != delegate
        and age_on_reference_day(applicant.person.birth_date, year) <= MAX_APPLICANT_AGE
    ]
    people = rng.sample(candidates, PLANS[year].repeats)
    high_school, university = _code(INSTITUTION_TYPE, "high_school"), _code(INSTITUTION_TYPE, "university")
    for i, person in enumerate(people):
        # A pupil who applied last year has usually moved on to university since.
        if person.institution_type == high_school and age_on_reference_day(person.birth_date, year) >= 18:
            people[i] = replace(person, institution_type=university,
                                institution=_institution(rng, university, person.origin))
    return people


def _new_people(rng: random.Random, year: int, n: int, taken: set[str]) -> list[Person]:
    genders = [FEMALE if rng.random() < 0.52 else MALE for _ in range(n)]
    origins = _covering(rng, n, ORIGIN_WEIGHTS)
    types = _covering(rng, n, INSTITUTION_WEIGHTS)
    people = []
    for gender, origin, institution_type in zip(genders, origins, types, strict=True):
        low, high = AGE_RANGES[institution_type]
        people.append(Person(
            full_name=_unique_name(rng, gender, taken),
            gender=gender,
            birth_date=_birth_date(rng, year, rng.randint(low, high)),
            origin=origin,
            institution_type=institution_type,
            institution=_institution(rng, institution_type, origin),
        ))
    return people


def _split(total: int, shares: tuple[float, ...]) -> list[int]:
    counts = [int(total * share) for share in shares]
    for i in range(total - sum(counts)):  # remainder to the earliest stages keeps the funnel decreasing
        counts[i % len(counts)] += 1
    return counts


def _outcomes(rng: random.Random, plan: YearPlan) -> list[tuple[str, str]]:
    """(status, stage_reached) for every outbound applicant, in random order."""
    delegate, reserve, withdrew, not_selected = (
        _code(STATUS, code) for code in ("delegate", "reserve", "withdrew", "not_selected"))
    outcomes = [(delegate, _code(STAGE, "selected"))] * plan.delegates
    outcomes += [(reserve, rng.choice(STATUS_STAGES[reserve])) for _ in range(plan.reserves)]
    # Withdrawals happen after passing at least the administrative screening.
    outcomes += [(withdrew, rng.choice(STAGE.codes[1:4])) for _ in range(plan.withdrew)]
    rest = plan.applicants - len(outcomes)
    for stage, count in zip(STATUS_STAGES[not_selected], _split(rest, FUNNEL_SHARES), strict=True):
        outcomes += [(not_selected, stage)] * count
    rng.shuffle(outcomes)
    return outcomes


def _score(rng: random.Random, status: str, stage: str) -> float | None:
    if STAGE.codes.index(stage) < FIRST_SCORED_STAGE:
        return None
    low, high = STATUS_SCORE_RANGES.get(status) or SCORE_RANGES[stage]
    return round(rng.uniform(low, high), 1)


@cache
def _outbound(year: int) -> tuple[Applicant, ...]:
    """Outbound applicants of a year in registration order."""
    plan = PLANS[year]
    rng = _rng(year, "participants")
    taken = _names_before(year)
    repeats = _repeat_people(rng, year)
    people = repeats + _new_people(rng, year, plan.applicants - len(repeats), taken)
    rng.shuffle(people)
    fields = _covering(rng, len(people), FIELD_WEIGHTS)
    return tuple(
        Applicant(person, field, stage, status, _score(rng, status, stage))
        for person, field, (status, stage) in zip(people, fields, _outcomes(rng, plan), strict=True)
    )


@cache
def _inbound(year: int) -> tuple[Person, ...]:
    rng = _rng(year, "inbound")
    taken = {person.full_name for earlier in YEARS[: YEARS.index(year)] for person in _inbound(earlier)}
    people = []
    for _ in range(PLANS[year].inbound):
        gender = rng.choice((FEMALE, MALE))
        while True:
            name = f"{rng.choice(PINYIN_SURNAMES)} {rng.choice(PINYIN_GIVEN[gender])}"
            if name not in taken:
                taken.add(name)
                break
        institution_type = rng.choice(INBOUND_INSTITUTION_TYPES)
        people.append(Person(name, gender, _birth_date(rng, year, rng.randint(19, 28)),
                             _code(ORIGIN, "partner_city"), institution_type,
                             rng.choice(INBOUND_INSTITUTIONS[institution_type])))
    return tuple(people)


# --------------------------------------------------------------------------
# Rows as written to Excel
# --------------------------------------------------------------------------


class _Cells:
    """Renders category cells: Indonesian labels, except a few rows written as codes."""

    def __init__(self, rng: random.Random, n_rows: int, code_rows: int, empty_partner_rows: int):
        self.code_rows = set(rng.sample(range(n_rows), code_rows))
        self.empty_partner_rows = set(rng.sample(range(n_rows), empty_partner_rows))

    def category(self, row: int, vocabulary: Vocabulary, code: str | None) -> str | None:
        if code is None:
            return None
        if row in self.code_rows:
            return _code(vocabulary, code)
        if code == vocabulary.partner_name_code:
            return PARTNER_CITY.label(DEFAULT_PARTNER_CITY, LANG)  # "Beijing" is accepted and reads best
        return vocabulary.label(_code(vocabulary, code), LANG)

    def partner_city(self, row: int) -> str | None:
        # Empty means Beijing, so a few rows leave it blank.
        if row in self.empty_partner_rows:
            return None
        return self.category(row, PARTNER_CITY, DEFAULT_PARTNER_CITY)


def _ordered(sheet: Sheet, values: Row) -> Row:
    names = [column.name for column in sheet.columns]
    if set(values) != set(names):
        raise KeyError(f"{sheet.name}: row keys {sorted(values)} differ from the schema's {sorted(names)}")
    return {name: values[name] for name in names}


def _participant_rows(year: int) -> list[Row]:
    outbound, inbound = _outbound(year), _inbound(year)
    rng = _rng(year, "participant cells")
    cells = _Cells(rng, len(outbound) + len(inbound), code_rows=4, empty_partner_rows=5)
    entries = [(a.person, _code(DIRECTION, "outbound"), a.field, a.stage, a.status, a.score)
               for a in outbound]
    # Inbound delegates were chosen by Beijing: Jakarta holds no selection score for them.
    entries += [(person, _code(DIRECTION, "inbound"), _weighted(rng, FIELD_WEIGHTS), _code(STAGE, "selected"),
                 _code(STATUS, "delegate"), None) for person in inbound]
    rows = []
    for i, (person, direction, field, stage, status, score) in enumerate(entries):
        rows.append(_ordered(PARTICIPANTS, {
            "participant_id": f"P{year}-{i + 1:03d}",
            "year": year,
            "partner_city": cells.partner_city(i),
            "direction": cells.category(i, DIRECTION, direction),
            "full_name": person.full_name,
            "gender": cells.category(i, GENDER, person.gender),
            "birth_date": person.birth_date,
            "origin": cells.category(i, ORIGIN, person.origin),
            "institution_type": cells.category(i, INSTITUTION_TYPE, person.institution_type),
            "institution": person.institution,
            "field": cells.category(i, FIELD, field),
            "stage_reached": cells.category(i, STAGE, stage),
            "status": cells.category(i, STATUS, status),
            "score": score,
        }))
    return rows


def _activity_ids(year: int) -> dict[str, str]:
    """ActivitySpec.key -> activity_id, numbered in date order."""
    specs = sorted(ACTIVITY_SPECS[year], key=lambda spec: spec.start)
    return {spec.key: f"A{year}-{i + 1:02d}" for i, spec in enumerate(specs)}


def _activity_rows(year: int) -> list[Row]:
    plan = PLANS[year]
    specs = sorted(ACTIVITY_SPECS[year], key=lambda spec: spec.start)
    ids = _activity_ids(year)
    cells = _Cells(_rng(year, "activity cells"), len(specs), code_rows=2, empty_partner_rows=2)
    placeholders = {OUT: plan.delegates, IN: plan.inbound}
    rows = []
    for i, spec in enumerate(specs):
        rows.append(_ordered(ACTIVITIES, {
            "activity_id": ids[spec.key],
            "year": year,
            "partner_city": cells.partner_city(i),
            "title": spec.title,
            "type": cells.category(i, ACTIVITY_TYPE, spec.type),
            "field": cells.category(i, FIELD, spec.field),
            "host_city": cells.category(i, HOST_CITY, spec.host),
            "start_date": spec.start,
            "end_date": spec.start + timedelta(days=spec.days - 1),
            "participants_jakarta": placeholders.get(spec.jakarta, spec.jakarta),
            "participants_partner": placeholders.get(spec.partner, spec.partner),
            "organizer": spec.organizer,
            "budget_idr": spec.budget,
            "description": spec.description,
        }))
    return rows


def _benefit_value(rng: random.Random, spec: BenefitSpec, plan: YearPlan) -> float | int:
    value = rng.uniform(spec.low, spec.high)
    if spec.population is not None:
        n = plan.delegates if spec.population == OUT else plan.inbound
        share = min(max(round(value / 100 * n), 1), n)
        return round(100 * share / n, 1)
    if spec.unit == _code(UNIT, "idr"):
        return round(value / 1_000_000) * 1_000_000
    if spec.unit == _code(UNIT, "count"):
        return round(value)
    if spec.unit == _code(UNIT, "score"):
        return round(value, 1)
    return round(value)  # percent


def _benefit_rows(year: int) -> list[Row]:
    rng = _rng(year, "benefits")
    # One indicator of every category first, then a random fill from the rest of the pool.
    picks = [rng.choice([spec for spec in BENEFIT_POOL if spec.category == code])
             for code in BENEFIT_CATEGORY.codes]
    rest = [spec for spec in BENEFIT_POOL if spec not in picks]
    picks += rng.sample(rest, PLANS[year].benefits - len(picks))
    picks.sort(key=BENEFIT_POOL.index)
    ids = _activity_ids(year)
    cells = _Cells(rng, len(picks), code_rows=2, empty_partner_rows=2)
    rows = []
    for i, spec in enumerate(picks):
        rows.append(_ordered(BENEFITS, {
            "benefit_id": f"B{year}-{i + 1:02d}",
            "year": year,
            "partner_city": cells.partner_city(i),
            "beneficiary": cells.category(i, BENEFICIARY, spec.beneficiary),
            "level": cells.category(i, LEVEL, spec.level),
            "category": cells.category(i, BENEFIT_CATEGORY, spec.category),
            "framework": cells.category(i, FRAMEWORK, spec.framework),
            "indicator_code": indicator_code(spec),
            "indicator": spec.indicator,
            "value": _benefit_value(rng, spec, PLANS[year]),
            "unit": cells.category(i, UNIT, spec.unit),
            "field": cells.category(i, FIELD, spec.field),
            "activity_id": ids.get(spec.activity) if spec.activity else None,
            "source": cells.category(i, SOURCE, spec.source),
            "note": spec.note,
        }))
    return rows


def _obstacle_rows(year: int) -> list[Row]:
    rng = _rng(year, "obstacles")
    picks = sorted(rng.sample(OBSTACLE_POOL, PLANS[year].obstacles), key=OBSTACLE_POOL.index)
    cells = _Cells(rng, len(picks), code_rows=1, empty_partner_rows=1)
    return [
        _ordered(OBSTACLES, {
            "obstacle_id": f"H{year}-{i + 1:02d}",
            "year": year,
            "partner_city": cells.partner_city(i),
            "category": cells.category(i, OBSTACLE_CATEGORY, spec.category),
            "severity": rng.randint(spec.low, spec.high),
            "description": spec.description,
            "mitigation": spec.mitigation,
        })
        for i, spec in enumerate(picks)
    ]


_ROW_BUILDERS = {
    PARTICIPANTS.name: _participant_rows,
    ACTIVITIES.name: _activity_rows,
    BENEFITS.name: _benefit_rows,
    OBSTACLES.name: _obstacle_rows,
}


def generate_year(year: int) -> dict[str, list[dict[str, object]]]:
    """Rows of every sheet of one sample year (sheet name -> rows keyed by column name).

    Values are as written to Excel: category cells hold Indonesian labels (a few rows hold
    codes), dates are ``datetime.date``, empty cells are ``None``.
    """
    if year not in PLANS:
        raise ValueError(f"no sample data for {year}; years are {YEARS}")
    return {sheet.name: _ROW_BUILDERS[sheet.name](year) for sheet in SHEETS}


# --------------------------------------------------------------------------
# Workbooks
# --------------------------------------------------------------------------


def _stable_zip(payload: bytes, core_xml: bytes) -> bytes:
    """Re-pack an xlsx with fixed entry times and core properties, so the bytes are reproducible."""
    out = io.BytesIO()
    with (zipfile.ZipFile(io.BytesIO(payload)) as source,
          zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target):
        # [Content_Types].xml first, as Excel writes it: file-type sniffers look for it there.
        entries = sorted(source.infolist(), key=lambda entry: entry.filename != "[Content_Types].xml")
        for entry in entries:
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            info.external_attr = 0o600 << 16
            data = core_xml if entry.filename == "docProps/core.xml" else source.read(entry)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_workbook(year: int, path: Path) -> Path:
    """Write one sample workbook: one sheet per schema sheet, codes in row 1, data from row 2."""
    data = generate_year(year)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        names = [column.name for column in sheet.columns]
        worksheet.append(names)
        for row in data[sheet.name]:
            worksheet.append([row[name] for name in names])
        worksheet.freeze_panes = "A2"
        for index, name in enumerate(names, start=1):
            values = [str(row[name]) for row in data[sheet.name] if row[name] is not None]
            longest = max(map(len, [name, *values]))
            worksheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, 60)
    properties = workbook.properties
    properties.title = f"Jakarta–Beijing Youth Exchange sample data {year}"
    properties.description = ("Illustrative sample data (except the public 2017 facts); "
                              "generated by etl.sample_data.")
    properties.creator = "etl.sample_data"
    properties.created = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    workbook.save(buffer)
    # openpyxl stamps "now" as modified while saving; put the fixed time back and rewrite the core part.
    properties.modified = FIXED_TIMESTAMP
    payload = _stable_zip(buffer.getvalue(), tostring(properties.to_tree()))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")  # never leave a half-written workbook behind
    partial.write_bytes(payload)
    partial.replace(path)
    return path


def write_sample_workbooks(out_dir: Path) -> list[Path]:
    """Write ``<year>.xlsx`` for every sample year into ``out_dir``."""
    return [write_workbook(year, Path(out_dir) / f"{year}.xlsx") for year in YEARS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.sample_data", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT_DIR,
                        help=f"where to write the workbooks (default: {DEFAULT_OUT_DIR})")
    args = parser.parse_args(argv)
    for path in write_sample_workbooks(args.out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
