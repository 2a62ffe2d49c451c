"""Art. 16: 「绩效评价内容主要包括：社会保险基金预算管理工作开展、社会保险基金管理相关政策落实、
社会保险基金可持续运行等情况」. An evaluation scores the goal's indicators (Art. 18), so the shipped
library must offer, for every fund, an indicator of each of the three contents — a fund whose library
lacked one could not be evaluated on it."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, IndicatorTemplate
from src.seed.reference import load_reference_data

# Art. 16's three contents, as the library's level-2 headings (Art. 9) name them.
CONTENTS = {
    "预算管理工作开展": {"基金预算管理"},
    "相关政策落实": {"政策调整完善", "政策制定"},
    "可持续运行": {"可持续发展"},
}


async def test_art16_every_fund_can_be_evaluated_on_the_three_contents(session: AsyncSession) -> None:
    await load_reference_data(session=session)
    funds = (await session.exec(select(FundType))).all()
    templates = (await session.exec(select(IndicatorTemplate))).all()
    assert len(funds) == 7
    for fund in funds:
        offered = {t.level2 for t in templates if t.fund_type_id in (None, fund.id) and t.active}
        for content, headings in CONTENTS.items():
            assert offered & headings, f"{fund.name_zh}: no indicator for {content}"
