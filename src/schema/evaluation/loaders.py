"""The DataLoaders of self-evaluations (src/schema/loaders.py makes them per request): a page of them reads
its lines, transitions and rules (due dates) in a fixed number of statements, whatever its size."""

from collections.abc import Sequence

from sqlmodel import col, select
from strawberry.dataloader import DataLoader

from src.models import Region
from src.models.evaluation import SelfEvaluationLine, SelfEvaluationTransition
from src.schema.execution import TURN_TAKING_LOOP
from src.schema.goals.loaders import INDICATORS_PER_GOAL
from src.schema.loaders import Sessionmaker, loader, many_by
from src.services.monitoring.state import rules_of
from src.services.rules.reads import RuleSet

LINES_PER_EVALUATION = INDICATORS_PER_GOAL  # one per indicator of the goal
TRANSITIONS_PER_EVALUATION = 200  # the newest 200


@loader
def lines_by_evaluation(sessionmaker: Sessionmaker) -> DataLoader[int, list[SelfEvaluationLine]]:
    return many_by(
        sessionmaker,
        SelfEvaluationLine,
        SelfEvaluationLine.evaluation_id,
        [SelfEvaluationLine.sort_order, SelfEvaluationLine.id],
        limit=LINES_PER_EVALUATION,
    )


@loader
def transitions_by_evaluation(sessionmaker: Sessionmaker) -> DataLoader[int, list[SelfEvaluationTransition]]:
    return many_by(
        sessionmaker,
        SelfEvaluationTransition,
        SelfEvaluationTransition.evaluation_id,
        [SelfEvaluationTransition.id],
        limit=TRANSITIONS_PER_EVALUATION,
        newest=True,
    )


@loader
def evaluation_rules(sessionmaker: Sessionmaker) -> DataLoader[int, RuleSet]:
    """The rules in force in each region (Art. 23: the self-evaluation's deadline), two statements."""

    async def load(keys: list[int]) -> Sequence[RuleSet]:
        async with sessionmaker() as session:
            regions = (await session.exec(select(Region).where(col(Region.id).in_(keys)))).all()
            found = await rules_of(session, regions)
        return [found[key] for key in keys]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)
