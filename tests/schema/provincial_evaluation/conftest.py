"""GraphQL tests of the provincial evaluation: the services' world (tests/services/evaluation/world.py) and
"today" 1 March 2027 in China for every request unless a test moves it."""

from collections.abc import Iterator

import pytest

from src.services.monitoring import clock
from tests.services.evaluation.world import TODAY


@pytest.fixture(autouse=True)
def after_the_year(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(clock, "china_today", lambda: TODAY)
    yield
