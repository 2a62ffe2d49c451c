"""The rectification items through the API (Art. 20 「绩效评价中发现的问题要及时分类进行整改」): 财政厅
raises items from its feedback to 成都 (listed on the feedback), 成都's medical agency writes its measures
and cause, uploads evidence and reports; 财政厅 returns, then verifies it; the region's bodies read it,
another region's do not; the `deadlines` query lists it."""

from typing import Any

from src.models.enums import ActorType, Administration
from src.models.feedback import FeedbackStatus
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import PREFECTURE, PROVINCE
from tests.schema.mutation_cases_feedback import bodies, feedback
from tests.services.rectification.support import PDF

MED, HRSS = Administration.MEDICAL_SECURITY, Administration.HRSS
FIELDS = """id rowVersion year status statusLabel category categoryLabel treatment treatmentLabel problem
  feedbackId sourceText raisedOn dueOn measures cause progress returnReason verifiedAt
  region { code } owner { actorType } raisedBy { actorType }
  evidence { id fileName size contentType sha256 downloadUrl }"""
ERRORS = "... on ValidationError { fields { field code } } ... on UserError { code message }"
SUCCESS = f"... on RectificationItemSuccess {{ rectificationItem {{ {FIELDS} }} }} {ERRORS}"
CREATE = f"""mutation($input: RectificationItemCreateInput!) {{
  rectificationItemCreate(input: $input) {{ __typename {SUCCESS} }} }}"""
UPDATE = f"""mutation($input: RectificationItemUpdateInput!) {{
  rectificationItemUpdate(input: $input) {{ __typename {SUCCESS} }} }}"""
STEP = """mutation($id: ID!, $rowVersion: Int!) {{
  {0}(id: $id, rowVersion: $rowVersion) {{ __typename {1} }} }}"""
RETURN = f"""mutation($input: RectificationItemReturnInput!) {{
  rectificationItemReturn(input: $input) {{ __typename {SUCCESS} }} }}"""
ONE = f"""query($id: ID!) {{ rectificationItem(id: $id) {{ __typename
  ... on RectificationItem {{ {FIELDS} }} }} }}"""
LIST = """query($status: RectificationStatus) {
  rectificationItems(year: 2025, regionCode: "510100", fundCode: "EMPLOYEE_MEDICAL", status: $status) {
    nodes { id status } } }"""
ON_FEEDBACK = """query($id: ID!) { evaluationFeedback(id: $id) {
  ... on EvaluationFeedback { rectificationItems { id problem } } } }"""
DEADLINES = """query($year: Int!) { deadlines(year: $year, regionCode: "510100") {
  ... on DeadlineList { items { kind dueOn status actorType } } } }"""


async def call(gql: GraphQLClient, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = next(iter((await gql.data(document, variables)).values()))
    return answer


def item_of(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer["__typename"] == "RectificationItemSuccess", answer
    found: dict[str, Any] = answer["rectificationItem"]
    return found


async def raised(gql: GraphQLClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """The sent feedback to 成都 and 财政厅's item from it, owned by 成都's medical agency."""
    letter = await feedback(gql, FeedbackStatus.SENT)
    actors = await bodies(gql.sessionmaker)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    fields = {
        "regionCode": PREFECTURE, "fundCode": "EMPLOYEE_MEDICAL", "year": 2025, "category": "EXECUTION_LAG",
        "problem": "基金支出进度滞后于序时进度", "feedbackId": letter["id"],
        "ownerOrganizationId": str(actors["region_agency"].organization_id),
    }  # fmt: skip
    return letter, item_of(await call(gql, CREATE, {"input": fields}))


async def upload(gql: GraphQLClient, item_id: str, name: str, data: bytes) -> Any:
    return await gql.http.post(
        "/uploads/rectification-evidence", params={"itemId": item_id, "fileName": name}, content=data,
        headers={"Content-Type": "application/octet-stream"},
    )  # fmt: skip


async def test_art20_the_province_raises_an_item_from_its_feedback_and_the_region_reads_it(
    gql: GraphQLClient,
) -> None:
    letter, item = await raised(gql)
    assert (item["status"], item["statusLabel"], item["categoryLabel"]) == (
        "OPEN",
        "整改中",
        "预算进度执行偏差",
    )
    assert (item["treatment"], item["treatmentLabel"]) == ("ANALYSE_AND_REMEDY", "分析原因、提出整改措施")
    assert item["feedbackId"] == letter["id"] and item["owner"]["actorType"] == "AGENCY"
    assert item["raisedBy"]["actorType"] == "FINANCE" and item["evidence"] == []
    for actor_type, administration in (
        (ActorType.TAX, None),
        (ActorType.MEDICAL_SECURITY, MED),
        (ActorType.FINANCE, None),
    ):
        await gql.login_as(actor_type, PREFECTURE, administration)
        assert (await call(gql, ONE, {"id": item["id"]}))["__typename"] == "RectificationItem"
        on_feedback = (await gql.data(ON_FEEDBACK, {"id": letter["id"]}))["evaluationFeedback"]
        assert [i["id"] for i in on_feedback["rectificationItems"]] == [item["id"]]
    for actor_type, region, administration in (
        (ActorType.FINANCE, "510300", None),
        (ActorType.AGENCY, PREFECTURE, HRSS),
    ):
        await gql.login_as(actor_type, region, administration)
        assert (await call(gql, ONE, {"id": item["id"]}))["__typename"] == "NotFoundError"
        assert (await gql.data(LIST, {}))["rectificationItems"]["nodes"] == []
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    assert [n["id"] for n in (await gql.data(LIST, {"status": "OPEN"}))["rectificationItems"]["nodes"]] == [
        item["id"]
    ]
    assert (await gql.data(LIST, {"status": "VERIFIED"}))["rectificationItems"]["nodes"] == []
    found = (await gql.data(DEADLINES, {"year": int(item["dueOn"][:4])}))["deadlines"]["items"]
    assert [(i["kind"], i["status"], i["actorType"]) for i in found if i["kind"] == "RECTIFICATION_ITEM"] == [
        ("RECTIFICATION_ITEM", "PENDING", "AGENCY")
    ]


async def test_art20_the_owner_reports_with_evidence_and_the_province_returns_then_verifies(
    gql: GraphQLClient,
) -> None:
    _, item = await raised(gql)
    await gql.login_as(ActorType.AGENCY, PREFECTURE, MED)
    report = STEP.format("rectificationItemReport", SUCCESS)
    refused = await call(gql, report, {"id": item["id"], "rowVersion": item["rowVersion"]})
    assert refused["__typename"] == "ValidationError"
    assert sorted(f["field"] for f in refused["fields"]) == ["item.cause", "item.measures"]
    change = {
        "id": item["id"],
        "rowVersion": item["rowVersion"],
        "measures": "按月调度支出",
        "cause": "结算周期滞后",
    }
    item = item_of(await call(gql, UPDATE, {"input": change}))
    missing = await call(gql, report, {"id": item["id"], "rowVersion": item["rowVersion"]})
    assert (missing["__typename"], missing["code"]) == ("PreconditionFailedError", "EVIDENCE_REQUIRED")
    response = await upload(gql, item["id"], "整改报告.pdf", PDF)
    assert response.status_code == 201, response.text
    item = item_of(await call(gql, report, {"id": item["id"], "rowVersion": item["rowVersion"]}))
    assert item["status"] == "REPORTED" and [e["fileName"] for e in item["evidence"]] == ["整改报告.pdf"]
    late = await upload(gql, item["id"], "补充.pdf", PDF)  # reported: nothing more to attach
    assert late.status_code == 409

    await gql.login_as(ActorType.FINANCE, PREFECTURE)  # not the finance that raised it
    body = await gql.query(
        STEP.format("rectificationItemVerify", SUCCESS), {"id": item["id"], "rowVersion": item["rowVersion"]}
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    returned = item_of(
        await call(
            gql, RETURN, {"input": {"id": item["id"], "rowVersion": item["rowVersion"], "reason": "佐证不足"}}
        )
    )
    assert (returned["status"], returned["returnReason"]) == ("RETURNED", "佐证不足")
    await gql.login_as(ActorType.AGENCY, PREFECTURE, MED)
    again = item_of(await call(gql, report, {"id": item["id"], "rowVersion": returned["rowVersion"]}))
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    closed = item_of(
        await call(
            gql,
            STEP.format("rectificationItemVerify", SUCCESS),
            {"id": item["id"], "rowVersion": again["rowVersion"]},
        )
    )
    assert closed["status"] == "VERIFIED" and closed["verifiedAt"] is not None
    found = (await gql.data(DEADLINES, {"year": int(item["dueOn"][:4])}))["deadlines"]["items"]
    assert [i["status"] for i in found if i["kind"] == "RECTIFICATION_ITEM"] == ["DONE"]


async def test_art20_a_source_and_a_valid_owner_are_required(gql: GraphQLClient) -> None:
    actors = await bodies(gql.sessionmaker)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    fields = {
        "regionCode": PREFECTURE, "fundCode": "EMPLOYEE_MEDICAL", "year": 2025, "category": "GOAL_SETTING",
        "problem": "目标偏低", "ownerOrganizationId": str(actors["tax"].organization_id),
    }  # fmt: skip
    answer = await call(gql, CREATE, {"input": fields})
    assert answer["__typename"] == "ValidationError"
    assert sorted(f["field"] for f in answer["fields"]) == ["input.ownerOrganizationId", "input.sourceText"]
