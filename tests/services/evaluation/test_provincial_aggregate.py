"""src/services/evaluation/provincial/aggregate.py, without a database: a fund's year of self-evaluations
rolled up for the provincial report (Art. 17 「形成全省分险种绩效评价报告」) — the regions still owing one by
name, the average, highest and lowest, every grade counted (zeros too), the score bands cut at the grade
rules' edges (Art. 23), the regions below the pass band, the shortfalls by indicator with their causes
(Art. 18), the execution summed; and the JSON kept at submission gives the same aggregate back."""

from decimal import Decimal

import pytest

from src.services.evaluation.provincial.aggregate import (
    Counted,
    Fund,
    LineFacts,
    aggregate,
    band_edges,
    from_json,
    score_bands,
    to_json,
)
from src.services.evaluation.provincial_data import RegionResult
from src.services.evaluation.scoring import ScoringRules

D = Decimal
FUND = Fund(code="EMPLOYEE_MEDICAL", name="职工基本医疗保险基金", year=2026, pooling_level="PREFECTURE")


def rules(fair: str = "60", good: str = "80", excellent: str = "90") -> ScoringRules:
    return ScoringRules(
        grade_excellent_from=D(excellent),
        grade_good_from=D(good),
        grade_fair_from=D(fair),
        qualitative_achieved_from=D(80),
        qualitative_partly_from=D(60),
        execution_points=D(10),
        execution_reason_below=D(90),
    )


def region(name: str, score: str | None, grade: str | None = None, rate: str | None = None) -> RegionResult:
    return RegionResult(
        region_code=name, region_name=name, prefecture_code=name, prefecture_name=name, status="SUBMITTED",
        total_score=D(score) if score is not None else None, grade=grade,
        execution_rate=D(rate) if rate is not None else None, late=False,
    )  # fmt: skip


def counted(
    name: str, score: str | None, grade: str | None = None, *lines: LineFacts, money: int = 0
) -> Counted:
    return Counted(
        result=region(name, score, grade),
        initial_budget=D(money) if money else None,
        adjusted_budget=D(money) if money else None,
        executed=D(money * 9 // 10) if money else None,
        lines=lines,
    )


def line(level3: str, met: bool, cause: str = "") -> LineFacts:
    return LineFacts(level1="产出指标", level2="数量指标", level3=level3, met=met, cause=cause)


@pytest.mark.parametrize(
    ("fair", "good", "excellent", "edges"),
    [
        ("60", "80", "90", ["0", "60", "70", "80", "90", "100"]),  # the province's defaults
        (
            "60",
            "75",
            "85",
            ["0", "60", "70", "75", "80", "85", "100"],
        ),  # a region's own rules: its edges kept
        ("65", "80", "90", ["0", "65", "70", "80", "90", "100"]),
        ("60", "80", "100", ["0", "60", "70", "80", "90", "100"]),  # 优 only at 100
    ],
)
def test_art23_the_score_bands_edges_come_from_the_grade_rules(
    fair: str, good: str, excellent: str, edges: list[str]
) -> None:
    assert band_edges(rules(fair, good, excellent)) == [D(e) for e in edges]


@pytest.mark.parametrize(
    ("score", "label"),
    [
        ("0", "60分以下"),
        ("59.99", "60分以下"),
        ("60", "60–70分"),
        ("79.99", "70–80分"),
        ("80", "80–90分"),
        ("90", "90分及以上"),
        ("100", "90分及以上"),
    ],
)
def test_art17_a_score_falls_in_one_band_lower_edge_included(score: str, label: str) -> None:
    bands = score_bands([D(score)], rules())
    assert [b.label for b in bands] == ["60分以下", "60–70分", "70–80分", "80–90分", "90分及以上"]
    assert [b.label for b in bands if b.count] == [label]


def test_art17_the_aggregate_of_a_funds_year() -> None:
    rows = [
        counted(
            "成都市",
            "92.50",
            "EXCELLENT",
            line("参保人数", True),
            line("发放率", False, "系统切换"),
            money=1000,
        ),
        counted(
            "自贡市",
            "55.00",
            "POOR",
            line("参保人数", False, "人口外流"),
            line("发放率", False, ""),
            money=500,
        ),
        counted("攀枝花市", "81.25", "GOOD", line("参保人数", True), line("发放率", True), money=500),
    ]
    owing = ["成都市", "自贡市", "攀枝花市", "泸州市", "德阳市"]
    result = aggregate(fund=FUND, owing=owing, counted=rows, rules=rules())
    assert (result.expected, result.missing) == (5, ["泸州市", "德阳市"])
    assert [r.region_name for r in result.regions] == ["成都市", "自贡市", "攀枝花市"]
    assert (result.average_score, result.highest, result.lowest) == (D("76.25"), D("92.50"), D("55.00"))
    assert result.grade_counts == {"EXCELLENT": 1, "GOOD": 1, "FAIR": 0, "POOR": 1}
    assert list(result.grade_counts) == ["EXCELLENT", "GOOD", "FAIR", "POOR"]
    assert [b.count for b in result.score_bands] == [1, 0, 0, 1, 1]
    assert [r.region_name for r in result.below_pass] == ["自贡市"] and result.pass_from == D(60)
    # Most regions not meeting first; each with its regions and causes (Art. 18), "" where none was given.
    assert [(s.level3, s.evaluated, s.not_met, s.regions, s.causes) for s in result.shortfalls] == [
        ("发放率", 3, 2, ["成都市", "自贡市"], ["系统切换", ""]),
        ("参保人数", 3, 1, ["自贡市"], ["人口外流"]),
    ]
    money = result.execution
    assert (money.initial_budget, money.adjusted_budget, money.executed, money.rate) == (
        D(2000), D(2000), D(1800), D("90.00"),
    )  # fmt: skip


def test_art17_nothing_counted_yet_every_region_is_missing() -> None:
    result = aggregate(fund=FUND, owing=["成都市", "自贡市"], counted=[], rules=rules())
    assert (result.expected, result.missing, result.regions) == (2, ["成都市", "自贡市"], [])
    assert (result.average_score, result.highest, result.lowest) == (None, None, None)
    assert result.grade_counts == {"EXCELLENT": 0, "GOOD": 0, "FAIR": 0, "POOR": 0}
    assert all(b.count == 0 for b in result.score_bands) and result.shortfalls == []
    assert result.execution.rate is None  # nothing budgeted: no rate, not a division by zero


def test_art17_a_self_evaluation_without_a_score_is_listed_not_averaged() -> None:
    rows = [counted("成都市", "70.00", "FAIR"), counted("自贡市", None)]
    result = aggregate(fund=FUND, owing=["成都市", "自贡市"], counted=rows, rules=rules())
    assert (result.average_score, len(result.regions), result.missing) == (D("70.00"), 2, [])
    assert result.below_pass == []


def test_art17_the_snapshot_gives_the_same_aggregate_back() -> None:
    rows = [
        counted("成都市", "92.50", "EXCELLENT", line("发放率", False, "系统切换"), money=1000),
        counted("自贡市", None),
    ]
    result = aggregate(fund=FUND, owing=["成都市", "自贡市", "泸州市"], counted=rows, rules=rules())
    assert from_json(to_json(result)) == result
