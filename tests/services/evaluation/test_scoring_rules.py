"""Art. 23: `scoring_rules` reads the scoring rules in force in a region — a prefecture's own detailed rules
for it and its counties, the province's for everyone else."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Region, RegionalRule
from src.seed.reference import load_reference_data
from src.services.evaluation import ScoringRules, scoring_rules
from src.services.rules import RuleKey
from src.services.rules.registry import LeIndicatorScoring

D = Decimal
PROVINCE = ScoringRules.province()


async def test_art23_scoring_rules_reads_a_prefectures_own_rules(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        await session.commit()
        codes = ["510000", "510100", "510104", "511800"]
        found = (await session.exec(select(Region).where(col(Region.code).in_(codes)))).all()
        ids = {r.code: r.id or 0 for r in found}
        own = {
            RuleKey.GRADE_EXCELLENT_FROM: "85.00",
            RuleKey.LE_INDICATOR_SCORING: "RATIO",
            RuleKey.DEVIATION_CAUSE_FROM: "15.00",
            RuleKey.INDICATOR_WEIGHT_TOTAL: "80.00",
            RuleKey.EXECUTION_POINTS: "20.00",
            RuleKey.LEVEL1_WEIGHTS: "FIXED",
            RuleKey.LEVEL1_WEIGHT_DECISION: "10.00",
            RuleKey.LEVEL1_WEIGHT_PROCESS: "10.00",
            RuleKey.LEVEL1_WEIGHT_OUTPUT: "40.00",
            RuleKey.LEVEL1_WEIGHT_BENEFIT: "20.00",
        }
        session.add_all(RegionalRule(region_id=ids["510100"], key=k, value=v) for k, v in own.items())
        await session.commit()
    async with sessionmaker() as session:
        chengdu = await scoring_rules(session=session, region_id=ids["510100"], year=2026)
        jinjiang = await scoring_rules(session=session, region_id=ids["510104"], year=2026)
        yaan = await scoring_rules(session=session, region_id=ids["511800"], year=2026)
        province = await scoring_rules(session=session, region_id=ids["510000"], year=2026)
    assert chengdu.grade_excellent_from == D(85) and chengdu.le_indicator_scoring == LeIndicatorScoring.RATIO
    assert (chengdu.deviation_cause_from, chengdu.indicator_weight_total) == (D(15), D(80))
    assert chengdu.execution_points == D(20) and chengdu.level1_weights is not None
    assert sum(chengdu.level1_weights.values()) == D(80)
    assert jinjiang == chengdu  # a county of 成都 takes its prefecture's rules
    assert yaan == province == PROVINCE  # another prefecture, and the province, keep the province's
