"""Art. 23 「各市（州）可根据本办法并结合实际情况，制定具体实施细则」 and the document number (GB/T 9704
7.2.5): the abbreviation a region's bodies put before their family code (川 in 川财社〔2026〕1号) is a rule
of the region's own — derived from the region by default, set by the region's finance, inherited by no one,
and never the same as another issuing body's of the province."""

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Region, RegionalRule
from src.models.enums import ActorType, RegionLevel
from src.seed.reference import load_reference_data
from src.services.actors import Actor, load_actor
from src.services.errors import ErrorCode, ValidationFailed
from src.services.rules import DEFINITION, RuleKey, RuleSet, RuleSource, rules_for
from src.services.rules.editing import update_rules
from src.services.rules.region_defaults import RegionFacts, document_abbreviation
from tests.factories import make_user

K = RuleKey.DOCUMENT_ABBREVIATION
PROVINCE, CHENGDU, JINJIANG, ZIGONG, GUANGYUAN, GUANGAN = (
    "510000",
    "510100",
    "510104",
    "510300",
    "510800",
    "511600",
)
Sessionmaker = async_sessionmaker[AsyncSession]


async def regions(sessionmaker: Sessionmaker) -> dict[str, Region]:
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        await session.commit()
        return {r.code: r for r in (await session.exec(select(Region))).all()}


async def rules_in(sessionmaker: Sessionmaker, region: Region) -> RuleSet:
    async with sessionmaker() as session:
        return await rules_for(session=session, region_id=region.id or 0)


async def finance(sessionmaker: Sessionmaker, code: str) -> Actor:
    user = await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code=code)
    async with sessionmaker() as session:
        actor = await load_actor(session=session, user_id=user.id or 0)
    assert actor is not None
    return actor


async def set_abbreviation(sessionmaker: Sessionmaker, actor: Actor, code: str, text: str) -> None:
    async with sessionmaker() as session:
        await update_rules(session=session, actor=actor, region_code=code, values={K: text}, reset=[])
        await session.commit()


def test_art23_the_document_abbreviation_is_a_text_rule_of_the_regions_own() -> None:
    definition = DEFINITION[K]
    assert (definition.kind, definition.default, definition.inherited) == ("TEXT", "川", False)
    assert definition.label.startswith("发文机关代字简称")


def test_art23_the_default_abbreviation_is_derived_from_the_region() -> None:
    def facts(code: str, name: str, level: RegionLevel) -> RegionFacts:
        return RegionFacts(1, f"/510000/{code}/", code, name, level)

    assert document_abbreviation(facts("510000", "四川省", RegionLevel.PROVINCE)) == "川"
    assert document_abbreviation(facts("510100", "成都市", RegionLevel.PREFECTURE)) == "成"
    assert document_abbreviation(facts("510300", "自贡市", RegionLevel.PREFECTURE)) == "自"
    assert document_abbreviation(facts("513400", "凉山彝族自治州", RegionLevel.PREFECTURE)) == "凉"
    # 广元市 and 广安市 share their first character: they must not share their numbers.
    guangyuan = document_abbreviation(facts("510800", "广元市", RegionLevel.PREFECTURE))
    guangan = document_abbreviation(facts("511600", "广安市", RegionLevel.PREFECTURE))
    assert (guangyuan, guangan) == ("广", "广安")
    assert document_abbreviation(facts("510104", "锦江区", RegionLevel.COUNTY)) == "锦江"
    # A province not listed takes the first character of its name.
    assert document_abbreviation(facts("520000", "贵州省", RegionLevel.PROVINCE)) == "贵"


async def test_art23_every_region_has_its_own_default_abbreviation(sessionmaker: Sessionmaker) -> None:
    """Every region reads the default derived from itself (the built-in value, from no region's row), and
    the province's and the prefectures' — the bodies issuing numbered documents — are all different."""
    found = await regions(sessionmaker)
    expected = {PROVINCE: "川", CHENGDU: "成", JINJIANG: "锦江", GUANGYUAN: "广", GUANGAN: "广安"}
    for code, abbreviation in expected.items():
        rules = await rules_in(sessionmaker, found[code])
        assert (rules.document_abbreviation, rules.default(K)) == (abbreviation, abbreviation)
        assert (rules.source(K), rules.defined_in(K)) == (RuleSource.PROVINCE, None)
    issuing = [r for r in found.values() if r.level != RegionLevel.COUNTY]
    assert len(issuing) == 22
    defaults = [document_abbreviation(RegionFacts.of(r)) for r in issuing]
    assert len(set(defaults)) == len(defaults)


async def test_art23_a_region_sets_its_own_document_abbreviation(sessionmaker: Sessionmaker) -> None:
    """成都市's finance sets 蓉: 成都市 reads it as its own rule, and keeps its default of 成 as the built-in
    value; its counties and the province do not inherit it (锦江 stays 锦江, the province 川). Reset, it is
    成 again. The province's own value is the province's alone as well."""
    found = await regions(sessionmaker)
    await set_abbreviation(sessionmaker, await finance(sessionmaker, CHENGDU), CHENGDU, " 蓉 ")
    chengdu = await rules_in(sessionmaker, found[CHENGDU])
    assert (chengdu.document_abbreviation, chengdu.default(K)) == ("蓉", "成")
    assert (chengdu.source(K), chengdu.defined_in(K)) == (RuleSource.REGION, found[CHENGDU].id)
    assert (await rules_in(sessionmaker, found[JINJIANG])).document_abbreviation == "锦江"
    assert (await rules_in(sessionmaker, found[PROVINCE])).document_abbreviation == "川"

    province = await finance(sessionmaker, PROVINCE)
    await set_abbreviation(sessionmaker, province, PROVINCE, "蜀")
    assert (await rules_in(sessionmaker, found[PROVINCE])).document_abbreviation == "蜀"
    assert (await rules_in(sessionmaker, found[ZIGONG])).document_abbreviation == "自"
    assert (await rules_in(sessionmaker, found[CHENGDU])).document_abbreviation == "蓉"

    async with sessionmaker() as session:
        actor = await finance(sessionmaker, CHENGDU)
        await update_rules(session=session, actor=actor, region_code=CHENGDU, values={}, reset=[K])
        await session.commit()
    assert (await rules_in(sessionmaker, found[CHENGDU])).document_abbreviation == "成"


async def test_art23_an_abbreviation_another_issuing_body_has_is_refused(sessionmaker: Sessionmaker) -> None:
    """Two bodies with one abbreviation would print their documents with the same numbers: a prefecture may
    not take the province's, another prefecture's default (自贡市's 自) or one another prefecture set."""
    await regions(sessionmaker)
    chengdu = await finance(sessionmaker, CHENGDU)
    await set_abbreviation(sessionmaker, await finance(sessionmaker, GUANGYUAN), GUANGYUAN, "利")
    for taken, whose in (("川", "四川省"), ("自", "自贡市"), ("利", "广元市"), ("广安", "广安市")):
        async with sessionmaker() as session:
            try:
                await update_rules(
                    session=session, actor=chengdu, region_code=CHENGDU, values={K: taken}, reset=[]
                )
            except ValidationFailed as refused:
                [problem] = refused.problems
            else:
                raise AssertionError(f"{taken} accepted")
        assert (problem.field, problem.code) == ("input.values.0.value", ErrorCode.DUPLICATE)
        assert whose in problem.message
    # 广 is 广元市's default no longer (it set 利): 成都市 may take it.
    await set_abbreviation(sessionmaker, chengdu, CHENGDU, "广")
    async with sessionmaker() as session:
        stored = (
            await session.exec(select(RegionalRule.value).where(col(RegionalRule.key) == K.value))
        ).all()
    assert sorted(stored) == ["利", "广"]
