"""The rectification items' rows of the authorization matrix (Art. 20), imported by
test_authorization_matrix.py into its CASES: a finance body raises an item — 财政厅 for any region
("parent"), a region's finance for its own ("own") —; the owner (the region's medical agency here)
writes, reports and removes evidence; the finance that raised it (财政厅) verifies or returns it."""

from datetime import timedelta
from typing import Any

from src.models import RectificationEvidence, RectificationItem
from src.models.base import utcnow
from src.models.enums import ActorType
from src.models.rectification import RectificationCategory, RectificationStatus
from src.services.deadlines.items import china_today
from tests.factories import fund_type_id, region_id
from tests.schema.matrix_feedback import body
from tests.schema.test_authorization_matrix import (
    EVALUATION_INPUT,
    TRANSITION,
    Builder,
    Case,
    ids,
    nothing,
    only,
)

PROVINCE = "510000"
RAISERS = only(("FINANCE", "own"), ("FINANCE", "parent"))
OWNER = only(("AGENCY_MED", "own"))
VERIFIER = only(("FINANCE", "parent"))  # 财政厅 raised it


def item_in(status: RectificationStatus) -> Builder:
    """财政厅's item for the region's medical agency, in `status`, written, with one evidence row."""

    async def build(session: Any, region: str, year: int) -> dict[str, Any]:
        today = china_today()
        agency = await body(session, region, ActorType.AGENCY)
        fund = await fund_type_id(session, "EMPLOYEE_MEDICAL")
        row = RectificationItem(
            region_id=await region_id(session, region), fund_type_id=fund,
            year=year, category=RectificationCategory.SUPERVISION, problem="监督检查不到位",
            source_text="绩效评价", owner_organization_id=agency,
            raised_by_organization_id=await body(session, PROVINCE, ActorType.FINANCE), raised_on=today,
            due_on=today + timedelta(days=30), status=status, measures="建立台账", cause="人员不足",
        )  # fmt: skip
        session.add(row)
        await session.flush()
        proof = RectificationEvidence(
            item_id=row.id or 0, storage_key=f"rectification/{row.id}/matrix.pdf", file_name="佐证.pdf",
            content_type="application/pdf", size=5, sha256="0" * 64, uploaded_by=1, uploaded_at=utcnow(),
        )  # fmt: skip
        session.add(proof)
        await session.flush()
        return {
            "id": str(row.id),
            "rowVersion": row.row_version,
            "status": status.value,
            "evidence": str(proof.id),
        }

    return build


async def _raise(session: Any, region: str, year: int) -> dict[str, Any]:
    target = await nothing(session, region, year)
    return {**target, "owner": str(await body(session, region, ActorType.AGENCY))}


def _create(t: dict[str, Any]) -> dict[str, Any]:
    fields = {
        "regionCode": t["region"], "fundCode": "EMPLOYEE_MEDICAL", "year": t["year"],
        "category": "GOAL_SETTING", "problem": "目标设置偏低", "ownerOrganizationId": t["owner"],
        "sourceText": "绩效评价",
    }  # fmt: skip
    return {"input": fields}


OPEN, REPORTED = RectificationStatus.OPEN, RectificationStatus.REPORTED
RECTIFICATION_CASES: dict[str, Case] = {
    "rectificationItemCreate": Case(
        False,
        _raise,
        EVALUATION_INPUT.format("rectificationItemCreate", "RectificationItemCreateInput"),
        _create,
        RAISERS,
    ),
    "rectificationItemUpdate": Case(
        False,
        item_in(OPEN),
        EVALUATION_INPUT.format("rectificationItemUpdate", "RectificationItemUpdateInput"),
        lambda t: {"input": {**ids(t), "progress": "已完成"}},
        OWNER,
    ),
    "rectificationItemReport": Case(
        False, item_in(OPEN), TRANSITION.format("rectificationItemReport"), ids, OWNER
    ),
    "rectificationItemVerify": Case(
        False, item_in(REPORTED), TRANSITION.format("rectificationItemVerify"), ids, VERIFIER
    ),
    "rectificationItemReturn": Case(
        False,
        item_in(REPORTED),
        EVALUATION_INPUT.format("rectificationItemReturn", "RectificationItemReturnInput"),
        lambda t: {"input": {**ids(t), "reason": "佐证不足"}},
        VERIFIER,
    ),
    "rectificationEvidenceDelete": Case(
        False,
        item_in(OPEN),
        "mutation($id: ID!) { rectificationEvidenceDelete(id: $id) { __typename } }",
        lambda t: {"id": t["evidence"]},
        OWNER,
    ),
}
