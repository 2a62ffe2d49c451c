"""Result application (Art. 20): 成都's finance records how the year's evaluation was used — for next year's
goal of the fund if the cycle has one, else a policy revised — and records it; the province's medical-fund
bodies read it. No document."""

from datetime import date

from src.models.enums import ActorType
from tests.cycle.state import Cycle, call, ids
from tests.schema.result_application.test_result_application import CREATE, LIST, RECORD

SUCCESS = "ResultApplicationSuccess"
NEXT_GOALS = """query($year: Int!, $region: String!, $fund: String!) {
  goals(filter: {year: $year, regionCode: $region, fundTypeCode: $fund}) { nodes { id status horizon } } }"""


async def run(cycle: Cycle) -> None:
    cycle.set_today(date(cycle.year + 1, 9, 1))
    fund = next(f for f in cycle.funds if f.prefecture_pooled)
    region = fund.pooling_region
    await cycle.login(ActorType.FINANCE, region)
    wanted = {"year": cycle.year + 1, "region": region, "fund": fund.code}
    goals = (await cycle.gql.data(NEXT_GOALS, wanted))["goals"]["nodes"]
    next_goal = [g for g in goals if g["horizon"] == "ANNUAL" and g["status"] == "ISSUED"]
    use = {"kind": "POLICY", "description": "依据年度评价结果修订基金支出审核管理办法"}
    if next_goal:  # the cycle runs one year: a next year's goal only if a later stage made one
        use = {"kind": "NEXT_YEAR_GOAL", "description": "调整下一年度绩效目标", "goalId": next_goal[0]["id"]}
    fields = {"regionCode": region, "fundCode": fund.code, "year": cycle.year, "uses": [use]}
    record = (await call(cycle, CREATE, {"input": fields}, SUCCESS))["resultApplication"]
    assert record["selfEvaluationId"] == cycle.ids[cycle.key("self_evaluation", fund)], record
    record = (await call(cycle, RECORD, ids(record), SUCCESS))["resultApplication"]
    assert (record["status"], record["statusLabel"]) == ("RECORDED", "已登记"), record
    await cycle.login(fund.administration_actor, "510000", fund.administration)
    listed = await cycle.gql.data(LIST.replace("2025", str(cycle.year)), {"region": region})
    assert [n["id"] for n in listed["resultApplications"]["nodes"]] == [record["id"]], listed
    cycle.ids[cycle.key("result_application", fund)] = record["id"]
