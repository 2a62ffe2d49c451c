"""Noticing overdue deadlines periodically (notices.py), every DEADLINE_CHECK_MINUTES, after the rounds the
domains registered (src/subjects/registry.py add_periodic: monitoring evaluates the periods whose entries
are due, so that its warnings are in before the notices are):

- with Redis, in `fundperf worker`: an arq cron job at the minutes of each hour divisible by the interval
  (and once at each worker's start). arq enqueues each scheduled run under one job id, so of several
  workers one runs it; the notices' unique key makes a second run announce nothing anyway;
- without Redis, in the server (it has no worker): `DeadlineWatch`, a task of the server process, a first
  round at start-up (what came due while it was stopped) and then one every interval.

A round that fails (the database away) is logged and the next one tries again; a domain's round that fails
does not keep the others or the notices from running.
"""

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Any

from arq.cron import CronJob, cron
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.base import utcnow
from src.services.deadlines.notices import notice_overdue
from src.settings import Settings
from src.subjects.registry import registry

logger = logging.getLogger(__name__)
CRON_NAME = "deadlines:notice-overdue"
ROUND_TIMEOUT_SECONDS = 300


async def run_rounds(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> dict[str, int]:
    """Every domain's periodic round, then the overdue notices: what each did, by name ("deadlines": the
    items announced). A domain's round that fails is logged and left out."""
    at = now or utcnow()
    done: dict[str, int] = {}
    for name, round_ in registry().periodic_rounds.items():
        try:
            done[name] = await round_(sessionmaker, at)
        except Exception:  # its next round tries again; the notices still go out
            logger.exception("periodic round %s failed", name)
    done["deadlines"] = len(await notice_overdue(sessionmaker=sessionmaker, now=at))
    return done


async def notice_deadlines(ctx: dict[str, Any]) -> int:
    """The worker's cron job: how many items it announced."""
    return (await run_rounds(ctx["sessionmaker"]))["deadlines"]


def deadline_cron(settings: Settings) -> CronJob:
    every = settings.DEADLINE_CHECK_MINUTES
    return cron(
        notice_deadlines,
        name=CRON_NAME,
        minute=set(range(0, 60, every)),
        second=0,
        run_at_startup=True,
        timeout=ROUND_TIMEOUT_SECONDS,
    )


class DeadlineWatch:
    """The server's periodic noticing when there is no Redis (hence no worker)."""

    def __init__(self, *, sessionmaker: async_sessionmaker[AsyncSession], every_seconds: float) -> None:
        self.sessionmaker = sessionmaker
        self.every_seconds = every_seconds
        self._task: asyncio.Task[None] | None = None

    async def round(self) -> dict[str, int]:
        return await run_rounds(self.sessionmaker)

    async def run(self) -> None:
        while True:
            try:
                await self.round()
            except Exception:  # the database, most likely: the next round tries again
                logger.exception("deadline watch: round failed")
            await asyncio.sleep(self.every_seconds)

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="deadline-watch")

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
