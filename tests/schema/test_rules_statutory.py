"""The text's dates through the API (Art. 13, 17, 23): ruleSetUpdate refuses a deadline after the text's
date (OUT_OF_RANGE, citing the article) and a provincial deadline set by a prefecture (PROVINCE_ONLY, on
the key); ruleSet says of each rule who may set it and the latest date the text allows."""

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType
from tests.schema.conftest import GraphQLClient
from tests.schema.test_rules import CHENGDU, PROVINCE, rules, stored, update

RULES = {
    "MONITORING_COMPILATION_DEADLINE": ("ANY_REGION", "01-31", "第十三条"),
    "SELF_EVALUATION_DEADLINE": ("ANY_REGION", "05-31", "第十七条"),
    "PROVINCIAL_REPORT_DEADLINE": ("PROVINCE_ONLY", "07-10", "第十七条"),
    "PROVINCIAL_SUMMARY_DEADLINE": ("PROVINCE_ONLY", "07-31", "第十七条"),
    # Art. 22: the province assesses the prefectures and escalates on the weak (两书一函); the text sets no
    # weight, band, date or days.
    **{
        key: ("PROVINCE_ONLY", None, "第二十二条")
        for key in (
            "ASSESSMENT_WEIGHT_DEADLINES",
            "ASSESSMENT_WEIGHT_SELF_EVALUATION",
            "ASSESSMENT_WEIGHT_RECTIFICATION",
            "ASSESSMENT_WEIGHT_WARNINGS",
            "ASSESSMENT_COMMEND_FROM",
            "ASSESSMENT_WEAK_BELOW",
            "ASSESSMENT_DEADLINE",
            "ESCALATION_ANSWER_DAYS",
            "ESCALATION_WAIT_DAYS",
        )
    },
}
FIELDS = """query($code: String!) { ruleSet(regionCode: $code) {
  ... on RuleSet { rules { key scope latest basis } } } }"""


async def test_art23_each_rule_says_who_sets_it_and_the_texts_latest_date(gql: GraphQLClient) -> None:
    await gql.login_as(ActorType.AGENCY, CHENGDU)
    found = (await gql.data(FIELDS, {"code": CHENGDU}))["ruleSet"]["rules"]
    for rule in found:
        if rule["key"] in RULES:
            scope, latest, article = RULES[rule["key"]]
            assert (rule["scope"], rule["latest"]) == (scope, latest)
            assert rule["basis"].startswith(article)
        else:
            assert (rule["scope"], rule["latest"], rule["basis"]) == ("ANY_REGION", None, None)


async def test_art17_a_prefecture_cannot_put_self_evaluation_after_may(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    result = await update(gql, CHENGDU, {"LIGHT_RED_BELOW": "55", "SELF_EVALUATION_DEADLINE": "07-05"})
    assert result["__typename"] == "ValidationError", result
    [field] = result["fields"]
    assert (field["field"], field["code"]) == ("input.values.1.value", "OUT_OF_RANGE")
    assert "5月31日" in field["message"] and "第十七条" in field["message"]
    assert await stored(sessionmaker) == ([], 0)  # not even the valid light
    assert (await update(gql, CHENGDU, {"SELF_EVALUATION_DEADLINE": "05-25"}))["__typename"] == (
        "RuleSetUpdateSuccess"
    )


async def test_art17_the_province_cannot_put_its_summary_in_december(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    result = await update(gql, PROVINCE, {"PROVINCIAL_SUMMARY_DEADLINE": "12-31"})
    [field] = result["fields"]
    assert (field["field"], field["code"]) == ("input.values.0.value", "OUT_OF_RANGE")
    assert "7月31日" in field["message"]
    result = await update(gql, PROVINCE, {"PROVINCIAL_SUMMARY_DEADLINE": "07-20"})
    assert result["__typename"] == "RuleSetUpdateSuccess", result
    assert (await rules(gql, CHENGDU))["PROVINCIAL_SUMMARY_DEADLINE"]["value"] == "07-20"


async def test_art17_a_prefecture_cannot_set_the_provincial_deadlines(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    values = {"PROVINCIAL_REPORT_DEADLINE": "07-01", "PROVINCIAL_SUMMARY_DEADLINE": "07-20"}
    result = await update(gql, CHENGDU, values)
    assert result["__typename"] == "ValidationError", result
    assert [(f["field"], f["code"]) for f in result["fields"]] == [
        ("input.values.0.key", "PROVINCE_ONLY"),
        ("input.values.1.key", "PROVINCE_ONLY"),
    ]
    assert all("仅省级" in f["message"] for f in result["fields"])
    assert await stored(sessionmaker) == ([], 0)
