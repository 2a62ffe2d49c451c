"""Demo organizations and users: the departments and agencies of the province and every prefecture."""

import random
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Organization, Region, User
from src.models.enums import ActorType, Administration, RegionLevel
from src.seed.demo.context import DemoReference, row_id

# Every demo user logs in with this password (documented in README.md); never on a production system.
DEMO_PASSWORD = "fundperf-demo"
# A downstream system's account: API tokens only, no password.
DEMO_SERVICE_ACCOUNT = "svc_downstream"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭"
# Two-character given names, read in pairs.
GIVEN_NAMES = "建国晓燕志强丽华海涛雪梅文博红梅永刚小兵思远佳怡俊杰雨欣德明秀英国强春梅天宇晓峰玉兰光明"
NATIONAL_NAME = "国家相关部门（财政部、人力资源社会保障部、国家医保局、国家税务总局）"
THIRD_PARTY_NAME = "四川天府预算绩效评价事务所（第三方机构）"


@dataclass(frozen=True)
class _OrgKind:
    actor: ActorType
    administration: Administration | None
    username: str
    province_suffix: str
    prefecture_suffix: str


# Per region: the four departments and the two agencies (社保经办 and 医保经办).
_ORG_KINDS = (
    _OrgKind(ActorType.FINANCE, None, "fin", "财政厅", "财政局"),
    _OrgKind(ActorType.HRSS, Administration.HRSS, "hrss", "人力资源和社会保障厅", "人力资源和社会保障局"),
    _OrgKind(ActorType.MEDICAL_SECURITY, Administration.MEDICAL_SECURITY, "med", "医疗保障局", "医疗保障局"),
    _OrgKind(
        ActorType.AGENCY, Administration.HRSS, "agency_hrss", "社会保险事业管理局", "社会保险事业管理局"
    ),
    _OrgKind(
        ActorType.AGENCY,
        Administration.MEDICAL_SECURITY,
        "agency_med",
        "医疗保障事务中心",
        "医疗保障事务中心",
    ),
    _OrgKind(ActorType.TAX, None, "tax", "税务局", "税务局"),
)


def person_name(rng: random.Random) -> str:
    given = rng.randrange(len(GIVEN_NAMES) // 2) * 2
    return rng.choice(SURNAMES) + GIVEN_NAMES[given : given + 2]


def _org_name(kind: _OrgKind, region: Region) -> str:
    if kind.actor == ActorType.TAX:
        return f"国家税务总局{region.name}税务局"
    suffix = kind.province_suffix if region.level == RegionLevel.PROVINCE else kind.prefecture_suffix
    return f"{region.name}{suffix}"


async def add_organizations(
    session: AsyncSession, rng: random.Random, ref: DemoReference, password_hash: str
) -> tuple[int, int]:
    """Organizations at the province and every prefecture, one user each, plus the admin and a service
    account at the provincial finance department."""
    orgs: list[tuple[Organization, str]] = []
    for region in [ref.province, *ref.prefectures]:
        for kind in _ORG_KINDS:
            org = Organization(
                name=_org_name(kind, region),
                actor_type=kind.actor,
                administration=kind.administration,
                region_id=row_id(region),
            )
            orgs.append((org, f"{kind.username}_{region.code}"))
    for actor, name, username in (
        (ActorType.NATIONAL, NATIONAL_NAME, "national"),
        (ActorType.THIRD_PARTY, THIRD_PARTY_NAME, "thirdparty"),
    ):
        orgs.append((Organization(name=name, actor_type=actor, region_id=row_id(ref.province)), username))
    session.add_all([org for org, _ in orgs])
    await session.flush()

    users = [
        User(
            username=username,
            full_name=person_name(rng),
            organization_id=row_id(org),
            password_hash=password_hash,
        )
        for org, username in orgs
    ]
    provincial_finance = orgs[0][0]
    users.append(
        User(
            username="admin",
            full_name="系统管理员",
            organization_id=row_id(provincial_finance),
            is_admin=True,
            password_hash=password_hash,
        )
    )
    users.append(
        User(
            username=DEMO_SERVICE_ACCOUNT,
            full_name="下游系统（演示服务账号）",
            organization_id=row_id(provincial_finance),
            is_service_account=True,
            password_hash=None,
        )
    )
    session.add_all(users)
    await session.flush()
    return len(orgs), len(users)
