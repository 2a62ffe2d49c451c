"""The provincial evaluation and the July summary (Art. 17, 18): for each fund 财政厅 opens it, the
provincial agency of the fund's administration writes it with 省税务局's concurrence and sends it to 财政厅,
which approves it; then 财政厅 writes the year's summary and reports it upward by the end of July, numbered.
Printed: each fund's 省级评价报告 and the summary."""

from datetime import date

from src.models.enums import ActorType
from tests.cycle.documents import document
from tests.cycle.state import PROVINCE, Cycle, call, ids
from tests.reports.test_jobs import docx_text
from tests.schema.provincial_evaluation.test_provincial_evaluations import SUMMARY, by_input, step

SUCCESS, SUMMARY_SUCCESS = "ProvincialEvaluationSuccess", "ProvincialEvaluationSummarySuccess"
NARRATIVE = {
    "overview": "全省统筹地区按期完成自评并报送",
    "work": "财政厅牵头，主管部门指导，商省税务局实施",
    "conclusion": "基金运行总体平稳，绩效目标基本完成",
    "analysis": "多数指标完成年度目标，个别指标未达目标",
    "problems": "经办系统切换期间部分待遇延迟发放",
    "suggestions": "完善系统切换预案，加强运行监控",
}
SUMMARY_TEXT = {
    "overview": "全省完成各险种省级绩效评价",
    "problems": "个别指标未达年度目标",
    "nextSteps": "督促整改并强化评价结果应用",
}


async def run(cycle: Cycle) -> None:
    cycle.set_today(date(cycle.year + 1, 6, 20))
    for fund in cycle.funds:
        await cycle.login(ActorType.FINANCE, PROVINCE)
        opening = {"regionCode": PROVINCE, "fundTypeCode": fund.code, "year": cycle.year}
        opened = await call(
            cycle,
            by_input("provincialEvaluationOpen", "ProvincialEvaluationOpenInput"),
            {"input": opening},
            SUCCESS,
        )
        evaluation = opened["provincialEvaluation"]
        await cycle.login(ActorType.AGENCY, PROVINCE, fund.administration)
        update = by_input("provincialEvaluationUpdate", "ProvincialEvaluationUpdateInput")
        evaluation = (await call(cycle, update, {"input": {**ids(evaluation), **NARRATIVE}}, SUCCESS))[
            "provincialEvaluation"
        ]
        await cycle.login(ActorType.TAX, PROVINCE)
        concur = by_input("provincialEvaluationTaxConcur", "ProvincialEvaluationTaxConcurInput")
        evaluation = (await call(cycle, concur, {"input": {**ids(evaluation), "opinion": "同意"}}, SUCCESS))[
            "provincialEvaluation"
        ]
        await cycle.login(ActorType.AGENCY, PROVINCE, fund.administration)
        evaluation = (await call(cycle, step("provincialEvaluationSubmit"), ids(evaluation), SUCCESS))[
            "provincialEvaluation"
        ]
        assert not evaluation["late"] and evaluation["aggregate"]["expected"] >= 1, evaluation
        await cycle.login(ActorType.FINANCE, PROVINCE)
        evaluation = (await call(cycle, step("provincialEvaluationApprove"), ids(evaluation), SUCCESS))[
            "provincialEvaluation"
        ]
        assert evaluation["status"] == "APPROVED", evaluation
        cycle.ids[cycle.key("provincial_evaluation", fund, PROVINCE)] = evaluation["id"]
        await document(cycle, "PROVINCIAL_EVALUATION_REPORT", evaluation["id"])

    cycle.set_today(date(cycle.year + 1, 7, 25))
    create = by_input("provincialEvaluationSummaryCreate", "ProvincialEvaluationSummaryCreateInput", SUMMARY)
    summary = (
        await call(cycle, create, {"input": {"regionCode": PROVINCE, "year": cycle.year}}, SUMMARY_SUCCESS)
    )["provincialEvaluationSummary"]
    update = by_input("provincialEvaluationSummaryUpdate", "ProvincialEvaluationSummaryUpdateInput", SUMMARY)
    summary = (await call(cycle, update, {"input": {**ids(summary), **SUMMARY_TEXT}}, SUMMARY_SUCCESS))[
        "provincialEvaluationSummary"
    ]
    send = step("provincialEvaluationSummarySend", SUMMARY)
    summary = (await call(cycle, send, ids(summary), SUMMARY_SUCCESS))["provincialEvaluationSummary"]
    assert summary["documentNumber"] and not summary["late"], summary
    cycle.ids[f"provincial_summary:{PROVINCE}"] = summary["id"]
    text = docx_text(await document(cycle, "PROVINCIAL_EVALUATION_SUMMARY", summary["id"]))
    assert summary["documentNumber"] in text and "财政部" in text, text
