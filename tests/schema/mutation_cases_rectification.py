"""The rectification items' mutations (Art. 20), one successful call each, as tests/schema/mutation_cases.py
has every other mutation's (which imports this module to register them)."""

from datetime import timedelta
from typing import Any

from src.models import RectificationEvidence, RectificationItem
from src.models.base import utcnow
from src.models.enums import ActorType
from src.models.rectification import RectificationCategory, RectificationStatus
from src.services.actors import Actor
from src.services.deadlines.items import china_today
from tests.factories import fund_type_id, make_actor, region_id
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import MED, PREFECTURE, PROVINCE, Call, by_id, by_input, case


async def parties(gql: GraphQLClient) -> tuple[Actor, Actor]:
    """财政厅 (raises, verifies) and 成都's medical agency (owns, reports)."""
    finance = await make_actor(gql.sessionmaker, actor_type=ActorType.FINANCE, region_code=PROVINCE)
    agency = await make_actor(
        gql.sessionmaker, actor_type=ActorType.AGENCY, region_code=PREFECTURE, administration=MED
    )
    return finance, agency


async def item(
    gql: GraphQLClient, status: RectificationStatus = RectificationStatus.OPEN, evidence: bool = False
) -> dict[str, Any]:
    """财政厅's item for 成都's medical agency, in `status`, its measures and cause written; with one
    evidence row if asked (its bytes are not needed by any step but the download)."""
    finance, agency = await parties(gql)
    today = china_today()
    async with gql.sessionmaker() as s:
        row = RectificationItem(
            region_id=await region_id(s, PREFECTURE), fund_type_id=await fund_type_id(s, "EMPLOYEE_MEDICAL"),
            year=2025, category=RectificationCategory.EXECUTION_LAG, problem="执行进度滞后",
            source_text="2025年度绩效评价", owner_organization_id=agency.organization_id,
            raised_by_organization_id=finance.organization_id, raised_on=today,
            due_on=today + timedelta(days=30), status=status, measures="按月调度", cause="结算滞后",
        )  # fmt: skip
        s.add(row)
        await s.flush()
        found: dict[str, Any] = {"id": str(row.id), "rowVersion": row.row_version}
        if evidence:
            proof = RectificationEvidence(
                item_id=row.id or 0, storage_key=f"rectification/{row.id}/case.pdf", file_name="整改报告.pdf",
                content_type="application/pdf", size=5, sha256="0" * 64, uploaded_by=agency.user_id,
                uploaded_at=utcnow(),
            )  # fmt: skip
            s.add(proof)
            await s.flush()
            found["evidenceId"] = str(proof.id)
        await s.commit()
    return found


@case("rectificationItemCreate")
async def rectification_item_create(gql: GraphQLClient) -> Call:
    _, agency = await parties(gql)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    fields = {
        "regionCode": PREFECTURE, "fundCode": "EMPLOYEE_MEDICAL", "year": 2025, "category": "EXECUTION_LAG",
        "problem": "基金支出进度滞后", "ownerOrganizationId": str(agency.organization_id),
        "sourceText": "2025年度绩效评价",
    }  # fmt: skip
    return Call(by_input("rectificationItemCreate", "RectificationItemCreateInput"), {"input": fields})


@case("rectificationItemUpdate")
async def rectification_item_update(gql: GraphQLClient) -> Call:
    target = await item(gql)
    await gql.login_as(ActorType.AGENCY, PREFECTURE, MED)
    change = {**target, "progress": "已完成八成"}
    return Call(by_input("rectificationItemUpdate", "RectificationItemUpdateInput"), {"input": change})


@case("rectificationItemReport")
async def rectification_item_report(gql: GraphQLClient) -> Call:
    target = await item(gql, evidence=True)
    await gql.login_as(ActorType.AGENCY, PREFECTURE, MED)
    return Call(by_id("rectificationItemReport"), {"id": target["id"], "rowVersion": target["rowVersion"]})


@case("rectificationItemVerify")
async def rectification_item_verify(gql: GraphQLClient) -> Call:
    target = await item(gql, RectificationStatus.REPORTED, evidence=True)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    return Call(by_id("rectificationItemVerify"), {"id": target["id"], "rowVersion": target["rowVersion"]})


@case("rectificationItemReturn")
async def rectification_item_return(gql: GraphQLClient) -> Call:
    target = await item(gql, RectificationStatus.REPORTED, evidence=True)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    fields = {"id": target["id"], "rowVersion": target["rowVersion"], "reason": "佐证不足"}
    return Call(by_input("rectificationItemReturn", "RectificationItemReturnInput"), {"input": fields})


@case("rectificationEvidenceDelete")
async def rectification_evidence_delete(gql: GraphQLClient) -> Call:
    target = await item(gql, evidence=True)
    await gql.login_as(ActorType.AGENCY, PREFECTURE, MED)
    document = "mutation($id: ID!) { rectificationEvidenceDelete(id: $id) { __typename } }"
    return Call(document, {"id": target["evidenceId"]})
