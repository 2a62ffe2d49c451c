"""The bodies the cycle's users belong to, named as a deployment (and the demo data,
src/seed/demo/organizations.py) names them — 四川省财政厅, 成都市医疗保障事务中心, 国家税务总局成都市税务局 —
since their names print in the documents (版头, 主送, signatures)."""

from sqlmodel import col, select

from src.db import session_scope
from src.models import Organization, Region
from src.models.enums import ActorType, Administration, RegionLevel
from src.seed.demo.organizations import NATIONAL_NAME
from tests.cycle.state import PROVINCE, Cycle

HRSS, MED = Administration.HRSS, Administration.MEDICAL_SECURITY
# actor, administration, the province's suffix, a prefecture's or county's suffix
KINDS = (
    (ActorType.FINANCE, None, "财政厅", "财政局"),
    (ActorType.HRSS, HRSS, "人力资源和社会保障厅", "人力资源和社会保障局"),
    (ActorType.MEDICAL_SECURITY, MED, "医疗保障局", "医疗保障局"),
    (ActorType.AGENCY, HRSS, "社会保险事业管理局", "社会保险事业管理局"),
    (ActorType.AGENCY, MED, "医疗保障事务中心", "医疗保障事务中心"),
    (ActorType.TAX, None, "", ""),  # 国家税务总局…税务局
)


def _name(region: Region, actor_type: ActorType, province_suffix: str, local_suffix: str) -> str:
    if actor_type == ActorType.TAX:
        return f"国家税务总局{region.name}税务局"
    return region.name + (province_suffix if region.level == RegionLevel.PROVINCE else local_suffix)


async def add_bodies(cycle: Cycle, more: set[str] | None = None) -> None:
    """Every body of the cycle's regions, and the national departments, under their names; or, later, every
    body of the regions `more` (a prefecture the province escalates)."""
    codes = more or {PROVINCE} | {f.pooling_region for f in cycle.funds} | {
        f.part_region for f in cycle.funds
    }
    async with session_scope(cycle.sessionmaker) as session:
        regions = (await session.exec(select(Region).where(col(Region.code).in_(codes)))).all()
        for region in regions:
            assert region.id is not None
            for actor_type, administration, province_suffix, local_suffix in KINDS:
                name = _name(region, actor_type, province_suffix, local_suffix)
                session.add(
                    Organization(
                        name=name, actor_type=actor_type, administration=administration, region_id=region.id
                    )
                )
        if more:
            return
        province = next(r for r in regions if r.code == PROVINCE)
        assert province.id is not None
        session.add(Organization(name=NATIONAL_NAME, actor_type=ActorType.NATIONAL, region_id=province.id))
