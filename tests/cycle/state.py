"""The year's cycle as a new user runs it (issue 21): what the stages share — the GraphQL client, the year,
the funds and their regions, the ids created so far, the documents produced — and the calendar the
services read "today" from, moved by the stages (never a real wait)."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import User
from src.models.enums import ActorType, Administration
from src.services.monitoring import clock, dashboard, evaluation, raising, warnings
from src.services.rectification import items
from src.settings import Settings
from tests.schema.conftest import GraphQLClient

PROVINCE = "510000"
# Every module that holds its own "today in China": the stages move them all together (a rectification
# item is raised "today" by the deadlines' function, which takes an optional moment).
CLOCKS: tuple[Any, ...] = (clock, raising, evaluation, warnings, dashboard, items)


@dataclass(frozen=True)
class Fund:
    """A fund run through the cycle and where it is pooled (Art. 17 decides who sends what)."""

    code: str
    administration: Administration
    pooling_region: str
    part_region: str  # a region just below, which enters its part of what sums (Art. 6, 13)

    @property
    def administration_actor(self) -> ActorType:
        """The supervising administration's body: 人社 or 医保."""
        if self.administration == Administration.HRSS:
            return ActorType.HRSS
        return ActorType.MEDICAL_SECURITY

    @property
    def prefecture_pooled(self) -> bool:
        return self.pooling_region != PROVINCE


@dataclass
class Cycle:
    gql: GraphQLClient
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    settings: Settings
    monkeypatch: pytest.MonkeyPatch
    year: int
    funds: tuple[Fund, ...]
    today: date = date(2000, 1, 1)
    user_id: int = 0  # the user logged in now
    ids: dict[str, str] = field(default_factory=dict)  # "goal:EMPLOYEE_MEDICAL:510100" → id
    documents: list[str] = field(default_factory=list)  # kinds rendered, checked, in order
    pdf: bool = True  # LibreOffice and poppler here (CI fails without them; locally the DOCX alone)
    pdf_kinds: set[str] = field(default_factory=set)  # kinds already checked as PDF once
    indicators: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # fund → its region's goal's

    def set_today(self, day: date) -> None:
        """Moves every clock of the services to `day` (Beijing date)."""
        self.today = day
        for module in CLOCKS:
            self.monkeypatch.setattr(module, "china_today", lambda *_: self.today)

    async def login(
        self, actor_type: ActorType, region: str, administration: Administration | None = None
    ) -> User:
        """Sends the token of a user of that body from now on (created if the body has none)."""
        user = await self.gql.login_as(actor_type, region, administration)
        self.user_id = user.id or 0
        return user

    def key(self, what: str, fund: Fund, region: str | None = None) -> str:
        return f"{what}:{fund.code}:{region or fund.pooling_region}"


async def call(cycle: Cycle, document: str, variables: dict[str, Any], expect: str) -> dict[str, Any]:
    """The one result of a mutation or query, which must be of type `expect`."""
    data = await cycle.gql.data(document, variables)
    result: dict[str, Any] = next(iter(data.values()))
    assert result["__typename"] == expect, result
    return result


def ids(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "rowVersion": row["rowVersion"]}
