"""A real record of the 考核结果通报 (Art. 22), for the template lint (tests/reports/test_render.py): 财政厅's
2025 round opened, computed from whatever the database holds, concurred with by 人社厅, 省医保局 and 省税务局,
and published (numbered, co-issued)."""

from src.models.enums import ActorType, Administration
from src.services.assessment import rounds
from tests.factories import make_actor
from tests.services.conftest import PROVINCE, Sessionmaker, act

CONCURRING = (
    (ActorType.HRSS, Administration.HRSS),
    (ActorType.MEDICAL_SECURITY, Administration.MEDICAL_SECURITY),
    (ActorType.TAX, None),
)


async def real_round(sessionmaker: Sessionmaker) -> int:
    """The id of a published 2025 round."""
    finance = await make_actor(sessionmaker, actor_type=ActorType.FINANCE, region_code=PROVINCE)
    row = await act(sessionmaker, lambda s: rounds.open_round(session=s, actor=finance, year=2025))
    row = await act(
        sessionmaker,
        lambda s: rounds.compute_round(
            session=s, actor=finance, round_id=row.id or 0, row_version=row.row_version
        ),
    )
    for actor_type, administration in CONCURRING:
        body = await make_actor(
            sessionmaker, actor_type=actor_type, region_code=PROVINCE, administration=administration
        )
        row = await act(
            sessionmaker,
            lambda s, b=body, r=row: rounds.concur_round(  # type: ignore[misc]
                session=s, actor=b, round_id=r.id or 0, row_version=r.row_version
            ),
        )
    row = await act(
        sessionmaker,
        lambda s: rounds.publish_round(
            session=s, actor=finance, round_id=row.id or 0, row_version=row.row_version
        ),
    )
    return row.id or 0
