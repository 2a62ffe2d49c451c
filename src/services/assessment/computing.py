"""One computation of a round (Art. 22): the province's weights and bands (province-only rules, checked to
make 100), each prefecture's facts (facts.py) scored, totalled, ranked and banded (scoring.py), as new
prefecture_assessment rows. In statements: the rules, the facts' fixed number; none per prefecture."""

from datetime import date
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Region
from src.models.assessment import AssessmentRound, PrefectureAssessment
from src.services.assessment.facts import prefecture_facts
from src.services.assessment.scoring import (
    BAND_KEYS,
    WEIGHT_KEYS,
    Weights,
    outcome_of,
    ranks,
    rounded,
    share,
    total_of,
)
from src.services.errors import AssessmentErrorCode, PreconditionFailed
from src.services.monitoring import clock
from src.services.rules import rules_for


async def computed_rows(
    *, session: AsyncSession, province: Region, assessment: AssessmentRound, today: date | None = None
) -> tuple[list[PrefectureAssessment], dict[str, str]]:
    """The round's rows as computed `today` (China's; by default now), and the rule values used (key →
    canonical text)."""
    assert province.id is not None and assessment.id is not None
    rules = await rules_for(session=session, region_id=province.id)
    weights = Weights.of(rules)
    problems = weights.problems()
    if problems:
        raise PreconditionFailed(
            "；".join(problems) + "（请财政厅在本省实施细则中修改考核权重，第二十二条、第二十三条）",
            code=AssessmentErrorCode.ASSESSMENT_WEIGHTS_INVALID,
        )
    facts = await prefecture_facts(
        session=session, province=province, year=assessment.year, today=today or clock.china_today()
    )
    rows = []
    for fact in facts:
        average = fact.evaluations_average
        evaluations = None
        if fact.evaluations_owed:  # an owed one not accepted scores 0 (its share of the average)
            evaluations = rounded(sum(fact.accepted_scores, Decimal(0)) / fact.evaluations_owed)
        rectification = None
        if fact.rectification_items:  # closed counts half, closed on time the other half
            closed = share(fact.rectification_closed, fact.rectification_items)
            on_time = share(fact.rectification_on_time, fact.rectification_items)
            assert closed is not None and on_time is not None
            rectification = rounded((closed + on_time) / 2)
        row = PrefectureAssessment(
            round_id=assessment.id,
            region_id=fact.region.id,
            year=assessment.year,
            deadlines_due=fact.deadlines_due,
            deadlines_on_time=fact.deadlines_on_time,
            deadlines_score=share(fact.deadlines_on_time, fact.deadlines_due),
            evaluations_owed=fact.evaluations_owed,
            evaluations_submitted=fact.evaluations_submitted,
            evaluations_accepted=fact.evaluations_accepted,
            evaluations_average=rounded(average) if average is not None else None,
            evaluations_score=evaluations,
            rectification_items=fact.rectification_items,
            rectification_closed=fact.rectification_closed,
            rectification_on_time=fact.rectification_on_time,
            rectification_score=rectification,
            warnings_due=fact.warnings_due,
            warnings_in_time=fact.warnings_in_time,
            warnings_score=share(fact.warnings_in_time, fact.warnings_due),
        )
        row.total = total_of(
            [
                (weights.deadlines, row.deadlines_score),
                (weights.self_evaluation, row.evaluations_score),
                (weights.rectification, row.rectification_score),
                (weights.warnings, row.warnings_score),
            ]
        )
        row.outcome = outcome_of(row.total, weights)
        rows.append(row)
    for row, rank in zip(rows, ranks([r.total for r in rows]), strict=True):
        row.rank = rank
    used = {key.value: rules.text(key) for key in (*WEIGHT_KEYS, *BAND_KEYS)}
    return rows, used
