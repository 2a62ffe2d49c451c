"""One place for configuration: every value can be set by an environment variable.

Nothing reads a module-level instance: the CLI builds one Settings and passes it down (create_app,
create_engine, the schema), so what the app verifies with is what it was started with.
"""

from pathlib import Path
from typing import Any, Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PUBLIC_DEFAULT_SECRET_KEY = "change-me-in-production-this-default-is-public"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # production: refuses the public default SECRET_KEY; GraphiQL and introspection default to off.
    ENVIRONMENT: Literal["development", "production"] = "development"

    # SQLAlchemy async URL: sqlite+aiosqlite:///var/fundperf.db (default) or postgresql+asyncpg://...
    DATABASE_URL: str = "sqlite+aiosqlite:///var/fundperf.db"
    # Unset: jobs run in-process and events are broadcast in-process (the embedded default).
    REDIS_URL: str | None = None
    STORAGE_DIR: Path = Path("var/storage")
    SECRET_KEY: str = PUBLIC_DEFAULT_SECRET_KEY
    # GraphiQL and introspection are for development; production turns them off.
    GRAPHIQL: bool = True
    # Echo SQL statements (debugging only).
    SQL_ECHO: bool = False

    # Login throttling: failed attempts allowed per username and per client address within the window.
    LOGIN_MAX_FAILURES_PER_USERNAME: int = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS: int = 20
    LOGIN_FAILURE_WINDOW_SECONDS: int = 15 * 60
    # How long a login lasts without a password (refresh tokens rotate on every use).
    REFRESH_TOKEN_DAYS: int = 14
    # GraphQL hardening: the introspection switch (like GRAPHIQL) is off in production.
    INTROSPECTION: bool = True
    GRAPHQL_MAX_DEPTH: int = 12
    GRAPHQL_MAX_TOKENS: int = 2000
    GRAPHQL_MAX_ALIASES: int = 30
    MAX_BODY_BYTES: int = 1024 * 1024

    @model_validator(mode="before")
    @classmethod
    def _production_defaults(cls, values: Any) -> Any:
        if isinstance(values, dict) and str(values.get("ENVIRONMENT", "")).lower() == "production":
            values.setdefault("GRAPHIQL", False)
            values.setdefault("INTROSPECTION", False)
        return values

    @model_validator(mode="after")
    def _production_needs_a_secret(self) -> "Settings":
        if self.ENVIRONMENT == "production" and (
            self.SECRET_KEY == PUBLIC_DEFAULT_SECRET_KEY or len(self.SECRET_KEY) < 32
        ):
            raise ValueError(
                "ENVIRONMENT=production needs SECRET_KEY set to a private random value of at least 32 "
                "characters (the default is public)"
            )
        return self
