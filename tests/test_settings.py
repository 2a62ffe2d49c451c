"""Settings come from one source; production refuses the public default SECRET_KEY and turns the
development conveniences (GraphiQL, introspection) off unless told otherwise."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from src.app import app_from_environment
from src.settings import PUBLIC_DEFAULT_SECRET_KEY, Settings, settings_problems

PRIVATE_KEY = "k" * 48


def test_development_is_the_default_with_graphiql_and_introspection() -> None:
    settings = Settings(_env_file=None)
    assert settings.ENVIRONMENT == "development"
    assert settings.GRAPHIQL and settings.INTROSPECTION


@pytest.mark.parametrize("key", [PUBLIC_DEFAULT_SECRET_KEY, "short"])
def test_production_refuses_the_public_or_a_short_secret_key(key: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None, ENVIRONMENT="production", SECRET_KEY=key)


def test_production_turns_graphiql_and_introspection_off_by_default() -> None:
    settings = Settings(_env_file=None, ENVIRONMENT="production", SECRET_KEY=PRIVATE_KEY)
    assert not settings.GRAPHIQL and not settings.INTROSPECTION
    explicit = Settings(_env_file=None, ENVIRONMENT="production", SECRET_KEY=PRIVATE_KEY, GRAPHIQL=True)
    assert explicit.GRAPHIQL and not explicit.INTROSPECTION


def test_production_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None)
    monkeypatch.setenv("SECRET_KEY", PRIVATE_KEY)
    assert not Settings(_env_file=None).INTROSPECTION


def test_webhooks_may_go_to_no_internal_network_by_default() -> None:
    assert Settings(_env_file=None).webhook_allowed_networks() == ()


def test_webhook_allowed_networks_are_comma_separated_cidrs() -> None:
    settings = Settings(_env_file=None, WEBHOOK_ALLOWED_NETWORKS=" 10.20.0.0/16, fd00:1::/64 ,192.168.7.9")
    assert [str(n) for n in settings.webhook_allowed_networks()] == [
        "10.20.0.0/16",
        "fd00:1::/64",
        "192.168.7.9/32",  # an address alone is its own network
    ]


@pytest.mark.parametrize(
    "value",
    [
        "10.0.0.0/33",
        "10.0.0.1/8",  # host bits set: 10.0.0.0/8 or 10.0.0.1/32 was meant, the setting does not guess
        "10.0.0.0/8;fd00::/8",
        "intranet",
        "999.0.0.0/8",
    ],
)
def test_a_bad_webhook_allowed_network_refuses_the_settings(value: str) -> None:
    with pytest.raises(ValidationError, match="WEBHOOK_ALLOWED_NETWORKS must be comma-separated CIDRs"):
        Settings(_env_file=None, WEBHOOK_ALLOWED_NETWORKS=value)


def test_webhook_allowed_networks_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")
    assert [str(n) for n in Settings(_env_file=None).webhook_allowed_networks()] == ["127.0.0.0/8", "::1/128"]
    monkeypatch.setenv("WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8,localhost")
    with pytest.raises(ValidationError, match="WEBHOOK_ALLOWED_NETWORKS"):
        Settings(_env_file=None)


def test_production_refusal_names_the_secret_key_setting() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, ENVIRONMENT="production")
    assert [e["loc"] for e in refused.value.errors()] == [("SECRET_KEY",)]
    assert settings_problems(refused.value) == [
        "SECRET_KEY: ENVIRONMENT=production needs a private random value of at least 32 characters "
        "(the default is public)"
    ]


def test_each_refused_setting_is_one_problem_without_its_value() -> None:
    secret = "short-but-secret"
    with pytest.raises(ValidationError) as refused:
        Settings(
            _env_file=None, ENVIRONMENT="production", SECRET_KEY=secret, WS_QUEUE_SIZE=1, GRAPHIQL="maybe"
        )
    problems = settings_problems(refused.value)
    assert [p.split(":")[0] for p in problems] == ["SECRET_KEY", "GRAPHIQL", "WS_QUEUE_SIZE"]
    assert problems[2] == "WS_QUEUE_SIZE: Input should be greater than or equal to 10"
    assert not any(secret in p or "maybe" in p for p in problems)


def test_a_serve_worker_with_refused_settings_exits_with_one_line_each(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """uvicorn's factory in each `serve` worker reads the environment again: the same lines, status 2."""
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    monkeypatch.setenv("WORKER_POLL_SECONDS", "abc")
    with pytest.raises(SystemExit) as stopped:
        app_from_environment()
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "fundperf: WORKER_POLL_SECONDS: Input should be a valid number, unable to parse string as a number"
    ]
