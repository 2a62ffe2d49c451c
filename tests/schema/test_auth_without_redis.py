"""Logging in while Redis is unreachable: the attempts are limited in this process's memory meanwhile,
never an internal error, and the first login after Redis returns works (issue 16)."""

import asyncio
import logging

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.services.identity.ratelimit import REDIS_RETRY_SECONDS
from tests.conftest import proxied_url
from tests.schema.test_auth import Api, add_user, app_for, client_for
from tests.support.proxy import TcpProxy

pytestmark = pytest.mark.usefixtures("reference")


async def test_logins_work_and_are_limited_while_redis_is_away(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    redis_proxy: TcpProxy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await add_user(sessionmaker, "fin_510000")
    app = app_for(engine, REDIS_URL=proxied_url(redis_proxy))
    caplog.set_level(logging.INFO)
    async with app.router.lifespan_context(app), client_for(app, "10.6.6.6") as http:
        api = Api(http)
        assert (await api.login("fin_510000"))["__typename"] == "LoginSuccess"  # a pooled connection

        redis_proxy.cut()
        assert (await api.login("fin_510000"))["__typename"] == "LoginSuccess"
        for _ in range(5):
            assert (await api.login("fin_510000", "wrong"))["__typename"] == "InvalidCredentials"
        assert (await api.login("fin_510000"))["__typename"] == "TooManyAttempts"  # limited in memory

        redis_proxy.restore()
        await asyncio.sleep(REDIS_RETRY_SECONDS)  # until then the limiter does not ask Redis again
        # Counted in Redis again, where this address has no failures: the first login after the outage works.
        assert (await api.login("fin_510000"))["__typename"] == "LoginSuccess"

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len([w for w in warnings if "login rate limits" in w]) == 1, warnings
