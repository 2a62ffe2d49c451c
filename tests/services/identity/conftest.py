"""Fixtures of the identity service tests: one organization, users added to it."""

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Organization, Region, User
from src.models.enums import ActorType
from src.seed.reference import load_reference_data


@pytest.fixture
async def org_id(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """四川省财政厅, on the reference data."""
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        region = (await session.exec(select(Region).where(Region.code == "510000"))).one()
        org = Organization(name="四川省财政厅", actor_type=ActorType.FINANCE, region_id=region.id or 0)
        session.add(org)
        await session.commit()
        assert org.id is not None
        return org.id


async def add_user(
    session: AsyncSession,
    org_id: int,
    username: str,
    *,
    password_hash: str | None = None,
    is_admin: bool = False,
    is_service_account: bool = False,
) -> User:
    """A user of the organization; flushed, not committed."""
    user = User(
        username=username,
        full_name=username,
        organization_id=org_id,
        password_hash=password_hash,
        is_admin=is_admin,
        is_service_account=is_service_account,
    )
    session.add(user)
    await session.flush()
    return user
