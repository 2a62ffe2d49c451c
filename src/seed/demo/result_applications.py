"""Demo evaluation-result applications (Art. 20) of the 2025 evaluations, recorded in September 2026 after
the August feedback letters (feedbacks.py):

- 成都's finance records how its 2025 self-evaluation of the first fund it has one of was used: its 2026
  annual goal for that fund was changed (the demo has goals for 2025 and 2026, so the link is the 2026
  goal's latest version), its 2026 budget too where the demo has one, and a policy use;
- 财政厅 records the province's use of its 2025 provincial evaluation of the first fund it has one of: a
  fund allocation (an amount in 万元) and an improvement of management;
- 自贡's finance has a draft with a policy use (read in 自贡 and above, not yet recorded).

Rows, as the feedbacks are: the service would stamp every step with today. It draws nothing from the demo's
generator: the data before it stays as it was.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import (
    FundBudget,
    Goal,
    ProvincialEvaluation,
    Region,
    ResultApplication,
    ResultApplicationUse,
    SelfEvaluation,
)
from src.models.enums import ActorType, GoalHorizon
from src.models.result_application import ApplicationKind, ResultApplicationStatus
from src.seed.demo.context import DemoReference
from src.seed.demo.monitoring_bodies import Bodies, body, load_bodies

EVALUATED_YEAR = 2025
CHENGDU, ZIGONG = "510100", "510300"
RECORDED_AT = datetime(EVALUATED_YEAR + 1, 9, 15, 2, tzinfo=UTC)  # 10:00 in China
ALLOCATION = Decimal("3000.00")  # 万元
TEXTS = {
    ApplicationKind.NEXT_YEAR_GOAL: "根据{year}年度绩效自评发现的指标偏差，调整{next}年度绩效目标指标值",
    ApplicationKind.NEXT_YEAR_BUDGET: "依据{year}年度评价结果，按实际执行水平重新测算{next}年度基金支出预算",
    ApplicationKind.POLICY: "针对评价发现的待遇审核问题，修订基金支出审核管理办法",
    ApplicationKind.FUND_ALLOCATION: "将{year}年度省级绩效评价结果作为{next}年度省级调剂资金安排的重要依据",
    ApplicationKind.MANAGEMENT: "建立预算执行进度按月通报机制，改进基金运行监控管理",
}


@dataclass(frozen=True)
class ApplicationCounts:
    result_applications: int
    result_application_uses: int


def _use(
    row: ResultApplication, n: int, kind: ApplicationKind, *, goal_id: int | None = None,
    budget_id: int | None = None, amount: Decimal | None = None,
) -> ResultApplicationUse:  # fmt: skip
    text = TEXTS[kind].format(year=EVALUATED_YEAR, next=EVALUATED_YEAR + 1)
    return ResultApplicationUse(
        application_id=row.id or 0, kind=kind, description=text, sort_order=n, goal_id=goal_id,
        budget_id=budget_id, amount=amount,
    )  # fmt: skip


async def _self_evaluation(session: AsyncSession, region: Region, fund_type_id: int) -> int | None:
    stmt = select(SelfEvaluation.id).where(
        SelfEvaluation.region_id == region.id,
        SelfEvaluation.fund_type_id == fund_type_id,
        SelfEvaluation.year == EVALUATED_YEAR,
    )
    return (await session.exec(stmt)).first()


async def _record(
    session: AsyncSession, bodies: Bodies, region: Region, author: Region, fund_type_id: int,
    status: ResultApplicationStatus, **evaluations: int | None,
) -> ResultApplication:  # fmt: skip
    organization, _, _ = body(bodies, author, ActorType.FINANCE, None)
    recorded = status == ResultApplicationStatus.RECORDED
    row = ResultApplication(
        region_id=region.id or 0, author_region_id=author.id or 0, fund_type_id=fund_type_id,
        year=EVALUATED_YEAR, status=status, organization_id=organization,
        recorded_at=RECORDED_AT if recorded else None, created_at=RECORDED_AT - timedelta(days=3),
        updated_at=RECORDED_AT, row_version=2 if recorded else 1, **evaluations,
    )  # fmt: skip
    session.add(row)
    await session.flush()
    return row


async def add_result_applications(session: AsyncSession, ref: DemoReference) -> ApplicationCounts:
    bodies = await load_bodies(session)
    regions = {r.code: r for r in ref.prefectures}
    chengdu, zigong = regions[CHENGDU], regions[ZIGONG]
    own = select(SelfEvaluation).where(
        SelfEvaluation.region_id == chengdu.id, SelfEvaluation.year == EVALUATED_YEAR
    )
    evaluation = (await session.exec(own.order_by(col(SelfEvaluation.fund_type_id)))).first()
    uses: list[ResultApplicationUse] = []
    records: list[ResultApplication] = []
    if evaluation is not None:
        fund = evaluation.fund_type_id
        goal = await _next_goal(session, chengdu, fund)
        budget = (
            await session.exec(
                select(FundBudget.id).where(
                    FundBudget.region_id == chengdu.id, FundBudget.fund_type_id == fund,
                    FundBudget.year == EVALUATED_YEAR + 1,
                )
            )
        ).first()  # fmt: skip
        row = await _record(
            session, bodies, chengdu, chengdu, fund, ResultApplicationStatus.RECORDED,
            self_evaluation_id=evaluation.id,
        )  # fmt: skip
        records.append(row)
        if goal is not None:
            uses.append(_use(row, len(uses), ApplicationKind.NEXT_YEAR_GOAL, goal_id=goal))
        if budget is not None:
            uses.append(_use(row, len(uses), ApplicationKind.NEXT_YEAR_BUDGET, budget_id=budget))
        uses.append(_use(row, len(uses), ApplicationKind.POLICY))
        draft = await _record(
            session, bodies, zigong, zigong, fund, ResultApplicationStatus.DRAFT,
            self_evaluation_id=await _self_evaluation(session, zigong, fund),
        )  # fmt: skip
        records.append(draft)
        uses.append(_use(draft, 0, ApplicationKind.POLICY))
    provincial = (
        await session.exec(
            select(ProvincialEvaluation)
            .where(ProvincialEvaluation.year == EVALUATED_YEAR)
            .order_by(col(ProvincialEvaluation.fund_type_id))
        )
    ).first()
    if provincial is not None:
        province_self = await _self_evaluation(session, ref.province, provincial.fund_type_id)
        row = await _record(
            session, bodies, ref.province, ref.province, provincial.fund_type_id,
            ResultApplicationStatus.RECORDED, self_evaluation_id=province_self,
            provincial_evaluation_id=provincial.id,
        )  # fmt: skip
        records.append(row)
        uses.append(_use(row, 0, ApplicationKind.FUND_ALLOCATION, amount=ALLOCATION))
        uses.append(_use(row, 1, ApplicationKind.MANAGEMENT))
    session.add_all(uses)
    await session.flush()
    return ApplicationCounts(result_applications=len(records), result_application_uses=len(uses))


async def _next_goal(session: AsyncSession, region: Region, fund_type_id: int) -> int | None:
    """The latest version of the region's annual goal of the fund for the year after the evaluated one."""
    stmt = select(Goal.id).where(
        Goal.region_id == region.id,
        Goal.fund_type_id == fund_type_id,
        Goal.horizon == GoalHorizon.ANNUAL,
        Goal.start_year == EVALUATED_YEAR + 1,
    )
    return (await session.exec(stmt.order_by(col(Goal.version).desc()))).first()
