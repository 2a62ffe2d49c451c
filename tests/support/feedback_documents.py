"""A real record of the evaluation feedback's letter (Art. 19), for the template lint
(tests/reports/test_render.py) and the document test: 自贡's self-evaluation of the employee medical fund
(self_evaluation_documents.py) submitted, then accepted by 财政厅 and 省医保局, then 财政厅's feedback on it
written and sent (numbered, co-issued with 省医保局 and 省税务局)."""

from datetime import date

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import SelfEvaluation
from src.services.actors import Actor
from src.services.evaluation.self_evaluation_workflow import accept_self_evaluation
from src.services.feedback.feedbacks import create_feedback, update_feedback
from src.services.feedback.sending import send_feedback
from src.services.monitoring import clock
from tests.services.conftest import PROVINCE, ZIGONG, Call, Sessionmaker, act, bodies_of

SENT_ON = date(2027, 8, 10)  # after the provincial evaluation's July (Art. 17)
TEXTS: dict[str, str | None] = {
    "achievements": "基金收支运行平稳，参保扩面目标全面完成。\n待遇按时足额发放，经办服务水平提升。",
    "problems": "部分县区经办系统切换期间待遇发放延迟；年末转移支出延至次年拨付，预算执行率偏低。",
    "recommendations": "加强经办系统切换管理，按月通报待遇发放进度；科学编制预算，提高执行均衡性。",
    "rectification": "针对存在问题逐项制定整改措施，明确责任单位和完成时限。",
    "application": "评价结果将作为下年度基金预算安排和绩效目标审核的重要依据，并在全省范围内通报。",
}


async def real_feedback(sessionmaker: Sessionmaker, evaluation_id: int) -> int:
    """The id of 财政厅's sent feedback on the submitted self-evaluation `evaluation_id` (自贡's of
    real_self_evaluations), which 财政厅 and 省医保局 accept first."""
    await bodies_of(sessionmaker, ZIGONG)  # the letter's recipients: finance, 医保局, the agency
    province = await bodies_of(sessionmaker, PROVINCE)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "china_today", lambda: SENT_ON)
        for acceptor in (province.finance, province.reviewer):  # 财政厅 and 省医保局
            await act(sessionmaker, _accepting(acceptor, evaluation_id))
        finance = province.finance
        feedback = await act(
            sessionmaker,
            lambda s: create_feedback(session=s, actor=finance, self_evaluation_id=evaluation_id),
        )
        feedback = await act(
            sessionmaker,
            lambda s: update_feedback(
                session=s, actor=finance, feedback_id=feedback.id or 0, row_version=feedback.row_version,
                texts=TEXTS,
            ),
        )  # fmt: skip
        feedback = await act(
            sessionmaker,
            lambda s: send_feedback(
                session=s, actor=finance, feedback_id=feedback.id or 0, row_version=feedback.row_version
            ),
        )
    return feedback.id or 0


def _accepting(actor: Actor, evaluation_id: int) -> Call[SelfEvaluation]:
    async def call(session: AsyncSession) -> SelfEvaluation:
        row = await session.get_one(SelfEvaluation, evaluation_id)
        return await accept_self_evaluation(
            session=session, actor=actor, evaluation_id=evaluation_id, row_version=row.row_version
        )

    return call
