"""What the provincial evaluation's two documents are made of (src/services/evaluation/provincial_data.py),
read as their reader may see them: the report (its aggregate — as sent once submitted, live while a draft
— its narrative, who prepared it and for whom) and 财政厅's July summary (one row per fund active in the
year: its provincial report's aggregate, or the live one where none was sent)."""

from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Organization, PoolingArrangement, Region
from src.models.enums import ActorType, Administration, label_zh
from src.models.provincial_evaluation import NARRATIVE, ProvincialEvaluation
from src.reports.numbering import CHINA
from src.services.actors import Actor
from src.services.assignments.reads import entrusted_to
from src.services.evaluation.provincial.aggregate import from_json
from src.services.evaluation.provincial.aggregate_reads import live_aggregate
from src.services.evaluation.provincial.evaluations import visible_provincial_evaluation
from src.services.evaluation.provincial.scope import DRAFTS, SUBJECT
from src.services.evaluation.provincial.summaries import visible_summary
from src.services.evaluation.provincial_data import (
    ProvincialAggregate,
    ProvincialReportData,
    ProvincialSummaryData,
    SummaryFundRow,
)

# 上报: the national departments (Art. 17 「完成汇总并上报」); 抄送: the province's bodies that took part.
NATIONAL_RECIPIENTS = ["财政部", "人力资源社会保障部", "国家医疗保障局", "国家税务总局"]
NOT_SENT = "未报送"


def _on(at: datetime | None) -> date | None:
    return at.astimezone(CHINA).date() if at is not None else None


async def _organizations(session: AsyncSession, region_id: int) -> list[Organization]:
    stmt = select(Organization).where(Organization.region_id == region_id).order_by(col(Organization.id))
    return list((await session.exec(stmt)).all())


def _named(
    organizations: list[Organization], actor_type: ActorType, administration: Administration | None = None
) -> str:
    for organization in organizations:
        if organization.actor_type == actor_type and organization.administration == administration:
            return organization.name
    return ""


async def report_aggregate(session: AsyncSession, evaluation: ProvincialEvaluation) -> ProvincialAggregate:
    """As sent once submitted (the snapshot); the self-evaluations as they stand while a draft."""
    if evaluation.status not in DRAFTS and evaluation.snapshot is not None:
        return from_json(evaluation.snapshot)
    province = await session.get_one(Region, evaluation.region_id)
    fund = await session.get_one(FundType, evaluation.fund_type_id)
    return await live_aggregate(
        session, province=province, fund=fund, year=evaluation.year, pooling_level=evaluation.pooling_level
    )


async def provincial_report_data(
    *, session: AsyncSession, actor: Actor, evaluation_id: int
) -> ProvincialReportData:
    """One 省级分险种绩效评价报告; NotFound when `actor` may not read it."""
    evaluation, _ = await visible_provincial_evaluation(
        session=session, actor=actor, evaluation_id=evaluation_id
    )
    province = await session.get_one(Region, evaluation.region_id)
    fund = await session.get_one(FundType, evaluation.fund_type_id)
    organizations = await _organizations(session, evaluation.region_id)
    texts = {name: getattr(evaluation, name) for name in NARRATIVE}
    return ProvincialReportData(
        aggregate=await report_aggregate(session, evaluation),
        title=f"{province.name}{evaluation.year}年度{fund.name_zh}预算绩效评价报告",
        preparer=_named(organizations, ActorType.AGENCY, fund.administration),
        co_preparer=_named(organizations, ActorType.TAX),
        recipient=_named(organizations, ActorType.FINANCE),
        third_party=await entrusted_to(session=session, subject_type=SUBJECT, subject_id=evaluation_id),
        status=evaluation.status.value,
        status_label=label_zh(evaluation.status),
        submitted_on=_on(evaluation.submitted_at),
        approved_on=_on(evaluation.approved_at),
        late=evaluation.late,
        **texts,
    )


def _fund_row(aggregate: ProvincialAggregate, evaluation: ProvincialEvaluation | None) -> SummaryFundRow:
    sent = evaluation is not None and evaluation.status not in DRAFTS
    return SummaryFundRow(
        fund_name=aggregate.fund_name,
        evaluated=len(aggregate.regions),
        expected=aggregate.expected,
        average_score=aggregate.average_score,
        grade_counts=aggregate.grade_counts,
        below_pass=len(aggregate.below_pass),
        execution_rate=aggregate.execution.rate,
        report_status_label=label_zh(evaluation.status) if sent and evaluation is not None else NOT_SENT,
    )


async def provincial_summary_data(
    *, session: AsyncSession, actor: Actor, summary_id: int
) -> ProvincialSummaryData:
    """财政厅's summary of a year; NotFound when `actor` may not read it. One row per fund active in the
    year, in the funds' order."""
    summary, _ = await visible_summary(session=session, actor=actor, summary_id=summary_id)
    province = await session.get_one(Region, summary.region_id)
    organizations = await _organizations(session, summary.region_id)
    funds = (
        await session.exec(
            select(FundType, PoolingArrangement)
            .join(PoolingArrangement, col(PoolingArrangement.fund_type_id) == FundType.id)
            .where(PoolingArrangement.year == summary.year, col(FundType.active))
            .order_by(col(FundType.sort_order), col(FundType.id))
        )
    ).all()
    evaluations = {
        e.fund_type_id: e
        for e in (
            await session.exec(
                select(ProvincialEvaluation).where(
                    ProvincialEvaluation.region_id == summary.region_id,
                    ProvincialEvaluation.year == summary.year,
                )
            )
        ).all()
    }
    rows = []
    for fund, arrangement in funds:
        evaluation = evaluations.get(fund.id or 0)
        if evaluation is not None:
            aggregate = await report_aggregate(session, evaluation)
        else:
            aggregate = await live_aggregate(
                session,
                province=province,
                fund=fund,
                year=summary.year,
                pooling_level=arrangement.pooling_level,
            )
        rows.append(_fund_row(aggregate, evaluation))
    issuer = _named(organizations, ActorType.FINANCE)
    copies = [
        _named(organizations, ActorType.HRSS, Administration.HRSS),
        _named(organizations, ActorType.MEDICAL_SECURITY, Administration.MEDICAL_SECURITY),
        _named(organizations, ActorType.TAX),
    ]
    return ProvincialSummaryData(
        year=summary.year,
        title=f"{issuer}关于{summary.year}年度社会保险基金预算绩效评价情况的报告",
        issuer=issuer,
        number=summary.document_number or "",
        recipients=list(NATIONAL_RECIPIENTS),
        copies_to=[name for name in copies if name],
        status=summary.status.value,
        status_label=label_zh(summary.status),
        sent_on=_on(summary.sent_at),
        late=summary.late,
        funds=rows,
        overview=summary.overview,
        problems=summary.problems,
        next_steps=summary.next_steps,
    )
