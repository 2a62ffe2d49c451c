"""The DataLoaders of report jobs (src/schema/loaders.py makes them per request)."""

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import col
from strawberry.dataloader import DataLoader

from src.models.report import ReportJob
from src.reports.jobs import ReportJobQuery, report_jobs_select
from src.schema.execution import TURN_TAKING_LOOP
from src.schema.loaders import Sessionmaker, fetch_rows, loader
from src.services.actors import Actor

# A batch's children as one reader sees them: the reader is part of the key, since what is visible depends
# on it and loaders are made without an actor (a WebSocket's actor is known only after connection_init).
ChildrenKey = tuple[Actor, int]


@loader
def report_job_children(sessionmaker: Sessionmaker) -> DataLoader[ChildrenKey, list[ReportJob]]:
    """The visible children of batches, all parents of a request in one statement (per reader: one). A
    batch has at most MAX_BATCH_DOCUMENTS children (request_report refuses more), so no limit in SQL."""

    async def load(keys: list[ChildrenKey]) -> Sequence[list[ReportJob]]:
        parents: dict[Actor, list[int]] = defaultdict(list)
        for actor, parent_id in keys:
            parents[actor].append(parent_id)
        grouped: dict[ChildrenKey, list[ReportJob]] = defaultdict(list)
        async with sessionmaker() as session:
            for actor, parent_ids in parents.items():
                query = ReportJobQuery(parent_ids=parent_ids)
                stmt = report_jobs_select(query, actor).order_by(col(ReportJob.id))
                for row in await fetch_rows(session, stmt, ReportJob):
                    grouped[actor, row.parent_id or 0].append(row)
        return [grouped.get(key, []) for key in keys]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)
