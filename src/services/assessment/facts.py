"""The measurable facts of each prefecture of a province for a budget year (Art. 22 考核), over the prefecture
and the regions below it, read as they stand `today` (China's day):

- deadlines: the deadline rows about the year (every registered source's, as the `deadlines` query lists
  them for the year and the next: what is due in the year and what is due the year after for it) but the
  rectification source's and the assessment's own, counted once due or done; on time when done by the date;
- self-evaluations: those owed (the evaluation source's SELF_EVALUATION rows of the year: a pooling region's
  fund with a goal in force), submitted (submitted or accepted), accepted, the accepted ones' average score;
- rectification: the rows of the DeadlineSource named "rectification" about the year (done_at = the verified
  closure), counted once due or closed; closed, and closed by the date;
- warnings: the monitoring warnings of the year in the prefecture's pooling regions that were to be answered
  by now (their period's end plus the region's MONITORING_REPORT_DUE_DAYS: a warning is answered with the
  period's monitoring report, Art. 13–14) or were answered; answered in time when the response was given by
  then. A warning a later period resolved (closed with no response) asked nothing and is not counted.

In statements: the deadline contexts and sources (a fixed number each), the self-evaluations, the warnings:
none per prefecture or row.
"""

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import MonitoringWarning, Region, SelfEvaluation
from src.models.enums import RegionLevel
from src.models.evaluation import SelfEvaluationStatus
from src.models.monitoring import WarningStatus
from src.services.deadlines.context import DeadlineContext
from src.services.deadlines.items import DeadlineItem, DeadlineStatus, china_date
from src.services.deadlines.listing import sources
from src.services.evaluation.deadlines import SELF_EVALUATION
from src.services.rules.region_defaults import RegionFacts

RECTIFICATION = "rectification"  # the source another domain registers (issue 21); absent until then
ASSESSMENT = "assessment"  # this domain's own (deadlines.py): never counted in what it assesses
ANSWERED = (WarningStatus.ANSWERED, WarningStatus.CLOSED)
REPORTED = (SelfEvaluationStatus.SUBMITTED, SelfEvaluationStatus.ACCEPTED)


@dataclass
class Facts:
    """One prefecture's raw counts (the scores are scoring.py's)."""

    region: RegionFacts
    deadlines_due: int = 0
    deadlines_on_time: int = 0
    evaluations_owed: int = 0
    evaluations_submitted: int = 0
    evaluations_accepted: int = 0
    accepted_scores: list[Decimal] = field(default_factory=list)
    rectification_items: int = 0
    rectification_closed: int = 0
    rectification_on_time: int = 0
    warnings_due: int = 0
    warnings_in_time: int = 0

    @property
    def evaluations_average(self) -> Decimal | None:
        if not self.accepted_scores:
            return None
        return sum(self.accepted_scores, Decimal(0)) / len(self.accepted_scores)


def _prefecture_of(prefectures: list[RegionFacts], path: str) -> RegionFacts | None:
    return next((p for p in prefectures if path.startswith(p.path)), None)


async def _items(
    contexts: Iterable[DeadlineContext], year: int
) -> tuple[list[DeadlineItem], list[DeadlineItem]]:
    """The rows about `year`: (every source's but rectification and assessment, rectification's)."""
    counted: dict[str, DeadlineItem] = {}
    rectification: dict[str, DeadlineItem] = {}
    for context in contexts:
        for source in sources():
            if source.name == ASSESSMENT:
                continue
            into = rectification if source.name == RECTIFICATION else counted
            for item in await source.items(context):
                if item.year == year:
                    into[item.key] = item
    return list(counted.values()), list(rectification.values())


def _period_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


async def prefecture_facts(*, session: AsyncSession, province: Region, year: int, today: date) -> list[Facts]:
    """Each prefecture's facts for budget year `year`, in the order of their codes."""
    contexts = [
        await DeadlineContext.load(session=session, area=province, year=year),
        await DeadlineContext.load(session=session, area=province, year=year + 1),
    ]
    prefectures = contexts[0].of_level(RegionLevel.PREFECTURE)
    prefectures.sort(key=lambda r: r.code)
    facts = {p.id: Facts(region=p) for p in prefectures}
    counted, rectification = await _items(contexts, year)
    owed: dict[tuple[int, int | None], Facts] = {}
    for item in counted:
        prefecture = _prefecture_of(prefectures, item.region.path)
        if prefecture is None:
            continue  # the province's own duties: no prefecture's work
        status = item.status(today)
        target = facts[prefecture.id]
        if status != DeadlineStatus.PENDING:
            target.deadlines_due += 1
            target.deadlines_on_time += status == DeadlineStatus.DONE
        if item.kind == SELF_EVALUATION:
            owed[(item.region.id, item.fund_type_id)] = target
            target.evaluations_owed += 1
    for item in rectification:
        prefecture = _prefecture_of(prefectures, item.region.path)
        status = item.status(today)
        if prefecture is None or status == DeadlineStatus.PENDING:
            continue
        target = facts[prefecture.id]
        target.rectification_items += 1
        target.rectification_closed += item.done_at is not None
        target.rectification_on_time += status == DeadlineStatus.DONE
    await _evaluations(session, year, owed)
    await _warnings(session, contexts[0], year, today, prefectures, facts)
    return list(facts.values())


async def _evaluations(session: AsyncSession, year: int, owed: dict[tuple[int, int | None], Facts]) -> None:
    if not owed:
        return
    stmt = select(SelfEvaluation).where(
        SelfEvaluation.year == year,
        col(SelfEvaluation.region_id).in_(sorted({region_id for region_id, _ in owed})),
    )
    for evaluation in (await session.exec(stmt)).all():
        target = owed.get((evaluation.region_id, evaluation.fund_type_id))
        if target is None or evaluation.status not in REPORTED:
            continue
        target.evaluations_submitted += 1
        if evaluation.status == SelfEvaluationStatus.ACCEPTED:
            target.evaluations_accepted += 1
            target.accepted_scores.append(evaluation.total_score or Decimal(0))


async def _warnings(
    session: AsyncSession,
    context: DeadlineContext,
    year: int,
    today: date,
    prefectures: list[RegionFacts],
    facts: dict[int, Facts],
) -> None:
    below = [r for r in context.regions.values() if r.level != RegionLevel.PROVINCE]
    if not below:
        return
    stmt = select(MonitoringWarning).where(
        MonitoringWarning.year == year, col(MonitoringWarning.region_id).in_(sorted(r.id for r in below))
    )
    grouped: dict[int, list[MonitoringWarning]] = defaultdict(list)
    for warning in (await session.exec(stmt)).all():
        grouped[warning.region_id].append(warning)
    for region_id, warnings in grouped.items():
        prefecture = _prefecture_of(prefectures, context.regions[region_id].path)
        if prefecture is None:
            continue
        days = int(context.rules(region_id).monitoring_report_due_days)
        target = facts[prefecture.id]
        for warning in warnings:
            due = _period_end(warning.year, warning.month) + timedelta(days=days)
            answered = warning.status in ANSWERED and warning.responded_at is not None
            if warning.status == WarningStatus.CLOSED and warning.responded_at is None:
                continue  # resolved by a later period: nothing was asked of the region
            if not answered and today <= due:
                continue  # still within its time
            target.warnings_due += 1
            if answered and warning.responded_at is not None and china_date(warning.responded_at) <= due:
                target.warnings_in_time += 1
