"""GraphQL tests of the self-evaluation: the services' world (tests/services/evaluation/world.py) — 成都's
2026 employee medical goal issued in March 2026, its budget and the year's monitoring figures — and
"today" 1 March 2027 in China for every request unless a test moves it."""

from collections.abc import Iterator

import pytest

from src.services.monitoring import clock
from tests.services.evaluation.world import TODAY


@pytest.fixture(autouse=True)
def after_the_year(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(clock, "china_today", lambda: TODAY)
    yield
