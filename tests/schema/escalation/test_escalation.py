"""The 两书一函 through the API (Art. 22 「对工作推进不力的，要严格按照预算绩效管理跟踪问效“两书一函”制度予以
提醒督促、要求整改和工作约谈」): 财政厅 opens 成都's case (the province's only until its first letter), sends
the 提醒督促书, then — only once it went unanswered or its answer was marked unresolved, and the province's
ESCALATION_WAIT_DAYS have run since it was sent — the 整改通知书 with its 问题清单, then the 约谈函; the
prefecture's finance answers; the province closes the case after a satisfactory answer."""

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import AssessmentRound, Organization, PrefectureAssessment, Region, RegionalRule
from src.models.enums import ActorType
from src.services.monitoring import clock
from tests.factories import region_id
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import PREFECTURE, PROVINCE
from tests.schema.mutation_cases_escalation import HRSS, LETTER_TEXTS, MED, SENT_ON, bodies

FIELDS = """id rowVersion year status statusLabel level reason resolution region { code }
  coIssuers { actorType }
  letters { level kind title documentNumber sentOn answerBy answer answeredAt unresolvedAt
    issues { problem deadline responsible } interview { place time } }"""
ERRORS = "... on ValidationError { fields { field code message } } ... on UserError { code message }"
SUCCESS = f"... on EscalationSuccess {{ escalation {{ {FIELDS} }} }} {ERRORS}"


def mutation(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename {SUCCESS} }} }}"


OPEN = mutation("escalationOpen", "EscalationOpenInput")
SEND = mutation("escalationLetterSend", "EscalationLetterSendInput")
ANSWER = mutation("escalationLetterAnswer", "EscalationLetterAnswerInput")
UNRESOLVED = mutation("escalationMarkUnresolved", "EscalationMarkUnresolvedInput")
CLOSE = mutation("escalationClose", "EscalationCloseInput")
ONE = f"query($id: ID!) {{ escalation(id: $id) {{ __typename ... on EscalationCase {{ {FIELDS} }} }} }}"
LIST = """query($status: EscalationStatus) {
  escalations(year: 2025, regionCode: "510100", status: $status) { nodes { id status } } }"""
ISSUES = [{"problem": "自评报告逾期", "requirement": "补报并说明原因", "deadline": "2026-06-30",
           "responsible": "成都市财政局"}]  # fmt: skip
INTERVIEW = {"matter": "整改不到位", "time": "2026-06-10T09:30:00+08:00", "place": "财政厅社会保障处会议室",
             "interviewees": "成都市财政局分管负责同志", "materials": "整改落实情况报告"}  # fmt: skip


async def organization_of(session: AsyncSession, actor_type: ActorType, code: str) -> int:
    stmt = (
        select(Organization.id)
        .join(Region, col(Region.id) == Organization.region_id)
        .where(Organization.actor_type == actor_type, Region.code == code)
    )
    found = (await session.exec(stmt)).first()
    assert found is not None
    return found


class Day:
    """The day in China the services see (clock.china_today), set by the test."""

    def __init__(self) -> None:
        self.today = SENT_ON


@pytest.fixture
def day(monkeypatch: pytest.MonkeyPatch) -> Day:
    found = Day()
    monkeypatch.setattr(clock, "china_today", lambda: found.today)
    return found


async def call(gql: GraphQLClient, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = next(iter((await gql.data(document, variables)).values()))
    return answer


async def ok(gql: GraphQLClient, document: str, fields: dict[str, Any]) -> dict[str, Any]:
    answer = await call(gql, document, {"input": fields})
    assert answer["__typename"] == "EscalationSuccess", answer
    found: dict[str, Any] = answer["escalation"]
    return found


def change(case: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"id": case["id"], "rowVersion": case["rowVersion"], **more}


async def opened(gql: GraphQLClient) -> dict[str, Any]:
    await bodies(gql.sessionmaker)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    fields = {"regionCode": PREFECTURE, "year": 2025, "reason": LETTER_TEXTS["reason"]}
    return await ok(gql, OPEN, fields)


async def first_sent(gql: GraphQLClient) -> dict[str, Any]:
    return await ok(gql, SEND, change(await opened(gql), **LETTER_TEXTS))


async def as_prefecture_answer(gql: GraphQLClient, case: dict[str, Any]) -> dict[str, Any]:
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    found = await ok(gql, ANSWER, change(case, answer="已制定整改方案"))
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    return found


async def test_art22_a_case_is_the_provinces_until_its_first_letter_then_the_prefectures_bodies_read_it(
    gql: GraphQLClient, day: Day
) -> None:
    case = await opened(gql)
    assert case["status"] == "OPEN" and case["level"] == 0 and case["letters"] == []
    assert [o["actorType"] for o in case["coIssuers"]] == ["HRSS", "MEDICAL_SECURITY", "TAX"]
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    assert (await call(gql, ONE, {"id": case["id"]}))["__typename"] == "NotFoundError"
    await gql.login_as(ActorType.TAX, PROVINCE)  # a joint issuer reads it
    assert (await call(gql, ONE, {"id": case["id"]}))["__typename"] == "EscalationCase"

    await gql.login_as(ActorType.FINANCE, PROVINCE)
    await ok(gql, SEND, change(case, **LETTER_TEXTS))
    for actor_type, administration in (
        (ActorType.FINANCE, None), (ActorType.HRSS, HRSS), (ActorType.MEDICAL_SECURITY, MED),
        (ActorType.TAX, None),
    ):  # fmt: skip
        await gql.login_as(actor_type, PREFECTURE, administration)
        assert [n["id"] for n in (await gql.data(LIST))["escalations"]["nodes"]] == [case["id"]]
    await gql.login_as(ActorType.FINANCE, "511800")  # another prefecture
    assert (await call(gql, ONE, {"id": case["id"]}))["__typename"] == "NotFoundError"


async def test_art22_one_case_per_prefecture_and_year_and_prefectures_only(
    gql: GraphQLClient, day: Day
) -> None:
    await opened(gql)
    again = await call(gql, OPEN, {"input": {"regionCode": PREFECTURE, "year": 2025, "reason": "再次"}})
    assert again["code"] == "ESCALATION_EXISTS"
    county = await call(gql, OPEN, {"input": {"regionCode": "510104", "year": 2025, "reason": "区县"}})
    assert county["code"] == "ESCALATION_NOT_A_PREFECTURE"
    empty = await call(gql, OPEN, {"input": {"regionCode": "511800", "year": 2025, "reason": "  "}})
    assert [f["code"] for f in empty["fields"]] == ["REQUIRED"]


async def test_art22_the_first_letter_is_numbered_and_answered_by_the_rule(
    gql: GraphQLClient, day: Day
) -> None:
    case = await first_sent(gql)
    (letter,) = case["letters"]
    assert case["status"] == "LETTER_SENT" and case["level"] == 1
    assert letter["kind"] == "ESCALATION_REMINDER" and letter["title"] == "预算绩效管理提醒督促书"
    assert letter["documentNumber"].startswith("川财社〔2026〕")
    assert letter["sentOn"] == "2026-03-02" and letter["answerBy"] == "2026-04-01"  # 30 days


async def test_art22_an_unanswered_letter_is_followed_on_the_day_the_wait_ends_not_the_day_before(
    gql: GraphQLClient, day: Day
) -> None:
    case = await first_sent(gql)
    day.today = SENT_ON + timedelta(days=29)
    early = await call(gql, SEND, {"input": change(case, **LETTER_TEXTS, issues=ISSUES)})
    assert early["code"] == "ESCALATION_TOO_EARLY" and "2026-04-01" in early["message"], early
    day.today = SENT_ON + timedelta(days=30)
    second = await ok(gql, SEND, change(case, **LETTER_TEXTS, issues=ISSUES))
    assert second["level"] == 2 and second["status"] == "LETTER_SENT"
    notice = second["letters"][1]
    assert (
        notice["kind"] == "ESCALATION_RECTIFICATION_NOTICE"
        and notice["issues"][0]["deadline"] == "2026-06-30"
    )
    assert notice["documentNumber"] != second["letters"][0]["documentNumber"]  # two 书, two numbers
    day.today = date(2026, 5, 1)
    third = await ok(gql, SEND, change(second, **LETTER_TEXTS, interview=INTERVIEW))
    assert third["letters"][2]["documentNumber"].startswith("川财社函〔2026〕")
    after = await call(gql, SEND, {"input": change(third, **LETTER_TEXTS)})
    assert after["code"] == "ESCALATION_LAST_LETTER"


async def test_art22_an_answered_letter_is_escalated_only_once_the_province_marks_it_unresolved(
    gql: GraphQLClient, day: Day
) -> None:
    case = await as_prefecture_answer(gql, await first_sent(gql))
    assert case["status"] == "ANSWERED" and case["letters"][0]["answer"] == "已制定整改方案"
    day.today = SENT_ON + timedelta(days=45)
    refused = await call(gql, SEND, {"input": change(case, **LETTER_TEXTS, issues=ISSUES)})
    assert refused["code"] == "ESCALATION_PREVIOUS_ANSWERED"
    case = await ok(gql, UNRESOLVED, change(case, note="未见具体措施"))
    assert case["status"] == "UNRESOLVED" and case["letters"][0]["unresolvedAt"]
    case = await ok(gql, SEND, change(case, **LETTER_TEXTS, issues=ISSUES))
    assert case["level"] == 2


async def test_art22_each_letter_carries_its_own_content(gql: GraphQLClient, day: Day) -> None:
    case = await opened(gql)
    wrong = await call(gql, SEND, {"input": change(case, **LETTER_TEXTS, issues=ISSUES)})
    assert [f["field"] for f in wrong["fields"]] == ["input.issues"]
    case = await ok(gql, SEND, change(case, **LETTER_TEXTS))
    day.today = SENT_ON + timedelta(days=30)
    missing = await call(gql, SEND, {"input": change(case, **LETTER_TEXTS)})
    assert [(f["field"], f["code"]) for f in missing["fields"]] == [("input.issues", "REQUIRED")]
    late = [{**ISSUES[0], "deadline": "2026-03-01"}]
    past = await call(gql, SEND, {"input": change(case, **LETTER_TEXTS, issues=late)})
    assert [f["field"] for f in past["fields"]] == ["input.issues.0.deadline"]


async def test_art22_the_case_is_tracked_to_closure(gql: GraphQLClient, day: Day) -> None:
    case = await first_sent(gql)
    early = await call(gql, CLOSE, {"input": change(case, resolution="办结")})
    assert early["code"] == "ESCALATION_NOT_ANSWERED"
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    refused = await gql.query(CLOSE, {"input": change(case, resolution="自行办结")})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    case = await as_prefecture_answer(gql, case)
    case = await ok(gql, CLOSE, change(case, resolution="整改到位，予以办结"))
    assert case["status"] == "CLOSED" and case["resolution"] == "整改到位，予以办结"
    assert (await gql.data(LIST, {"status": "CLOSED"}))["escalations"]["nodes"][0]["id"] == case["id"]
    closed = await call(gql, SEND, {"input": change(case, **LETTER_TEXTS)})
    assert closed["code"] == "ESCALATION_CLOSED"


async def test_art22_the_rules_are_the_provinces_only(gql: GraphQLClient, day: Day) -> None:
    """The prefecture does not set the rules it is escalated by: its own values are refused, and a row left
    from before is ignored; the province's apply."""
    async with gql.sessionmaker() as s:
        mine = await region_id(s, PREFECTURE)
        s.add(RegionalRule(region_id=mine, key="ESCALATION_ANSWER_DAYS", value="90"))
        s.add(RegionalRule(region_id=await region_id(s, PROVINCE), key="ESCALATION_WAIT_DAYS", value="20"))
        await s.commit()
    case = await first_sent(gql)
    assert case["letters"][0]["answerBy"] == "2026-04-01"  # not 90 days
    day.today = SENT_ON + timedelta(days=20)
    assert (await ok(gql, SEND, change(case, **LETTER_TEXTS, issues=ISSUES)))["level"] == 2
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    update = """mutation($input: RuleSetUpdateInput!) { ruleSetUpdate(input: $input) { __typename
      ... on ValidationError { fields { code } } } }"""
    values = [{"key": "ESCALATION_WAIT_DAYS", "value": "90"}]
    refused = await gql.query(update, {"input": {"regionCode": PREFECTURE, "values": values}})
    assert "PROVINCE_ONLY" in str(refused), refused


async def test_art22_each_letter_sent_is_a_deadline_of_the_prefectures_finance_done_when_answered(
    gql: GraphQLClient, day: Day
) -> None:
    case = await first_sent(gql)
    day.today = SENT_ON + timedelta(days=30)
    await ok(gql, SEND, change(case, **LETTER_TEXTS, issues=ISSUES))
    case = await call(gql, ONE, {"id": case["id"]})
    await as_prefecture_answer(gql, case)
    query = """{ deadlines(year: 2026, regionCode: "510100") {
      ... on DeadlineList { items { kind kindLabel status dueOn label actorType } } } }"""
    found = [n for n in (await gql.data(query))["deadlines"]["items"] if n["kind"] == "ESCALATION_ANSWER"]
    assert [(n["dueOn"], n["actorType"]) for n in found] == [
        ("2026-04-01", "FINANCE"),
        ("2026-05-01", "FINANCE"),
    ]
    assert found[0]["kindLabel"] == "答复“两书一函”（第二十二条）"
    assert found[0]["status"] == "OVERDUE"  # unanswered; today is the real day, long after
    assert found[1]["status"] == "LATE" and "整改通知书" in found[1]["label"]


async def test_art22_a_case_rests_on_the_prefectures_published_assessment_not_a_draft_or_another(
    gql: GraphQLClient, day: Day
) -> None:
    """The 两书一函 follow the 考核结果通报: a case opened from an assessment names the published row of
    that prefecture and year; a draft computation or another prefecture's row is refused on the field, and
    nothing is written."""
    await bodies(gql.sessionmaker)
    async with gql.sessionmaker() as session:
        codes = (PROVINCE, PREFECTURE, "510300")
        province, chengdu, other = [await region_id(session, code) for code in codes]
        finance = await organization_of(session, ActorType.FINANCE, PROVINCE)
        round_ = AssessmentRound(region_id=province, year=2025, organization_id=finance)
        session.add(round_)
        await session.flush()
        ours = PrefectureAssessment(round_id=round_.id or 0, region_id=chengdu, year=2025)
        theirs = PrefectureAssessment(round_id=round_.id or 0, region_id=other, year=2025, published=True)
        session.add_all([ours, theirs])
        await session.commit()
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    fields = {"regionCode": PREFECTURE, "year": 2025, "reason": LETTER_TEXTS["reason"]}
    for row in (ours, theirs):  # a draft computation; another prefecture's published row
        refused = await call(gql, OPEN, {"input": {**fields, "assessmentId": str(row.id)}})
        assert refused["__typename"] == "ValidationError", refused
        assert [f["field"] for f in refused["fields"]] == ["input.assessmentId"]
    assert (await gql.data(LIST, {"status": None}))["escalations"]["nodes"] == []
    async with gql.sessionmaker() as session:
        published = await session.get_one(PrefectureAssessment, ours.id)
        published.published = True
        session.add(published)
        await session.commit()
    case = await ok(gql, OPEN, {**fields, "assessmentId": str(ours.id)})
    assert case["status"] == "OPEN"
