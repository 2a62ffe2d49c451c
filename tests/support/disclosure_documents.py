"""A real published disclosure for the template lint (tests/reports/test_render.py): 成都's, of the year of a
goal in force, holding that goal, snapshotted and numbered as publishing numbers it."""

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Disclosure, DisclosureItem, Goal, Organization
from src.models.base import utcnow
from src.models.disclosure import DisclosureItemKind, DisclosureStatus
from src.models.enums import ActorType
from src.reports.numbering import Issue, number_for
from src.services.disclosure.snapshot import public_content
from src.subjects.registry import registry
from tests.factories import make_user


async def real_disclosure(sessionmaker: async_sessionmaker[AsyncSession], goal_id: int) -> int:
    async with sessionmaker() as session:
        goal = await session.get_one(Goal, goal_id)
        stmt = select(Organization).where(
            Organization.region_id == goal.region_id, Organization.actor_type == ActorType.FINANCE
        )
        finance = (await session.exec(stmt)).first()
        assert finance is not None and finance.id is not None
    editor = await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code="510100")
    async with sessionmaker() as session:
        row = Disclosure(
            region_id=goal.region_id, year=goal.start_year, organization_id=finance.id,
            last_edited_by=editor.id or 0, preface="现将绩效信息公开如下。",
        )  # fmt: skip
        session.add(row)
        await session.flush()
        session.add(
            DisclosureItem(
                disclosure_id=row.id or 0, kind=DisclosureItemKind.GOAL, record_id=goal_id, note="说明"
            )
        )
        await session.flush()
        now = utcnow()
        row.snapshot = await public_content(session, row)
        spec = registry().documents["PERFORMANCE_DISCLOSURE"]
        row.document_number = await number_for(
            session=session, spec=spec, subject=row, issue=Issue(organization_id=finance.id, at=now)
        )
        row.status, row.approved_at, row.published_at = DisclosureStatus.PUBLISHED, now, now
        session.add(row)
        await session.commit()
        assert row.id is not None
        return row.id
