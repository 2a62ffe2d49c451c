"""Evaluation benchmark (issue 20, Measure): scoring every self-evaluation of a year at the read bench's
national scale, at two sizes, in rows per second (a linear cost keeps the rate flat).

    uv run python -m bench.evaluation [--repeat N] [--database-url URL] [--redis-url URL]
        [--batch-provinces N] [--measures scoring batch]

The self-evaluation forms do not exist yet, so this scores synthetic facts shaped like the national read
bench's goals: the data set of bench/national.py (every pooling region × fund of 31 provinces, about ten
indicators a goal, weights to the province's 90) is built once in a temporary database and its goals and
indicators read back; each indicator gets a synthetic actual (a quantitative one 30–160 % of its target, a
qualitative one a grade, half of them with a score chosen within the grade's band) and each goal one budget
execution (70–110 % of a budget). Only the pure scoring is timed (src/services/evaluation): per goal its
weights taken to the total (goal_weights), every indicator scored (score_indicator), the execution scored
(score_execution), the total graded (grade_of), with the province's default rules and with a region's
variants (≤ by ratio, "=" proportional, over-achievement reduced). Sizes: the goals of the first 15
provinces, then of all 31. Rows are indicator facts plus execution rows.

Then the batch (bench/evaluation_batch.py): every self-evaluation form of the year rendered as batches by 1
and by 2 real worker processes (Redis db of --redis-url, emptied first), in forms per second per process.
`--measures scoring` or `--measures batch` runs one of the two.
"""

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlmodel import col, select

from bench.evaluation_batch import run_batches
from bench.monitoring import SMALL_PROVINCES, environment
from bench.national import YEAR, build_national
from bench.read_api import BenchFailure, fresh_database
from src.db import create_sessionmaker
from src.models import Goal, Indicator, Region
from src.models.enums import IndicatorCategory, IndicatorKind, QualitativeGrade
from src.services.evaluation import (
    Grade,
    IndicatorFacts,
    ScoringRules,
    goal_weights,
    grade_of,
    qualitative_band,
    score_execution,
    score_indicator,
)
from src.services.rules.registry import EqIndicatorScoring, LeIndicatorScoring, OverAchievementReduction


@dataclass(frozen=True)
class GoalFacts:
    """One goal's synthetic self-evaluation: its indicators' level-1 categories and facts, its execution."""

    province: str
    categories: list[IndicatorCategory]
    facts: list[IndicatorFacts]
    budget: Decimal
    executed: Decimal

    @property
    def rows(self) -> int:
        return len(self.facts) + 1


def _facts(indicator: Indicator, rng: random.Random, rules: ScoringRules) -> IndicatorFacts:
    if indicator.kind == IndicatorKind.QUALITATIVE:
        grade = rng.choice(list(QualitativeGrade))
        chosen = None
        if rng.random() < 0.5:
            low, high = qualitative_band(grade=grade, weight=indicator.weight, rules=rules)
            chosen = low + (high - low) * Decimal(rng.randint(0, 100)) / 100
            chosen = chosen.quantize(Decimal("0.01")).min(high)
        return IndicatorFacts(
            kind=indicator.kind,
            comparator=indicator.comparator,
            weight=indicator.weight,
            target_value=None,
            actual_value=None,
            target_grade=indicator.target_grade,
            actual_grade=grade,
            chosen_score=chosen,
        )
    target = indicator.target_value or Decimal(0)
    return IndicatorFacts(
        kind=indicator.kind,
        comparator=indicator.comparator,
        weight=indicator.weight,
        target_value=target,
        actual_value=target * Decimal(rng.randint(30, 160)) / 100,
        target_grade=None,
        actual_grade=None,
    )


async def build_facts(database_url: str | None, rules: ScoringRules) -> list[GoalFacts]:
    """The national data set's goals with synthetic actuals, in goal id order (the same on both databases)."""
    rng = random.Random(20)
    async with fresh_database(database_url) as (engine, _):
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker() as s:
            await build_national(s, YEAR)
            await s.commit()
            joined = select(Goal.id, Region.path).join(Region, col(Region.id) == Goal.region_id)
            provinces = {g: p.strip("/").split("/")[0] for g, p in (await s.exec(joined)).all()}
            by_goal: dict[int, list[Indicator]] = {}
            stmt = select(Indicator).order_by(col(Indicator.goal_id), col(Indicator.sort_order))
            for indicator in (await s.exec(stmt)).all():
                by_goal.setdefault(indicator.goal_id, []).append(indicator)
    goals = []
    for goal_id in sorted(by_goal):
        indicators = by_goal[goal_id]
        budget = Decimal(rng.randint(1_000, 50_000)) * 10_000
        goals.append(
            GoalFacts(
                province=provinces[goal_id],
                categories=[i.level1 for i in indicators],
                facts=[_facts(i, rng, rules) for i in indicators],
                budget=budget,
                executed=budget * Decimal(rng.randint(70, 110)) / 100,
            )
        )
    return goals


def score_goal(goal: GoalFacts, rules: ScoringRules) -> Grade:
    """A goal's self-evaluation scored: weights to the total, indicators, execution, grade."""
    pairs = list(zip(goal.categories, (f.weight for f in goal.facts), strict=True))
    weights = goal_weights(indicators=pairs, rules=rules)
    total = Decimal(0)
    for facts, weight in zip(goal.facts, weights, strict=True):
        if facts.chosen_score is not None and weight != facts.weight:
            facts = replace(facts, chosen_score=None)  # a band moved with the weight: chosen again
        total += score_indicator(facts=replace(facts, weight=weight), rules=rules).score
    total += score_execution(budget=goal.budget, executed=goal.executed, rules=rules).score
    return grade_of(total=total, rules=rules)


def time_scoring(goals: list[GoalFacts], rules: ScoringRules, repeat: int) -> tuple[float, dict[Grade, int]]:
    """Median seconds of scoring `goals`, and the grades they got."""
    times, grades = [], {g: 0 for g in Grade}
    for _ in range(repeat):
        grades = {g: 0 for g in Grade}
        started = time.perf_counter()
        for goal in goals:
            grades[score_goal(goal, rules)] += 1
        times.append(time.perf_counter() - started)
    return statistics.median(times), grades


async def run(database_url: str | None, repeat: int) -> None:
    province = ScoringRules.province()
    variants = replace(
        province,
        le_indicator_scoring=LeIndicatorScoring.RATIO,
        eq_indicator_scoring=EqIndicatorScoring.PROPORTIONAL,
        over_achievement_reduction=OverAchievementReduction.BY_DEVIATION,
    )
    print("building the national data set …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    goals = await build_facts(database_url, province)
    rows = sum(g.rows for g in goals)
    built = f"{len(goals)} goals, {rows} rows"
    print(f"  built in {time.perf_counter() - started:.0f} s: {built}", file=sys.stderr)
    provinces = sorted({g.province for g in goals})
    print(f"\n{environment()}; median of {repeat} runs; pure scoring (no database)\n")
    for label, rules in (("province's defaults", province), ("a region's variants", variants)):
        print(f"Scoring every self-evaluation of {YEAR} ({label}):")
        rates = []
        for chosen in (set(provinces[:SMALL_PROVINCES]), set(provinces)):
            subset = [g for g in goals if g.province in chosen]
            read = sum(g.rows for g in subset)
            seconds, grades = time_scoring(subset, rules, repeat)
            rates.append(read / seconds)
            shown = ", ".join(f"{g.value} {n}" for g, n in grades.items())
            print(
                f"  {len(chosen):2d} provinces: {len(subset):5d} goals, {read:6d} rows, {seconds:6.3f} s "
                f"→ {read / seconds:9,.0f} rows/s ({shown})"
            )
        print(f"  rate at 31 ÷ rate at {SMALL_PROVINCES}: {rates[1] / rates[0]:.2f} (1.00 = linear)\n")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.evaluation", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL URL for the data set; default: temporary SQLite"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14", help="the batch's queue")
    parser.add_argument(
        "--batch-database-url", default=None, help="PostgreSQL database whose public schema the batch empties"
    )
    parser.add_argument("--batch-provinces", type=int, default=31, help="provinces whose forms are batched")
    parser.add_argument("--measures", nargs="+", choices=("scoring", "batch"), default=["scoring", "batch"])
    args = parser.parse_args(argv)
    try:
        if "scoring" in args.measures:
            asyncio.run(run(args.database_url, max(1, args.repeat)))
        if "batch" in args.measures:
            print(f"\n{environment()}\n")
            asyncio.run(run_batches(args.redis_url, args.batch_provinces, args.batch_database_url))
    except BenchFailure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        raise SystemExit(1) from failure


if __name__ == "__main__":
    main()
