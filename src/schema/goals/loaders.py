"""The DataLoaders of goals, their indicators and history (src/schema/loaders.py makes them per request),
and how many rows each returns."""

import uuid
from decimal import Decimal

from strawberry.dataloader import DataLoader

from src.models import Goal, GoalTaxOpinion, GoalTransition, Indicator
from src.schema.loaders import Sessionmaker, loader, many_by, one_by, totals_by

# The most rows a one-to-many loader returns for one key (the list fields declare the same numbers with
# max_items, so the query cost limit counts them): bounded in SQL, whatever the table holds.
INDICATORS_PER_GOAL = 200
CHILD_GOALS_PER_GOAL = 300
ANNUAL_GOALS_PER_OVERALL_GOAL = 100
VERSIONS_PER_GOAL = 50  # the newest 50
TRANSITIONS_PER_GOAL = 500  # the newest 500
TAX_OPINIONS_PER_GOAL = 100  # the newest 100
REGIONS_PER_DECOMPOSITION = 200  # the pooling regions of one province (21 prefectures; 183 counties)


@loader
def goal_by_id(sessionmaker: Sessionmaker) -> DataLoader[int, Goal | None]:
    return one_by(sessionmaker, Goal, Goal.id)


@loader
def goals_by_overall(sessionmaker: Sessionmaker) -> DataLoader[int, list[Goal]]:
    return many_by(
        sessionmaker,
        Goal,
        Goal.overall_goal_id,
        [Goal.start_year, Goal.id],
        limit=ANNUAL_GOALS_PER_OVERALL_GOAL,
    )


@loader
def goals_by_parent(sessionmaker: Sessionmaker) -> DataLoader[int, list[Goal]]:
    return many_by(sessionmaker, Goal, Goal.parent_goal_id, [Goal.id], limit=CHILD_GOALS_PER_GOAL)


@loader
def goals_by_lineage(sessionmaker: Sessionmaker) -> DataLoader[uuid.UUID, list[Goal]]:
    return many_by(
        sessionmaker, Goal, Goal.lineage_id, [Goal.version, Goal.id], limit=VERSIONS_PER_GOAL, newest=True
    )


@loader
def indicators_by_goal(sessionmaker: Sessionmaker) -> DataLoader[int, list[Indicator]]:
    return many_by(
        sessionmaker,
        Indicator,
        Indicator.goal_id,
        [Indicator.sort_order, Indicator.id],
        limit=INDICATORS_PER_GOAL,
    )


@loader
def indicator_weight_total(sessionmaker: Sessionmaker) -> DataLoader[int, Decimal]:
    return totals_by(sessionmaker, Indicator.goal_id, Indicator.weight)


@loader
def transitions_by_goal(sessionmaker: Sessionmaker) -> DataLoader[int, list[GoalTransition]]:
    return many_by(
        sessionmaker,
        GoalTransition,
        GoalTransition.goal_id,
        [GoalTransition.id],
        limit=TRANSITIONS_PER_GOAL,
        newest=True,
    )


@loader
def tax_opinions_by_goal(sessionmaker: Sessionmaker) -> DataLoader[int, list[GoalTaxOpinion]]:
    return many_by(
        sessionmaker,
        GoalTaxOpinion,
        GoalTaxOpinion.goal_id,
        [GoalTaxOpinion.id],
        limit=TAX_OPINIONS_PER_GOAL,
        newest=True,
    )
