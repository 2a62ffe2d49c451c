"""The disclosure's rows of the authorization matrix (Art. 21), imported by test_authorization_matrix.py into
its CASES: the region's finance (the level of its 人大) creates, edits, approves (another user than the last
editor), reports and publishes it; the region's other bodies and the regions above read it (both
administrations: it concerns every fund), so they are FORBIDDEN; another region's are NOT_FOUND."""

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Disclosure, DisclosureItem, Organization, Region, User
from src.models.base import utcnow
from src.models.disclosure import DisclosureItemKind, DisclosureStatus
from src.models.enums import ActorType, GoalStatus
from src.services.disclosure.snapshot import public_content
from tests.schema.test_authorization_matrix import (
    EVALUATION_INPUT,
    FIN,
    TRANSITION,
    Builder,
    Case,
    goal_in,
    ids,
)


async def _editor(session: AsyncSession, region: str) -> tuple[int, int]:
    """The region's finance body and a user of the region who is not its finance's (the last editor on
    record; whoever of the finance acts is then another user)."""
    stmt = select(Organization.id).join(Region, col(Region.id) == Organization.region_id)
    finance = (
        await session.exec(stmt.where(Region.code == region, Organization.actor_type == ActorType.FINANCE))
    ).first()
    tax = (
        await session.exec(stmt.where(Region.code == region, Organization.actor_type == ActorType.TAX))
    ).first()
    assert finance is not None and tax is not None
    user = (await session.exec(select(User.id).where(User.organization_id == tax))).first()
    assert user is not None
    return finance, user


def disclosure_in(status: DisclosureStatus) -> Builder:
    async def build(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
        goal = await goal_in(session, region, year, GoalStatus.ISSUED)
        finance, editor = await _editor(session, region)
        region_row = (await session.exec(select(Region.id).where(Region.code == region))).one()
        row = Disclosure(
            region_id=region_row or 0, year=year,
            organization_id=finance, last_edited_by=editor,
        )  # fmt: skip
        session.add(row)
        await session.flush()
        session.add(
            DisclosureItem(disclosure_id=row.id or 0, kind=DisclosureItemKind.GOAL, record_id=int(goal["id"]))
        )
        await session.flush()
        if status != DisclosureStatus.DRAFT:
            row.snapshot = await public_content(session, row)
            row.status, row.approved_at = status, utcnow()
            session.add(row)
            await session.flush()
        # Read by the region, the regions above and the national departments, never a draft for the rule.
        return {"id": str(row.id), "rowVersion": row.row_version, "status": "DISCLOSURE", "both": True,
                "goal": goal["id"], "region": region, "year": year}  # fmt: skip

    return build


async def _nothing(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
    return {"year": year, "region": region}


DISCLOSURE_CASES: dict[str, Case] = {
    "disclosureCreate": Case(
        False,
        _nothing,
        EVALUATION_INPUT.format("disclosureCreate", "DisclosureCreateInput"),
        lambda t: {"input": {"regionCode": t["region"], "year": t["year"]}},
        FIN,
    ),
    "disclosureItemsSet": Case(
        False,
        disclosure_in(DisclosureStatus.DRAFT),
        EVALUATION_INPUT.format("disclosureItemsSet", "DisclosureItemsSetInput"),
        lambda t: {"input": {**ids(t), "items": [{"kind": "GOAL", "recordId": t["goal"], "note": "说明"}]}},
        FIN,
    ),
    "disclosureUpdate": Case(
        False,
        disclosure_in(DisclosureStatus.DRAFT),
        EVALUATION_INPUT.format("disclosureUpdate", "DisclosureUpdateInput"),
        lambda t: {"input": {**ids(t), "preface": "现予公开。"}},
        FIN,
    ),
    "disclosureApprove": Case(
        False, disclosure_in(DisclosureStatus.DRAFT), TRANSITION.format("disclosureApprove"), ids, FIN
    ),
    "disclosureReport": Case(
        False,
        disclosure_in(DisclosureStatus.APPROVED),
        """mutation($id: ID!, $rowVersion: Int!, $on: Date!) {
          disclosureReport(id: $id, rowVersion: $rowVersion, reportedOn: $on) { __typename } }""",
        lambda t: {**ids(t), "on": "2099-12-31"},
        FIN,
    ),
    "disclosurePublish": Case(
        False, disclosure_in(DisclosureStatus.REPORTED), TRANSITION.format("disclosurePublish"), ids, FIN
    ),
}
