"""The assessment's rows of the authorization matrix (Art. 22), imported by test_authorization_matrix.py into
its CASES: 财政厅 opens, computes and publishes the province's round; 人社厅, 省医保局 and 省税务局 concur
with it (按照部门职责). A draft round sits at the province, addressed to both administrations: every body
of the province reads it, nobody elsewhere and no national department."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.assessment import AssessmentRound
from src.models.enums import ActorType
from tests.factories import region_id
from tests.schema.matrix_feedback import body
from tests.schema.test_authorization_matrix import (
    EVALUATION_INPUT,
    FIN,
    TRANSITION,
    Builder,
    Case,
    ids,
    nothing,
    only,
)

PROVINCE = "510000"
CONCURRING = only(("HRSS", "own"), ("MEDICAL_SECURITY", "own"), ("TAX", "own"))


def round_in(*, computed: bool, concurred: bool) -> Builder:
    """财政厅's draft round of `year` at the province, computed (revision 1, no rows: none is read by these
    steps) and concurred with by the three if asked."""

    async def build(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
        del region  # the province's, whoever acts
        revision = 1 if computed else 0
        agreed = 1 if concurred else None
        row = AssessmentRound(
            region_id=await region_id(session, PROVINCE), year=year,
            organization_id=await body(session, PROVINCE, ActorType.FINANCE), content_revision=revision,
            hrss_concurred_revision=agreed, medical_security_concurred_revision=agreed,
            tax_concurred_revision=agreed,
        )  # fmt: skip
        session.add(row)
        await session.flush()
        return {"id": str(row.id), "rowVersion": row.row_version, "status": "DRAFT", "assessmentDraft": True}

    return build


ASSESSMENT_CASES: dict[str, Case] = {
    "assessmentRoundOpen": Case(
        True,
        nothing,
        EVALUATION_INPUT.format("assessmentRoundOpen", "AssessmentRoundOpenInput"),
        lambda t: {"input": {"year": t["year"]}},
        # A 财政厅 opens its own province's round (the input names no region): 重庆's opens 重庆's.
        only(("FINANCE", "own"), ("FINANCE", "other")),
    ),
    "assessmentRoundCompute": Case(
        True, round_in(computed=False, concurred=False), TRANSITION.format("assessmentRoundCompute"), ids, FIN
    ),
    "assessmentRoundConcur": Case(
        True,
        round_in(computed=True, concurred=False),
        TRANSITION.format("assessmentRoundConcur"),
        ids,
        CONCURRING,
    ),
    "assessmentRoundPublish": Case(
        True, round_in(computed=True, concurred=True), TRANSITION.format("assessmentRoundPublish"), ids, FIN
    ),
}
