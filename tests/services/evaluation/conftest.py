"""Service tests of the self-evaluation (src/services/evaluation/): "today" is after the year evaluated
(Art. 15: evaluated once the year's budget is executed), so a self-evaluation may be opened."""

from collections.abc import Iterator
from datetime import date

import pytest

from src.services.monitoring import clock
from tests.services.evaluation.world import TODAY


@pytest.fixture(autouse=True)
def after_the_year(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(clock, "china_today", lambda: TODAY)
    yield


def move_today(monkeypatch: pytest.MonkeyPatch, today: date) -> None:
    monkeypatch.setattr(clock, "china_today", lambda: today)
