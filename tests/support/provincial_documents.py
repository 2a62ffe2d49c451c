"""Realistic data of the provincial evaluation's documents (src/services/evaluation/provincial_data.py),
built by hand as its services will give it: a prefecture-pooled fund over Sichuan's 21 prefectures (scores
from the 40s to the 90s, two late, one missing, indicators not met with their causes), a province-pooled
fund of one region, and 财政厅's July summary of both."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from src.services.evaluation.provincial_data import (
    ExecutionRollup,
    IndicatorShortfall,
    ProvincialAggregate,
    ProvincialReportData,
    ProvincialSummaryData,
    RegionResult,
    ScoreBand,
    SummaryFundRow,
)

PREFECTURES = (
    ("510100", "成都市"), ("510300", "自贡市"), ("510400", "攀枝花市"), ("510500", "泸州市"),
    ("510600", "德阳市"), ("510700", "绵阳市"), ("510800", "广元市"), ("510900", "遂宁市"),
    ("511000", "内江市"), ("511100", "乐山市"), ("511300", "南充市"), ("511400", "眉山市"),
    ("511500", "宜宾市"), ("511600", "广安市"), ("511700", "达州市"), ("511800", "雅安市"),
    ("511900", "巴中市"), ("512000", "资阳市"), ("513200", "阿坝藏族羌族自治州"),
    ("513300", "甘孜藏族自治州"), ("513400", "凉山彝族自治州"),
)  # fmt: skip
SCORES = (
    "96.50", "91.20", "88.00", "85.75", "93.10", "79.40", "72.30", "68.90", "58.60", "83.20", "90.00",
    "76.80", "87.45", "64.20", "81.00", "70.10", "49.75", "86.30", "62.40", "77.70", "92.80",
)  # fmt: skip
PASS_FROM = Decimal(60)
EDGES = (Decimal(0), Decimal(60), Decimal(70), Decimal(80), Decimal(90), Decimal(100))
BAND_LABELS = ("60分以下", "60–70分", "70–80分", "80–90分", "90分及以上")


def _grade(score: Decimal) -> str:
    for floor, code in ((Decimal(90), "EXCELLENT"), (Decimal(80), "GOOD"), (PASS_FROM, "FAIR")):
        if score >= floor:
            return code
    return "POOR"


def _aggregate(regions: list[RegionResult], **fields: object) -> ProvincialAggregate:
    scores = [r.total_score for r in regions if r.total_score is not None]
    bands = [
        ScoreBand(label, low, high, sum(1 for s in scores if low <= s < high or (high == 100 and s == 100)))
        for label, low, high in zip(BAND_LABELS, EDGES[:-1], EDGES[1:], strict=True)
    ]
    grades = [r.grade for r in regions]
    aggregate = ProvincialAggregate(
        fund_code="EMPLOYEE_PENSION",
        fund_name="企业职工基本养老保险基金",
        year=2025,
        pooling_level="PREFECTURE",
        expected=len(regions),
        missing=[],
        regions=regions,
        average_score=(sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None,
        highest=max(scores, default=None),
        lowest=min(scores, default=None),
        pass_from=PASS_FROM,
        grade_counts={g: grades.count(g) for g in ("EXCELLENT", "GOOD", "FAIR", "POOR")},
        score_bands=bands,
        below_pass=[r for r in regions if r.total_score is not None and r.total_score < PASS_FROM],
        shortfalls=[],
        execution=ExecutionRollup(
            Decimal("285317640000.00"),
            Decimal("291004580000.00"),
            Decimal("279876320000.55"),
            Decimal("96.18"),
        ),
    )
    return replace(aggregate, **fields)  # type: ignore[arg-type]


def prefecture_regions() -> list[RegionResult]:
    return [
        RegionResult(
            code,
            name,
            code,
            name,
            "ACCEPTED",
            Decimal(score),
            _grade(Decimal(score)),
            Decimal("97.35") - index,
            late=index in (8, 16),
        )
        for index, ((code, name), score) in enumerate(zip(PREFECTURES, SCORES, strict=True))
    ]


SHORTFALLS = [
    IndicatorShortfall(
        "产出指标", "数量指标", "基本养老保险参保人数", 21, 3, ["内江市", "巴中市", "广安市"],
        ["外出务工人员断缴增加。", "", "灵活就业人员参保意愿下降"],
    ),
    IndicatorShortfall(
        "效益指标", "社会效益指标", "养老金按时足额发放率", 21, 2, ["巴中市", "阿坝藏族羌族自治州"],
        ["部分县区经办系统切换，12月待遇延迟发放3天", "偏远乡镇网点少，社保卡激活率偏低。"],
    ),
    IndicatorShortfall(
        "满意度指标", "服务对象满意度指标", "参保对象满意度", 20, 1, ["巴中市"], ["窗口等候时间较长。"],
    ),
]  # fmt: skip


def prefecture_report(*, submitted: bool = True) -> ProvincialReportData:
    regions = prefecture_regions()
    aggregate = _aggregate(regions, expected=22, missing=["省本级"], shortfalls=SHORTFALLS)
    return ProvincialReportData(
        aggregate=aggregate,
        title="四川省2025年度企业职工基本养老保险基金预算绩效评价报告",
        preparer="四川省社会保险事业管理局",
        co_preparer="国家税务总局四川省税务局",
        recipient="四川省财政厅",
        third_party="四川省社会保险学会",
        status="SUBMITTED" if submitted else "DRAFT",
        status_label="已报送" if submitted else "草稿",
        submitted_on=date(2026, 7, 8) if submitted else None,
        approved_on=None,
        late=False,
        overview="全省企业职工基本养老保险基金实行市（州）级统筹，各市（州）按要求开展了绩效自评。",
        work="评价组于2026年6月对各市（州）报送的自评材料进行了书面审核，并对3个市（州）开展了现场核查。",
        conclusion="总体看，全省基金运行平稳，绩效目标基本完成，部分地区参保扩面和待遇发放仍有差距。",
        analysis="",
        problems="一是部分地区参保扩面进展缓慢。\n二是个别地区待遇发放不够及时。",
        suggestions="加强参保扩面工作，完善经办系统切换应急预案。",
        other="",
    )


def province_report() -> ProvincialReportData:
    """A province-pooled fund (统收统支): the province its one region, no prefecture chart."""
    region = RegionResult(
        "510000", "四川省", "", "", "ACCEPTED", Decimal("84.60"), "GOOD", Decimal("95.20"), late=False
    )
    execution = ExecutionRollup(
        Decimal("5300000000"), Decimal("5300000000"), Decimal("5045600000"), Decimal("95.20")
    )
    aggregate = _aggregate(
        [region],
        fund_code="WORK_INJURY",
        fund_name="工伤保险基金",
        pooling_level="PROVINCIAL_UNIFIED",
        execution=execution,
    )
    return replace(
        prefecture_report(),
        aggregate=aggregate,
        title="四川省2025年度工伤保险基金预算绩效评价报告",
        third_party="",
        overview="",
        work="",
        conclusion="",
        problems="",
        suggestions="",
    )


def summary(*, sent: bool = True) -> ProvincialSummaryData:
    rows = [
        SummaryFundRow(
            "企业职工基本养老保险基金", 21, 22, Decimal("79.88"),
            {"EXCELLENT": 5, "GOOD": 7, "FAIR": 7, "POOR": 2}, 2, Decimal("96.18"), "已审核通过",
        ),
        SummaryFundRow(
            "职工基本医疗保险（含生育保险）基金", 21, 21, Decimal("83.10"),
            {"EXCELLENT": 6, "GOOD": 9, "FAIR": 6, "POOR": 0}, 0, Decimal("98.02"), "已审核通过",
        ),
        SummaryFundRow("工伤保险基金", 1, 1, Decimal("84.60"), {"GOOD": 1}, 0, Decimal("95.20"), "未报送"),
    ]  # fmt: skip
    return ProvincialSummaryData(
        year=2025,
        title="四川省财政厅关于2025年度社会保险基金预算绩效评价情况的报告",
        issuer="四川省财政厅",
        number="川财社〔2026〕12号" if sent else "",
        recipients=["财政部", "人力资源社会保障部", "国家医疗保障局", "国家税务总局"],
        copies_to=["四川省人力资源和社会保障厅", "四川省医疗保障局", "国家税务总局四川省税务局"],
        status="SENT" if sent else "DRAFT",
        status_label="已上报" if sent else "草稿",
        sent_on=date(2026, 7, 28) if sent else None,
        late=False,
        funds=rows,
        overview="各险种均按规定完成了统筹地区自评和省级评价。",
        problems="部分地区参保扩面进展缓慢，个别地区待遇发放不够及时。",
        next_steps="督促相关地区限期整改，并将评价结果与下年度预算安排挂钩。",
    )


def county_report() -> ProvincialReportData:
    """A county-pooled fund: three counties in each of the 21 prefectures, so the grades stack by
    prefecture and the attachment's table runs over pages."""
    regions = []
    for index, (code, name) in enumerate(PREFECTURES):
        for county in range(3):
            score = Decimal(SCORES[(index + 7 * county) % len(SCORES)])
            regions.append(
                RegionResult(
                    f"{code[:4]}{county + 2:02d}",
                    f"{name.removesuffix('市')[:4]}第{county + 1}县",
                    code,
                    name,
                    "SUBMITTED",
                    score,
                    _grade(score),
                    Decimal("88.40") + county,
                    late=county == 2 and index % 5 == 0,
                )
            )
    aggregate = _aggregate(
        regions,
        fund_code="RESIDENT_PENSION",
        fund_name="城乡居民基本养老保险基金",
        pooling_level="COUNTY",
        shortfalls=SHORTFALLS[:1],
    )
    return replace(
        prefecture_report(),
        aggregate=aggregate,
        title="四川省2025年度城乡居民基本养老保险基金预算绩效评价报告",
    )
