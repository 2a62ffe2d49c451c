"""One place for configuration: every value can be set by an environment variable."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # SQLAlchemy async URL: sqlite+aiosqlite:///var/fundperf.db (default) or postgresql+asyncpg://...
    DATABASE_URL: str = "sqlite+aiosqlite:///var/fundperf.db"
    # Unset: jobs run in-process and events are broadcast in-process (the embedded default).
    REDIS_URL: str | None = None
    STORAGE_DIR: Path = Path("var/storage")
    SECRET_KEY: str = "change-me-in-production-this-default-is-public"
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


settings = Settings()
