"""The result application's rows of the authorization matrix (Art. 20), imported by
test_authorization_matrix.py into its CASES: the pooling region's finance records it, and the province's
finance for any region ("parent"), drafts included: a draft 成都's finance wrote sits at 成都, seen there and
above (not by the national departments), as a goal's draft is."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import ResultApplication, ResultApplicationUse
from src.models.enums import ActorType
from src.models.result_application import ApplicationKind, ResultApplicationStatus
from tests.factories import fund_type_id, region_id
from tests.schema.matrix_feedback import body
from tests.schema.test_authorization_matrix import (
    EVALUATION_INPUT,
    TRANSITION,
    Case,
    ids,
    nothing,
    only,
)

RECORDERS = only(("FINANCE", "own"), ("FINANCE", "parent"))
FUND = "EMPLOYEE_MEDICAL"
USES = [{"kind": "POLICY", "description": "完善基金管理政策"}]


async def draft(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
    """`region`'s draft record of `year`, written by its finance, one POLICY use."""
    row = ResultApplication(
        region_id=await region_id(session, region), author_region_id=await region_id(session, region),
        fund_type_id=await fund_type_id(session, "EMPLOYEE_MEDICAL"), year=year,
        status=ResultApplicationStatus.DRAFT,
        organization_id=await body(session, region, ActorType.FINANCE),
    )  # fmt: skip
    session.add(row)
    await session.flush()
    session.add(
        ResultApplicationUse(application_id=row.id or 0, kind=ApplicationKind.POLICY, description="政策")
    )
    await session.flush()
    return {"id": str(row.id), "rowVersion": row.row_version, "status": "DRAFT"}


APPLICATION_CASES: dict[str, Case] = {
    "resultApplicationCreate": Case(
        False,
        nothing,
        EVALUATION_INPUT.format("resultApplicationCreate", "ResultApplicationCreateInput"),
        lambda t: {
            "input": {
                "regionCode": t["region"],
                "fundCode": "EMPLOYEE_MEDICAL",
                "year": t["year"],
                "uses": USES,
            }
        },
        RECORDERS,
    ),
    "resultApplicationUpdate": Case(
        False,
        draft,
        EVALUATION_INPUT.format("resultApplicationUpdate", "ResultApplicationUpdateInput"),
        lambda t: {"input": {**ids(t), "uses": USES}},
        RECORDERS,
    ),
    "resultApplicationRecord": Case(
        False, draft, TRANSITION.format("resultApplicationRecord"), ids, RECORDERS
    ),
    "resultApplicationDelete": Case(
        False, draft, TRANSITION.format("resultApplicationDelete"), ids, RECORDERS
    ),
}
