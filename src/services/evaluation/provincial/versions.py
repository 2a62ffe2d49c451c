"""What the provincial evaluation's documents are made of, by subject id, for the report jobs' fingerprints
(DocumentSpec.versions): a report is its row (every edit and step claims it) and, while a draft reads the live
aggregate, the fund's self-evaluations of the year (how many, how often changed, when last); the summary is
its row and the year's reports and self-evaluations alike; a report also its assignments to third
parties (it names the one that carried it out). Two or three statements, whatever the number of
subjects."""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, func
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Assignment
from src.models.evaluation import SelfEvaluation
from src.models.provincial_evaluation import ProvincialEvaluation, ProvincialEvaluationSummary


async def _self_evaluations(session: AsyncSession, years: set[int]) -> dict[tuple[int, int], list[Any]]:
    """By (fund, year): the count of self-evaluations, the sum of their row versions, their latest change."""
    e = SelfEvaluation
    stmt = (
        sa.select(
            col(e.fund_type_id),
            col(e.year),
            func.count(),
            func.sum(col(e.row_version)),
            func.max(col(e.updated_at)),
        )
        .where(col(e.year).in_(years))
        .group_by(col(e.fund_type_id), col(e.year))
    )
    rows = (await (await session.connection()).execute(stmt)).all()
    return {(row[0], row[1]): [row[2], row[3], str(row[4])] for row in rows}


async def _assignments(session: AsyncSession, ids: list[int]) -> dict[int, list[Any]]:
    """By evaluation: its assignments (the report names the third party entrusted with it, Art. 17)."""
    a = Assignment
    stmt = (
        sa.select(col(a.subject_id), func.count(), func.max(col(a.id)), func.max(col(a.updated_at)))
        .where(col(a.subject_type) == "ProvincialEvaluation", col(a.subject_id).in_(ids))
        .group_by(col(a.subject_id))
    )
    rows = (await (await session.connection()).execute(stmt)).all()
    return {row[0]: [row[1], row[2], str(row[3])] for row in rows}


async def provincial_evaluation_versions(
    session: AsyncSession, evaluations: Sequence[ProvincialEvaluation]
) -> dict[int, list[Any]]:
    live = await _self_evaluations(session, {e.year for e in evaluations})
    entrusted = await _assignments(session, [e.id or 0 for e in evaluations])
    return {
        e.id or 0: [
            e.id,
            e.row_version,
            e.updated_at.isoformat(),
            live.get((e.fund_type_id, e.year)),
            entrusted.get(e.id or 0),
        ]
        for e in evaluations
    }


async def summary_versions(
    session: AsyncSession, summaries: Sequence[ProvincialEvaluationSummary]
) -> dict[int, list[Any]]:
    years = {s.year for s in summaries}
    live = await _self_evaluations(session, years)
    p = ProvincialEvaluation
    stmt = (
        sa.select(col(p.year), func.count(), func.sum(col(p.row_version)), func.max(col(p.updated_at)))
        .where(col(p.year).in_(years))
        .group_by(col(p.year))
    )
    reports = {
        row[0]: [row[1], row[2], str(row[3])]
        for row in (await (await session.connection()).execute(stmt)).all()
    }
    return {
        s.id or 0: [
            s.id,
            s.row_version,
            s.updated_at.isoformat(),
            reports.get(s.year),
            sorted((k, v) for k, v in live.items() if k[1] == s.year),
        ]
        for s in summaries
    }
