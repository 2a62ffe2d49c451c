"""Evaluation-result feedback (Art. 19): 财政厅 writes a 评价结果反馈函 on each pooling region's accepted
self-evaluation and sends it, a joint letter with the fund's administration and 省税务局; the region's
finance, administration and agency each acknowledge it. Printed: each letter."""

from datetime import date

from src.models.enums import ActorType
from tests.cycle.documents import document
from tests.cycle.state import PROVINCE, Cycle, call, ids
from tests.reports.test_jobs import docx_text
from tests.schema.feedback.test_feedback import ACKNOWLEDGE, CREATE, SEND, UPDATE

SUCCESS = "EvaluationFeedbackSuccess"
TEXTS = {
    "achievements": "基金收支运行平稳，待遇按时足额发放，参保扩面目标基本完成。",
    "problems": "个别指标未达年度目标；经办系统切换期间部分待遇延迟发放。",
    "recommendations": "完善经办系统切换预案，按月通报指标完成和待遇发放进度。",
    "rectification": "针对存在问题逐项制定整改措施，明确责任单位和完成时限。",
    "application": "评价结果作为下年度基金预算安排和绩效目标审核的重要依据。",
}


async def run(cycle: Cycle) -> None:
    cycle.set_today(date(cycle.year + 1, 8, 10))
    for fund in cycle.funds:
        region = fund.pooling_region
        await cycle.login(ActorType.FINANCE, PROVINCE)
        evaluation = cycle.ids[cycle.key("self_evaluation", fund)]
        feedback = (await call(cycle, CREATE, {"input": {"selfEvaluationId": evaluation}}, SUCCESS))[
            "evaluationFeedback"
        ]
        feedback = (await call(cycle, UPDATE, {"input": {**ids(feedback), **TEXTS}}, SUCCESS))[
            "evaluationFeedback"
        ]
        feedback = (await call(cycle, SEND, ids(feedback), SUCCESS))["evaluationFeedback"]
        assert feedback["documentNumber"] and feedback["answerBy"], feedback
        bodies = (
            (ActorType.FINANCE, None),
            (fund.administration_actor, fund.administration),
            (ActorType.AGENCY, fund.administration),
        )
        for body, administration in bodies:
            await cycle.login(body, region, administration)
            feedback = (await call(cycle, ACKNOWLEDGE, {"id": feedback["id"]}, SUCCESS))["evaluationFeedback"]
        assert feedback["status"] == "ACKNOWLEDGED", feedback
        cycle.ids[cycle.key("feedback", fund)] = feedback["id"]
        await cycle.login(ActorType.FINANCE, PROVINCE)
        letter = docx_text(await document(cycle, "EVALUATION_FEEDBACK_LETTER", feedback["id"]))
        assert feedback["documentNumber"] in letter and feedback["gradeLabel"] in letter, letter
