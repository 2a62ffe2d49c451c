import pytest

from tests.schema.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("reference")

REGION = """
query($code: String, $id: ID) {
  region(code: $code, id: $id) {
    __typename
    ... on Region {
      id code name level levelLabel
      parent { code }
      children { code level }
      ancestors { code }
      counties: descendants(level: COUNTY) { code }
      all: descendants { code }
    }
    ... on NotFoundError { message entity key }
  }
}
"""


async def test_region_by_code_with_hierarchy(gql: GraphQLClient) -> None:
    data = await gql.data(REGION, {"code": "510100"})
    chengdu = data["region"]
    assert chengdu["__typename"] == "Region"
    assert (chengdu["name"], chengdu["level"], chengdu["levelLabel"]) == ("成都市", "PREFECTURE", "市（州）")
    assert chengdu["parent"] == {"code": "510000"}
    assert chengdu["ancestors"] == [{"code": "510000"}]
    assert {"code": "510104", "level": "COUNTY"} in chengdu["children"]
    assert len(chengdu["counties"]) == len(chengdu["children"]) == len(chengdu["all"]) > 10


async def test_county_ancestors_root_first_and_lookup_by_id(gql: GraphQLClient) -> None:
    county = (await gql.data(REGION, {"code": "510104"}))["region"]
    assert county["ancestors"] == [{"code": "510000"}, {"code": "510100"}]
    assert county["children"] == [] and county["all"] == []
    by_id = (await gql.data(REGION, {"id": county["id"]}))["region"]
    assert by_id["code"] == "510104"


async def test_province_descendants_by_level(gql: GraphQLClient) -> None:
    province = (await gql.data(REGION, {"code": "510000"}))["region"]
    assert province["parent"] is None and province["ancestors"] == []
    assert len(province["children"]) == 21
    assert len(province["counties"]) == 183
    assert len(province["all"]) == 204


@pytest.mark.parametrize("variables", [{"code": "999999"}, {"id": "987654"}])
async def test_unknown_region_is_typed_not_found(gql: GraphQLClient, variables: dict[str, str]) -> None:
    result = (await gql.data(REGION, variables))["region"]
    assert result["__typename"] == "NotFoundError"
    assert result["entity"] == "行政区划"
    assert result["key"] == next(iter(variables.values()))


@pytest.mark.parametrize(
    ("variables", "fragment"),
    [
        ({"id": "abc"}, "Invalid Region id"),
        ({}, "exactly one"),
        ({"code": "510100", "id": "1"}, "exactly one"),
    ],
)
async def test_malformed_arguments_are_graphql_errors(
    gql: GraphQLClient, variables: dict[str, str], fragment: str
) -> None:
    body = await gql.query(REGION, variables)
    assert body["data"] is None
    assert fragment in body["errors"][0]["message"]


async def test_regions_list_paginates_by_code(gql: GraphQLClient) -> None:
    query = """
    query($after: String) {
      regions(level: PREFECTURE, first: 8, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { code }
      }
    }"""
    codes: list[str] = []
    after = None
    pages = 0
    while True:
        page = (await gql.data(query, {"after": after}))["regions"]
        assert page["totalCount"] == 21
        codes += [n["code"] for n in page["nodes"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3
    assert codes == sorted(codes) and len(set(codes)) == 21


async def test_regions_by_parent_code(gql: GraphQLClient) -> None:
    data = await gql.data('{ regions(parentCode: "511800", first: 100) { nodes { code name } } }')
    names = [n["name"] for n in data["regions"]["nodes"]]
    assert "雨城区" in names and all(n["code"].startswith("5118") for n in data["regions"]["nodes"])
