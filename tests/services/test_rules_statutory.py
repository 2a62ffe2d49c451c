"""Statutory dates are not rules to loosen (Art. 13, 17, 23): a region's detailed rules are made
「根据本办法」, so a deadline may be brought forward, never put after the text's 1月底, 5月底,
7月10日, 7月底; the provincial deadlines are the provincial bodies' and only the province's rules set
them. Rows stored before these limits are ignored when read, and `fundperf migrate` reports them."""

import logging
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.cli import migrate_database
from src.db import create_engine, create_sessionmaker, session_scope
from src.models import Region, RegionalRule
from src.models.enums import ActorType, RegionLevel
from src.seed.reference import load_reference_data
from src.services.actors import Actor
from src.services.errors import ErrorCode, ValidationFailed
from src.services.rules import DEFINITION, DEFINITIONS, MonthDay, RuleKey, rules_for
from src.services.rules.editing import update_rules
from src.services.rules.registry import RuleScope, RuleValueError
from src.services.rules.statutory import ignored_rules
from tests.factories import make_actor
from tests.services.conftest import CHENGDU, PROVINCE, Sessionmaker, act, refused

K = RuleKey
TEXT_DATES = {
    K.MONITORING_COMPILATION_DEADLINE: ("01-31", "第十三条"),
    K.SELF_EVALUATION_DEADLINE: ("05-31", "第十七条"),
    K.PROVINCIAL_REPORT_DEADLINE: ("07-10", "第十七条"),
    K.PROVINCIAL_SUMMARY_DEADLINE: ("07-31", "第十七条"),
}
# The provincial bodies' own duties (Art. 17), and what the prefectures are assessed and escalated by
# (Art. 22): a prefecture must not set those.
PROVINCE_ONLY = {
    K.PROVINCIAL_REPORT_DEADLINE,
    K.PROVINCIAL_SUMMARY_DEADLINE,
    K.ASSESSMENT_WEIGHT_DEADLINES,
    K.ASSESSMENT_WEIGHT_SELF_EVALUATION,
    K.ASSESSMENT_WEIGHT_RECTIFICATION,
    K.ASSESSMENT_WEIGHT_WARNINGS,
    K.ASSESSMENT_COMMEND_FROM,
    K.ASSESSMENT_WEAK_BELOW,
    K.ASSESSMENT_DEADLINE,
    K.ESCALATION_ANSWER_DAYS,
    K.ESCALATION_WAIT_DAYS,
}


def _update(actor: Actor, code: str, values: dict[RuleKey, str], reset: list[RuleKey] | None = None):  # type: ignore[no-untyped-def]
    return lambda s: update_rules(session=s, actor=actor, region_code=code, values=values, reset=reset or [])


async def _finance(sessionmaker: Sessionmaker, code: str) -> Actor:
    return await make_actor(sessionmaker, actor_type=ActorType.FINANCE, region_code=code)


async def _problem(
    sessionmaker: Sessionmaker, actor: Actor, code: str, values: dict[RuleKey, str]
) -> tuple[str, str, str]:
    error = await refused(sessionmaker, ValidationFailed, _update(actor, code, values))
    [problem] = error.problems
    return problem.field, problem.code, problem.message


# --- the registry ---------------------------------------------------------------------------------------


def test_art23_every_date_of_the_text_is_its_keys_latest_and_default() -> None:
    dated = {d.key: (str(d.latest), d.basis) for d in DEFINITIONS if d.latest is not None}
    assert set(dated) == set(TEXT_DATES)
    for key, (date, article) in TEXT_DATES.items():
        assert DEFINITION[key].default == dated[key][0] == date
        assert dated[key][1].startswith(article)
    scopes = {d.key for d in DEFINITIONS if d.scope == RuleScope.PROVINCE_ONLY}
    assert scopes == PROVINCE_ONLY  # every other key: the province and each prefecture (Art. 23)
    assert all(DEFINITION[k].basis for k in PROVINCE_ONLY)
    assert [
        level for level in RegionLevel if DEFINITION[K.PROVINCIAL_SUMMARY_DEADLINE].settable_in(level)
    ] == [RegionLevel.PROVINCE]


@pytest.mark.parametrize(
    ("key", "later", "earlier", "words"),
    [
        (K.MONITORING_COMPILATION_DEADLINE, "02-01", "01-20", "1月31日"),
        (K.MONITORING_COMPILATION_DEADLINE, "12-31", "01-01", "1月31日"),  # not "earlier": after January
        (K.SELF_EVALUATION_DEADLINE, "07-05", "05-20", "5月31日"),
        (K.PROVINCIAL_REPORT_DEADLINE, "07-11", "06-30", "7月10日"),
        (K.PROVINCIAL_SUMMARY_DEADLINE, "12-31", "07-20", "7月31日"),
    ],
)
def test_art23_a_date_after_the_texts_is_refused_an_earlier_one_kept(
    key: RuleKey, later: str, earlier: str, words: str
) -> None:
    definition = DEFINITION[key]
    with pytest.raises(RuleValueError) as caught:
        definition.parse(later)
    assert caught.value.code == ErrorCode.OUT_OF_RANGE
    assert words in caught.value.message and definition.basis in caught.value.message
    assert "第二十三条" in caught.value.message
    assert definition.parse(earlier) == earlier
    assert definition.parse(definition.default) == definition.default  # the text's own date


# --- editing --------------------------------------------------------------------------------------------


async def test_art17_a_prefecture_may_not_put_its_self_evaluation_after_may(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    chengdu = await _finance(sessionmaker, CHENGDU)
    field, code, message = await _problem(
        sessionmaker, chengdu, CHENGDU, {K.SELF_EVALUATION_DEADLINE: "07-05"}
    )
    assert (field, code) == ("input.values.0.value", ErrorCode.OUT_OF_RANGE)
    assert "不得晚于5月31日" in message and "第十七条" in message
    await act(sessionmaker, _update(chengdu, CHENGDU, {K.SELF_EVALUATION_DEADLINE: "05-20"}))
    async with sessionmaker() as session:
        region = (await session.exec(select(Region).where(Region.code == CHENGDU))).one()
        rules = await rules_for(session=session, region_id=region.id or 0)
    assert rules.self_evaluation_deadline == MonthDay(5, 20)


async def test_art17_the_province_may_not_put_the_summary_after_july(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    province = await _finance(sessionmaker, PROVINCE)
    field, code, message = await _problem(
        sessionmaker, province, PROVINCE, {K.PROVINCIAL_SUMMARY_DEADLINE: "12-31"}
    )
    assert (field, code) == ("input.values.0.value", ErrorCode.OUT_OF_RANGE) and "7月31日" in message
    # Earlier is allowed, in the order of Art. 17: the provincial report first, then the summary.
    field, code, _ = await _problem(
        sessionmaker, province, PROVINCE, {K.PROVINCIAL_SUMMARY_DEADLINE: "07-05"}
    )
    assert (field, code) == ("input.values.0.value", ErrorCode.OUT_OF_RANGE)
    rows = await act(
        sessionmaker,
        _update(
            province,
            PROVINCE,
            {K.PROVINCIAL_REPORT_DEADLINE: "07-01", K.PROVINCIAL_SUMMARY_DEADLINE: "07-25"},
        ),
    )
    assert [(r.key, r.value) for r in rows] == [
        ("PROVINCIAL_REPORT_DEADLINE", "07-01"),
        ("PROVINCIAL_SUMMARY_DEADLINE", "07-25"),
    ]


@pytest.mark.parametrize("key", sorted(PROVINCE_ONLY))
async def test_art17_the_provincial_deadlines_are_set_by_the_province_only(
    sessionmaker: Sessionmaker, reference: None, key: RuleKey
) -> None:
    chengdu = await _finance(sessionmaker, CHENGDU)
    values = {K.LIGHT_RED_BELOW: "55", key: "07-01"}  # an earlier date, but not the prefecture's to set
    error = await refused(sessionmaker, ValidationFailed, _update(chengdu, CHENGDU, values))
    [problem] = error.problems
    assert (problem.field, problem.code) == ("input.values.1.key", ErrorCode.PROVINCE_ONLY)
    assert "仅省级" in problem.message and DEFINITION[key].basis in problem.message


async def test_art13_a_prefecture_brings_its_compilation_forward_within_january(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    chengdu = await _finance(sessionmaker, CHENGDU)
    for later in ("02-10", "12-31"):
        field, code, message = await _problem(
            sessionmaker, chengdu, CHENGDU, {K.MONITORING_COMPILATION_DEADLINE: later}
        )
        assert (field, code) == ("input.values.0.value", ErrorCode.OUT_OF_RANGE) and "1月31日" in message
    # The year's last report (due 20 days after December by default) must come before the compilation.
    field, code, message = await _problem(
        sessionmaker, chengdu, CHENGDU, {K.MONITORING_COMPILATION_DEADLINE: "01-15"}
    )
    assert (field, code) == ("input.values.0.value", ErrorCode.OUT_OF_RANGE) and "第十三条" in message
    values = {K.MONITORING_REPORT_DUE_DAYS: "15", K.MONITORING_ENTRY_DUE_DAYS: "10"}
    await act(sessionmaker, _update(chengdu, CHENGDU, {**values, K.MONITORING_COMPILATION_DEADLINE: "01-15"}))


async def test_art23_a_province_only_row_stored_below_the_province_may_be_reset(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    async with session_scope(sessionmaker) as session:
        region = (await session.exec(select(Region).where(Region.code == CHENGDU))).one()
        session.add(RegionalRule(region_id=region.id or 0, key=K.PROVINCIAL_REPORT_DEADLINE, value="07-05"))
    chengdu = await _finance(sessionmaker, CHENGDU)
    assert await act(sessionmaker, _update(chengdu, CHENGDU, {}, [K.PROVINCIAL_REPORT_DEADLINE])) == []
    async with sessionmaker() as session:
        assert (await session.exec(select(RegionalRule))).all() == []


# --- rows stored before the limits ----------------------------------------------------------------------


async def _store(
    sessionmaker: async_sessionmaker[AsyncSession], rows: list[tuple[str, RuleKey, str]]
) -> None:
    async with session_scope(sessionmaker) as session:
        for code, key, value in rows:
            region = (await session.exec(select(Region).where(Region.code == code))).one()
            session.add(RegionalRule(region_id=region.id or 0, key=key.value, value=value))


BEYOND_THE_TEXT = [
    (PROVINCE, K.SELF_EVALUATION_DEADLINE, "05-20"),  # within the text: applies below
    (PROVINCE, K.PROVINCIAL_SUMMARY_DEADLINE, "12-31"),  # after 7月底
    (CHENGDU, K.SELF_EVALUATION_DEADLINE, "07-05"),  # after 5月底
    (CHENGDU, K.PROVINCIAL_REPORT_DEADLINE, "07-05"),  # the province's to set
]


async def test_art23_stored_rules_beyond_the_text_are_ignored_when_read(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    await _store(sessionmaker, BEYOND_THE_TEXT)
    async with sessionmaker() as session:
        regions = {r.code: r for r in (await session.exec(select(Region))).all()}
        chengdu = await rules_for(session=session, region_id=regions[CHENGDU].id or 0)
        province = await rules_for(session=session, region_id=regions[PROVINCE].id or 0)
        ignored = await ignored_rules(session)
    assert chengdu.self_evaluation_deadline == MonthDay(5, 20)  # the province's, not 07-05
    assert chengdu.defined_in(K.SELF_EVALUATION_DEADLINE) == regions[PROVINCE].id
    assert chengdu.provincial_report_deadline == MonthDay(7, 10)
    assert chengdu.provincial_summary_deadline == province.provincial_summary_deadline == MonthDay(7, 31)
    assert province.defined_in(K.PROVINCIAL_SUMMARY_DEADLINE) is None  # the built-in, the text's date
    assert [(i.region_code, i.key, i.stored, i.applies) for i in ignored] == [
        (PROVINCE, K.PROVINCIAL_SUMMARY_DEADLINE, "12-31", "07-31"),
        (CHENGDU, K.PROVINCIAL_REPORT_DEADLINE, "07-05", "07-10"),
        (CHENGDU, K.SELF_EVALUATION_DEADLINE, "07-05", "05-20"),
    ]
    assert "7月31日" in ignored[0].reason and "仅省级" in ignored[1].reason
    assert "成都市" in ignored[2].describe() and "05-20" in ignored[2].describe()


async def test_art23_migrate_reports_the_rules_it_will_not_apply(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
    await migrate_database(url)
    engine = create_engine(url)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            await load_reference_data(session=session)
        await _store(create_sessionmaker(engine), BEYOND_THE_TEXT)
    finally:
        await engine.dispose()
    with caplog.at_level(logging.WARNING, logger="fundperf"):
        await migrate_database(url)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 3 and all(w.startswith("regional rule not applied: ") for w in warnings)
    assert "PROVINCIAL_SUMMARY_DEADLINE=12-31" in warnings[0]
