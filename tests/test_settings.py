"""Settings come from one source; production refuses the public default SECRET_KEY and turns the
development conveniences (GraphiQL, introspection) off unless told otherwise."""

import pytest
from pydantic import ValidationError

from src.settings import PUBLIC_DEFAULT_SECRET_KEY, Settings

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
