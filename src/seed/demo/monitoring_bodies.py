"""The bodies of a pooling region that monitoring's rows name (Art. 13, 14): its finance, the administration
supervising the fund, its agency and its tax department, each with the demo user who acts for it."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Organization, Region, User
from src.models.enums import ActorType, Administration
from src.seed.demo.context import row_id
from src.seed.demo.monitoring_scopes import MonitoredScope

Body = tuple[int, int, str]  # organization id, its user's id, its name
Bodies = dict[tuple[int, ActorType, Administration | None], Body]
# An administration is its own; an agency is of the administration it serves.
OWN_ADMINISTRATION = {
    ActorType.HRSS: Administration.HRSS,
    ActorType.MEDICAL_SECURITY: Administration.MEDICAL_SECURITY,
}


async def load_bodies(session: AsyncSession) -> Bodies:
    stmt = (
        select(Organization, User)
        .join(User, col(User.organization_id) == Organization.id)
        .where(col(User.is_service_account).is_(False), col(User.is_admin).is_(False))
        .order_by(col(User.id))
    )
    bodies: Bodies = {}
    for org, user in (await session.exec(stmt)).all():
        key = (org.region_id, org.actor_type, org.administration)
        bodies.setdefault(key, (row_id(org), row_id(user), org.name))
    return bodies


def administration_of(scope: MonitoredScope) -> ActorType:
    """The administration supervising the scope's fund: 人社 or 医保."""
    return ActorType.HRSS if scope.fund.administration == Administration.HRSS else ActorType.MEDICAL_SECURITY


def body(bodies: Bodies, region: Region, actor: ActorType, administration: Administration | None) -> Body:
    own = OWN_ADMINISTRATION.get(actor, administration if actor == ActorType.AGENCY else None)
    return bodies[(row_id(region), actor, own)]


def scope_body(bodies: Bodies, scope: MonitoredScope, actor: ActorType) -> Body:
    """The scope's pooling region's body of `actor` (of the fund's administration where that applies)."""
    return body(bodies, scope.region, actor, scope.fund.administration)
