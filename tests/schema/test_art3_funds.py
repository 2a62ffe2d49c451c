"""Art. 3: the objects of performance management are 「各项社会保险基金」 — the seven the article
names, 「以及根据国家法律法规建立并纳入预算管理的其他社会保险基金」. The seven ship as data; another fund
created by law is one more row of the same files, and the API then manages it like the seven (nothing in
code names a fund)."""

from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.data import DATA_DIR
from src.models import FundType
from src.models.enums import ActorType, Administration
from src.seed.reference import load_fund_types, load_pooling_arrangements
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import by_input

# Art. 3 word for word, in its order.
ART3_FUNDS = (
    "企业职工基本养老保险基金",
    "城乡居民基本养老保险基金",
    "机关事业单位基本养老保险基金",
    "职工基本医疗保险(含生育保险)基金",
    "城乡居民基本医疗保险基金",
    "工伤保险基金",
    "失业保险基金",
)
LONG_TERM_CARE = "LONG_TERM_CARE"


async def test_art3_the_seven_funds_are_the_articles_in_its_order(gql: GraphQLClient) -> None:
    data = await gql.data("{ fundTypes { code name } }")
    assert tuple(f["name"] for f in data["fundTypes"]) == ART3_FUNDS


async def test_art3_another_fund_created_by_law_is_one_more_row_and_is_managed_like_the_seven(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    funds = tmp_path / "fund_types.csv"
    funds.write_text(
        (DATA_DIR / "fund_types.csv").read_text(encoding="utf-8")
        + f"{LONG_TERM_CARE},长期护理保险基金,MEDICAL_SECURITY,8\n",
        encoding="utf-8",
    )
    pooling = tmp_path / "pooling_defaults.csv"
    pooling.write_text(f"fund_type,pooling_level\n{LONG_TERM_CARE},PROVINCIAL_UNIFIED\n", encoding="utf-8")
    async with sessionmaker() as session:
        counts = await load_fund_types(session=session, path=funds)
        await load_pooling_arrangements(session=session, years=[2030], path=pooling)
        await session.commit()
        stored = (await session.exec(select(FundType).order_by(col(FundType.sort_order)))).all()
    assert (counts.total, counts.inserted) == (8, 1)
    assert [f.code for f in stored][-1] == LONG_TERM_CARE

    data = await gql.data("{ fundTypes { code name } }")
    assert data["fundTypes"][-1] == {"code": LONG_TERM_CARE, "name": "长期护理保险基金"}
    # The provincial medical agency drafts its goal as for the two medical funds (Art. 7).
    await gql.login_as(ActorType.AGENCY, "510000", Administration.MEDICAL_SECURITY)
    created = await gql.data(
        by_input("goalCreate", "GoalCreateInput"),
        {
            "input": {
                "fundTypeCode": LONG_TERM_CARE,
                "regionCode": "510000",
                "horizon": "ANNUAL",
                "startYear": 2030,
                "endYear": 2030,
                "title": "长期护理保险基金2030年度绩效目标",
            }
        },
    )
    assert created["goalCreate"]["__typename"] == "GoalSuccess", created
