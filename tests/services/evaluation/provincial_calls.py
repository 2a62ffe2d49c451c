"""One provincial evaluation service call each, run as a mutation runs it (tests/services/conftest.py act),
and the world they need: 成都市's 2026 self-evaluation of the medical fund, submitted by its finance."""

from typing import Any

from src.models.provincial_evaluation import ProvincialEvaluation, ProvincialEvaluationSummary
from src.services.actors import Actor
from src.services.evaluation.provincial import evaluations, summaries, workflow
from src.services.evaluation.self_evaluation_edits import LineEdit
from tests.services.conftest import PROVINCE, Bodies, Call, Sessionmaker, act
from tests.services.evaluation.calls import concur as concur_self
from tests.services.evaluation.calls import open_
from tests.services.evaluation.calls import submit as submit_self
from tests.services.evaluation.calls import update as update_self
from tests.services.evaluation.world import YEAR, evaluated

FUND = "EMPLOYEE_MEDICAL"
NARRATIVE = {
    "overview": "全省21个统筹地区开展自评",
    "work": "财政厅牵头，省医保局指导，省医保经办机构商省税务局实施",
    "conclusion": "总体良好",
    "analysis": "待遇按时足额发放率未达标",
    "problems": "部分地区系统切换",
    "suggestions": "加强稽核",
}


async def self_evaluated(sessionmaker: Sessionmaker, bodies: Bodies) -> None:
    """The region's 2026 self-evaluation of the medical fund, filled in and submitted by its finance."""
    world = await evaluated(sessionmaker, bodies)
    evaluation = await act(sessionmaker, open_(bodies.finance, bodies.region_code))
    cause = LineEdit(world.paid.lineage_id, cause="部分县区系统切换", measures="按月通报进度")
    edit = {
        "conclusion": "完成",
        "problems": "发放率偏低",
        "measures": "稽核",
        "execution_reason": "支出放缓",
    }
    evaluation = await act(sessionmaker, update_self(bodies.agency, evaluation, **edit, lines=(cause,)))
    evaluation = await act(sessionmaker, concur_self(bodies.tax, evaluation))
    await act(sessionmaker, submit_self(bodies.finance, evaluation))


def open_provincial(actor: Actor, fund: str = FUND, year: int = YEAR) -> Call[ProvincialEvaluation]:
    return lambda s: evaluations.open_provincial_evaluation(
        session=s, actor=actor, region_code=PROVINCE, fund_type_code=fund, year=year
    )


def update(actor: Actor, evaluation: ProvincialEvaluation, **fields: Any) -> Call[ProvincialEvaluation]:
    edit = evaluations.ProvincialEvaluationEdit(**fields)
    return lambda s: evaluations.update_provincial_evaluation(
        session=s,
        actor=actor,
        evaluation_id=evaluation.id or 0,
        row_version=evaluation.row_version,
        edit=edit,
    )


def concur(actor: Actor, evaluation: ProvincialEvaluation) -> Call[ProvincialEvaluation]:
    return lambda s: workflow.concur_provincial_evaluation(
        session=s, actor=actor, evaluation_id=evaluation.id or 0, row_version=evaluation.row_version
    )


def submit(actor: Actor, evaluation: ProvincialEvaluation) -> Call[ProvincialEvaluation]:
    return lambda s: workflow.submit_provincial_evaluation(
        session=s, actor=actor, evaluation_id=evaluation.id or 0, row_version=evaluation.row_version
    )


def approve(actor: Actor, evaluation: ProvincialEvaluation) -> Call[ProvincialEvaluation]:
    return lambda s: workflow.approve_provincial_evaluation(
        session=s, actor=actor, evaluation_id=evaluation.id or 0, row_version=evaluation.row_version
    )


def send_back(actor: Actor, evaluation: ProvincialEvaluation, reason: str) -> Call[ProvincialEvaluation]:
    return lambda s: workflow.return_provincial_evaluation(
        session=s,
        actor=actor,
        evaluation_id=evaluation.id or 0,
        row_version=evaluation.row_version,
        reason=reason,
    )


async def written(sessionmaker: Sessionmaker, province: Bodies) -> ProvincialEvaluation:
    """Opened by 财政厅, written by the provincial medical agency, concurred with by 省税务局."""
    evaluation = await act(sessionmaker, open_provincial(province.finance))
    evaluation = await act(sessionmaker, update(province.agency, evaluation, **NARRATIVE))
    return await act(sessionmaker, concur(province.tax, evaluation))


def create_summary(actor: Actor, year: int = YEAR) -> Call[ProvincialEvaluationSummary]:
    return lambda s: summaries.create_summary(session=s, actor=actor, region_code=PROVINCE, year=year)


def update_summary(
    actor: Actor, summary: ProvincialEvaluationSummary, **fields: str
) -> Call[ProvincialEvaluationSummary]:
    return lambda s: summaries.update_summary(
        session=s, actor=actor, summary_id=summary.id or 0, row_version=summary.row_version, **fields
    )


def send_summary(actor: Actor, summary: ProvincialEvaluationSummary) -> Call[ProvincialEvaluationSummary]:
    return lambda s: summaries.send_summary(
        session=s, actor=actor, summary_id=summary.id or 0, row_version=summary.row_version
    )
