"""src/services/evaluation/provincial/versions.py: a report's and a summary's documents are made again when
what they print changes — a draft report's aggregate is live, so a self-evaluation submitted meanwhile
changes its version; the summary's follows its reports."""

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.provincial_evaluation import ProvincialEvaluation, ProvincialEvaluationSummary
from src.services.evaluation.provincial.versions import provincial_evaluation_versions, summary_versions
from tests.services.conftest import Bodies, Sessionmaker, act
from tests.services.evaluation.provincial_calls import create_summary, self_evaluated, update, written


async def versions(sessionmaker: Sessionmaker, evaluation_id: int, summary_id: int) -> tuple[object, object]:
    async with sessionmaker() as session:
        assert isinstance(session, AsyncSession)
        evaluation = await session.get_one(ProvincialEvaluation, evaluation_id)
        summary = await session.get_one(ProvincialEvaluationSummary, summary_id)
        return (
            (await provincial_evaluation_versions(session, [evaluation]))[evaluation_id],
            (await summary_versions(session, [summary]))[summary_id],
        )


async def test_art17_a_draft_reports_version_follows_the_self_evaluations_and_its_own_edits(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    evaluation = await written(sessionmaker, province)
    summary = await act(sessionmaker, create_summary(province.finance))
    before = await versions(sessionmaker, evaluation.id or 0, summary.id or 0)
    assert before == await versions(sessionmaker, evaluation.id or 0, summary.id or 0)
    await self_evaluated(sessionmaker, chengdu)
    after = await versions(sessionmaker, evaluation.id or 0, summary.id or 0)
    assert after[0] != before[0] and after[1] != before[1]
    await act(sessionmaker, update(province.agency, evaluation, other="无"))
    assert (await versions(sessionmaker, evaluation.id or 0, summary.id or 0))[0] != after[0]
