"""One place for configuration: every value can be set by an environment variable.

Nothing reads a module-level instance: the CLI builds one Settings and passes it down (create_app,
create_engine, the schema), so what the app verifies with is what it was started with.
"""

import ipaddress
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict

PUBLIC_DEFAULT_SECRET_KEY = "change-me-in-production-this-default-is-public"

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """Comma-separated CIDRs ("10.20.0.0/16, fd00::/8"; an address alone is a /32 or /128)."""
    return tuple(ipaddress.ip_network(part.strip()) for part in text.split(",") if part.strip())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # production: refuses the public default SECRET_KEY; GraphiQL and introspection default to off.
    ENVIRONMENT: Literal["development", "production"] = "development"

    # SQLAlchemy async URL: sqlite+aiosqlite:///var/fundperf.db (default) or postgresql+asyncpg://...
    DATABASE_URL: str = "sqlite+aiosqlite:///var/fundperf.db"
    # Unset: jobs run in-process and events are broadcast in-process (the embedded default).
    REDIS_URL: str | None = None
    STORAGE_DIR: Path = Path("var/storage")
    # Checked even when not set (validate_default): production refuses the public default.
    SECRET_KEY: str = Field(default=PUBLIC_DEFAULT_SECRET_KEY, validate_default=True)
    # GraphiQL and introspection are for development; production turns them off.
    GRAPHIQL: bool = True
    # Echo SQL statements (debugging only).
    SQL_ECHO: bool = False

    # Login throttling, failed attempts within the window: per username and client address, and per client
    # address, a lock for the rest of the window; per username (from any address) only a backoff of seconds
    # (doubling with each further failure, at most LOGIN_BACKOFF_MAX_SECONDS), so nobody can lock a user out.
    LOGIN_MAX_FAILURES_PER_USERNAME_AND_ADDRESS: int = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS: int = 20
    LOGIN_MAX_FAILURES_PER_USERNAME: int = 50
    LOGIN_BACKOFF_MAX_SECONDS: int = 60
    LOGIN_FAILURE_WINDOW_SECONDS: int = 15 * 60
    # The public route (/public/graphql, /public/files): anonymous callers, counted per client address (as
    # FORWARDED_ALLOW_IPS resolves it) in fixed windows; over the limit an HTTP 429 with Retry-After.
    PUBLIC_MAX_REQUESTS_PER_ADDRESS: int = 120
    PUBLIC_RATE_WINDOW_SECONDS: int = 60
    # Reverse proxies trusted to report the client address (X-Forwarded-For): comma-separated addresses or
    # networks, as uvicorn's forwarded_allow_ips. Empty (the default) trusts no proxy: the client address is
    # the connection's peer, whatever headers say.
    FORWARDED_ALLOW_IPS: str = ""
    # The actor cache (src/services/identity/actor_cache.py): how many credentials each process keeps (0:
    # none, every request reads its user again), and how long at most: a change made behind the app's back
    # (psql) takes effect that late; changes made through the app evict at once, in every process.
    ACTOR_CACHE_SIZE: int = Field(default=10_000, ge=0)
    ACTOR_CACHE_SECONDS: float = Field(default=60.0, gt=0)
    # How long a login lasts without a password (refresh tokens rotate on every use).
    REFRESH_TOKEN_DAYS: int = 14
    # GraphQL hardening: the introspection switch (like GRAPHIQL) is off in production.
    INTROSPECTION: bool = True
    GRAPHQL_MAX_DEPTH: int = 12
    GRAPHQL_MAX_TOKENS: int = 2000
    GRAPHQL_MAX_ALIASES: int = 30
    # The most an operation may ask for, computed before it runs (src/schema/cost.py): every field 1, what
    # is selected of a list's items times its page (`first`) or declared maximum size. One page of 100
    # goals with all their indicators costs about 200,000.
    GRAPHQL_MAX_COST: int = 250_000
    # An operation still running after this many seconds is cancelled (OPERATION_TIMEOUT).
    OPERATION_TIMEOUT_SECONDS: float = 10.0
    MAX_BODY_BYTES: int = 1024 * 1024
    # How deep arrays and objects may nest in a request body or WebSocket message (the body's own object is
    # level 1). Python's parser recurses: 30,000 levels broke it. Real variables nest a few levels.
    MAX_JSON_DEPTH: int = Field(default=64, ge=8, le=256)
    # `fundperf worker` stops a report job running longer (arq's job timeout: the job fails). A job left
    # RUNNING longer by a worker that died is queued again by the sweep (FAILED after the last attempt);
    # arq itself retries a dead worker's job this long plus 10 s after it started.
    REPORT_JOB_TIMEOUT_SECONDS: int = Field(default=300, ge=5)
    # A batch renders this many documents at a time and converts them to PDF in one LibreOffice call
    # (src/reports/pdf.py: one soffice start is ~1.6 s, each further document in it ~0.3 s). Larger saves
    # starts; smaller loses less to a call that fails and keeps each call short. A whole batch (up to 300
    # documents) must end within REPORT_JOB_TIMEOUT_SECONDS: it is one job.
    REPORT_BATCH_CHUNK_SIZE: int = Field(default=25, ge=1, le=300)
    # How often an idle `fundperf worker` asks Redis for queued jobs (arq's default is 0.5 s): a requested
    # document starts within this long. One cheap Redis command per poll.
    WORKER_POLL_SECONDS: float = Field(default=0.02, gt=0, le=5)
    # Events (src/events): the relay publishes after each commit that wrote events, and also looks this
    # often (events written by another process, or left by one that stopped before publishing).
    EVENT_RELAY_POLL_SECONDS: float = Field(default=1.0, gt=0, le=60)
    # Events rendered for subscribers name their region and fund: a server keeps those names this long
    # (they change only when reference data is imported), so a delivery reads nothing.
    EVENT_REFERENCE_CACHE_SECONDS: float = Field(default=60.0, ge=0, le=86_400)
    # WebSocket subscriptions: operations one connection may run at once; events one subscriber may fall
    # behind before it is dropped (it resumes with afterEventId); seconds a send may take before the
    # connection is closed; seconds a connection may stay without any operation; largest message accepted.
    WS_MAX_OPERATIONS: int = Field(default=20, ge=1, le=1000)
    WS_QUEUE_SIZE: int = Field(default=1000, ge=10, le=100_000)
    WS_SEND_TIMEOUT_SECONDS: float = Field(default=5.0, gt=0, le=60)
    WS_IDLE_SECONDS: float = Field(default=300.0, gt=0, le=86_400)
    WS_MAX_MESSAGE_BYTES: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024)
    # Deadlines (src/services/deadlines/periodic.py): how often overdue items are looked for and announced,
    # in minutes (the worker's cron runs at the minutes of the hour divisible by it; the server without
    # Redis every this many minutes). 0: never (a deployment that announces nothing overdue).
    DEADLINE_CHECK_MINUTES: int = Field(default=10, ge=0, le=60)
    # Webhooks (src/events/webhooks): how often the dispatcher looks for events to deliver (it is also woken
    # when events are published).
    WEBHOOK_POLL_SECONDS: float = Field(default=1.0, gt=0, le=60)
    # How long one POST to a receiver may take (connect, send, answer) before it counts as a failed attempt.
    WEBHOOK_TIMEOUT_SECONDS: float = Field(default=5.0, gt=0, le=60)
    # Attempts at one event before it is given up on (the hook's cursor moves past it).
    WEBHOOK_MAX_ATTEMPTS: int = Field(default=5, ge=1, le=20)
    # The wait before retry n is this times 2**(n-1): 2, 4, 8, 16 s with the defaults.
    WEBHOOK_BACKOFF_SECONDS: float = Field(default=2.0, ge=0, le=3600)
    # Events given up on in a row (every attempt failed) before the hook is disabled.
    WEBHOOK_DISABLE_AFTER_FAILURES: int = Field(default=3, ge=1, le=1000)
    # Webhooks are never sent to loopback, private, link-local and other internal addresses (whatever a
    # name resolves to), so an administrator cannot probe the server's own networks; except to these
    # networks, comma-separated CIDRs (e.g. "10.20.0.0/16,fd00:1::/64"). Empty: none.
    WEBHOOK_ALLOWED_NETWORKS: str = ""

    # Query operations run from plans kept per operation (src/schema/compiled/), with graphql-core's standard
    # execution as the fallback on anything unexpected; false: every operation takes the standard path (the
    # same answers, slower: a switch for an operator who suspects the planned path, and for the benches).
    COMPILED_EXECUTION: bool = True

    # The response cache (src/app/response_cache/): a query whose every field is classified as following
    # dataVersion is answered with the stored bytes of the same document, variables and visibility scope at
    # the same dataVersion. In memory per process (at most this many entries and bytes, least recently used
    # first out; a larger response is not kept); with REDIS_URL also in Redis, shared by processes, at most
    # RESPONSE_CACHE_REDIS_MAX_ENTRIES entries and RESPONSE_CACHE_REDIS_MAX_BYTES bytes of responses there
    # (least recently used first out, across processes), each entry kept RESPONSE_CACHE_TTL_SECONDS after
    # its last use.
    RESPONSE_CACHE: bool = True
    RESPONSE_CACHE_MAX_ENTRIES: int = Field(default=1000, ge=1, le=1_000_000)
    RESPONSE_CACHE_MAX_BYTES: int = Field(default=256 * 1024 * 1024, ge=1024 * 1024, le=64 * 1024**3)
    RESPONSE_CACHE_MAX_ENTRY_BYTES: int = Field(default=16 * 1024 * 1024, ge=1024, le=1024**3)
    RESPONSE_CACHE_TTL_SECONDS: int = Field(default=600, ge=1, le=7 * 86_400)
    RESPONSE_CACHE_REDIS_MAX_ENTRIES: int = Field(default=10_000, ge=1, le=10_000_000)
    RESPONSE_CACHE_REDIS_MAX_BYTES: int = Field(default=1024**3, ge=1024 * 1024, le=256 * 1024**3)

    # Monitoring entries (Art. 13): the largest entry sheet (XLSX) an upload may send, in bytes, and the most
    # rows one upload (both sheets together) or one actualsRecord / executionRecord call may hold. A
    # prefecture's sheet for a year is a few hundred rows; the uncompressed workbook may be at most
    # MONITORING_UPLOAD_EXPANSION times the upload (a small file that unpacks to gigabytes is refused).
    MONITORING_UPLOAD_MAX_BYTES: int = Field(default=2 * 1024 * 1024, ge=4096, le=64 * 1024 * 1024)
    # An evidence file of a rectification item (Art. 20): larger bodies are refused with 413.
    RECTIFICATION_EVIDENCE_MAX_BYTES: int = Field(default=10 * 1024 * 1024, ge=1024, le=64 * 1024 * 1024)
    MONITORING_ENTRY_MAX_ROWS: int = Field(default=2000, ge=1, le=10_000)
    MONITORING_UPLOAD_EXPANSION: int = Field(default=50, ge=2, le=1000)

    # /metrics (Prometheus' text format) is served only when this is set, and only to a request with
    # `Authorization: Bearer <METRICS_TOKEN>` (401 without); unset, there is no /metrics (404). At least
    # 16 characters: it guards what the server is doing, if not who may do it.
    METRICS_TOKEN: str | None = Field(default=None, min_length=16)

    @field_validator("METRICS_TOKEN", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("WEBHOOK_ALLOWED_NETWORKS")
    @classmethod
    def _networks(cls, value: str) -> str:
        try:
            parse_networks(value)
        except ValueError as exc:  # a typo must not silently allow less, or more, than meant
            raise ValueError(f"WEBHOOK_ALLOWED_NETWORKS must be comma-separated CIDRs: {exc}") from None
        return value

    def webhook_allowed_networks(self) -> tuple[IPNetwork, ...]:
        return parse_networks(self.WEBHOOK_ALLOWED_NETWORKS)

    def uvicorn_proxy_options(self) -> dict[str, Any]:
        """uvicorn's proxy arguments (`fundperf serve`): X-Forwarded-* headers are honoured only from
        FORWARDED_ALLOW_IPS; by default not at all (uvicorn itself would trust 127.0.0.1)."""
        allowed = self.FORWARDED_ALLOW_IPS.strip()
        if not allowed:
            return {"proxy_headers": False, "forwarded_allow_ips": ""}
        return {"proxy_headers": True, "forwarded_allow_ips": allowed}

    @model_validator(mode="before")
    @classmethod
    def _production_defaults(cls, values: Any) -> Any:
        if isinstance(values, dict) and str(values.get("ENVIRONMENT", "")).lower() == "production":
            values.setdefault("GRAPHIQL", False)
            values.setdefault("INTROSPECTION", False)
        return values

    @field_validator("SECRET_KEY")
    @classmethod
    def _production_needs_a_secret(cls, value: str, info: ValidationInfo) -> str:
        # A field validator (ENVIRONMENT is declared before, so it is in info.data): the error names
        # SECRET_KEY, the setting to change.
        if info.data.get("ENVIRONMENT") == "production" and (
            value == PUBLIC_DEFAULT_SECRET_KEY or len(value) < 32
        ):
            raise ValueError(
                "ENVIRONMENT=production needs a private random value of at least 32 characters "
                "(the default is public)"
            )
        return value


def _problem(error: ErrorDetails) -> str:
    """One refused setting: its name and why. Never its value, which may be a secret or hold a password."""
    name = ".".join(str(part) for part in error["loc"]) or "settings"
    cause = error.get("ctx", {}).get("error")
    reason = str(cause) if error["type"] == "value_error" and cause is not None else error["msg"]
    return f"{name}: {reason}"


def settings_problems(error: ValidationError) -> list[str]:
    return [_problem(e) for e in error.errors()]


def settings_from_environment() -> Settings:
    """The settings of a starting process (the CLI, each `serve` worker): a value the environment gives
    that cannot be used ends the process with one line per setting on stderr and status 2 (as argparse
    does for bad arguments), not a traceback."""
    try:
        return Settings()
    except ValidationError as exc:
        for problem in settings_problems(exc):
            print(f"fundperf: {problem}", file=sys.stderr)
        raise SystemExit(2) from None
