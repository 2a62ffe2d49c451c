"""Art. 23 「各市（州）可根据本办法并结合实际情况，制定具体实施细则」: the registry of rule keys, how a
region's rules resolve (own → prefecture → province → built-in default) and what an update writes."""

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import AuditEvent, Region, RegionalRule
from src.models.enums import ActorType
from src.seed.reference import load_reference_data
from src.services.actors import Actor, load_actor
from src.services.errors import ErrorCode, Forbidden, NotFound, ValidationFailed
from src.services.rules import (
    DEFINITION,
    DEFINITIONS,
    EqIndicatorScoring,
    IndicatorCoverage,
    MonthDay,
    RuleKey,
    RuleKind,
    RuleSet,
    RuleSource,
    rules_for,
    rules_for_region,
)
from src.services.rules.consistency import CONSISTENCY, LEVEL1_WEIGHT_KEYS, broken_rules
from src.services.rules.editing import update_rules
from src.services.rules.reads import rules_visible
from src.services.rules.registry import Level1Weights, RuleValueError, defaults
from tests.conftest import StatementCounter
from tests.factories import make_user

K = RuleKey
PROVINCE, CHENGDU, JINJIANG, YAAN = "510000", "510100", "510104", "511800"


# --- the registry ---------------------------------------------------------------------------------------


def test_art23_every_key_has_one_typed_attribute_on_the_rule_set() -> None:
    fields = {f.name: f.type for f in dataclasses.fields(RuleSet)}
    expected = {RuleKind.DECIMAL: Decimal, RuleKind.MONTH_DAY: MonthDay, RuleKind.TEXT: str}
    assert [d.key for d in DEFINITIONS] == list(RuleKey)
    for definition in DEFINITIONS:
        typed = definition.choices if definition.kind == RuleKind.CHOICE else expected[definition.kind]
        assert typed is not None and fields[definition.attribute] is typed, definition.key
    assert set(fields) == {d.attribute for d in DEFINITIONS} | {"region_id", "built_in", "origins"}


def test_art23_the_province_defaults_are_canonical_and_consistent() -> None:
    for definition in DEFINITIONS:
        assert definition.parse(definition.default) == definition.default, definition.key
    assert broken_rules(defaults()) == []
    values = defaults()
    assert values[K.INDICATOR_WEIGHT_TOTAL] == Decimal(90)  # the Sichuan form: 90 + 10 of execution
    assert values[K.MONITORING_COMPILATION_DEADLINE] == MonthDay(1, 31)  # Art. 13
    assert values[K.SELF_EVALUATION_DEADLINE] == MonthDay(5, 31)  # Art. 17
    assert values[K.PROVINCIAL_REPORT_DEADLINE] == MonthDay(7, 10)
    assert values[K.PROVINCIAL_SUMMARY_DEADLINE] == MonthDay(7, 31)
    lights = (K.LIGHT_RED_BELOW, K.LIGHT_YELLOW_BELOW, K.LIGHT_BLUE_FROM)
    assert [values[k] for k in lights] == [Decimal(60), Decimal(80), Decimal(120)]
    grades = (K.GRADE_EXCELLENT_FROM, K.GRADE_GOOD_FROM, K.GRADE_FAIR_FROM)
    assert [values[k] for k in grades] == [Decimal(90), Decimal(80), Decimal(60)]
    assert values[K.EQ_INDICATOR_SCORING] == EqIndicatorScoring.ALL_OR_NOTHING
    assert values[K.INDICATOR_COVERAGE] == IndicatorCoverage.ALL_CATEGORIES_BOTH_KINDS  # Art. 9 as written
    assert (values[K.EXECUTION_POINTS], values[K.EXECUTION_REASON_BELOW]) == (Decimal(10), Decimal(90))


@pytest.mark.parametrize(
    ("key", "text", "canonical"),
    [
        (K.LIGHT_RED_BELOW, "55", "55.00"),
        (K.LIGHT_RED_BELOW, " 55.5 ", "55.50"),
        (K.LIGHT_RED_BELOW, "55.500", "55.50"),  # the same value: nothing is rounded
        (K.LIGHT_BLUE_FROM, "1.5e2", "150.00"),
        (K.INDICATOR_WEIGHT_TOTAL, "100", "100.00"),
        (K.LE_INDICATOR_SCORING, "RATIO", "RATIO"),
        (K.LEVEL1_WEIGHT_DECISION, "0", "0.00"),
        (K.EXECUTION_POINTS, "-0", "0.00"),
        (K.SELF_EVALUATION_DEADLINE, "5-1", "05-01"),
        (K.SELF_EVALUATION_DEADLINE, "5-31", "05-31"),  # the text's date itself (Art. 17 「5月底前」)
        (K.EQ_INDICATOR_SCORING, "PROPORTIONAL", "PROPORTIONAL"),
        (K.DOCUMENT_ABBREVIATION, " 蓉 ", "蓉"),
        (K.DOCUMENT_ABBREVIATION, "\u3000凉山\u3000", "凉山"),  # full-width spaces around it
        (K.DOCUMENT_ABBREVIATION, "凉山彝族自治州", "凉山彝族自治州"),
    ],
)
def test_art23_values_are_stored_as_canonical_text(key: RuleKey, text: str, canonical: str) -> None:
    assert DEFINITION[key].parse(text) == canonical


@pytest.mark.parametrize(
    ("key", "text", "code"),
    [
        (K.LIGHT_RED_BELOW, "NaN", ErrorCode.INVALID),
        (K.LIGHT_RED_BELOW, "-Infinity", ErrorCode.INVALID),
        (K.LIGHT_RED_BELOW, "1e400", ErrorCode.OUT_OF_RANGE),
        (K.LIGHT_RED_BELOW, "1e-400", ErrorCode.INVALID),  # more places than declared
        (K.LIGHT_RED_BELOW, "55.123", ErrorCode.INVALID),
        (K.LIGHT_RED_BELOW, "0", ErrorCode.OUT_OF_RANGE),
        (K.LIGHT_RED_BELOW, "6_0", ErrorCode.INVALID),
        (K.LIGHT_RED_BELOW, "６０", ErrorCode.INVALID),
        (K.LIGHT_RED_BELOW, "60\n", ErrorCode.INVALID),
        (K.LIGHT_RED_BELOW, "", ErrorCode.INVALID),
        (K.INDICATOR_WEIGHT_TOTAL, "100.01", ErrorCode.OUT_OF_RANGE),
        (K.OVER_ACHIEVEMENT_FROM, "99.99", ErrorCode.OUT_OF_RANGE),
        (K.DEVIATION_CAUSE_FROM, "0", ErrorCode.OUT_OF_RANGE),
        (K.OVER_ACHIEVEMENT_REDUCTION, "SOMETIMES", ErrorCode.INVALID),
        (K.GRADE_GOOD_FROM, "101", ErrorCode.OUT_OF_RANGE),
        (K.EXECUTION_POINTS, "-1", ErrorCode.OUT_OF_RANGE),
        (K.SELF_EVALUATION_DEADLINE, "02-30", ErrorCode.INVALID),
        (K.SELF_EVALUATION_DEADLINE, "02-29", ErrorCode.INVALID),  # not every year has it
        (K.SELF_EVALUATION_DEADLINE, "13-01", ErrorCode.INVALID),
        (K.SELF_EVALUATION_DEADLINE, "0531", ErrorCode.INVALID),
        (K.SELF_EVALUATION_DEADLINE, "2026-05-31", ErrorCode.INVALID),
        (K.SELF_EVALUATION_DEADLINE, "12-31", ErrorCode.OUT_OF_RANGE),  # after the text's date (Art. 17)
        (K.EQ_INDICATOR_SCORING, "proportional", ErrorCode.INVALID),
        (K.EQ_INDICATOR_SCORING, "P" * 65, ErrorCode.OUT_OF_RANGE),
        (K.DOCUMENT_ABBREVIATION, "", ErrorCode.INVALID),
        (K.DOCUMENT_ABBREVIATION, " \u3000 ", ErrorCode.INVALID),
        (K.DOCUMENT_ABBREVIATION, "蓉\n", ErrorCode.INVALID),
        (K.DOCUMENT_ABBREVIATION, "蓉\t", ErrorCode.INVALID),
        (K.DOCUMENT_ABBREVIATION, "蓉\x00", ErrorCode.INVALID),
        (K.DOCUMENT_ABBREVIATION, "蓉\x1b", ErrorCode.INVALID),
        (K.DOCUMENT_ABBREVIATION, "蓉\x85", ErrorCode.INVALID),  # C1
        (K.DOCUMENT_ABBREVIATION, "蓉\u200b", ErrorCode.INVALID),  # a format character
        (K.DOCUMENT_ABBREVIATION, "蓉\u2028", ErrorCode.INVALID),  # a line separator
        (K.DOCUMENT_ABBREVIATION, "成 都", ErrorCode.INVALID),
        (K.DOCUMENT_ABBREVIATION, "成〔", ErrorCode.INVALID),  # would break the number 成〔〔2026〕1号
        (K.DOCUMENT_ABBREVIATION, "九" * 9, ErrorCode.OUT_OF_RANGE),  # at most 8 characters
        (K.DOCUMENT_ABBREVIATION, "长" * 65, ErrorCode.OUT_OF_RANGE),
    ],
)
def test_art23_invalid_values_are_refused(key: RuleKey, text: str, code: ErrorCode) -> None:
    with pytest.raises(RuleValueError) as refused:
        DEFINITION[key].parse(text)
    assert refused.value.code == code and refused.value.message


def test_art23_every_consistency_rule_can_fail() -> None:
    breaking: dict[tuple[RuleKey, ...], dict[RuleKey, Any]] = {
        (K.LIGHT_RED_BELOW, K.LIGHT_YELLOW_BELOW, K.LIGHT_BLUE_FROM): {K.LIGHT_YELLOW_BELOW: Decimal(100)},
        (K.EXECUTION_RED_BELOW, K.EXECUTION_YELLOW_BELOW): {K.EXECUTION_RED_BELOW: Decimal(80)},
        (K.EXECUTION_LARGE_DEVIATION_BELOW, K.EXECUTION_RED_BELOW): {
            K.EXECUTION_LARGE_DEVIATION_BELOW: Decimal(61)
        },
        (K.MONITORING_ENTRY_DUE_DAYS, K.MONITORING_REPORT_DUE_DAYS): {
            K.MONITORING_ENTRY_DUE_DAYS: Decimal(21)
        },
        (K.MONITORING_REPORT_DUE_DAYS, K.MONITORING_COMPILATION_DEADLINE): {
            K.MONITORING_COMPILATION_DEADLINE: MonthDay(1, 19)
        },
        (K.GRADE_EXCELLENT_FROM, K.GRADE_GOOD_FROM, K.GRADE_FAIR_FROM): {K.GRADE_GOOD_FROM: Decimal(90)},
        (K.QUALITATIVE_PARTLY_FROM, K.QUALITATIVE_ACHIEVED_FROM): {K.QUALITATIVE_PARTLY_FROM: Decimal(80)},
        (K.SELF_EVALUATION_DEADLINE, K.PROVINCIAL_REPORT_DEADLINE, K.PROVINCIAL_SUMMARY_DEADLINE): {
            K.PROVINCIAL_REPORT_DEADLINE: MonthDay(8, 1)
        },
        (K.INDICATOR_WEIGHT_TOTAL, K.EXECUTION_POINTS): {K.INDICATOR_WEIGHT_TOTAL: Decimal(100)},
        (K.LEVEL1_WEIGHTS, *LEVEL1_WEIGHT_KEYS, K.INDICATOR_WEIGHT_TOTAL): {
            K.LEVEL1_WEIGHTS: Level1Weights.FIXED,
            K.LEVEL1_WEIGHT_OUTPUT: Decimal(40),
        },
        (K.LEVEL1_WEIGHTS, *LEVEL1_WEIGHT_KEYS, K.INDICATOR_COVERAGE): {
            K.LEVEL1_WEIGHTS: Level1Weights.FIXED,
            K.LEVEL1_WEIGHT_DECISION: Decimal(0),
            K.LEVEL1_WEIGHT_OUTPUT: Decimal(45),
        },
        (K.DEVIATION_CAUSE_FROM, K.OVER_ACHIEVEMENT_FROM): {K.DEVIATION_CAUSE_FROM: Decimal(25)},
    }
    for rule in CONSISTENCY:
        values = {**defaults(), **breaking[rule.keys]}
        assert broken_rules(values) == [rule]
        assert broken_rules(values, touching={K.MONITORING_PERIODS}) == []  # in no rule


# --- resolution -----------------------------------------------------------------------------------------


async def _regions(session: AsyncSession) -> dict[str, Region]:
    await load_reference_data(session=session)
    await session.commit()
    rows = (
        await session.exec(select(Region).where(col(Region.code).in_([PROVINCE, CHENGDU, JINJIANG, YAAN])))
    ).all()
    return {r.code: r for r in rows}


def _rule(region: Region, key: RuleKey | str, value: str) -> RegionalRule:
    return RegionalRule(region_id=region.id or 0, key=str(key), value=value)


async def test_art23_province_defaults_apply_everywhere(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        regions = await _regions(session)
    abbreviations = {PROVINCE: "川", CHENGDU: "成", JINJIANG: "锦江"}  # derived from the region (below)
    for code in (PROVINCE, CHENGDU, JINJIANG):
        async with sessionmaker() as session:
            rules = await rules_for(session=session, region_id=regions[code].id or 0)
        assert rules.region_id == regions[code].id
        assert rules.values() == {**defaults(), K.DOCUMENT_ABBREVIATION: abbreviations[code]}
        assert {k: rules.default(k) for k in RuleKey} == {k: rules.text(k) for k in RuleKey}
        assert {rules.source(k) for k in RuleKey} == {RuleSource.PROVINCE}
        assert {rules.defined_in(k) for k in RuleKey} == {None}
        assert rules.origin(K.LIGHT_RED_BELOW).updated_at is None
        assert rules.text(K.SELF_EVALUATION_DEADLINE) == "05-31"


async def test_art23_the_nearest_region_wins(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        regions = await _regions(session)
        session.add_all(
            [
                _rule(regions[PROVINCE], K.LIGHT_RED_BELOW, "50.00"),
                _rule(regions[PROVINCE], K.GRADE_EXCELLENT_FROM, "85.00"),
                _rule(regions[CHENGDU], K.LIGHT_RED_BELOW, "55.00"),
                _rule(regions[CHENGDU], K.EQ_INDICATOR_SCORING, "PROPORTIONAL"),
                _rule(regions[JINJIANG], K.SELF_EVALUATION_DEADLINE, "05-20"),
                _rule(regions[YAAN], K.LIGHT_RED_BELOW, "40.00"),
            ]
        )
        await session.commit()
    ids = {code: region.id for code, region in regions.items()}

    async def read(code: str) -> RuleSet:
        async with sessionmaker() as session:
            return await rules_for(session=session, region_id=ids[code] or 0)

    province, chengdu, jinjiang, yaan = [await read(c) for c in (PROVINCE, CHENGDU, JINJIANG, YAAN)]
    assert (province.light_red_below, province.source(K.LIGHT_RED_BELOW)) == (
        Decimal(50),
        RuleSource.PROVINCE,
    )
    assert province.defined_in(K.LIGHT_RED_BELOW) == ids[PROVINCE]
    assert province.origin(K.LIGHT_RED_BELOW).updated_at is not None
    assert province.eq_indicator_scoring == EqIndicatorScoring.ALL_OR_NOTHING

    assert chengdu.light_red_below == Decimal(55) and chengdu.source(K.LIGHT_RED_BELOW) == RuleSource.REGION
    assert chengdu.defined_in(K.LIGHT_RED_BELOW) == ids[CHENGDU]
    assert (
        chengdu.grade_excellent_from == Decimal(85)
        and chengdu.defined_in(K.GRADE_EXCELLENT_FROM) == ids[PROVINCE]
    )
    assert chengdu.eq_indicator_scoring == EqIndicatorScoring.PROPORTIONAL
    assert chengdu.self_evaluation_deadline == MonthDay(5, 31)

    # The county reads its prefecture's value, and its own where it has one.
    assert jinjiang.light_red_below == Decimal(55) and jinjiang.source(K.LIGHT_RED_BELOW) == RuleSource.REGION
    assert jinjiang.defined_in(K.LIGHT_RED_BELOW) == ids[CHENGDU]
    assert jinjiang.self_evaluation_deadline == MonthDay(5, 20)
    assert jinjiang.defined_in(K.SELF_EVALUATION_DEADLINE) == ids[JINJIANG]
    assert jinjiang.defined_in(K.GRADE_EXCELLENT_FROM) == ids[PROVINCE]

    # Another prefecture's rules never reach 成都市.
    assert (
        yaan.light_red_below == Decimal(40) and yaan.eq_indicator_scoring == EqIndicatorScoring.ALL_OR_NOTHING
    )


async def test_art23_a_stored_value_that_no_longer_parses_falls_back_to_the_region_above(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        regions = await _regions(session)
        session.add_all(
            [
                _rule(regions[PROVINCE], K.LIGHT_RED_BELOW, "50.00"),
                _rule(regions[CHENGDU], K.LIGHT_RED_BELOW, "fifty"),
                _rule(regions[CHENGDU], "RETIRED_KEY", "1"),
            ]
        )
        await session.commit()
        rules = await rules_for(session=session, region_id=regions[CHENGDU].id or 0)
    assert (
        rules.light_red_below == Decimal(50) and rules.defined_in(K.LIGHT_RED_BELOW) == regions[PROVINCE].id
    )


async def test_art23_rules_for_an_unknown_region_is_not_found(session: AsyncSession) -> None:
    with pytest.raises(NotFound):
        await rules_for(session=session, region_id=999_999)


@pytest.mark.parametrize("rows_per_region", [0, 1, len(RuleKey)])
async def test_art23_rules_for_takes_two_statements_whatever_the_rows(
    sessionmaker: async_sessionmaker[AsyncSession], count_statements: StatementCounter, rows_per_region: int
) -> None:
    async with sessionmaker() as session:
        regions = await _regions(session)
        for code in (PROVINCE, CHENGDU, JINJIANG):
            session.add_all([_rule(regions[code], d.key, d.default) for d in DEFINITIONS[:rows_per_region]])
        await session.commit()
    count_statements.reset()
    async with sessionmaker() as session:
        rules = await rules_for(session=session, region_id=regions[JINJIANG].id or 0)
        assert count_statements.count == 2, count_statements.statements  # the region, then its rules
        region = await session.get(Region, regions[CHENGDU].id)
        assert region is not None
        count_statements.reset()
        await rules_for_region(session=session, region=region)  # the caller has the region: one statement
        assert count_statements.count == 1, count_statements.statements
    expected = RuleSource.REGION if rows_per_region else RuleSource.PROVINCE
    assert rules.source(K.INDICATOR_WEIGHT_TOTAL) == expected


# --- editing --------------------------------------------------------------------------------------------


async def _actor(sessionmaker: async_sessionmaker[AsyncSession], code: str, kind: ActorType) -> Actor:
    user = await make_user(sessionmaker, actor_type=kind, region_code=code)
    async with sessionmaker() as session:
        actor = await load_actor(session=session, user_id=user.id or 0)
    assert actor is not None
    return actor


async def test_art23_an_update_writes_audits_and_resets(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        regions = await _regions(session)
    finance = await _actor(sessionmaker, CHENGDU, ActorType.FINANCE)
    async with sessionmaker() as session:
        rows = await update_rules(
            session=session,
            actor=finance,
            region_code=CHENGDU,
            values={K.LIGHT_RED_BELOW: "55", K.SELF_EVALUATION_DEADLINE: "5-20"},
            reset=[],
        )
        await session.commit()
    assert [(r.key, r.value, r.updated_by_id) for r in rows] == [
        ("SELF_EVALUATION_DEADLINE", "05-20", finance.user_id),
        ("LIGHT_RED_BELOW", "55.00", finance.user_id),
    ]
    async with sessionmaker() as session:
        rows = await update_rules(
            session=session,
            actor=finance,
            region_code=CHENGDU,
            values={K.LIGHT_RED_BELOW: "50"},
            reset=[K.SELF_EVALUATION_DEADLINE, K.GRADE_FAIR_FROM],  # the second has no row: nothing to do
        )
        await session.commit()
    async with sessionmaker() as session:  # the value it has: nothing changes
        await update_rules(
            session=session, actor=finance, region_code=CHENGDU, values={K.LIGHT_RED_BELOW: "50.0"}, reset=[]
        )
        await session.commit()
    assert [(r.key, r.value, r.row_version) for r in rows] == [("LIGHT_RED_BELOW", "50.00", 2)]
    async with sessionmaker() as session:
        events = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))).all()
        rules = await rules_for(session=session, region_id=regions[CHENGDU].id or 0)
    assert [(e.operation, e.target_type, sorted(e.changes)) for e in events] == [
        ("ruleSetUpdate", "RegionalRule", sorted(events[0].changes)),
        ("ruleSetUpdate", "RegionalRule", sorted(events[1].changes)),
        ("ruleSetUpdate", "RegionalRule", ["row_version", "value"]),
        ("ruleSetUpdate", "RegionalRule", sorted(events[3].changes)),
    ]
    assert events[2].changes["value"] == {"before": "55.00", "after": "50.00"}
    assert events[3].changes["value"] == {"before": "05-20", "after": None}  # deleted
    assert rules.self_evaluation_deadline == MonthDay(5, 31) and rules.light_red_below == Decimal(50)


async def test_art23_a_province_change_may_not_break_a_prefectures_rules(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        regions = await _regions(session)
        session.add(_rule(regions[CHENGDU], K.LIGHT_YELLOW_BELOW, "70.00"))
        await session.commit()
    province = await _actor(sessionmaker, PROVINCE, ActorType.FINANCE)
    async with sessionmaker() as session:
        with pytest.raises(ValidationFailed) as refused:
            await update_rules(
                session=session,
                actor=province,
                region_code=PROVINCE,
                values={K.LIGHT_RED_BELOW: "75"},
                reset=[],
            )
    [problem] = refused.value.problems
    assert problem.field == "input.values.0.value" and "成都市" in problem.message
    async with sessionmaker() as session:
        assert (
            await session.exec(select(RegionalRule).where(RegionalRule.region_id == regions[PROVINCE].id))
        ).all() == []
        # 65 stays below 成都市's 70 and the province's 80: allowed.
        await update_rules(
            session=session, actor=province, region_code=PROVINCE, values={K.LIGHT_RED_BELOW: "65"}, reset=[]
        )


@pytest.mark.parametrize(
    ("code", "kind"),
    [(JINJIANG, ActorType.FINANCE), (CHENGDU, ActorType.HRSS), (PROVINCE, ActorType.FINANCE)],
)
async def test_art23_only_the_regions_own_finance_edits_it(
    sessionmaker: async_sessionmaker[AsyncSession], code: str, kind: ActorType
) -> None:
    await _regions_only(sessionmaker)
    actor = await _actor(sessionmaker, code, kind)
    target = JINJIANG if code == JINJIANG else CHENGDU
    async with sessionmaker() as session:
        with pytest.raises(Forbidden):
            await update_rules(
                session=session, actor=actor, region_code=target, values={K.LIGHT_RED_BELOW: "55"}, reset=[]
            )
        with pytest.raises(NotFound):
            await update_rules(session=session, actor=actor, region_code="999999", values={}, reset=[])


async def _regions_only(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        await _regions(session)


async def test_art23_rules_are_read_everywhere_but_outside_an_api_tokens_region(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        regions = await _regions(session)
    agency = await _actor(sessionmaker, CHENGDU, ActorType.AGENCY)
    assert all(rules_visible(agency, regions[code]) for code in (PROVINCE, CHENGDU, JINJIANG, YAAN))
    confined = dataclasses.replace(agency, token_region_path=regions[CHENGDU].path)
    codes = (PROVINCE, CHENGDU, JINJIANG, YAAN)
    assert [code for code in codes if rules_visible(confined, regions[code])] == [CHENGDU, JINJIANG]
