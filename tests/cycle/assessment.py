"""The assessment of prefectures (Art. 22): 财政厅 opens and computes the year's round from the measurable
facts — here the cycle's own: 成都's accepted self-evaluation and its rectification item verified on time —
人社厅, 省医保局 and 省税务局 concur, 财政厅 publishes it, numbered. Printed: the 考核结果通报."""

from datetime import date
from typing import Any

from src.models.enums import ActorType, Administration
from tests.cycle.documents import document
from tests.cycle.state import PROVINCE, Cycle, call, ids
from tests.reports.test_jobs import docx_text
from tests.schema.assessment.test_assessment import OPEN

SUCCESS = "AssessmentRoundSuccess"
FIELDS = """id rowVersion status documentNumber prefectures { id rank total outcome region { code name }
  facts { evaluationsOwed evaluationsAccepted rectificationItems rectificationClosed rectificationOnTime
    rectificationScore } }"""
STEP = """mutation($id: ID!, $rowVersion: Int!) {{ {0}(id: $id, rowVersion: $rowVersion) {{
  __typename ... on AssessmentRoundSuccess {{ assessmentRound {{ {1} }} }}
  ... on UserError {{ code message }} }} }}"""


def _step(name: str) -> str:
    return STEP.format(name, FIELDS)


async def run(cycle: Cycle) -> None:
    cycle.set_today(date(cycle.year + 1, 10, 20))
    await cycle.login(ActorType.FINANCE, PROVINCE)
    row: dict[str, Any] = (await call(cycle, OPEN, {"year": cycle.year}, SUCCESS))["assessmentRound"]
    row = (await call(cycle, _step("assessmentRoundCompute"), ids(row), SUCCESS))["assessmentRound"]
    assert len(row["prefectures"]) == 21, row
    prefectures = {f.pooling_region for f in cycle.funds if f.prefecture_pooled}
    for p in row["prefectures"]:
        if p["region"]["code"] not in prefectures:
            continue
        facts = p["facts"]
        # The cycle's item, raised from the feedback and verified within its RECTIFICATION_DAYS.
        assert (facts["rectificationItems"], facts["rectificationClosed"], facts["rectificationOnTime"]) == (
            1, 1, 1,
        ), facts  # fmt: skip
        assert float(facts["rectificationScore"]) == 100 and facts["evaluationsAccepted"] >= 1, facts
    for actor_type, administration in (
        (ActorType.HRSS, Administration.HRSS),
        (ActorType.MEDICAL_SECURITY, Administration.MEDICAL_SECURITY),
        (ActorType.TAX, None),
    ):
        await cycle.login(actor_type, PROVINCE, administration)
        row = (await call(cycle, _step("assessmentRoundConcur"), ids(row), SUCCESS))["assessmentRound"]
    await cycle.login(ActorType.FINANCE, PROVINCE)
    row = (await call(cycle, _step("assessmentRoundPublish"), ids(row), SUCCESS))["assessmentRound"]
    assert row["status"] == "PUBLISHED" and row["documentNumber"], row
    cycle.ids[f"assessment:{PROVINCE}"] = row["id"]
    weak = [p for p in row["prefectures"] if p["outcome"] == "WEAK"]  # 工作推进不力, in rank order
    if weak:  # the 两书一函 follow on its row
        cycle.ids["assessment_weak"] = weak[0]["id"]
        cycle.ids["assessment_weak_region"] = weak[0]["region"]["code"]
        cycle.ids["assessment_weak_name"] = weak[0]["region"]["name"]
    text = docx_text(await document(cycle, "ASSESSMENT_NOTICE", row["id"]))
    assert row["documentNumber"] in text and "成都市" in text, text
