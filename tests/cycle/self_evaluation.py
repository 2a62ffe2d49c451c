"""Self-evaluation (Art. 15–18), after the year: the pooling region's finance opens it on the goal in force
on 31 December, prefilled from monitoring; the agency fills it in — the narrative, the budget block, and the
cause and measures of each line not met (Art. 18); the tax department concurs; it is sent as Art. 17 says
for the fund's pooling level (a prefecture's finance; the provincial agency for a province-pooled fund) and
accepted by 财政厅 and the provincial administration. Printed: the 自评表 and the 自评报告."""

from datetime import date
from typing import Any

from src.models.enums import ActorType
from tests.cycle.documents import document
from tests.cycle.monitoring import behind
from tests.cycle.state import PROVINCE, Cycle, Fund, call, ids
from tests.reports.test_jobs import docx_text

FIELDS = """id rowVersion status late totalScore gradeLabel taxConcurred executionRate
  prefilledAdjustedBudget adjustedBudget executed
  lines { indicatorLineageId level3 met causeRequired actualValue prefilledValue }"""
RESULT = f"""__typename ... on SelfEvaluationSuccess {{ selfEvaluation {{ {FIELDS} }} }}
  ... on ValidationError {{ fields {{ field code message }} }} ... on UserError {{ code message }}"""
OPEN = f"mutation($input: SelfEvaluationOpenInput!) {{ selfEvaluationOpen(input: $input) {{ {RESULT} }} }}"
UPDATE = (
    f"mutation($input: SelfEvaluationUpdateInput!) {{ selfEvaluationUpdate(input: $input) {{ {RESULT} }} }}"
)
CONCUR = f"""mutation($input: SelfEvaluationTaxConcurInput!) {{ selfEvaluationTaxConcur(input: $input) {{
  {RESULT} }} }}"""
SUCCESS = "SelfEvaluationSuccess"
NARRATIVE = {
    "conclusion": "基金运行总体平稳，年度绩效目标基本完成。",
    "problems": "个别指标未达年度目标，经办系统切换期间部分待遇延迟发放。",
    "measures": "完善系统切换预案，按月通报指标完成和待遇发放进度。",
    "executionReason": "年末部分支出延至次年拨付。",
}


def step(name: str) -> str:
    arguments = "mutation($id: ID!, $rowVersion: Int!)", "(id: $id, rowVersion: $rowVersion)"
    return f"{arguments[0]} {{ {name}{arguments[1]} {{ {RESULT} }} }}"


async def _filled(cycle: Cycle, fund: Fund, evaluation: dict[str, Any]) -> dict[str, Any]:
    lines = [
        {
            "indicatorLineageId": line["indicatorLineageId"],
            "cause": "经办系统切换",
            "measures": "按月通报进度",
        }
        for line in evaluation["lines"]
        if line["causeRequired"]
    ]
    assert [line["level3"] for line in evaluation["lines"] if not line["met"]] == [
        behind(cycle, fund)["level3"]
    ]
    budget = {"adjustedBudget": evaluation["prefilledAdjustedBudget"], "executed": evaluation["executed"]}
    await cycle.login(ActorType.AGENCY, fund.pooling_region, fund.administration)
    edit = {"input": {**ids(evaluation), **NARRATIVE, **budget, "lines": lines}}
    evaluation = (await call(cycle, UPDATE, edit, SUCCESS))["selfEvaluation"]
    await cycle.login(ActorType.TAX, fund.pooling_region)
    concur = {"input": {**ids(evaluation), "opinion": "征缴数据已核对，同意。"}}
    evaluation = (await call(cycle, CONCUR, concur, SUCCESS))["selfEvaluation"]
    assert evaluation["taxConcurred"], evaluation
    return evaluation


async def run(cycle: Cycle) -> None:
    cycle.set_today(date(cycle.year + 1, 3, 1))
    for fund in cycle.funds:
        region = fund.pooling_region
        await cycle.login(ActorType.FINANCE, region)
        opening = {"regionCode": region, "fundTypeCode": fund.code, "year": cycle.year}
        evaluation = (await call(cycle, OPEN, {"input": opening}, SUCCESS))["selfEvaluation"]
        evaluation = await _filled(cycle, fund, evaluation)
        if fund.prefecture_pooled:  # Art. 17: the prefecture's finance sends it (牵头报)
            await cycle.login(ActorType.FINANCE, region)
        else:  # pooled at the province: the provincial agency reports it
            await cycle.login(ActorType.AGENCY, region, fund.administration)
        evaluation = (await call(cycle, step("selfEvaluationSubmit"), ids(evaluation), SUCCESS))[
            "selfEvaluation"
        ]
        for body, administration in (
            (ActorType.FINANCE, None),
            (fund.administration_actor, fund.administration),
        ):
            await cycle.login(body, PROVINCE, administration)
            evaluation = (await call(cycle, step("selfEvaluationAccept"), ids(evaluation), SUCCESS))[
                "selfEvaluation"
            ]
        assert evaluation["status"] == "ACCEPTED" and not evaluation["late"], evaluation
        assert evaluation["gradeLabel"] and evaluation["totalScore"], evaluation
        cycle.ids[cycle.key("self_evaluation", fund)] = evaluation["id"]
        await cycle.login(ActorType.FINANCE, region)
        form = docx_text(await document(cycle, "SELF_EVALUATION_FORM", evaluation["id"]))
        assert cycle.ids[cycle.key("goal_number", fund)] in form, form  # 绩效目标文号: the goal it ran on
        await document(cycle, "SELF_EVALUATION_REPORT", evaluation["id"])
