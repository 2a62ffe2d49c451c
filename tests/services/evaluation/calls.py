"""One self-evaluation service call each, run as a mutation runs it (tests/services/conftest.py act)."""

from typing import Any

from src.models.evaluation import SelfEvaluation, SelfEvaluationLine
from src.services.actors import Actor
from src.services.evaluation import self_evaluation_edits as edits
from src.services.evaluation import self_evaluation_workflow as flow
from src.services.evaluation import self_evaluations as evaluations
from tests.services.conftest import Call, Sessionmaker
from tests.services.evaluation.world import YEAR

FUND = "EMPLOYEE_MEDICAL"


def open_(actor: Actor, region_code: str, fund: str = FUND, year: int = YEAR) -> Call[SelfEvaluation]:
    request = evaluations.OpenRequest(fund_type_code=fund, region_code=region_code, year=year)
    return lambda s: evaluations.open_self_evaluation(session=s, actor=actor, request=request)


def update(actor: Actor, evaluation: SelfEvaluation, **fields: Any) -> Call[SelfEvaluation]:
    edit = edits.SelfEvaluationEdit(**fields)
    return lambda s: edits.update_self_evaluation(
        session=s,
        actor=actor,
        evaluation_id=evaluation.id or 0,
        row_version=evaluation.row_version,
        edit=edit,
    )


def concur(actor: Actor, evaluation: SelfEvaluation) -> Call[SelfEvaluation]:
    return lambda s: flow.concur_self_evaluation(
        session=s, actor=actor, evaluation_id=evaluation.id or 0, row_version=evaluation.row_version
    )


def submit(actor: Actor, evaluation: SelfEvaluation) -> Call[SelfEvaluation]:
    return lambda s: flow.submit_self_evaluation(
        session=s, actor=actor, evaluation_id=evaluation.id or 0, row_version=evaluation.row_version
    )


def accept(actor: Actor, evaluation: SelfEvaluation) -> Call[SelfEvaluation]:
    return lambda s: flow.accept_self_evaluation(
        session=s, actor=actor, evaluation_id=evaluation.id or 0, row_version=evaluation.row_version
    )


def send_back(actor: Actor, evaluation: SelfEvaluation, reason: str) -> Call[SelfEvaluation]:
    return lambda s: flow.return_self_evaluation(
        session=s,
        actor=actor,
        evaluation_id=evaluation.id or 0,
        row_version=evaluation.row_version,
        reason=reason,
    )


async def current(sessionmaker: Sessionmaker, evaluation_id: int) -> SelfEvaluation:
    async with sessionmaker() as session:
        return await session.get_one(SelfEvaluation, evaluation_id)


async def lines(sessionmaker: Sessionmaker, evaluation_id: int) -> list[SelfEvaluationLine]:
    async with sessionmaker() as session:
        return await evaluations.lines_of(session, evaluation_id)
