"""The DataLoaders of provincial evaluations: a page of them reads its transitions in one statement."""

from strawberry.dataloader import DataLoader

from src.models.provincial_evaluation import ProvincialEvaluationTransition
from src.schema.loaders import Sessionmaker, loader, many_by

TRANSITIONS_PER_EVALUATION = 200  # the newest 200


@loader
def transitions_by_provincial_evaluation(
    sessionmaker: Sessionmaker,
) -> DataLoader[int, list[ProvincialEvaluationTransition]]:
    return many_by(
        sessionmaker,
        ProvincialEvaluationTransition,
        ProvincialEvaluationTransition.evaluation_id,
        [ProvincialEvaluationTransition.id],
        limit=TRANSITIONS_PER_EVALUATION,
        newest=True,
    )
