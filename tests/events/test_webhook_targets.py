"""Where webhooks may send (issue 16, src/events/webhooks/targets.py): never to loopback, private, link-local
and other internal addresses, decided on what the host resolves to, when a hook is registered or changed
and again at every attempt; the connection goes to the address that was checked. WEBHOOK_ALLOWED_NETWORKS
lets an operator's networks through."""

import asyncio
import ipaddress
import logging
import re
import socket
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.events.webhooks.dispatcher import WebhookDispatcher
from src.events.webhooks.registry import WebhookSpec, create_webhook
from src.events.webhooks.targets import TargetRefused, TargetRules, address_problem, check_target
from src.models import AuditEvent, Webhook
from src.services.actors import load_actor
from src.services.errors import ErrorCode, ValidationFailed
from src.settings import Settings
from tests.conftest import make_settings
from tests.events.test_webhooks import (
    CREATE,
    PUBLIC_URL,
    SECRET,
    UPDATE,
    Receiver,
    as_admin,
    create_hook,
    deliveries,
    free_port,
    goal_event,
    hook_row,
    hook_user,
)
from tests.events.test_webhooks import receiver as receiver  # the fixture: a real local HTTP server
from tests.factories import make_user
from tests.schema.conftest import GraphQLClient

REFUSED = "不允许发送到内网、回环或链路本地地址"
LOG = "src.events.webhooks"


@pytest.fixture
def settings(request: pytest.FixtureRequest) -> Settings:
    """The API's settings: no internal network allowed, unless a test names some (indirect parameter)."""
    return make_settings(WEBHOOK_ALLOWED_NETWORKS=getattr(request, "param", ""))


def delivery_settings(allowed: str) -> Settings:
    return make_settings(
        WEBHOOK_ALLOWED_NETWORKS=allowed,
        WEBHOOK_TIMEOUT_SECONDS=2.0,
        WEBHOOK_MAX_ATTEMPTS=3,
        WEBHOOK_BACKOFF_SECONDS=0.01,
    )


@dataclass
class Names:
    """A resolver the test controls: the addresses of each name; a name not listed does not resolve."""

    answers: dict[str, list[str]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    async def resolve(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.answers[host]


# --- the rule -----------------------------------------------------------------------------------------------

INTERNAL = [
    ("127.0.0.1", "属于回环地址"),
    ("127.255.0.9", "属于回环地址"),
    ("::1", "属于回环地址"),
    ("169.254.169.254", "属于链路本地地址"),
    ("fe80::1", "属于链路本地地址"),
    ("10.0.0.1", "属于内网地址"),
    ("172.16.5.4", "属于内网地址"),
    ("192.168.1.1", "属于内网地址"),
    ("fd00::1", "属于内网地址"),
    ("0.0.0.0", "属于未指定地址"),
    ("::", "属于未指定地址"),
    ("100.64.0.1", "属于运营商级共享地址"),
    ("224.0.0.1", "属于组播地址"),
    ("ff02::1", "属于组播地址"),
    ("240.0.0.1", "属于保留或特殊用途地址"),
    ("255.255.255.255", "属于保留或特殊用途地址"),
    ("192.0.2.1", "属于保留或特殊用途地址"),  # documentation
    ("::ffff:127.0.0.1", "即 127.0.0.1，属于回环地址"),  # IPv4-mapped
    ("::ffff:169.254.169.254", "即 169.254.169.254，属于链路本地地址"),
    ("64:ff9b::a9fe:a9fe", "即 169.254.169.254，属于链路本地地址"),  # NAT64
    ("2002:c0a8:101::", "即 192.168.1.1，属于内网地址"),  # 6to4
]


@pytest.mark.parametrize(("address", "rule"), INTERNAL)
def test_an_internal_address_is_refused_with_its_rule_named(address: str, rule: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) == rule


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_a_public_address_is_allowed(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


def test_an_allowed_network_lets_its_addresses_through_and_no_others() -> None:
    allowed = make_settings(WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8,fd00::/8").webhook_allowed_networks()
    for address in ("127.0.0.1", "127.8.9.10", "::ffff:127.0.0.1", "fd00::7"):
        assert address_problem(ipaddress.ip_address(address), allowed) is None, address
    for address in ("::1", "10.0.0.1", "169.254.169.254", "fe80::1"):
        assert address_problem(ipaddress.ip_address(address), allowed) is not None, address


async def test_every_address_a_name_resolves_to_must_be_allowed() -> None:
    names = Names({"hooks.fundperf.test": ["93.184.215.14", "10.1.2.3"]})
    with pytest.raises(TargetRefused) as refused:
        await check_target("https://hooks.fundperf.test/in", TargetRules(resolver=names.resolve))
    assert refused.value.code == ErrorCode.ADDRESS_NOT_ALLOWED
    assert refused.value.message == f"{REFUSED}（hooks.fundperf.test 解析为 10.1.2.3，属于内网地址）"
    assert names.asked == ["hooks.fundperf.test"]


async def test_a_name_without_an_address_is_unresolved() -> None:
    async def never(host: str, port: int) -> list[str]:
        await asyncio.Event().wait()
        return []

    async def nothing(host: str, port: int) -> list[str]:
        return []

    resolvers = [
        (Names().resolve, "未能解析为 IP 地址"),
        (nothing, "未能解析为 IP 地址"),
        (never, "秒内未能解析"),
    ]
    for resolver, why in resolvers:
        rules = TargetRules(resolver=resolver, resolve_timeout=0.01)
        with pytest.raises(TargetRefused) as refused:
            await check_target("http://hooks.fundperf.test/", rules)
        assert refused.value.code == ErrorCode.ADDRESS_UNRESOLVED
        assert refused.value.message.startswith("地址无法解析") and why in refused.value.message


async def test_a_checked_name_is_pinned_to_the_address_that_was_checked() -> None:
    names = Names({"hooks.fundperf.test": ["2606:4700:4700::1111", "8.8.8.8"]})
    rules = TargetRules(resolver=names.resolve)
    target = await check_target("https://hooks.fundperf.test:8443/in?x=1", rules)
    assert str(target.request_url()) == "https://[2606:4700:4700::1111]:8443/in?x=1"
    assert target.headers() == {"Host": "hooks.fundperf.test:8443"}
    assert target.extensions() == {"sni_hostname": "hooks.fundperf.test"}  # the certificate's name
    plain = await check_target("http://hooks.fundperf.test/in", rules)
    assert str(plain.request_url()) == "http://[2606:4700:4700::1111]/in"
    assert plain.headers() == {"Host": "hooks.fundperf.test"} and plain.extensions() == {}
    literal = await check_target(PUBLIC_URL, rules)
    assert str(literal.request_url()) == PUBLIC_URL and literal.headers() == literal.extensions() == {}
    assert names.asked == ["hooks.fundperf.test", "hooks.fundperf.test"]  # an address is not resolved


# --- registering ------------------------------------------------------------------------------------------

# Each URL with the rule its refusal names (a hostname's message also names the address it resolves to).
REFUSED_URLS: list[tuple[str, str | re.Pattern[str]]] = [
    ("http://127.0.0.1:6379/", f"{REFUSED}（127.0.0.1 属于回环地址）"),
    ("http://[::1]:5432/", f"{REFUSED}（::1 属于回环地址）"),
    ("http://169.254.169.254/latest/meta-data/", f"{REFUSED}（169.254.169.254 属于链路本地地址）"),
    ("http://10.0.0.1/hook", f"{REFUSED}（10.0.0.1 属于内网地址）"),
    ("https://192.168.1.1/hook", f"{REFUSED}（192.168.1.1 属于内网地址）"),
    ("http://0.0.0.0:8000/", f"{REFUSED}（0.0.0.0 属于未指定地址）"),
    ("http://[::ffff:127.0.0.1]:6379/", f"{REFUSED}（::ffff:127.0.0.1 即 127.0.0.1，属于回环地址）"),
    # 127.0.0.1 or ::1, as the system's resolver has it.
    (
        "http://localhost:6379/",
        re.compile(rf"{REFUSED}（localhost 解析为 (127\.0\.0\.1|::1)，属于回环地址）"),
    ),
]


def assert_refused(result: dict[str, Any], message: str | re.Pattern[str]) -> None:
    assert result["__typename"] == "ValidationError", result
    [problem] = result["fields"]
    assert (problem["field"], problem["code"]) == ("input.url", "ADDRESS_NOT_ALLOWED")
    expected = message if isinstance(message, re.Pattern) else re.compile(re.escape(message))
    assert expected.fullmatch(problem["message"]), problem["message"]


async def counts(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessionmaker() as session:
        hooks = (await session.exec(select(func.count()).select_from(Webhook))).one()
        audited = (await session.exec(select(func.count()).select_from(AuditEvent))).one()
    return hooks, audited


async def test_an_internal_target_is_refused_at_create_and_nothing_is_stored(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    admin = await as_admin(gql)
    valid = {"name": "内网探测", "secret": SECRET, "username": admin.username}
    before = await counts(sessionmaker)
    with caplog.at_level(logging.INFO, logger=LOG):
        for url, message in REFUSED_URLS:
            result = (await gql.data(CREATE, {"input": valid | {"url": url}}))["webhookCreate"]
            assert_refused(result, message)
    assert await counts(sessionmaker) == before
    records = [r for r in caplog.records if r.name.startswith(LOG)]
    assert len(records) == len(REFUSED_URLS)  # one line per refusal, no traceback
    assert all(
        r.levelno == logging.INFO and r.exc_info is None and "\n" not in r.getMessage() for r in records
    )


async def test_an_internal_target_is_refused_at_update_and_the_hook_is_unchanged(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await as_admin(gql)
    hook = await create_hook(gql, PUBLIC_URL, await hook_user(gql))
    for url, message in REFUSED_URLS:
        variables = {"input": {"id": hook["id"], "rowVersion": hook["rowVersion"], "url": url}}
        assert_refused((await gql.data(UPDATE, variables))["webhookUpdate"], message)
    row = await hook_row(sessionmaker, hook)
    assert (row.url, row.row_version) == (PUBLIC_URL, hook["rowVersion"])


@pytest.mark.parametrize("settings", ["127.0.0.0/8,::1/128,10.0.0.0/8"], indirect=True)
async def test_an_allowed_network_may_be_registered(gql: GraphQLClient) -> None:
    await as_admin(gql)
    user = await hook_user(gql)
    for url in ("http://127.0.0.1:6379/", "http://[::1]:5432/", "http://10.0.0.1/", "http://localhost:8000/"):
        await create_hook(gql, url, user)
    outside = {"name": "内网", "url": "http://192.168.1.1/", "secret": SECRET, "username": user.username}
    result = (await gql.data(CREATE, {"input": outside}))["webhookCreate"]
    assert_refused(result, f"{REFUSED}（192.168.1.1 属于内网地址）")
    hook = await create_hook(gql, PUBLIC_URL, user)
    moved = {"id": hook["id"], "rowVersion": hook["rowVersion"], "url": "http://10.9.8.7:9000/"}
    assert (await gql.data(UPDATE, {"input": moved}))["webhookUpdate"]["__typename"] == "WebhookSuccess"


async def register(sessionmaker: async_sessionmaker[AsyncSession], url: str, targets: TargetRules) -> Webhook:
    """A hook registered through the service, whose targets (and resolver) the test chooses."""
    admin = await make_user(sessionmaker, is_admin=True)
    owner = await make_user(sessionmaker)
    async with session_scope(sessionmaker) as session:
        actor = await load_actor(session=session, user_id=admin.id or 0)
        assert actor is not None
        spec = WebhookSpec(name="决算系统", url=url, secret=SECRET, username=owner.username)
        hook = await create_webhook(session=session, actor=actor, spec=spec, targets=targets)
    return hook


async def test_a_name_that_does_not_resolve_is_refused_at_create(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await register(sessionmaker, "https://hooks.fundperf.test/in", TargetRules(resolver=Names().resolve))
    assert [(p.field, p.code, p.message) for p in refused.value.problems] == [
        ("input.url", "ADDRESS_UNRESOLVED", "地址无法解析：主机名 hooks.fundperf.test 未能解析为 IP 地址")
    ]
    assert (await counts(sessionmaker))[0] == 0


# --- delivering ------------------------------------------------------------------------------------------


async def test_a_name_resolving_inward_at_delivery_is_refused_recorded_and_not_sent(
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The name is public when the hook is registered, and points at the receiver (127.0.0.1) later.
    port = receiver.base_url.rsplit(":", 1)[1]
    names = Names({"hooks.fundperf.test": ["93.184.215.14"]})
    hook = await register(
        sessionmaker, f"http://hooks.fundperf.test:{port}/rebound", TargetRules(resolver=names.resolve)
    )
    names.answers["hooks.fundperf.test"] = ["127.0.0.1"]
    event_id = await goal_event(sessionmaker)

    with caplog.at_level(logging.INFO, logger=LOG):
        async with WebhookDispatcher(
            sessionmaker=sessionmaker, settings=delivery_settings(""), resolver=names.resolve
        ) as dispatcher:
            assert await dispatcher.run_once() == 1

    assert receiver.received == []
    [attempt] = await deliveries(sessionmaker, {"id": hook.id})
    assert (attempt.event_id, attempt.attempt, attempt.status_code) == (event_id, 1, None)
    assert not attempt.succeeded
    assert attempt.error == f"未发送：{REFUSED}（hooks.fundperf.test 解析为 127.0.0.1，属于回环地址）"
    [line] = [r for r in caplog.records if r.name.startswith(LOG)]
    assert line.levelno == logging.INFO and line.exc_info is None
    assert "attempt 1/3 failed (未发送：" in line.getMessage()
    assert (await hook_row(sessionmaker, {"id": hook.id})).retry_at is not None  # retried as any failure


@pytest.mark.parametrize("settings", ["127.0.0.0/8"], indirect=True)
async def test_a_network_no_longer_allowed_gets_nothing(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    await as_admin(gql)
    hook = await create_hook(gql, receiver.url("was-allowed"), await hook_user(gql))
    await goal_event(sessionmaker)
    # The dispatcher restarted with WEBHOOK_ALLOWED_NETWORKS emptied.
    async with WebhookDispatcher(sessionmaker=sessionmaker, settings=delivery_settings("")) as dispatcher:
        assert await dispatcher.run_once() == 1
    assert receiver.received == []
    [attempt] = await deliveries(sessionmaker, hook)
    assert attempt.error == f"未发送：{REFUSED}（127.0.0.1 属于回环地址）" and not attempt.succeeded


async def test_the_connection_goes_to_the_checked_address_with_the_original_host(
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A name only this resolver knows: the POST can only have reached the receiver at the address checked.
    port = receiver.base_url.rsplit(":", 1)[1]
    # Nor through a proxy of the environment (it would connect instead): this one listens nowhere.
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{free_port()}")
    names = Names({"receiver.fundperf.test": ["127.0.0.1"]})
    settings = delivery_settings("127.0.0.0/8")
    url = f"http://receiver.fundperf.test:{port}/pinned"
    hook = await register(sessionmaker, url, TargetRules.from_settings(settings, names.resolve))
    event_id = await goal_event(sessionmaker)

    async with WebhookDispatcher(
        sessionmaker=sessionmaker, settings=settings, resolver=names.resolve
    ) as dispatcher:
        assert await dispatcher.run_once() == 1

    assert receiver.event_ids("pinned") == [event_id]
    assert receiver.received[0].headers["host"] == f"receiver.fundperf.test:{port}"
    [attempt] = await deliveries(sessionmaker, {"id": hook.id})
    assert attempt.succeeded and attempt.status_code == 200
    assert names.asked == ["receiver.fundperf.test", "receiver.fundperf.test"]  # registered; the attempt
