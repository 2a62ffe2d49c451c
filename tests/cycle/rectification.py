"""Rectification (Art. 20): 财政厅 raises an item from its letter to each pooling region, owned by the fund's
agency there, which writes the measures and the cause, uploads its evidence over HTTP and reports it; 财政厅
verifies it, and the region's finance downloads the evidence. No document."""

from datetime import date

from sqlmodel import select

from src.models import Organization, Region
from src.models.enums import ActorType
from tests.cycle.state import PROVINCE, Cycle, Fund, call, ids
from tests.schema.rectification.test_rectification import CREATE, STEP, SUCCESS, UPDATE, upload
from tests.services.rectification.support import PDF

ITEM = "RectificationItemSuccess"


async def _agency(cycle: Cycle, fund: Fund) -> str:
    """The organization of the fund's agency in its pooling region (the item's owner)."""
    async with cycle.sessionmaker() as session:
        stmt = (
            select(Organization.id)
            .join(Region)
            .where(
                Region.code == fund.pooling_region,
                Organization.actor_type == ActorType.AGENCY,
                Organization.administration == fund.administration,
            )
        )
        return str((await session.exec(stmt)).one())


async def run(cycle: Cycle) -> None:
    cycle.set_today(date(cycle.year + 1, 8, 20))
    for fund in cycle.funds:
        region = fund.pooling_region
        await cycle.login(ActorType.FINANCE, PROVINCE)
        fields = {
            "regionCode": region, "fundCode": fund.code, "year": cycle.year, "category": "EXECUTION_LAG",
            "problem": "年末基金支出预算执行进度偏慢", "feedbackId": cycle.ids[cycle.key("feedback", fund)],
            "ownerOrganizationId": await _agency(cycle, fund),
        }  # fmt: skip
        item = (await call(cycle, CREATE, {"input": fields}, ITEM))["rectificationItem"]
        assert item["raisedOn"] == cycle.today.isoformat() and item["treatment"] == "ANALYSE_AND_REMEDY", item
        await cycle.login(ActorType.AGENCY, region, fund.administration)
        change = {**ids(item), "measures": "建立支出进度月调度机制", "cause": "待遇结算资金拨付滞后"}
        item = (await call(cycle, UPDATE, {"input": change}, ITEM))["rectificationItem"]
        response = await upload(cycle.gql, item["id"], "整改报告.pdf", PDF)
        assert response.status_code == 201, response.text
        url = response.json()["evidence"]["downloadUrl"]
        report = STEP.format("rectificationItemReport", SUCCESS)
        item = (await call(cycle, report, ids(item), ITEM))["rectificationItem"]
        assert item["status"] == "REPORTED" and [e["fileName"] for e in item["evidence"]] == ["整改报告.pdf"]
        await cycle.login(ActorType.FINANCE, PROVINCE)
        verify = STEP.format("rectificationItemVerify", SUCCESS)
        item = (await call(cycle, verify, ids(item), ITEM))["rectificationItem"]
        assert item["status"] == "VERIFIED" and item["verifiedAt"], item
        await cycle.login(ActorType.FINANCE, region)  # a reader of the item, not its owner
        got = await cycle.gql.http.get(url)
        assert got.status_code == 200 and got.content == PDF, got.text
        cycle.ids[cycle.key("rectification", fund)] = item["id"]
