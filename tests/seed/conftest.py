"""The demo data set loaded once per database for the read-only tests of tests/seed/, read back into memory
(so the tests that load their own data, truncating the database, do not disturb it)."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from src.db import create_sessionmaker
from src.models import RectificationEvidence, RectificationItem
from src.models.base import utcnow
from src.reports.storage import LocalStorage
from src.seed.demo import load_demo_data
from src.seed.reference import load_reference_data
from src.services.monitoring.periodic import evaluate_due_periods
from tests.conftest import truncate_all
from tests.seed.demo_rows import Demo, read_demo
from tests.seed.evaluation_demo import EvaluationDemo, read_evaluations
from tests.seed.monitoring_demo import MonitoringDemo, read_monitoring
from tests.seed.provincial_demo import ProvincialDemo, read_provincial


@dataclass(frozen=True)
class LoadedDemo:
    demo: Demo
    monitoring: MonitoringDemo
    evaluations: EvaluationDemo
    provincial: ProvincialDemo
    # Warnings the system's evaluation on the schedule raised over the demo (none when the demo's are its own)
    raised_on_schedule: int
    rectification_items: list[RectificationItem]  # Art. 20, in id order
    rectification_evidence: list[RectificationEvidence]
    storage_dir: Path  # where the demo's evidence file was stored


@pytest.fixture(scope="package")
async def loaded_demo(engine: AsyncEngine, tmp_path_factory: pytest.TempPathFactory) -> LoadedDemo:
    await truncate_all(engine)
    sessionmaker = create_sessionmaker(engine)
    storage_dir = tmp_path_factory.mktemp("demo-storage")
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        counts = await load_demo_data(session=session, storage=LocalStorage(storage_dir))
        await session.commit()
    async with sessionmaker() as session:
        demo = await read_demo(session, counts)
    async with sessionmaker() as session:
        monitoring = await read_monitoring(session, counts)
    async with sessionmaker() as session:
        evaluations = await read_evaluations(session, counts)
    async with sessionmaker() as session:
        provincial = await read_provincial(session, counts)
    async with sessionmaker() as session:
        items = list(
            (await session.exec(select(RectificationItem).order_by(col(RectificationItem.id)))).all()
        )
        evidence = list((await session.exec(select(RectificationEvidence))).all())
    raised = await evaluate_due_periods(sessionmaker, utcnow())
    return LoadedDemo(
        demo=demo,
        monitoring=monitoring,
        evaluations=evaluations,
        provincial=provincial,
        raised_on_schedule=raised,
        rectification_items=items,
        rectification_evidence=evidence,
        storage_dir=storage_dir,
    )


@pytest.fixture
def demo(loaded_demo: LoadedDemo) -> Demo:
    return loaded_demo.demo


@pytest.fixture
def monitoring(loaded_demo: LoadedDemo) -> MonitoringDemo:
    return loaded_demo.monitoring


@pytest.fixture
def evaluations(loaded_demo: LoadedDemo) -> EvaluationDemo:
    return loaded_demo.evaluations


@pytest.fixture
def provincial(loaded_demo: LoadedDemo) -> ProvincialDemo:
    return loaded_demo.provincial


@pytest.fixture
def raised_on_schedule(loaded_demo: LoadedDemo) -> int:
    return loaded_demo.raised_on_schedule
