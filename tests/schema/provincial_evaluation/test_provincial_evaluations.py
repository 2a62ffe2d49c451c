"""The provincial evaluation through the API (Art. 17, 18): 财政厅 opens it, the provincial medical agency
writes it, 省税务局 concurs, the agency sends it to 财政厅 (the aggregate of 成都's submitted self-evaluation
in typed fields, kept as sent), 财政厅 approves it; 财政厅 creates, writes and sends the summary (numbered),
which the national departments then read; bad input as typed errors; both deadlines in `deadlines`."""

from typing import Any

from src.models.enums import ActorType, Administration
from tests.schema.conftest import GraphQLClient
from tests.services.conftest import CHENGDU, PROVINCE, bodies_of
from tests.services.evaluation.provincial_calls import self_evaluated
from tests.services.evaluation.world import evaluated

MED = Administration.MEDICAL_SECURITY
AGGREGATE = """aggregate { expected missing averageScore highestScore: highest lowest passFrom
  regions { regionCode regionName totalScore grade late }
  gradeCounts { grade label count } scoreBands { label low high count } belowPass { regionName }
  shortfalls { level1 level3 evaluated notMet regions causes }
  execution { initialBudget adjustedBudget executed rate } }"""
FIELDS = f"""id rowVersion year status statusLabel poolingLevel dueOn late taxConcurred contentRevision
  overview work conclusion analysis problems suggestions other returnReason
  region {{ code }} fundType {{ code }}
  transitions {{ action toStatus reason }} {AGGREGATE}"""
ERRORS = """... on ValidationError { fields { field code message } } ... on UserError { code message }"""
SUCCESS = f"... on ProvincialEvaluationSuccess {{ provincialEvaluation {{ {FIELDS} }} }} {ERRORS}"
SUMMARY_FIELDS = """id rowVersion year status statusLabel documentNumber late dueOn
  overview problems nextSteps
  funds { fundName evaluated expected averageScore belowPass reportStatusLabel }"""
SUMMARY_SUCCESS = "ProvincialEvaluationSummarySuccess"
SUMMARY = f"... on {SUMMARY_SUCCESS} {{ provincialEvaluationSummary {{ {SUMMARY_FIELDS} }} }} {ERRORS}"


def by_input(name: str, input_type: str, success: str = SUCCESS) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename {success} }} }}"


def step(name: str, success: str = SUCCESS) -> str:
    return f"""mutation($id: ID!, $rowVersion: Int!) {{ {name}(id: $id, rowVersion: $rowVersion) {{
  __typename {success} }} }}"""


def ids(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "rowVersion": row["rowVersion"]}


async def call(gql: GraphQLClient, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = next(iter((await gql.data(document, variables)).values()))
    return answer


NARRATIVE = {
    "overview": "全省21个统筹地区开展自评",
    "work": "财政厅牵头，省医保局指导",
    "conclusion": "总体良好",
    "analysis": "发放率未达标",
    "problems": "系统切换",
    "suggestions": "加强稽核",
}


async def written(gql: GraphQLClient) -> dict[str, Any]:
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    opening = {"regionCode": PROVINCE, "fundTypeCode": "EMPLOYEE_MEDICAL", "year": 2026}
    opened = await call(
        gql, by_input("provincialEvaluationOpen", "ProvincialEvaluationOpenInput"), {"input": opening}
    )
    assert opened["__typename"] == "ProvincialEvaluationSuccess", opened
    await gql.login_as(ActorType.AGENCY, PROVINCE, MED)
    edit = {"input": {**ids(opened["provincialEvaluation"]), **NARRATIVE}}
    edited = await call(gql, by_input("provincialEvaluationUpdate", "ProvincialEvaluationUpdateInput"), edit)
    await gql.login_as(ActorType.TAX, PROVINCE)
    concur = {"input": {**ids(edited["provincialEvaluation"]), "opinion": "同意"}}
    concurred = await call(
        gql, by_input("provincialEvaluationTaxConcur", "ProvincialEvaluationTaxConcurInput"), concur
    )
    evaluation: dict[str, Any] = concurred["provincialEvaluation"]
    assert evaluation["taxConcurred"] and evaluation["dueOn"] == "2027-07-10"
    return evaluation


async def test_art17_the_full_cycle_of_the_provincial_evaluation_and_the_summary(gql: GraphQLClient) -> None:
    await self_evaluated(gql.sessionmaker, await bodies_of(gql.sessionmaker, CHENGDU))
    evaluation = await written(gql)
    await gql.login_as(ActorType.AGENCY, PROVINCE, MED)
    sent = (await call(gql, step("provincialEvaluationSubmit"), ids(evaluation)))["provincialEvaluation"]
    assert (sent["status"], sent["statusLabel"], sent["late"]) == ("SUBMITTED", "已送财政厅", False)
    aggregate = sent["aggregate"]
    assert (aggregate["expected"], aggregate["missing"]) == (1, [])
    assert [r["regionCode"] for r in aggregate["regions"]] == [CHENGDU]
    assert [g["grade"] for g in aggregate["gradeCounts"]] == ["EXCELLENT", "GOOD", "FAIR", "POOR"]
    assert sum(g["count"] for g in aggregate["gradeCounts"]) == 1
    assert [b["label"] for b in aggregate["scoreBands"]] == [
        "60分以下",
        "60–70分",
        "70–80分",
        "80–90分",
        "90分及以上",
    ]
    assert aggregate["shortfalls"][0]["level3"] == "待遇按时足额发放率"
    assert aggregate["shortfalls"][0]["causes"] == ["部分县区系统切换"]
    await gql.login_as(ActorType.MEDICAL_SECURITY, PROVINCE, MED)  # guides: reads, does not approve
    refused = await gql.query(step("provincialEvaluationApprove"), ids(sent))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    done = (await call(gql, step("provincialEvaluationApprove"), ids(sent)))["provincialEvaluation"]
    assert done["status"] == "APPROVED"
    assert [t["action"] for t in done["transitions"]] == ["OPEN", "TAX_CONCUR", "SUBMIT", "APPROVE"]
    listed = await gql.data("{ provincialEvaluations(year: 2026) { totalCount nodes { id status } } }")
    assert listed["provincialEvaluations"]["nodes"] == [{"id": done["id"], "status": "APPROVED"}]

    create = by_input("provincialEvaluationSummaryCreate", "ProvincialEvaluationSummaryCreateInput", SUMMARY)
    summary = (await call(gql, create, {"input": {"regionCode": PROVINCE, "year": 2026}}))[
        "provincialEvaluationSummary"
    ]
    update = by_input("provincialEvaluationSummaryUpdate", "ProvincialEvaluationSummaryUpdateInput", SUMMARY)
    text = {"overview": "全省完成", "problems": "个别逾期", "nextSteps": "强化应用"}
    summary = (await call(gql, update, {"input": {**ids(summary), **text}}))["provincialEvaluationSummary"]
    sent_summary = await call(gql, step("provincialEvaluationSummarySend", SUMMARY), ids(summary))
    summary = sent_summary["provincialEvaluationSummary"]
    assert (summary["status"], summary["dueOn"], summary["late"]) == ("SENT", "2027-07-31", False)
    assert summary["documentNumber"].startswith("川财社〔") and summary["documentNumber"].endswith("〕1号")
    rows = {row["fundName"]: row for row in summary["funds"]}
    assert rows["职工基本医疗保险(含生育保险)基金"]["reportStatusLabel"] == "已审核通过"
    assert rows["职工基本医疗保险(含生育保险)基金"]["evaluated"] == 1

    await gql.login_as(ActorType.NATIONAL, PROVINCE)  # reported upward: the national departments read it
    read = "... on ProvincialEvaluationSummary { status }"
    found = await gql.data(
        f"query($id: ID!) {{ provincialEvaluationSummary(id: $id) {{ __typename {read} }} }}",
        {"id": summary["id"]},
    )
    assert found["provincialEvaluationSummary"] == {
        "__typename": "ProvincialEvaluationSummary",
        "status": "SENT",
    }


async def test_art17_bad_input_is_a_typed_error_and_changes_nothing(gql: GraphQLClient) -> None:
    evaluation = await written(gql)
    await gql.login_as(ActorType.AGENCY, PROVINCE, MED)
    update = by_input("provincialEvaluationUpdate", "ProvincialEvaluationUpdateInput")
    body = await gql.query(update, {"input": {**ids(evaluation), "work": "x" * 10_001}})
    assert body.get("errors") or body["data"]["provincialEvaluationUpdate"]["__typename"] == "ValidationError"
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    back = by_input("provincialEvaluationReturn", "ProvincialEvaluationReturnInput")
    wrong = await call(gql, back, {"input": {**ids(evaluation), "reason": "补充"}})
    assert wrong["__typename"] == "InvalidTransitionError", wrong  # a draft is not returned
    opening = {"regionCode": PROVINCE, "fundTypeCode": "EMPLOYEE_MEDICAL", "year": 2026}
    again = await call(
        gql, by_input("provincialEvaluationOpen", "ProvincialEvaluationOpenInput"), {"input": opening}
    )
    assert again["__typename"] == "ConflictError"


async def test_art17_deadlines_lists_the_report_and_the_summary(gql: GraphQLClient) -> None:
    await evaluated(gql.sessionmaker, await bodies_of(gql.sessionmaker, CHENGDU))  # a year to evaluate
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    found = await gql.data(
        '{ deadlines(year: 2027, regionCode: "510000") { ... on DeadlineList { items { kind dueOn } } } }'
    )
    kinds = {(n["kind"], n["dueOn"]) for n in found["deadlines"]["items"]}
    assert ("PROVINCIAL_EVALUATION", "2027-07-10") in kinds and ("PROVINCIAL_SUMMARY", "2027-07-31") in kinds
