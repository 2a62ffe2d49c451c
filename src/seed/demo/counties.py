"""Demo county agencies: for funds pooled at a prefecture, its counties' agencies enter their own part of
the actuals and the budget execution (Art. 6 「各市（州）相关部门具体承担」, Art. 13), and the prefecture's
figure is their sum. Only a few prefectures have them, to keep the number of demo users reasonable.
"""

import random
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Organization, Region, User
from src.models.enums import ActorType, Administration, RegionLevel
from src.seed.demo.context import row_id
from src.seed.demo.organizations import person_name

# 成都市 (all 20 counties, the large case), 自贡市 and 雅安市 (small prefectures).
COUNTY_PREFECTURES = ("510100", "510300", "511800")
# The county's 社保经办 and 医保经办, as the prefectures' (organizations.py), usernames agency_hrss_510104 …
_AGENCIES = (
    (Administration.HRSS, "agency_hrss", "社会保险事业管理局"),
    (Administration.MEDICAL_SECURITY, "agency_med", "医疗保障事务中心"),
)


@dataclass(frozen=True)
class CountyAgency:
    region: Region
    organization: Organization
    user: User


def county_organization_name(prefecture: Region, county: Region, suffix: str) -> str:
    """A district's bodies carry the prefecture's name (成都市锦江区…); a county's or a county-level city's
    do not (金堂县…, 都江堰市…), as they are commonly named."""
    prefix = prefecture.name if county.name.endswith("区") else ""
    return f"{prefix}{county.name}{suffix}"


async def counties_of(session: AsyncSession, prefectures: list[Region]) -> dict[str, list[Region]]:
    """The counties of the COUNTY_PREFECTURES among `prefectures`, by prefecture code, ordered by code."""
    chosen = {row_id(p): p.code for p in prefectures if p.code in COUNTY_PREFECTURES}
    stmt = (
        select(Region)
        .where(col(Region.parent_id).in_(list(chosen)), Region.level == RegionLevel.COUNTY)
        .order_by(col(Region.code))
    )
    found: dict[str, list[Region]] = {code: [] for code in chosen.values()}
    for county in (await session.exec(stmt)).all():
        assert county.parent_id is not None
        found[chosen[county.parent_id]].append(county)
    return found


async def add_county_agencies(
    session: AsyncSession,
    rng: random.Random,
    prefectures: list[Region],
    password_hash: str,
) -> list[CountyAgency]:
    """Two agencies and one user each for every county of the COUNTY_PREFECTURES."""
    by_code = {p.code: p for p in prefectures}
    planned: list[tuple[Region, Organization, str]] = []
    for code, counties in (await counties_of(session, prefectures)).items():
        for county in counties:
            for administration, username, suffix in _AGENCIES:
                org = Organization(
                    name=county_organization_name(by_code[code], county, suffix),
                    actor_type=ActorType.AGENCY,
                    administration=administration,
                    region_id=row_id(county),
                )
                planned.append((county, org, f"{username}_{county.code}"))
    session.add_all([org for _, org, _ in planned])
    await session.flush()
    users = [
        User(
            username=username,
            full_name=person_name(rng),
            organization_id=row_id(org),
            password_hash=password_hash,
        )
        for _, org, username in planned
    ]
    session.add_all(users)
    await session.flush()
    return [
        CountyAgency(region=county, organization=org, user=user)
        for (county, org, _), user in zip(planned, users, strict=True)
    ]
