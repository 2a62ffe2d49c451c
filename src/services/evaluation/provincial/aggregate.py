"""A fund's year of self-evaluations rolled up for the provincial report (Art. 17 「形成全省分险种绩效评价
报告」): pure functions from the counted self-evaluations (SUBMITTED or ACCEPTED: a draft or one returned for
rework is not counted) and the pooling regions that owe one, to a ProvincialAggregate; and its JSON, kept
at submission (what was sent stays what was sent).

The score bands take their edges from the province's grade rules (Art. 23: GRADE_FAIR_FROM, GOOD,
EXCELLENT), so a bar never straddles a grade: one bar below the pass band (差), ten-point bars from the pass
band's floor up to the 优 line (the usual 60–70, 70–80, 80–90 of a distribution, each inside one grade), and
one bar for 优 up to 100. With the province's defaults (60, 80, 90): <60, 60–70, 70–80, 80–90, ≥90.
"""

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from src.services.evaluation.provincial_data import (
    ExecutionRollup,
    IndicatorShortfall,
    ProvincialAggregate,
    RegionResult,
    ScoreBand,
)
from src.services.evaluation.scoring import Grade, ScoringRules

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
TEN = Decimal(10)


@dataclass(frozen=True)
class LineFacts:
    """One indicator of a counted self-evaluation, as the shortfalls need it."""

    level1: str  # its category's label (产出指标)
    level2: str
    level3: str
    met: bool
    cause: str


@dataclass(frozen=True)
class Counted:
    """One counted self-evaluation: its region's result, its budget block and its lines."""

    result: RegionResult
    initial_budget: Decimal | None
    adjusted_budget: Decimal | None
    executed: Decimal | None
    lines: Sequence[LineFacts] = ()


@dataclass(frozen=True)
class Fund:
    code: str
    name: str
    year: int
    pooling_level: str


def _text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def band_edges(rules: ScoringRules) -> list[Decimal]:
    """The bars' edges, lowest first: 0, the pass floor, the ten-point marks up to the 优 line, 100."""
    fair, good, excellent = rules.grade_fair_from, rules.grade_good_from, rules.grade_excellent_from
    edges = {Decimal(0), fair, good, excellent, HUNDRED}
    mark = (fair / TEN).to_integral_value(rounding=ROUND_FLOOR) * TEN + TEN
    while mark < excellent:
        edges.add(mark)
        mark += TEN
    return sorted(e for e in edges if Decimal(0) <= e <= HUNDRED)


def score_bands(scores: Sequence[Decimal], rules: ScoringRules) -> list[ScoreBand]:
    """The distribution of `scores` over the bars of band_edges: [low, high), the last including 100."""
    edges = band_edges(rules)
    bands = []
    pairs = list(itertools.pairwise(edges))
    for index, (low, high) in enumerate(pairs):
        last = index == len(pairs) - 1
        if index == 0:
            label = f"{_text(high)}分以下"
        elif last:
            label = f"{_text(low)}分及以上"
        else:
            label = f"{_text(low)}–{_text(high)}分"
        count = sum(1 for s in scores if low <= s < high or (last and s == high))
        bands.append(ScoreBand(label=label, low=low, high=high, count=count))
    return bands


def shortfalls(counted: Sequence[Counted]) -> list[IndicatorShortfall]:
    """The indicators (by their level-1/2/3 names) some region did not meet, most regions first, then in
    the order they first appear; with the regions' names and their analysed causes (Art. 18)."""
    evaluated: dict[tuple[str, str, str], int] = {}
    missed: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for row in counted:
        for line in row.lines:
            key = (line.level1, line.level2, line.level3)
            evaluated[key] = evaluated.get(key, 0) + 1
            if not line.met:
                missed.setdefault(key, []).append((row.result.region_name, line.cause))
    order = {key: index for index, key in enumerate(evaluated)}
    keys = sorted(missed, key=lambda k: (-len(missed[k]), order[k]))
    return [
        IndicatorShortfall(
            level1=k[0],
            level2=k[1],
            level3=k[2],
            evaluated=evaluated[k],
            not_met=len(missed[k]),
            regions=[name for name, _ in missed[k]],
            causes=[cause for _, cause in missed[k]],
        )
        for k in keys
    ]


def execution(counted: Sequence[Counted]) -> ExecutionRollup:
    """预算执行情况 summed over the counted regions; the rate is executed ÷ adjusted (percent)."""
    initial = sum((c.initial_budget or Decimal(0) for c in counted), Decimal(0))
    adjusted = sum((c.adjusted_budget or Decimal(0) for c in counted), Decimal(0))
    executed = sum((c.executed or Decimal(0) for c in counted), Decimal(0))
    rate = (executed / adjusted * HUNDRED).quantize(CENT, ROUND_HALF_UP) if adjusted > 0 else None
    return ExecutionRollup(initial_budget=initial, adjusted_budget=adjusted, executed=executed, rate=rate)


def aggregate(
    *, fund: Fund, owing: Sequence[str], counted: Sequence[Counted], rules: ScoringRules
) -> ProvincialAggregate:
    """The fund's year rolled up: `owing` names the pooling regions that owe a self-evaluation (in region
    order), `counted` the submitted or accepted ones (in region order)."""
    results = [c.result for c in counted]
    names = {r.region_name for r in results}
    scores = [r.total_score for r in results if r.total_score is not None]
    average = (sum(scores, Decimal(0)) / len(scores)).quantize(CENT, ROUND_HALF_UP) if scores else None
    grades = {g.value: 0 for g in Grade}
    for r in results:
        if r.grade in grades:
            grades[r.grade] += 1
    missing = [name for name in owing if name not in names]
    return ProvincialAggregate(
        fund_code=fund.code,
        fund_name=fund.name,
        year=fund.year,
        pooling_level=fund.pooling_level,
        expected=len(set(owing) | names),
        missing=missing,
        regions=results,
        average_score=average,
        highest=max(scores) if scores else None,
        lowest=min(scores) if scores else None,
        pass_from=rules.grade_fair_from,
        grade_counts=grades,
        score_bands=score_bands(scores, rules),
        below_pass=[
            r for r in results if r.total_score is not None and r.total_score < rules.grade_fair_from
        ],
        shortfalls=shortfalls(counted),
        execution=execution(counted),
    )


# --- the snapshot ------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_json(data: ProvincialAggregate) -> dict[str, Any]:
    """The aggregate as JSON (Decimals as their text), for the snapshot column."""
    plain: dict[str, Any] = _plain(asdict(data))
    return plain


def _dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _region(raw: dict[str, Any]) -> RegionResult:
    return RegionResult(
        **{**raw, "total_score": _dec(raw["total_score"]), "execution_rate": _dec(raw["execution_rate"])}
    )


def from_json(raw: dict[str, Any]) -> ProvincialAggregate:
    """The aggregate as to_json kept it."""
    money = raw["execution"]
    return ProvincialAggregate(
        **{
            **raw,
            "regions": [_region(r) for r in raw["regions"]],
            "average_score": _dec(raw["average_score"]),
            "highest": _dec(raw["highest"]),
            "lowest": _dec(raw["lowest"]),
            "pass_from": Decimal(raw["pass_from"]),
            "score_bands": [
                ScoreBand(label=b["label"], low=Decimal(b["low"]), high=Decimal(b["high"]), count=b["count"])
                for b in raw["score_bands"]
            ],
            "below_pass": [_region(r) for r in raw["below_pass"]],
            "shortfalls": [IndicatorShortfall(**s) for s in raw["shortfalls"]],
            "execution": ExecutionRollup(
                initial_budget=Decimal(money["initial_budget"]),
                adjusted_budget=Decimal(money["adjusted_budget"]),
                executed=Decimal(money["executed"]),
                rate=_dec(money["rate"]),
            ),
        }
    )
