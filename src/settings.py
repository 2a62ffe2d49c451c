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
    SECRET_KEY: str = "change-me-in-production"
    # GraphiQL and introspection are for development; production turns them off.
    GRAPHIQL: bool = True
    # Echo SQL statements (debugging only).
    SQL_ECHO: bool = False


settings = Settings()
