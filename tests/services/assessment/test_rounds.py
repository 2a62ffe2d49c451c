"""财政厅's round (Art. 22 「财政厅、人力资源社会保障厅、省医保局、省税务局应按照部门职责开展…考核，
建立考核结果通报制度」): opened, computed (again while a draft), concurred with by 人社厅, 省医保局
and 省税务局 on the current computation, published frozen and numbered; the weights and bands are the
province's rules, which a prefecture may not set; a computation's statements do not grow with the
prefectures."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from src.models import PrefectureAssessment, Region, RegionalRule
from src.models.assessment import AssessmentOutcome, AssessmentRound, AssessmentStatus
from src.models.enums import ActorType, Administration, RegionLevel
from src.services.actors import Actor
from src.services.assessment import rounds
from src.services.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.monitoring import clock
from src.services.rules.editing import update_rules
from src.services.rules.registry import RuleKey
from tests.factories import make_actor, region_id
from tests.services.assessment.records import at, only_sources, source
from tests.services.conftest import CHENGDU, PROVINCE, Sessionmaker, act, refused
from tests.support.sql import count_statements

HRSS, MED = Administration.HRSS, Administration.MEDICAL_SECURITY
# The round, its province, rules and regions (twice: the year and the next), warnings, claim, delete, one
# executemany, audit, event; PostgreSQL one more.
COMPUTE_STATEMENTS = {"sqlite": 15, "postgresql": 16}
D = date
# 成都 misses half its deadlines (weak), 自贡 meets all (commended), 雅安 has nothing due (100: n/a).
ROWS = [
    ("510100", "ENTRY", D(2025, 4, 10), at(D(2025, 4, 9)), 2025),
    ("510100", "ENTRY", D(2025, 7, 10), None, 2025),
    ("510300", "ENTRY", D(2025, 4, 10), at(D(2025, 4, 1)), 2025),
    ("510400", "ENTRY", D(2025, 4, 10), at(D(2025, 4, 1)), 2025),
]


@pytest.fixture(autouse=True)
def in_october(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "china_today", lambda: D(2026, 10, 15))


async def provincial(sessionmaker: Sessionmaker) -> dict[ActorType, Actor]:
    wanted = (
        (ActorType.FINANCE, None),
        (ActorType.HRSS, HRSS),
        (ActorType.MEDICAL_SECURITY, MED),
        (ActorType.TAX, None),
    )
    return {
        t: await make_actor(sessionmaker, actor_type=t, region_code=PROVINCE, administration=a)
        for t, a in wanted
    }


async def opened(sessionmaker: Sessionmaker, finance: Actor) -> AssessmentRound:
    return await act(sessionmaker, lambda s: rounds.open_round(session=s, actor=finance, year=2025))


async def computed(sessionmaker: Sessionmaker, actor: Actor, row: AssessmentRound) -> AssessmentRound:
    with only_sources(source("work", ROWS)):
        return await act(
            sessionmaker,
            lambda s: rounds.compute_round(
                session=s, actor=actor, round_id=row.id or 0, row_version=row.row_version
            ),
        )


async def concurred(sessionmaker: Sessionmaker, actor: Actor, row: AssessmentRound) -> AssessmentRound:
    return await act(
        sessionmaker,
        lambda s: rounds.concur_round(
            session=s, actor=actor, round_id=row.id or 0, row_version=row.row_version
        ),
    )


async def published(sessionmaker: Sessionmaker, actor: Actor, row: AssessmentRound) -> AssessmentRound:
    return await act(
        sessionmaker,
        lambda s: rounds.publish_round(
            session=s, actor=actor, round_id=row.id or 0, row_version=row.row_version
        ),
    )


async def results(sessionmaker: Sessionmaker) -> dict[str, PrefectureAssessment]:
    async with sessionmaker() as s:
        stmt = select(PrefectureAssessment, Region.code).join(
            Region, col(Region.id) == PrefectureAssessment.region_id
        )
        return {code: row for row, code in (await s.exec(stmt)).all()}


async def test_art22_the_round_ranks_every_prefecture_and_bands_them(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    bodies = await provincial(sessionmaker)
    row = await computed(
        sessionmaker, bodies[ActorType.FINANCE], await opened(sessionmaker, bodies[ActorType.FINANCE])
    )
    assert row.content_revision == 1 and row.weights is not None
    assert row.weights["ASSESSMENT_WEIGHT_DEADLINES"] == "40.00"
    found = await results(sessionmaker)
    assert len(found) == 21
    chengdu, zigong = found["510100"], found["510300"]
    assert (chengdu.deadlines_due, chengdu.deadlines_on_time, chengdu.deadlines_score) == (
        2,
        1,
        Decimal("50.00"),
    )
    assert (chengdu.total, chengdu.outcome) == (Decimal("50.00"), AssessmentOutcome.WEAK)
    assert (zigong.total, zigong.outcome) == (Decimal("100.00"), AssessmentOutcome.COMMENDED)
    assert found["511800"].deadlines_score is None and found["511800"].total == Decimal("100.00")
    assert {r.rank for code, r in found.items() if code != "510100"} == {1}  # 20 tied at the top
    assert chengdu.rank == 21


async def test_art22_the_bands_are_the_provinces_rules(sessionmaker: Sessionmaker, reference: None) -> None:
    bodies = await provincial(sessionmaker)
    async with sessionmaker() as s:
        s.add(
            RegionalRule(region_id=await region_id(s, PROVINCE), key="ASSESSMENT_WEAK_BELOW", value="40.00")
        )
        await s.commit()
    await computed(
        sessionmaker, bodies[ActorType.FINANCE], await opened(sessionmaker, bodies[ActorType.FINANCE])
    )
    assert (await results(sessionmaker))["510100"].outcome == AssessmentOutcome.NORMAL


async def test_art22_a_prefecture_cannot_set_the_weights_it_is_assessed_by(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    finance = await make_actor(sessionmaker, actor_type=ActorType.FINANCE, region_code=CHENGDU)
    keys = (RuleKey.ASSESSMENT_WEIGHT_DEADLINES, RuleKey.ASSESSMENT_WEAK_BELOW, RuleKey.ASSESSMENT_DEADLINE)
    values = dict(zip(keys, ("10", "0", "12-31"), strict=True))
    error = await refused(
        sessionmaker,
        ValidationFailed,
        lambda s: update_rules(session=s, actor=finance, region_code=CHENGDU, values=values, reset=[]),
    )
    assert [(p.field, p.code) for p in error.problems] == [
        (f"input.values.{i}.key", "PROVINCE_ONLY") for i in range(3)
    ]
    assert all("第二十二条" in p.message for p in error.problems)


async def test_art22_weights_that_do_not_make_100_refuse_the_computation(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    bodies = await provincial(sessionmaker)
    finance = bodies[ActorType.FINANCE]
    await act(
        sessionmaker,
        lambda s: update_rules(
            session=s,
            actor=finance,
            region_code=PROVINCE,
            values={RuleKey.ASSESSMENT_WEIGHT_WARNINGS: "20"},
            reset=[],
        ),
    )
    row = await opened(sessionmaker, finance)
    error = await refused(
        sessionmaker,
        PreconditionFailed,
        lambda s: rounds.compute_round(
            session=s, actor=finance, round_id=row.id or 0, row_version=row.row_version
        ),
    )
    assert error.code == "ASSESSMENT_WEIGHTS_INVALID" and "现为105" in error.message


async def test_art22_each_body_concurs_with_the_current_computation_and_a_recompute_voids_it(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    bodies = await provincial(sessionmaker)
    finance = bodies[ActorType.FINANCE]
    row = await opened(sessionmaker, finance)
    early = await refused(
        sessionmaker,
        PreconditionFailed,
        lambda s: rounds.concur_round(
            session=s, actor=bodies[ActorType.TAX], round_id=row.id or 0, row_version=row.row_version
        ),
    )
    assert early.code == "ASSESSMENT_NOT_COMPUTED"
    row = await computed(sessionmaker, finance, row)
    for body in (ActorType.HRSS, ActorType.MEDICAL_SECURITY):
        row = await concurred(sessionmaker, bodies[body], row)
    assert rounds.missing_concurrences(row) == [ActorType.TAX]
    missing = await refused(
        sessionmaker,
        PreconditionFailed,
        lambda s: rounds.publish_round(
            session=s, actor=finance, round_id=row.id or 0, row_version=row.row_version
        ),
    )
    assert missing.code == "ASSESSMENT_CONCURRENCE_REQUIRED" and "税务" in missing.message
    row = await concurred(sessionmaker, bodies[ActorType.TAX], row)
    row = await computed(sessionmaker, finance, row)  # recomputed: all three void
    assert row.content_revision == 2 and len(rounds.missing_concurrences(row)) == 3
    for body in (ActorType.HRSS, ActorType.MEDICAL_SECURITY, ActorType.TAX):
        row = await concurred(sessionmaker, bodies[body], row)
    row = await published(sessionmaker, finance, row)
    assert row.status == AssessmentStatus.PUBLISHED and row.published_at is not None
    assert row.document_number is not None and row.document_number.startswith("川财社〔")
    assert len(row.co_issuer_ids or []) == 3
    assert all(r.published for r in (await results(sessionmaker)).values())
    frozen = await refused(
        sessionmaker,
        InvalidTransition,
        lambda s: rounds.compute_round(
            session=s, actor=finance, round_id=row.id or 0, row_version=row.row_version
        ),
    )
    assert frozen.code == "WRONG_STATUS"


async def test_art22_only_the_provinces_bodies_act_on_the_round(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    bodies = await provincial(sessionmaker)
    row = await computed(
        sessionmaker, bodies[ActorType.FINANCE], await opened(sessionmaker, bodies[ActorType.FINANCE])
    )
    for actor in (bodies[ActorType.HRSS], bodies[ActorType.TAX]):  # concur, not compute
        await refused(
            sessionmaker,
            Forbidden,
            lambda s, a=actor: rounds.compute_round(
                session=s, actor=a, round_id=row.id or 0, row_version=row.row_version
            ),  # type: ignore[misc]
        )
    await refused(
        sessionmaker,
        Forbidden,
        lambda s: rounds.concur_round(
            session=s, actor=bodies[ActorType.FINANCE], round_id=row.id or 0, row_version=row.row_version
        ),
    )
    prefecture = await make_actor(sessionmaker, actor_type=ActorType.FINANCE, region_code=CHENGDU)
    await refused(
        sessionmaker, Forbidden, lambda s: rounds.open_round(session=s, actor=prefecture, year=2026)
    )
    again = await refused(
        sessionmaker,
        Conflict,
        lambda s: rounds.open_round(session=s, actor=bodies[ActorType.FINANCE], year=2025),
    )
    assert again.code == "ASSESSMENT_EXISTS"


async def test_art22_a_computations_statements_do_not_grow_with_the_prefectures(
    sessionmaker: Sessionmaker, engine: AsyncEngine, reference: None
) -> None:
    bodies = await provincial(sessionmaker)
    finance = bodies[ActorType.FINANCE]
    row = await opened(sessionmaker, finance)
    counts = []
    for extra in (False, True):
        if extra:  # a 22nd prefecture (a new one, as 2019's 凉山 reform might have made)
            async with sessionmaker() as s:
                s.add(
                    Region(
                        code="519900",
                        name="新设市",
                        level=RegionLevel.PREFECTURE,
                        path="/510000/519900/",
                        parent_id=await region_id(s, PROVINCE),
                    )
                )
                await s.commit()
        with only_sources(source("work", ROWS)), count_statements(engine) as counter:
            row = await act(
                sessionmaker,
                lambda s, r=row: rounds.compute_round(  # type: ignore[misc]
                    session=s, actor=finance, round_id=r.id or 0, row_version=r.row_version
                ),
            )
        counts.append(len(counter.statements))
    assert len(await results(sessionmaker)) == 22
    # One row per prefecture, whatever their number: the same statements, a fixed number of them.
    assert counts[0] == counts[1] == COMPUTE_STATEMENTS[engine.dialect.name], counts
