"""The evaluation-result feedback through the API (Art. 19 「财政厅牵头…提出有针对性的建议措施，并及时将
评价结果反馈相关地区和经办机构」): 财政厅 writes it on an accepted self-evaluation
(a draft seen by the province only), sends it numbered as a joint letter with 省医保局 and 省税务局, the score
and grade copied, answer-by the region's FEEDBACK_ANSWER_DAYS; 成都's finance, medical security bureau and
agency each acknowledge it; the answer-by dates are listed by `deadlines`."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from src.models import EvaluationFeedback, EvaluationFeedbackRecipient, RegionalRule, SelfEvaluation
from src.models.enums import ActorType, Administration
from src.models.evaluation import SelfEvaluationStatus
from src.models.feedback import FeedbackStatus
from src.services.deadlines.items import china_today
from src.services.monitoring import clock
from tests.factories import region_id
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import PREFECTURE, PROVINCE, self_evaluation
from tests.schema.mutation_cases_feedback import TEXTS, bodies, feedback
from tests.support.sql import StatementCounter

MED, HRSS = Administration.MEDICAL_SECURITY, Administration.HRSS
SENT_ON = date(2026, 8, 10)
FIELDS = """id rowVersion year status statusLabel score grade gradeLabel documentNumber answerBy
  achievements problems recommendations rectification application selfEvaluationId
  region { code } coIssuers { actorType } recipients { actorType acknowledgedAt }"""
ERRORS = "... on ValidationError { fields { field code message } } ... on UserError { code message }"
SUCCESS = f"... on EvaluationFeedbackSuccess {{ evaluationFeedback {{ {FIELDS} }} }} {ERRORS}"
CREATE = f"""mutation($input: EvaluationFeedbackCreateInput!) {{
  evaluationFeedbackCreate(input: $input) {{ __typename {SUCCESS} }} }}"""
UPDATE = f"""mutation($input: EvaluationFeedbackUpdateInput!) {{
  evaluationFeedbackUpdate(input: $input) {{ __typename {SUCCESS} }} }}"""
SEND = f"""mutation($id: ID!, $rowVersion: Int!) {{
  evaluationFeedbackSend(id: $id, rowVersion: $rowVersion) {{ __typename {SUCCESS} }} }}"""
ACK_SUCCESS = (
    f"... on EvaluationFeedbackSuccess {{ evaluationFeedback {{ {FIELDS} }} }} ... on UserError {{ code }}"
)
ACKNOWLEDGE = (
    f"mutation($id: ID!) {{ evaluationFeedbackAcknowledge(id: $id) {{ __typename {ACK_SUCCESS} }} }}"
)
ONE = f"""query($id: ID!) {{ evaluationFeedback(id: $id) {{ __typename
  ... on EvaluationFeedback {{ {FIELDS} }} }} }}"""
LIST = """query($region: String) {
  evaluationFeedbacks(year: 2025, regionCode: $region) { nodes { id status } } }"""


@pytest.fixture(autouse=True)
def in_august(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "china_today", lambda: SENT_ON)


async def call(gql: GraphQLClient, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = next(iter((await gql.data(document, variables)).values()))
    return answer


async def written(gql: GraphQLClient) -> dict[str, Any]:
    """财政厅's draft on 成都's accepted 2025 self-evaluation (86.50, 良), every part written."""
    await bodies(gql.sessionmaker)
    evaluation = await self_evaluation(
        gql, SelfEvaluationStatus.ACCEPTED, total_score=Decimal("86.50"), grade="GOOD"
    )
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    created = await call(gql, CREATE, {"input": {"selfEvaluationId": evaluation["id"]}})
    assert created["__typename"] == "EvaluationFeedbackSuccess", created
    draft = created["evaluationFeedback"]
    assert draft["status"] == "DRAFT" and draft["score"] is None and draft["documentNumber"] is None
    change = {"id": draft["id"], "rowVersion": draft["rowVersion"], **TEXTS}
    updated = await call(gql, UPDATE, {"input": change})
    assert updated["__typename"] == "EvaluationFeedbackSuccess", updated
    result: dict[str, Any] = updated["evaluationFeedback"]
    return result


async def sent(gql: GraphQLClient) -> dict[str, Any]:
    draft = await written(gql)
    answer = await call(gql, SEND, {"id": draft["id"], "rowVersion": draft["rowVersion"]})
    assert answer["__typename"] == "EvaluationFeedbackSuccess", answer
    result: dict[str, Any] = answer["evaluationFeedback"]
    return result


async def test_art19_a_draft_is_the_provinces_only_and_the_sent_letter_reaches_the_region(
    gql: GraphQLClient,
) -> None:
    draft = await written(gql)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    assert (await call(gql, ONE, {"id": draft["id"]}))["__typename"] == "NotFoundError"
    assert (await gql.data(LIST, {"region": PREFECTURE}))["evaluationFeedbacks"]["nodes"] == []
    await gql.login_as(ActorType.NATIONAL, PROVINCE)
    assert (await call(gql, ONE, {"id": draft["id"]}))["__typename"] == "NotFoundError"
    await gql.login_as(ActorType.MEDICAL_SECURITY, PROVINCE, MED)  # 省医保局, a co-issuer, reads the draft
    assert (await call(gql, ONE, {"id": draft["id"]}))["__typename"] == "EvaluationFeedback"

    await gql.login_as(ActorType.FINANCE, PROVINCE)
    await call(gql, SEND, {"id": draft["id"], "rowVersion": draft["rowVersion"]})
    for actor_type, administration in ((ActorType.FINANCE, None), (ActorType.AGENCY, MED)):
        await gql.login_as(actor_type, PREFECTURE, administration)
        found = (await gql.data(LIST, {"region": PREFECTURE}))["evaluationFeedbacks"]["nodes"]
        assert [n["id"] for n in found] == [draft["id"]]
    await gql.login_as(ActorType.AGENCY, PREFECTURE, HRSS)  # not its fund
    assert (await call(gql, ONE, {"id": draft["id"]}))["__typename"] == "NotFoundError"
    await gql.login_as(ActorType.FINANCE, "511800")  # another region
    assert (await call(gql, ONE, {"id": draft["id"]}))["__typename"] == "NotFoundError"


async def test_art19_sending_numbers_the_joint_letter_and_copies_the_score_and_grade(
    gql: GraphQLClient,
) -> None:
    letter = await sent(gql)
    assert letter["status"] == "SENT" and letter["statusLabel"] == "已反馈"
    assert letter["score"] == "86.50" and letter["grade"] == "GOOD" and letter["gradeLabel"] == "良"
    assert letter["documentNumber"].startswith("川财社〔") and letter["documentNumber"].endswith("号")
    # 人社厅 or 省医保局 by the fund's administration, and 省税务局: a joint letter.
    assert [o["actorType"] for o in letter["coIssuers"]] == ["MEDICAL_SECURITY", "TAX"]
    recipients = [(r["actorType"], r["acknowledgedAt"]) for r in letter["recipients"]]
    assert recipients == [("FINANCE", None), ("MEDICAL_SECURITY", None), ("AGENCY", None)]
    # FORMS §4C 「收文之日起30日内」: the province's default.
    assert letter["answerBy"] == "2026-09-09"


async def test_art19_the_answer_by_date_follows_the_regions_own_rule(gql: GraphQLClient) -> None:
    async with gql.sessionmaker() as s:
        s.add(RegionalRule(region_id=await region_id(s, PREFECTURE), key="FEEDBACK_ANSWER_DAYS", value="15"))
        await s.commit()
    letter = await sent(gql)
    assert letter["answerBy"] == "2026-08-25"


async def test_art19_feedback_answers_an_accepted_self_evaluation_once(gql: GraphQLClient) -> None:
    await bodies(gql.sessionmaker)
    submitted = await self_evaluation(gql, SelfEvaluationStatus.SUBMITTED)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    refused = await call(gql, CREATE, {"input": {"selfEvaluationId": submitted["id"]}})
    assert (refused["__typename"], refused["code"]) == ("PreconditionFailedError", "NOT_YET_EVALUATED")


async def test_art19_a_second_feedback_on_the_same_evaluation_is_a_conflict(gql: GraphQLClient) -> None:
    draft = await written(gql)
    again = await call(gql, CREATE, {"input": {"selfEvaluationId": draft["selfEvaluationId"]}})
    assert (again["__typename"], again["code"]) == ("ConflictError", "FEEDBACK_EXISTS")


async def test_art19_every_part_is_written_before_sending(gql: GraphQLClient) -> None:
    target = await feedback(gql, FeedbackStatus.DRAFT)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    emptied = {"id": target["id"], "rowVersion": target["rowVersion"], "rectification": "  "}
    row = (await call(gql, UPDATE, {"input": emptied}))["evaluationFeedback"]
    refused = await call(gql, SEND, {"id": row["id"], "rowVersion": row["rowVersion"]})
    assert refused["__typename"] == "ValidationError"
    assert [f["field"] for f in refused["fields"]] == ["feedback.rectification"]
    control = {"id": row["id"], "rowVersion": row["rowVersion"], "problems": "问题\x07"}
    assert (await call(gql, UPDATE, {"input": control}))["__typename"] == "ValidationError"


async def test_art19_acknowledged_when_finance_administration_and_agency_all_have(
    gql: GraphQLClient,
) -> None:
    letter = await sent(gql)
    bodies_of_region = (
        (ActorType.FINANCE, None), (ActorType.MEDICAL_SECURITY, MED), (ActorType.AGENCY, MED),
    )  # fmt: skip
    for n, (actor_type, administration) in enumerate(bodies_of_region, start=1):
        await gql.login_as(actor_type, PREFECTURE, administration)
        answer = await call(gql, ACKNOWLEDGE, {"id": letter["id"]})
        assert answer["__typename"] == "EvaluationFeedbackSuccess", answer
        row = answer["evaluationFeedback"]
        assert sum(r["acknowledgedAt"] is not None for r in row["recipients"]) == n
        assert row["status"] == ("ACKNOWLEDGED" if n == 3 else "SENT")
    again = await call(gql, ACKNOWLEDGE, {"id": letter["id"]})
    assert (again["__typename"], again["code"]) == ("InvalidTransitionError", "ALREADY_ACKNOWLEDGED")


async def test_art19_a_draft_is_not_acknowledged(gql: GraphQLClient) -> None:
    target = await feedback(gql, FeedbackStatus.DRAFT)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    assert (await call(gql, ACKNOWLEDGE, {"id": target["id"]}))["__typename"] == "NotFoundError"


DEADLINES = """query($year: Int!, $region: String!) { deadlines(year: $year, regionCode: $region) {
  ... on DeadlineList { items { kind dueOn status actorType } } } }"""


async def test_art19_deadlines_list_the_answer_by_for_each_body_done_when_it_acknowledges(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sent today, as acknowledgements are made now: on time.
    monkeypatch.setattr(clock, "china_today", lambda: china_today())
    letter = await sent(gql)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    await call(gql, ACKNOWLEDGE, {"id": letter["id"]})
    year = int(letter["answerBy"][:4])
    found = (await gql.data(DEADLINES, {"year": year, "region": PREFECTURE}))["deadlines"]["items"]
    mine = {(i["kind"], i["status"]) for i in found if i["kind"].startswith("FEEDBACK_ANSWER")}
    assert mine == {
        ("FEEDBACK_ANSWER_FINANCE", "DONE"),
        ("FEEDBACK_ANSWER_ADMINISTRATION", "PENDING"),
        ("FEEDBACK_ANSWER_AGENCY", "PENDING"),
    }
    assert {i["dueOn"] for i in found if i["kind"].startswith("FEEDBACK_ANSWER")} == {letter["answerBy"]}


async def test_a_page_of_feedbacks_reads_their_recipients_in_one_statement(
    gql: GraphQLClient, count_statements: StatementCounter
) -> None:
    """Three sent feedbacks cost what one does: the bodies each is addressed to come by one DataLoader."""
    first = await sent(gql)
    page = "{ evaluationFeedbacks(year: 2025) { nodes { id recipients { actorType } } } }"
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    await gql.data("{ __typename }")  # the caller authenticated and kept (the actor cache): not counted
    count_statements.reset()
    assert len((await gql.data(page))["evaluationFeedbacks"]["nodes"]) == 1
    one = count_statements.count
    async with gql.sessionmaker() as session:
        row = await session.get_one(EvaluationFeedback, int(first["id"]))
        evaluation = await session.get_one(SelfEvaluation, row.self_evaluation_id)
        recipients = (
            await session.exec(
                select(EvaluationFeedbackRecipient).where(EvaluationFeedbackRecipient.feedback_id == row.id)
            )
        ).all()
        for code in ("510300", "510400"):  # 自贡, 攀枝花: copies of 成都's, addressed to the same bodies
            other = SelfEvaluation(
                **evaluation.model_dump(exclude={"id", "region_id"}), region_id=await region_id(session, code)
            )
            session.add(other)
            await session.flush()
            copy = EvaluationFeedback(
                **row.model_dump(exclude={"id", "region_id", "self_evaluation_id", "document_number"}),
                region_id=other.region_id,
                self_evaluation_id=other.id or 0,
            )
            session.add(copy)
            await session.flush()
            session.add_all(
                EvaluationFeedbackRecipient(
                    **r.model_dump(exclude={"id", "feedback_id"}), feedback_id=copy.id or 0
                )
                for r in recipients
            )
        await session.commit()
    count_statements.reset()
    nodes = (await gql.data(page))["evaluationFeedbacks"]["nodes"]
    assert [len(n["recipients"]) for n in nodes] == [3, 3, 3]
    assert count_statements.count == one, count_statements.statements
