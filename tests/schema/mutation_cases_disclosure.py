"""The disclosure's mutations (Art. 21), one successful call each, as tests/schema/mutation_cases.py has
every other mutation's (which imports this module to register them). The helpers make 成都's 2025
disclosure in a given status, holding its issued goal and accepted self-evaluation."""

from datetime import date
from typing import Any

from src.models import Disclosure, DisclosureItem, Goal, SelfEvaluation
from src.models.base import utcnow
from src.models.disclosure import DisclosureItemKind, DisclosureStatus
from src.models.enums import ActorType, GoalStatus
from src.models.evaluation import SelfEvaluationStatus
from src.services.disclosure.snapshot import public_content
from tests.factories import make_goal, make_user, region_id
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import EVALUATED, PREFECTURE, Call, by_id, by_input, case, self_evaluation

YEAR = EVALUATED  # 2025: the year 成都's goal ran and was self-evaluated


async def chosen(gql: GraphQLClient, region: str = PREFECTURE) -> dict[str, str]:
    """The region's issued 2025 goal and (for 成都) its accepted 2025 self-evaluation: what may be chosen."""
    if region == PREFECTURE:  # the self-evaluation's goal is the one in force
        evaluation = await self_evaluation(gql, SelfEvaluationStatus.ACCEPTED)
        async with gql.sessionmaker() as s:
            source = await s.get_one(SelfEvaluation, int(evaluation["id"]))
            return {"goal": str(source.goal_id), "evaluation": evaluation["id"]}
    async with gql.sessionmaker() as s:
        goal = await make_goal(s, region_code=region, year=YEAR, status=GoalStatus.ISSUED, indicators=2)
        await s.commit()
    return {"goal": str(goal.id)}


async def disclosure(
    gql: GraphQLClient, status: DisclosureStatus, region: str = PREFECTURE
) -> dict[str, Any]:
    """The region's 2025 disclosure in `status`, its goal (and self-evaluation) chosen, last edited by
    another user of the finance (so the one who logs in may approve it); snapshotted once approved."""
    editor = await make_user(gql.sessionmaker, actor_type=ActorType.FINANCE, region_code=region)
    records = await chosen(gql, region)
    async with gql.sessionmaker() as s:
        finance = editor.organization_id
        row = Disclosure(
            region_id=await region_id(s, region), year=YEAR, organization_id=finance,
            last_edited_by=editor.id or 0, preface="依法公开。",
        )  # fmt: skip
        s.add(row)
        await s.flush()
        chosen_items = [(DisclosureItemKind.GOAL, records["goal"], "全年目标")]
        if "evaluation" in records:
            chosen_items.append((DisclosureItemKind.SELF_EVALUATION, records["evaluation"], "自评结果"))
        for order, (kind, record, note) in enumerate(chosen_items):
            s.add(
                DisclosureItem(
                    disclosure_id=row.id or 0, kind=kind, record_id=int(record), note=note, sort_order=order
                )
            )
        await s.flush()
        if status != DisclosureStatus.DRAFT:
            row.snapshot = await public_content(s, row)
            row.approved_at, row.approved_by = utcnow(), editor.id
            row.status = status
            if status in (DisclosureStatus.REPORTED, DisclosureStatus.PUBLISHED):
                row.reported_on = date.today()
            if status == DisclosureStatus.PUBLISHED:
                row.published_at = utcnow()
            s.add(row)
        await s.commit()
        return {"id": str(row.id), "rowVersion": row.row_version, **records}


async def goal_title(gql: GraphQLClient, goal_id: str, title: str) -> None:
    async with gql.sessionmaker() as s:
        goal = await s.get_one(Goal, int(goal_id))
        goal.title = title
        s.add(goal)
        await s.commit()


@case("disclosureCreate")
async def disclosure_create(gql: GraphQLClient) -> Call:
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    fields = {"regionCode": PREFECTURE, "year": YEAR}
    return Call(by_input("disclosureCreate", "DisclosureCreateInput"), {"input": fields})


@case("disclosureItemsSet")
async def disclosure_items_set(gql: GraphQLClient) -> Call:
    target = await disclosure(gql, DisclosureStatus.DRAFT)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    items = [{"kind": "GOAL", "recordId": target["goal"], "note": "说明"}]
    fields = {"id": target["id"], "rowVersion": target["rowVersion"], "items": items}
    return Call(by_input("disclosureItemsSet", "DisclosureItemsSetInput"), {"input": fields})


@case("disclosureUpdate")
async def disclosure_update(gql: GraphQLClient) -> Call:
    target = await disclosure(gql, DisclosureStatus.DRAFT)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    fields = {"id": target["id"], "rowVersion": target["rowVersion"], "preface": "现予公开。"}
    return Call(by_input("disclosureUpdate", "DisclosureUpdateInput"), {"input": fields})


@case("disclosureApprove")
async def disclosure_approve(gql: GraphQLClient) -> Call:
    target = await disclosure(gql, DisclosureStatus.DRAFT)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)  # another user than the editor: four eyes
    return Call(by_id("disclosureApprove"), {"id": target["id"], "rowVersion": target["rowVersion"]})


@case("disclosureReport")
async def disclosure_report(gql: GraphQLClient) -> Call:
    target = await disclosure(gql, DisclosureStatus.APPROVED)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    document = """mutation($id: ID!, $rowVersion: Int!, $on: Date!) {
      disclosureReport(id: $id, rowVersion: $rowVersion, reportedOn: $on) { __typename } }"""
    return Call(
        document, {"id": target["id"], "rowVersion": target["rowVersion"], "on": date.today().isoformat()}
    )


@case("disclosurePublish")
async def disclosure_publish(gql: GraphQLClient) -> Call:
    target = await disclosure(gql, DisclosureStatus.REPORTED)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    return Call(by_id("disclosurePublish"), {"id": target["id"], "rowVersion": target["rowVersion"]})
