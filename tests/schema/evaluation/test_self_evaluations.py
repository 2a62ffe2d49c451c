"""The self-evaluation through the API (Art. 15–18): opened by 成都's finance on the goal in force on 31
December, prefilled from monitoring; filled in by its agency, concurred with by its tax department, sent by
its finance (a prefecture-pooled fund, Art. 17), accepted by 财政厅 and 省医保局; submission refused while a
line not met lacks its cause or measures (Art. 18), each named; late after May, marked, not refused; bad
input as typed errors with nothing changed."""

from datetime import date
from typing import Any

import pytest

from src.models.enums import ActorType, Administration
from src.services.monitoring import clock
from tests.schema.conftest import GraphQLClient
from tests.services.conftest import CHENGDU, PROVINCE, bodies_of
from tests.services.evaluation.world import Evaluated, evaluated

MED = Administration.MEDICAL_SECURITY
FIELDS = """
  id rowVersion year status statusLabel poolingLevel submitterLabel recipients dueOn late
  initialBudget adjustedBudget executed prefilledExecuted executionRate executionScore totalScore
  grade gradeLabel
  contentRevision taxConcurred conclusion returnReason
  region { code } fundType { code } goal { id }
  lines { indicatorLineageId level3 targetValue actualValue prefilledValue actualGrade weight score met
          causeRequired actualEdited cause measures }
  transitions { action fromStatus toStatus reason organization { name } }
"""
ERRORS = """
  ... on ValidationError { fields { field code message } }
  ... on UserError { code message }
"""
OPEN = f"""mutation($input: SelfEvaluationOpenInput!) {{ selfEvaluationOpen(input: $input) {{ __typename
  ... on SelfEvaluationSuccess {{ selfEvaluation {{ {FIELDS} }} }} {ERRORS} }} }}"""
UPDATE = f"""mutation($input: SelfEvaluationUpdateInput!) {{ selfEvaluationUpdate(input: $input) {{ __typename
  ... on SelfEvaluationSuccess {{ selfEvaluation {{ {FIELDS} }} }} {ERRORS} }} }}"""
CONCUR = f"""mutation($input: SelfEvaluationTaxConcurInput!) {{ selfEvaluationTaxConcur(input: $input) {{
  __typename ... on SelfEvaluationSuccess {{ selfEvaluation {{ {FIELDS} }} }} {ERRORS} }} }}"""
RETURN = f"""mutation($input: SelfEvaluationReturnInput!) {{ selfEvaluationReturn(input: $input) {{
  __typename ... on SelfEvaluationSuccess {{ selfEvaluation {{ {FIELDS} }} }} {ERRORS} }} }}"""


def step(name: str) -> str:
    return f"""mutation($id: ID!, $rowVersion: Int!) {{ {name}(id: $id, rowVersion: $rowVersion) {{ __typename
  ... on SelfEvaluationSuccess {{ selfEvaluation {{ {FIELDS} }} }} {ERRORS} }} }}"""


LIST = f"""query($filter: SelfEvaluationFilter) {{ selfEvaluations(filter: $filter) {{ totalCount
  nodes {{ {FIELDS} }} }} }}"""
OPENING = {"regionCode": CHENGDU, "fundTypeCode": "EMPLOYEE_MEDICAL", "year": 2026}
NARRATIVE = {
    "conclusion": "总体完成",
    "problems": "发放率偏低",
    "measures": "加强稽核",
    "executionReason": "支出放缓",
}


async def world(gql: GraphQLClient) -> Evaluated:
    return await evaluated(gql.sessionmaker, await bodies_of(gql.sessionmaker, CHENGDU))


def ids(evaluation: dict[str, Any]) -> dict[str, Any]:
    return {"id": evaluation["id"], "rowVersion": evaluation["rowVersion"]}


async def call(gql: GraphQLClient, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = next(iter((await gql.data(document, variables)).values()))
    return answer


async def opened(gql: GraphQLClient) -> tuple[Evaluated, dict[str, Any]]:
    target = await world(gql)
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    answer = await call(gql, OPEN, {"input": OPENING})
    assert answer["__typename"] == "SelfEvaluationSuccess", answer
    return target, answer["selfEvaluation"]


async def filled(
    gql: GraphQLClient, *, explain: bool = True, start: tuple[Evaluated, dict[str, Any]] | None = None
) -> tuple[Evaluated, dict[str, Any]]:
    target, evaluation = start or await opened(gql)
    paid = str(target.paid.lineage_id)
    lines = [{"indicatorLineageId": paid, "cause": "系统切换", "measures": "按月通报"}] if explain else []
    await gql.login_as(ActorType.AGENCY, CHENGDU, MED)
    answer = await call(gql, UPDATE, {"input": {**ids(evaluation), **NARRATIVE, "lines": lines}})
    assert answer["__typename"] == "SelfEvaluationSuccess", answer
    await gql.login_as(ActorType.TAX, CHENGDU)
    answer = await call(gql, CONCUR, {"input": ids(answer["selfEvaluation"])})
    assert answer["selfEvaluation"]["taxConcurred"], answer
    return target, answer["selfEvaluation"]


async def test_art17_the_full_cycle_of_a_prefecture_pooled_funds_self_evaluation(gql: GraphQLClient) -> None:
    target, evaluation = await opened(gql)
    assert (evaluation["status"], evaluation["poolingLevel"], evaluation["submitterLabel"]) == (
        "DRAFT", "PREFECTURE", "财政部门",
    )  # fmt: skip
    assert "省税务局" in evaluation["recipients"] and evaluation["dueOn"] == "2027-05-31"
    assert evaluation["goal"]["id"] == str(target.goal.id) and evaluation["region"]["code"] == CHENGDU
    lines = {line["level3"]: line for line in evaluation["lines"]}
    assert lines["参保人数"]["actualValue"] == lines["参保人数"]["prefilledValue"]
    assert lines["参保人数"]["met"] and not lines["参保人数"]["causeRequired"]
    assert lines["待遇按时足额发放率"]["causeRequired"] and not lines["待遇按时足额发放率"]["met"]
    assert lines["政策落实"]["actualGrade"] == "ACHIEVED"
    assert (
        evaluation["executed"] == evaluation["prefilledExecuted"] and evaluation["gradeLabel"] in "优良中差"
    )
    _, evaluation = await filled(gql, start=(target, evaluation))
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    sent = await call(gql, step("selfEvaluationSubmit"), ids(evaluation))
    assert sent["selfEvaluation"]["status"] == "SUBMITTED" and not sent["selfEvaluation"]["late"], sent
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    half = await call(gql, step("selfEvaluationAccept"), ids(sent["selfEvaluation"]))
    assert half["selfEvaluation"]["status"] == "SUBMITTED"
    await gql.login_as(ActorType.MEDICAL_SECURITY, PROVINCE, MED)
    done = (await call(gql, step("selfEvaluationAccept"), ids(half["selfEvaluation"])))["selfEvaluation"]
    assert done["status"] == "ACCEPTED"
    assert [t["action"] for t in done["transitions"]] == ["OPEN", "TAX_CONCUR", "SUBMIT", "ACCEPT", "ACCEPT"]
    await gql.login_as(ActorType.TAX, PROVINCE)  # 省税务局, a recipient, reads it
    listed = (await gql.data(LIST, {"filter": {"year": 2026, "regionCode": CHENGDU}}))["selfEvaluations"]
    assert listed["totalCount"] == 1 and listed["nodes"][0]["id"] == done["id"]


async def test_art18_submission_names_every_line_without_cause(gql: GraphQLClient) -> None:
    _, evaluation = await filled(gql, explain=False)
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    refusal = await call(gql, step("selfEvaluationSubmit"), ids(evaluation))
    assert refusal["__typename"] == "ValidationError"
    fields = [(f["field"], f["code"]) for f in refusal["fields"]]
    assert fields == [
        ("selfEvaluation.lines.1.cause", "REQUIRED"),
        ("selfEvaluation.lines.1.measures", "REQUIRED"),
    ]
    assert all("待遇按时足额发放率" in f["message"] and "第十八条" in f["message"] for f in refusal["fields"])


async def test_art17_returned_with_its_reason(gql: GraphQLClient) -> None:
    _, evaluation = await filled(gql)
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    sent = (await call(gql, step("selfEvaluationSubmit"), ids(evaluation)))["selfEvaluation"]
    await gql.login_as(ActorType.MEDICAL_SECURITY, PROVINCE, MED)
    back = await call(gql, RETURN, {"input": {**ids(sent), "reason": "原因分析不充分"}})
    assert back["selfEvaluation"]["status"] == "RETURNED"
    assert back["selfEvaluation"]["returnReason"] == "原因分析不充分"


async def test_art17_late_after_may_marked_not_refused(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, evaluation = await filled(gql)
    monkeypatch.setattr(clock, "china_today", lambda: date(2027, 6, 2))
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    sent = await call(gql, step("selfEvaluationSubmit"), ids(evaluation))
    assert sent["selfEvaluation"]["status"] == "SUBMITTED" and sent["selfEvaluation"]["late"]
    late = (await gql.data(LIST, {"filter": {"late": True}}))["selfEvaluations"]
    assert late["totalCount"] == 1


async def test_bad_input_is_a_typed_error_and_changes_nothing(gql: GraphQLClient) -> None:
    await world(gql)
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    missing = await call(gql, OPEN, {"input": {**OPENING, "regionCode": "999999"}})
    assert missing["__typename"] == "NotFoundError"
    early = await call(gql, OPEN, {"input": {**OPENING, "year": 2027}})
    assert early["__typename"] == "PreconditionFailedError" and early["code"] == "YEAR_NOT_OVER"
    evaluation = (await call(gql, OPEN, {"input": OPENING}))["selfEvaluation"]
    again = await call(gql, OPEN, {"input": OPENING})
    assert again["__typename"] == "ConflictError" and again["code"] == "SELF_EVALUATION_EXISTS"
    await gql.login_as(ActorType.AGENCY, CHENGDU, MED)
    bad = await call(gql, UPDATE, {"input": {**ids(evaluation), "lines": [{"indicatorLineageId": "nope"}]}})
    assert (
        bad["__typename"] == "ValidationError"
        and bad["fields"][0]["field"] == "input.lines.0.indicatorLineageId"
    )
    listed = (await gql.data(LIST))["selfEvaluations"]["nodes"]
    assert [(e["contentRevision"], e["rowVersion"]) for e in listed] == [(0, evaluation["rowVersion"])]


DEADLINES = """query { deadlines(year: 2027, regionCode: "510100") { ... on DeadlineList {
  items { kind label dueOn status actorType organization { name } fundType { code } } } } }"""


async def test_art17_the_self_evaluation_is_listed_among_the_deadlines_with_the_body_that_sends_it(
    gql: GraphQLClient,
) -> None:
    await world(gql)
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    items = (await gql.data(DEADLINES))["deadlines"]["items"]
    (item,) = [i for i in items if i["kind"] == "SELF_EVALUATION"]
    assert item["dueOn"] == "2027-05-31" and item["actorType"] == "FINANCE"  # 由财政部门牵头报
    assert item["organization"] is not None and item["fundType"]["code"] == "EMPLOYEE_MEDICAL"
    assert "2026年度绩效自评" in item["label"]
