"""Art. 23 「各市（州）可根据本办法并结合实际情况，制定具体实施细则」: every region reads the rules in force
there (its own, else its prefecture's, else the province's, else the built-in default); the finance
department of the province or a prefecture sets and resets its own region's values."""

from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import AuditEvent, RegionalRule
from src.models.enums import ActorType, Administration
from src.services.rules import DEFINITIONS, RuleKey
from tests.schema.conftest import GraphQLClient

PROVINCE, CHENGDU, JINJIANG, YAAN = "510000", "510100", "510104", "511800"
# The default document abbreviation of each, derived from the region (its own, not inherited).
ABBREVIATIONS = {PROVINCE: "川", CHENGDU: "成", JINJIANG: "锦江", YAAN: "雅"}

RULE_SET = """query($code: String!) { ruleSet(regionCode: $code) {
  __typename
  ... on RuleSet {
    region { code }
    rules { key label kind value defaultValue source definedIn { code } updatedAt }
  }
  ... on NotFoundError { entity key } } }"""

UPDATE = """mutation($input: RuleSetUpdateInput!) { ruleSetUpdate(input: $input) {
  __typename
  ... on RuleSetUpdateSuccess { ruleSet { region { code } rules { key value source definedIn { code } } } }
  ... on ValidationError { fields { field message code } }
  ... on NotFoundError { entity key }
  ... on UserError { code message } } }"""


async def rules(gql: GraphQLClient, code: str) -> dict[str, dict[str, Any]]:
    """The rules in force in region `code`, by key."""
    result = (await gql.data(RULE_SET, {"code": code}))["ruleSet"]
    assert result["__typename"] == "RuleSet" and result["region"]["code"] == code
    return {rule["key"]: rule for rule in result["rules"]}


def in_force(rule: dict[str, Any]) -> tuple[str, str, str | None]:
    """A rule's value, source and the code of the region defining it."""
    return rule["value"], rule["source"], (rule["definedIn"] or {}).get("code")


async def update(
    gql: GraphQLClient, code: str, values: dict[str, str] | None = None, reset: list[str] | None = None
) -> dict[str, Any]:
    variables = {
        "input": {
            "regionCode": code,
            "values": [{"key": k, "value": v} for k, v in (values or {}).items()],
            "reset": reset or [],
        }
    }
    body = await gql.query(UPDATE, variables)
    if "errors" in body:
        return body
    result: dict[str, Any] = body["data"]["ruleSetUpdate"]
    return result


async def stored(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[list[tuple[str, str]], int]:
    """Every stored rule (key, value) and the number of audited rule changes."""
    async with sessionmaker() as session:
        rows = (await session.exec(select(RegionalRule).order_by(RegionalRule.key))).all()
        audited = (
            await session.exec(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.operation == "ruleSetUpdate")
            )
        ).one()
    return [(r.key, r.value) for r in rows], audited


def top_level_code(body: dict[str, Any]) -> str:
    assert body.get("data") is None, body
    code: str = body["errors"][0]["extensions"]["code"]
    return code


async def test_art23_province_defaults_apply_everywhere(gql: GraphQLClient) -> None:
    for actor_type, code, administration in [
        (ActorType.FINANCE, PROVINCE, None),
        (ActorType.HRSS, CHENGDU, Administration.HRSS),
        (ActorType.AGENCY, JINJIANG, Administration.MEDICAL_SECURITY),
    ]:
        await gql.login_as(actor_type, code, administration)
        for region in (PROVINCE, CHENGDU, JINJIANG, YAAN):
            found = await rules(gql, region)
            assert list(found) == [d.key.value for d in DEFINITIONS]  # in the registry's order
            for definition in DEFINITIONS:
                rule = found[definition.key]
                assert rule["kind"] == definition.kind.value and rule["label"] == definition.label
                default = ABBREVIATIONS[region] if definition.key == RuleKey.DOCUMENT_ABBREVIATION else None
                assert rule["value"] == rule["defaultValue"] == (default or definition.default)
                assert (rule["source"], rule["definedIn"], rule["updatedAt"]) == ("PROVINCE", None, None)
    found = await rules(gql, CHENGDU)
    assert found["SELF_EVALUATION_DEADLINE"]["value"] == "05-31"  # Art. 17
    assert found["MONITORING_COMPILATION_DEADLINE"]["value"] == "01-31"  # Art. 13
    assert found["EQ_INDICATOR_SCORING"]["value"] == "ALL_OR_NOTHING"
    missing = (await gql.data(RULE_SET, {"code": "999999"}))["ruleSet"]
    assert missing == {"__typename": "NotFoundError", "entity": "行政区划", "key": "999999"}
    gql.logout()
    body = await gql.query(RULE_SET, {"code": CHENGDU})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_art23_prefecture_overrides_its_own_and_its_counties(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    result = await update(gql, CHENGDU, {"LIGHT_RED_BELOW": "55", "EQ_INDICATOR_SCORING": "PROPORTIONAL"})
    assert result["__typename"] == "RuleSetUpdateSuccess", result
    answered = {r["key"]: r for r in result["ruleSet"]["rules"]}
    assert in_force(answered["LIGHT_RED_BELOW"]) == ("55.00", "REGION", CHENGDU)
    for code in (CHENGDU, JINJIANG):
        found = await rules(gql, code)
        assert in_force(found["LIGHT_RED_BELOW"]) == ("55.00", "REGION", CHENGDU)
        assert in_force(found["EQ_INDICATOR_SCORING"]) == ("PROPORTIONAL", "REGION", CHENGDU)
        assert in_force(found["LIGHT_YELLOW_BELOW"]) == ("80.00", "PROVINCE", None)
    for code in (PROVINCE, YAAN):  # neither above nor beside
        found = await rules(gql, code)
        assert in_force(found["LIGHT_RED_BELOW"]) == ("60.00", "PROVINCE", None)
    assert await stored(sessionmaker) == (
        [("EQ_INDICATOR_SCORING", "PROPORTIONAL"), ("LIGHT_RED_BELOW", "55.00")],
        2,
    )


async def test_art23_a_prefecture_moves_weight_between_indicators_and_execution_together(
    gql: GraphQLClient,
) -> None:
    """The Sichuan form's 90 + 10 (FORMS §2B) may become 80 + 20: both in one change, never one alone."""
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    alone = await update(gql, CHENGDU, {"INDICATOR_WEIGHT_TOTAL": "80"})
    assert alone["__typename"] == "ValidationError", alone
    both = {"INDICATOR_WEIGHT_TOTAL": "80", "EXECUTION_POINTS": "20"}
    result = await update(gql, CHENGDU, both)
    assert result["__typename"] == "RuleSetUpdateSuccess", result
    found = await rules(gql, JINJIANG)
    assert in_force(found["INDICATOR_WEIGHT_TOTAL"]) == ("80.00", "REGION", CHENGDU)
    assert in_force(found["EXECUTION_POINTS"]) == ("20.00", "REGION", CHENGDU)


async def test_art23_county_reads_its_prefectures_value_with_source_region(gql: GraphQLClient) -> None:
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    assert (await update(gql, CHENGDU, {"SELF_EVALUATION_DEADLINE": "5-20"}))["__typename"] == (
        "RuleSetUpdateSuccess"
    )
    await gql.login_as(ActorType.AGENCY, JINJIANG, Administration.HRSS)
    rule = (await rules(gql, JINJIANG))["SELF_EVALUATION_DEADLINE"]
    assert in_force(rule) == ("05-20", "REGION", CHENGDU)
    assert rule["defaultValue"] == "05-31" and rule["updatedAt"] is not None


async def test_art23_province_finance_edits_the_province_values(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    result = await update(gql, PROVINCE, {"GRADE_EXCELLENT_FROM": "85", "GRADE_GOOD_FROM": "75.5"})
    assert result["__typename"] == "RuleSetUpdateSuccess", result
    for code in (PROVINCE, CHENGDU, JINJIANG):
        found = await rules(gql, code)
        assert in_force(found["GRADE_EXCELLENT_FROM"]) == ("85.00", "PROVINCE", PROVINCE)
        assert in_force(found["GRADE_GOOD_FROM"]) == ("75.50", "PROVINCE", PROVINCE)
    again = await update(gql, PROVINCE, {"GRADE_EXCELLENT_FROM": "88"})
    assert in_force({r["key"]: r for r in again["ruleSet"]["rules"]}["GRADE_EXCELLENT_FROM"])[0] == "88.00"
    async with sessionmaker() as session:
        events = (await session.exec(select(AuditEvent).where(AuditEvent.operation == "ruleSetUpdate"))).all()
    assert [e.target_type for e in events] == ["RegionalRule"] * 3
    assert events[-1].changes["value"] == {"before": "85.00", "after": "88.00"}


@pytest.mark.parametrize("target", [PROVINCE, YAAN])
async def test_art23_prefecture_finance_cannot_edit_the_province_or_another_prefecture(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], target: str
) -> None:
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    body = await update(gql, target, {"LIGHT_RED_BELOW": "55"}, ["GRADE_FAIR_FROM"])
    assert top_level_code(body) == "FORBIDDEN"
    assert await stored(sessionmaker) == ([], 0)


@pytest.mark.parametrize(
    ("actor_type", "code", "administration", "target"),
    [
        (ActorType.FINANCE, JINJIANG, None, JINJIANG),  # a county issues no detailed rules
        (ActorType.FINANCE, PROVINCE, None, CHENGDU),  # the province keeps its own values, not 成都市's
        (ActorType.HRSS, CHENGDU, Administration.HRSS, CHENGDU),
        (ActorType.AGENCY, CHENGDU, Administration.MEDICAL_SECURITY, CHENGDU),
        (ActorType.NATIONAL, PROVINCE, None, PROVINCE),
    ],
)
async def test_art23_only_the_regions_own_finance_edits_and_never_a_county(
    gql: GraphQLClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    actor_type: ActorType,
    code: str,
    administration: Administration | None,
    target: str,
) -> None:
    await gql.login_as(actor_type, code, administration)
    assert top_level_code(await update(gql, target, {"LIGHT_RED_BELOW": "55"})) == "FORBIDDEN"
    assert await stored(sessionmaker) == ([], 0)


async def test_art23_reset_restores_the_inherited_value(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    assert (await update(gql, PROVINCE, {"LIGHT_RED_BELOW": "50"}))["__typename"] == "RuleSetUpdateSuccess"
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    assert (await update(gql, CHENGDU, {"LIGHT_RED_BELOW": "55"}))["__typename"] == "RuleSetUpdateSuccess"
    assert in_force((await rules(gql, JINJIANG))["LIGHT_RED_BELOW"]) == ("55.00", "REGION", CHENGDU)

    result = await update(
        gql, CHENGDU, reset=["LIGHT_RED_BELOW", "GRADE_FAIR_FROM"]
    )  # the second: nothing set
    assert result["__typename"] == "RuleSetUpdateSuccess", result
    for code in (CHENGDU, JINJIANG):
        assert in_force((await rules(gql, code))["LIGHT_RED_BELOW"]) == ("50.00", "PROVINCE", PROVINCE)

    await gql.login_as(ActorType.FINANCE, PROVINCE)
    assert (await update(gql, PROVINCE, reset=["LIGHT_RED_BELOW"]))["__typename"] == "RuleSetUpdateSuccess"
    assert in_force((await rules(gql, JINJIANG))["LIGHT_RED_BELOW"]) == ("60.00", "PROVINCE", None)
    assert await stored(sessionmaker) == ([], 4)  # two set, two reset


@pytest.mark.parametrize(
    ("setup", "values", "reset", "fields"),
    [
        ({}, {"LIGHT_RED_BELOW": "85"}, [], ["input.values.0.value"]),  # red < yellow (80)
        ({}, {"GRADE_EXCELLENT_FROM": "95", "LIGHT_YELLOW_BELOW": "100"}, [], ["input.values.1.value"]),
        ({}, {"LIGHT_BLUE_FROM": "100"}, [], ["input.values.0.value"]),  # 100 < blue
        (
            {},
            {"LIGHT_RED_BELOW": "70", "LIGHT_YELLOW_BELOW": "65"},
            [],
            ["input.values.0.value", "input.values.1.value"],
        ),
        ({}, {"EXECUTION_RED_BELOW": "80"}, [], ["input.values.0.value"]),
        ({}, {"GRADE_GOOD_FROM": "90"}, [], ["input.values.0.value"]),  # excellent > good
        ({}, {"GRADE_FAIR_FROM": "85"}, [], ["input.values.0.value"]),  # good > fair
        ({}, {"QUALITATIVE_PARTLY_FROM": "80"}, [], ["input.values.0.value"]),  # partly < achieved
        ({}, {"SELF_EVALUATION_DEADLINE": "07-10"}, [], ["input.values.0.value"]),  # after 5月底 (Art. 17)
        # The indicator weights and the execution points make 100 (the Sichuan form's 90 + 10).
        ({}, {"EXECUTION_POINTS": "20"}, [], ["input.values.0.value"]),
        # Fixed level-1 weights make the indicator total (the province's 9 + 18 + 36 + 27 = 90).
        (
            {},
            {"LEVEL1_WEIGHTS": "FIXED", "LEVEL1_WEIGHT_OUTPUT": "40"},
            [],
            ["input.values.0.value", "input.values.1.value"],
        ),
        # A reduced over-achievement is always explained (Art. 18): 100 + 20 ≤ 110 fails.
        ({}, {"OVER_ACHIEVEMENT_FROM": "110"}, [], ["input.values.0.value"]),
        # The year's last monitoring report (20 days after December) after the compilation (Art. 13).
        ({}, {"MONITORING_COMPILATION_DEADLINE": "01-15"}, [], ["input.values.0.value"]),
        # 成都市 has red 85 below its own yellow 90: back to the province's yellow 80, red would be above it.
        (
            {"LIGHT_RED_BELOW": "85", "LIGHT_YELLOW_BELOW": "90"},
            {},
            ["LIGHT_YELLOW_BELOW"],
            ["input.reset.0"],
        ),
    ],
)
async def test_art23_inconsistent_thresholds_are_refused_and_nothing_changes(
    gql: GraphQLClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    setup: dict[str, str],
    values: dict[str, str],
    reset: list[str],
    fields: list[str],
) -> None:
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    if setup:
        assert (await update(gql, CHENGDU, setup))["__typename"] == "RuleSetUpdateSuccess"
    before = await stored(sessionmaker)
    result = await update(
        gql, CHENGDU, {**values, "EXECUTION_REASON_BELOW": "85"}, reset
    )  # the last is valid
    assert result["__typename"] == "ValidationError", result
    assert [f["field"] for f in result["fields"]] == fields
    assert {f["code"] for f in result["fields"]} == {"OUT_OF_RANGE"}
    assert all(f["message"] for f in result["fields"])
    assert await stored(sessionmaker) == before  # not even the valid EXECUTION_REASON_BELOW


async def test_art23_a_province_change_that_breaks_a_prefectures_rules_is_refused(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    assert (await update(gql, CHENGDU, {"LIGHT_YELLOW_BELOW": "70"}))["__typename"] == "RuleSetUpdateSuccess"
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    result = await update(gql, PROVINCE, {"LIGHT_RED_BELOW": "75"})
    assert result["__typename"] == "ValidationError"
    [field] = result["fields"]
    assert field["field"] == "input.values.0.value" and "成都市" in field["message"]
    assert await stored(sessionmaker) == ([("LIGHT_YELLOW_BELOW", "70.00")], 1)


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("LIGHT_RED_BELOW", "NaN", "INVALID"),
        ("LIGHT_RED_BELOW", "Infinity", "INVALID"),
        ("LIGHT_RED_BELOW", "-Infinity", "INVALID"),
        ("LIGHT_RED_BELOW", "1e400", "OUT_OF_RANGE"),
        ("LIGHT_RED_BELOW", "-5", "OUT_OF_RANGE"),
        ("LIGHT_RED_BELOW", "55.555", "INVALID"),
        ("LIGHT_RED_BELOW", "五十", "INVALID"),
        ("LIGHT_RED_BELOW", "", "INVALID"),
        ("INDICATOR_WEIGHT_TOTAL", "0", "OUT_OF_RANGE"),
        ("SELF_EVALUATION_DEADLINE", "02-30", "INVALID"),
        ("SELF_EVALUATION_DEADLINE", "02-29", "INVALID"),
        ("SELF_EVALUATION_DEADLINE", "31/05", "INVALID"),
        ("MONITORING_COMPILATION_DEADLINE", "00-31", "INVALID"),
        ("LIGHT_RED_BELOW", "55\u0000", "INVALID"),  # control characters: refused at the edge
        ("LIGHT_RED_BELOW", "55\n", "INVALID"),
        ("LIGHT_RED_BELOW", "\u001b[31m55", "INVALID"),
        ("EQ_INDICATOR_SCORING", "SOMETIMES", "INVALID"),
        ("EQ_INDICATOR_SCORING", "proportional", "INVALID"),
        ("EQ_INDICATOR_SCORING", "P" * 65, "OUT_OF_RANGE"),  # longer than the column
        ("DOCUMENT_ABBREVIATION", "蓉\u0000", "INVALID"),
        ("DOCUMENT_ABBREVIATION", "蓉\n", "INVALID"),
        ("DOCUMENT_ABBREVIATION", "蓉\u200b", "INVALID"),  # a format character, refused by the rule
        ("DOCUMENT_ABBREVIATION", "蓉 城", "INVALID"),
        ("DOCUMENT_ABBREVIATION", "", "INVALID"),
        ("DOCUMENT_ABBREVIATION", "蓉" * 9, "OUT_OF_RANGE"),
        ("DOCUMENT_ABBREVIATION", "自", "DUPLICATE"),  # 自贡市's
        ("LIGHT_RED_BELOW", "5" * 100_001, "OUT_OF_RANGE"),  # longer than any string argument
    ],
)
async def test_art23_invalid_values_are_refused(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], key: str, value: str, code: str
) -> None:
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    result = await update(gql, CHENGDU, {"GRADE_FAIR_FROM": "55", key: value})
    assert result["__typename"] == "ValidationError", result
    [field] = result["fields"]
    assert (field["field"], field["code"]) == ("input.values.1.value", code) and field["message"]
    assert await stored(sessionmaker) == ([], 0)


async def test_art23_malformed_inputs_are_refused(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    both = await update(gql, CHENGDU, {"GRADE_FAIR_FROM": "55"}, ["GRADE_FAIR_FROM"])
    assert both["__typename"] == "ValidationError"
    assert [(f["field"], f["code"]) for f in both["fields"]] == [("input.values.0.key", "INVALID")]

    variables = {
        "input": {
            "regionCode": CHENGDU,
            "values": [{"key": "LIGHT_RED_BELOW", "value": "55"}, {"key": "LIGHT_RED_BELOW", "value": "50"}],
            "reset": ["GRADE_FAIR_FROM", "GRADE_FAIR_FROM"],
        }
    }
    twice = (await gql.data(UPDATE, variables))["ruleSetUpdate"]
    assert [(f["field"], f["code"]) for f in twice["fields"]] == [
        ("input.values.1.key", "DUPLICATE"),
        ("input.reset.1", "DUPLICATE"),
    ]
    variables["input"]["reset"] = [k.value for k in RuleKey] * 2
    variables["input"]["values"] = []
    too_many = (await gql.data(UPDATE, variables))["ruleSetUpdate"]
    assert [(f["field"], f["code"]) for f in too_many["fields"]] == [("input.reset", "OUT_OF_RANGE")]

    unknown = await gql.query(UPDATE, {"input": {"regionCode": CHENGDU, "reset": ["NO_SUCH_KEY"]}})
    assert unknown["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"  # not a RuleKey

    missing = await update(gql, "999999", {"LIGHT_RED_BELOW": "55"})
    assert (missing["__typename"], missing["code"], missing["key"]) == (
        "NotFoundError",
        "NOT_FOUND",
        "999999",
    )

    nothing = await update(gql, CHENGDU)  # an empty change is no error
    assert nothing["__typename"] == "RuleSetUpdateSuccess"
    assert await stored(sessionmaker) == ([], 0)


async def test_art23_a_region_sets_its_own_document_abbreviation(gql: GraphQLClient) -> None:
    """发文机关代字简称: 成都市's finance sets 蓉; 成都市 reads it as its own (REGION), with its derived
    default 成; 锦江区 keeps its own default (not inherited)."""
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    result = await update(gql, CHENGDU, {"DOCUMENT_ABBREVIATION": "蓉"})
    assert result["__typename"] == "RuleSetUpdateSuccess", result
    rule = (await rules(gql, CHENGDU))["DOCUMENT_ABBREVIATION"]
    assert (rule["kind"], rule["defaultValue"]) == ("TEXT", "成")
    assert in_force(rule) == ("蓉", "REGION", CHENGDU)
    assert in_force((await rules(gql, JINJIANG))["DOCUMENT_ABBREVIATION"]) == ("锦江", "PROVINCE", None)
