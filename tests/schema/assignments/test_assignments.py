"""The assignments through the API (Art. 17 「绩效评价工作可委托中介机构、高等院校、专家等第三方具体实施」):
成都's finance assigns one of its self-evaluations to a third party, whose users then read and fill in
exactly that one through every path — lists, lookups by id, the events catch-up, documents — every edit
theirs in the audit trail, until finance ends the assignment."""

from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from src.models import AuditEvent, User
from src.models.base import utcnow
from src.models.enums import ActorType
from src.services.assignments.period import CHINA
from tests.factories import make_user
from tests.schema.conftest import GraphQLClient
from tests.services.assignments.world import evaluation_in
from tests.services.conftest import CHENGDU, Sessionmaker

CREATE = """mutation($input: AssignmentCreateInput!) { assignmentCreate(input: $input) {
  __typename ... on AssignmentSuccess { assignment { id subjectType subjectId startsOn endsOn active
    organization { name } } } ... on UserError { code message } } }"""
END = """mutation($id: ID!, $reason: String!) { assignmentEnd(id: $id, reason: $reason) {
  __typename ... on AssignmentSuccess { assignment { active endReason } } ... on UserError { code } } }"""
MINE = "{ myAssignments { subjectType subjectId active } }"
OF_SUBJECT = """query($id: ID!) { assignments(subjectType: "SelfEvaluation", subjectId: $id) {
  __typename ... on AssignmentList { items { id organization { name } } } } }"""
LIST = "{ selfEvaluations(first: 50) { nodes { id } } }"
ONE = """query($id: ID!) { selfEvaluation(id: $id) { __typename ... on SelfEvaluation { id conclusion } } }"""
UPDATE = """mutation($input: SelfEvaluationUpdateInput!) { selfEvaluationUpdate(input: $input) {
  __typename ... on SelfEvaluationSuccess { selfEvaluation { rowVersion conclusion } } } }"""
SUBMIT = """mutation($id: ID!, $v: Int!) { selfEvaluationSubmit(id: $id, rowVersion: $v) { __typename } }"""
EVENTS = """{ events(after: "0", first: 500) { events { kind subjectType subjectId } } }"""
REQUEST = """mutation($input: ReportRequestInput!) { reportRequest(input: $input) {
  __typename ... on ReportRequestSuccess { job { id } } } }"""
JOB = """query($id: ID!) { reportJob(id: $id) { __typename } }"""


def as_user(gql: GraphQLClient, user: User) -> None:
    gql.http.headers["Authorization"] = f"Bearer {gql.token_for(user)}"


async def request_form(gql: GraphQLClient, evaluation_id: int | None) -> dict[str, Any]:
    variables = {"input": {"kind": "SELF_EVALUATION_FORM", "subjectId": str(evaluation_id)}}
    result: dict[str, Any] = (await gql.data(REQUEST, variables))["reportRequest"]
    return result


async def test_art17_third_party_sees_only_what_it_is_assigned_through_every_path(
    gql: GraphQLClient, sessionmaker: Sessionmaker
) -> None:
    assigned = await evaluation_in(sessionmaker, CHENGDU)
    other = await evaluation_in(sessionmaker, CHENGDU, fund_code="RESIDENT_MEDICAL")
    firm = await make_user(sessionmaker, actor_type=ActorType.THIRD_PARTY)
    finance = await gql.login_as(ActorType.FINANCE, CHENGDU)
    today = utcnow().astimezone(CHINA).date()
    period = {"startsOn": str(today - timedelta(days=1)), "endsOn": str(today + timedelta(days=30))}
    fields = {"subjectType": "SelfEvaluation", "organizationId": str(firm.organization_id), **period}
    created = (await gql.data(CREATE, {"input": {**fields, "subjectId": str(assigned.id)}}))[
        "assignmentCreate"
    ]
    assert created["__typename"] == "AssignmentSuccess", created
    assignment = created["assignment"]
    assert assignment["active"] and assignment["startsOn"] == period["startsOn"]
    assert assignment["organization"]["name"] and assignment["subjectId"] == str(assigned.id)
    finance_job = (await request_form(gql, assigned.id))["job"]["id"]
    other_job = (await request_form(gql, other.id))["job"]["id"]

    as_user(gql, firm)
    assert (await gql.data(MINE))["myAssignments"] == [
        {"subjectType": "SelfEvaluation", "subjectId": str(assigned.id), "active": True}
    ]
    assert (await gql.data(LIST))["selfEvaluations"]["nodes"] == [{"id": str(assigned.id)}]
    assert (await gql.data(ONE, {"id": str(other.id)}))["selfEvaluation"]["__typename"] == "NotFoundError"
    of_subject = (await gql.data(OF_SUBJECT, {"id": str(assigned.id)}))["assignments"]
    assert [item["id"] for item in of_subject["items"]] == [assignment["id"]]
    hidden = (await gql.data(OF_SUBJECT, {"id": str(other.id)}))["assignments"]["__typename"]
    assert hidden == "NotFoundError"
    # It fills the evaluation in (经办机构's part, Art. 17) ...
    edit = {"id": str(assigned.id), "rowVersion": assigned.row_version, "conclusion": "第三方评价结论"}
    updated = (await gql.data(UPDATE, {"input": edit}))["selfEvaluationUpdate"]
    assert updated["selfEvaluation"]["conclusion"] == "第三方评价结论"
    # ... but does not report it: that stays with the bodies Art. 17 names.
    refused = await gql.query(SUBMIT, {"id": str(assigned.id), "v": updated["selfEvaluation"]["rowVersion"]})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # The edit is the third party's in the audit trail.
    async with sessionmaker() as session:
        stmt = select(AuditEvent).where(AuditEvent.operation == "selfEvaluationUpdate")
        trail = (await session.exec(stmt.order_by(col(AuditEvent.id)))).all()
    assert [(a.user_id, a.organization_id, a.target_id) for a in trail] == [
        (firm.id, firm.organization_id, assigned.id)
    ]
    # Events: those of its evaluation (the edit, the assignment), none of the other's.
    seen = {
        (e["kind"], e["subjectType"], e["subjectId"]) for e in (await gql.data(EVENTS))["events"]["events"]
    }
    assert ("SELF_EVALUATION_CHANGED", "SelfEvaluation", str(assigned.id)) in seen
    assert ("ASSIGNMENT_CHANGED", "Assignment", assignment["id"]) in seen
    assert not any(subject_id == str(other.id) and kind.startswith("SELF") for kind, _, subject_id in seen)
    # Documents: its evaluation's, whoever requested them; not the other's.
    assert (await gql.data(JOB, {"id": finance_job}))["reportJob"]["__typename"] == "ReportJob"
    assert (await gql.data(JOB, {"id": other_job}))["reportJob"]["__typename"] == "NotFoundError"
    assert (await gql.http.get(f"/files/{other_job}")).status_code == 404
    assert (await request_form(gql, assigned.id))["__typename"] == "ReportRequestSuccess"
    assert (await request_form(gql, other.id))["__typename"] == "NotFoundError"

    # Finance ends it: from the next request on, the third party reads nothing of it.
    as_user(gql, finance)
    ended = (await gql.data(END, {"id": assignment["id"], "reason": "合同提前终止"}))["assignmentEnd"]
    assert ended == {
        "__typename": "AssignmentSuccess",
        "assignment": {"active": False, "endReason": "合同提前终止"},
    }
    as_user(gql, firm)
    assert (await gql.data(ONE, {"id": str(assigned.id)}))["selfEvaluation"]["__typename"] == "NotFoundError"
    assert (await gql.data(LIST))["selfEvaluations"]["nodes"] == []
    assert (await gql.data(JOB, {"id": finance_job}))["reportJob"]["__typename"] == "NotFoundError"
    assert (await gql.data(MINE))["myAssignments"] == []
    gone = await gql.data(UPDATE, {"input": {**edit, "rowVersion": updated["selfEvaluation"]["rowVersion"]}})
    assert gone["selfEvaluationUpdate"]["__typename"] == "NotFoundError"


async def test_art17_assigning_is_refused_for_non_third_parties_and_overlaps(
    gql: GraphQLClient, sessionmaker: Sessionmaker
) -> None:
    evaluation = await evaluation_in(sessionmaker, CHENGDU)
    firm = await make_user(sessionmaker, actor_type=ActorType.THIRD_PARTY)
    agency = await make_user(sessionmaker, actor_type=ActorType.AGENCY, region_code=CHENGDU)
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    base = {"subjectType": "SelfEvaluation", "subjectId": str(evaluation.id), "startsOn": "2099-01-01",
            "endsOn": "2099-12-31"}  # fmt: skip

    async def create(**fields: str) -> dict[str, Any]:
        result: dict[str, Any] = (await gql.data(CREATE, {"input": {**base, **fields}}))["assignmentCreate"]
        return result

    not_third = await create(organizationId=str(agency.organization_id))
    assert (not_third["__typename"], not_third["code"]) == ("ValidationError", "VALIDATION_FAILED")
    assert (await create(organizationId=str(firm.organization_id)))["__typename"] == "AssignmentSuccess"
    again = await create(organizationId=str(firm.organization_id), startsOn="2099-12-31", endsOn="2100-01-31")
    assert (again["__typename"], again["code"]) == ("ConflictError", "ASSIGNMENT_OVERLAPS")
    bad_note = await gql.query(CREATE, {"input": {**base, "organizationId": "1", "note": "a\x07"}})
    assert bad_note["data"]["assignmentCreate"]["__typename"] == "ValidationError"
