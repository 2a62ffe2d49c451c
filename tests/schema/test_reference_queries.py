"""Fund types, pooling arrangements, indicator templates, budgets and organizations through the API."""

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Organization, User
from src.models.enums import ActorType, Administration
from tests.factories import make_budget, region_id
from tests.schema.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("reference")


async def test_fund_types_and_their_pooling(gql: GraphQLClient) -> None:
    data = await gql.data(
        """{ fundTypes { code name administration administrationLabel
             pooling(year: 2026) { poolingLevel poolingLevelLabel poolingRegionLevel
                                   poolingRegions { code } } } }"""
    )
    funds = {f["code"]: f for f in data["fundTypes"]}
    assert len(funds) == 7
    assert funds["EMPLOYEE_MEDICAL"]["administration"] == "MEDICAL_SECURITY"
    assert funds["WORK_INJURY"]["administrationLabel"] == "人力资源社会保障部门"
    injury = funds["WORK_INJURY"]["pooling"]
    assert (injury["poolingLevel"], injury["poolingRegionLevel"]) == ("PROVINCIAL_UNIFIED", "PROVINCE")
    assert injury["poolingRegions"] == [{"code": "510000"}]
    medical = funds["RESIDENT_MEDICAL"]["pooling"]
    assert medical["poolingLevelLabel"] == "市（州）级统筹" and len(medical["poolingRegions"]) == 21
    assert funds["PUBLIC_SECTOR_PENSION"]["pooling"]["poolingRegionLevel"] == "PREFECTURE"


async def test_fund_type_lookup(gql: GraphQLClient) -> None:
    query = """query($code: String!) { fundType(code: $code) { __typename
               ... on FundType { name } ... on NotFoundError { entity key } } }"""
    assert (await gql.data(query, {"code": "UNEMPLOYMENT"}))["fundType"] == {
        "__typename": "FundType",
        "name": "失业保险基金",
    }
    assert (await gql.data(query, {"code": "NOPE"}))["fundType"] == {
        "__typename": "NotFoundError",
        "entity": "险种",
        "key": "NOPE",
    }


async def test_pooling_arrangements_filter(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ poolingArrangements(year: 2026, fundTypeCode: "ENTERPRISE_PENSION") '
        "{ year poolingLevel fundType { code } } }"
    )
    assert data["poolingArrangements"] == [
        {"year": 2026, "poolingLevel": "NATIONAL", "fundType": {"code": "ENTERPRISE_PENSION"}}
    ]
    all_2026 = await gql.data("{ poolingArrangements(year: 2026) { id } }")
    assert len(all_2026["poolingArrangements"]) == 7


async def test_indicator_templates_common_and_fund_specific(gql: GraphQLClient) -> None:
    query = """query($fund: String, $common: Boolean!) {
      indicatorTemplates(fundTypeCode: $fund, includeCommon: $common) {
        key isCommon level1 level3 kind comparator defaultTargetValue defaultTargetGrade unit
        fundType { code } } }"""
    medical = (await gql.data(query, {"fund": "EMPLOYEE_MEDICAL", "common": True}))["indicatorTemplates"]
    assert sum(t["isCommon"] for t in medical) == 15
    own = [t for t in medical if not t["isCommon"]]
    assert len(own) == 4 and {t["fundType"]["code"] for t in own} == {"EMPLOYEE_MEDICAL"}
    months = next(t for t in own if t["level3"] == "统筹基金累计结余可支付月数")
    assert (months["comparator"], months["unit"]) == ("GE", "月") and float(months["defaultTargetValue"]) == 6
    qualitative = next(t for t in medical if t["level3"] == "绩效目标设置合理性")
    assert (qualitative["kind"], qualitative["comparator"], qualitative["defaultTargetGrade"]) == (
        "QUALITATIVE",
        "GRADE",
        "ACHIEVED",
    )
    only_own = (await gql.data(query, {"fund": "EMPLOYEE_MEDICAL", "common": False}))["indicatorTemplates"]
    assert [t["key"] for t in only_own] == [t["key"] for t in own]
    everything = (await gql.data(query, {"fund": None, "common": True}))["indicatorTemplates"]
    assert len(everything) == 41


async def test_budgets_list_and_lookup(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as s:
        chengdu = await make_budget(s, region_code="510100")
        await make_budget(s, region_code="511800")
        await make_budget(s, region_code="510000", fund_code="WORK_INJURY", year=2025)
        await s.commit()
    query = """query($filter: BudgetFilter) { budgets(filter: $filter) { totalCount nodes {
                 year status statusLabel region { code } fundType { code }
                 revenueTotal expenditureTotal } } }"""
    data = await gql.data(
        query, {"filter": {"year": 2026, "regionCode": "510000", "includeDescendants": True}}
    )
    assert data["budgets"]["totalCount"] == 2
    first = data["budgets"]["nodes"][0]
    assert first["region"] == {"code": "510100"} and first["statusLabel"] == "编制中"
    # revenue lines 2..5 × 1,000,000.10 plus CONTRIBUTION adjusted to 1,234,567.89
    assert first["revenueTotal"] == "15234569.29"
    assert first["expenditureTotal"] == "21000002.10"
    injury = await gql.data(query, {"filter": {"fundTypeCode": "WORK_INJURY"}})
    assert [n["year"] for n in injury["budgets"]["nodes"]] == [2025]
    lookup = """query($id: ID!) { budget(id: $id) { __typename ... on FundBudget { region { name } }
                ... on NotFoundError { entity } } }"""
    assert (await gql.data(lookup, {"id": str(chengdu.id)}))["budget"] == {
        "__typename": "FundBudget",
        "region": {"name": "成都市"},
    }
    assert (await gql.data(lookup, {"id": "77777"}))["budget"] == {
        "__typename": "NotFoundError",
        "entity": "基金预算",
    }


async def test_organizations(gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as s:
        finance = Organization(
            name="成都市财政局", actor_type=ActorType.FINANCE, region_id=await region_id(s, "510100")
        )
        agency = Organization(
            name="雅安市医疗保障事务中心",
            actor_type=ActorType.AGENCY,
            administration=Administration.MEDICAL_SECURITY,
            region_id=await region_id(s, "511800"),
        )
        s.add_all([finance, agency])
        await s.flush()
        s.add(User(username="fin_510100", full_name="张三", organization_id=finance.id or 0))
        await s.commit()
    query = """query($region: String, $actor: ActorType, $desc: Boolean!) {
      organizations(regionCode: $region, actorType: $actor, includeDescendants: $desc) {
        nodes { id name actorType actorTypeLabel administration region { code }
                users { username fullName } } } }"""
    data = await gql.data(query, {"region": "510000", "actor": None, "desc": True})
    names = [n["name"] for n in data["organizations"]["nodes"]]
    assert names == [
        "四川省FINANCE",
        "成都市财政局",
        "雅安市医疗保障事务中心",
    ]  # the first is the logged-in user's
    agencies = await gql.data(query, {"region": None, "actor": "AGENCY", "desc": False})
    [org] = agencies["organizations"]["nodes"]
    assert (org["administration"], org["actorTypeLabel"], org["users"]) == (
        "MEDICAL_SECURITY",
        "社会保险经办机构",
        [],
    )
    chengdu = await gql.data(query, {"region": "510100", "actor": None, "desc": False})
    assert chengdu["organizations"]["nodes"][0]["users"] == [{"username": "fin_510100", "fullName": "张三"}]
    lookup = """query($id: ID!) { organization(id: $id) { __typename ... on Organization { name } } }"""
    assert (await gql.data(lookup, {"id": org["id"]}))["organization"]["name"] == "雅安市医疗保障事务中心"
    assert (await gql.data(lookup, {"id": "5555"}))["organization"]["__typename"] == "NotFoundError"
