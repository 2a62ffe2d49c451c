"""The demo's 2025 provincial evaluations and 财政厅's summary read back (with their steps and the report
data a reader gets), for tests/seed/test_demo_provincial.py."""

from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import (
    AssessmentRound,
    Disclosure,
    DisclosureItem,
    EscalationCase,
    EscalationLetter,
    EvaluationFeedback,
    EvaluationFeedbackRecipient,
    FundType,
    PrefectureAssessment,
    ResultApplication,
    ResultApplicationUse,
)
from src.models.provincial_evaluation import (
    ProvincialEvaluation,
    ProvincialEvaluationSummary,
    ProvincialEvaluationTransition,
)
from src.seed.demo import DemoCounts


@dataclass(frozen=True)
class ProvincialDemo:
    counts: DemoCounts
    evaluations: list[ProvincialEvaluation]
    transitions: dict[int, list[ProvincialEvaluationTransition]]  # by evaluation id, in order
    summaries: list[ProvincialEvaluationSummary]
    funds: int
    feedbacks: list[EvaluationFeedback]  # Art. 19, in id order
    recipients: list[EvaluationFeedbackRecipient]
    applications: list[ResultApplication]  # Art. 20, in id order
    uses: list[ResultApplicationUse]  # in id order
    escalations: list[EscalationCase]  # Art. 22
    escalation_letters: list[EscalationLetter]  # in case and level order
    disclosures: list[Disclosure]  # Art. 21, in id order
    disclosure_items: list[DisclosureItem]
    rounds: list[AssessmentRound] = field(default_factory=list)  # Art. 22
    prefecture_assessments: list[PrefectureAssessment] = field(default_factory=list)  # by rank


async def read_provincial(session: AsyncSession, counts: DemoCounts) -> ProvincialDemo:
    evaluations = list(
        (await session.exec(select(ProvincialEvaluation).order_by(col(ProvincialEvaluation.id)))).all()
    )
    transitions: dict[int, list[ProvincialEvaluationTransition]] = {e.id or 0: [] for e in evaluations}
    steps = select(ProvincialEvaluationTransition).order_by(col(ProvincialEvaluationTransition.id))
    for step in (await session.exec(steps)).all():
        transitions[step.evaluation_id].append(step)
    summaries = list((await session.exec(select(ProvincialEvaluationSummary))).all())
    funds = len((await session.exec(select(FundType.id))).all())
    feedbacks = list(
        (await session.exec(select(EvaluationFeedback).order_by(col(EvaluationFeedback.id)))).all()
    )
    recipients = list(
        (
            await session.exec(
                select(EvaluationFeedbackRecipient).order_by(col(EvaluationFeedbackRecipient.id))
            )
        ).all()
    )
    applications = list(
        (await session.exec(select(ResultApplication).order_by(col(ResultApplication.id)))).all()
    )
    uses = list(
        (await session.exec(select(ResultApplicationUse).order_by(col(ResultApplicationUse.id)))).all()
    )
    rounds = list((await session.exec(select(AssessmentRound))).all())
    ranked = select(PrefectureAssessment).order_by(
        col(PrefectureAssessment.rank), col(PrefectureAssessment.id)
    )
    prefectures = list((await session.exec(ranked)).all())
    escalations = list((await session.exec(select(EscalationCase).order_by(col(EscalationCase.id)))).all())
    letters = select(EscalationLetter).order_by(col(EscalationLetter.case_id), col(EscalationLetter.level))
    escalation_letters = list((await session.exec(letters)).all())
    disclosures = list((await session.exec(select(Disclosure).order_by(col(Disclosure.id)))).all())
    items = list((await session.exec(select(DisclosureItem).order_by(col(DisclosureItem.id)))).all())
    return ProvincialDemo(
        counts, evaluations, transitions, summaries, funds, feedbacks, recipients, applications, uses,
        escalations, escalation_letters, disclosures, items, rounds, prefectures,
    )  # fmt: skip
