"""The feedback's answer-by dates (Art. 19; FORMS §4C 「收文之日起30日内」 by the region's
FEEDBACK_ANSWER_DAYS), registered as a deadline source (src/domains/feedback.py): for each feedback sent to
a region of the area whose answer-by date falls in the context's year, one item per body addressed (its
finance, the fund's administration, the agency), done when that body acknowledged it. One statement beside
what the context reads."""

from datetime import date

from sqlmodel import col, select

from src.models import EvaluationFeedback, EvaluationFeedbackRecipient, FundType
from src.models.enums import ActorType
from src.services.deadlines.context import DeadlineContext
from src.services.deadlines.items import DeadlineItem, DeadlineSource

FEEDBACK_ANSWER_FINANCE = "FEEDBACK_ANSWER_FINANCE"
FEEDBACK_ANSWER_ADMINISTRATION = "FEEDBACK_ANSWER_ADMINISTRATION"
FEEDBACK_ANSWER_AGENCY = "FEEDBACK_ANSWER_AGENCY"
KINDS = {
    FEEDBACK_ANSWER_FINANCE: "财政部门签收评价结果反馈并报送整改情况（第十九条）",
    FEEDBACK_ANSWER_ADMINISTRATION: "社会保险行政部门签收评价结果反馈并报送整改情况（第十九条）",
    FEEDBACK_ANSWER_AGENCY: "经办机构签收评价结果反馈并报送整改情况（第十九条）",
}
KIND_OF = {
    ActorType.FINANCE: FEEDBACK_ANSWER_FINANCE,
    ActorType.HRSS: FEEDBACK_ANSWER_ADMINISTRATION,
    ActorType.MEDICAL_SECURITY: FEEDBACK_ANSWER_ADMINISTRATION,
    ActorType.AGENCY: FEEDBACK_ANSWER_AGENCY,
}


async def feedback_deadlines(ctx: DeadlineContext) -> list[DeadlineItem]:
    stmt = (
        select(EvaluationFeedback, EvaluationFeedbackRecipient, FundType)
        .join(
            EvaluationFeedbackRecipient, col(EvaluationFeedbackRecipient.feedback_id) == EvaluationFeedback.id
        )
        .join(FundType, col(FundType.id) == EvaluationFeedback.fund_type_id)
        .where(
            col(EvaluationFeedback.region_id).in_(list(ctx.regions)),
            col(EvaluationFeedback.answer_by) >= date(ctx.year, 1, 1),
            col(EvaluationFeedback.answer_by) <= date(ctx.year, 12, 31),
        )
        .order_by(col(EvaluationFeedback.id), col(EvaluationFeedbackRecipient.id))
    )
    items: list[DeadlineItem] = []
    for feedback, recipient, fund in (await ctx.session.exec(stmt)).all():
        region = ctx.regions[feedback.region_id]
        assert feedback.answer_by is not None
        items.append(
            DeadlineItem(
                kind=KIND_OF[recipient.actor_type],
                region=region,
                actor_type=recipient.actor_type,
                administration=fund.administration,
                fund_type_id=feedback.fund_type_id,
                year=feedback.year,
                period=None,
                due_on=feedback.answer_by,
                done_at=recipient.acknowledged_at,
                label=f"{region.name}{fund.name_zh}{feedback.year}年度评价结果反馈（{feedback.document_number}）",
            )
        )
    return items


SOURCE = DeadlineSource(name="evaluation_feedback", kinds=KINDS, items=feedback_deadlines)
