"""The actor's values of the kept reportJob statement are written into its SQL; only the job id binds."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from src.models.report import ReportJob, ReportJobStatus
from src.reports.jobs.fixed_values import fixed_values

TABLE = ReportJob.__table__  # type: ignore[attr-defined]


def _statement(region_id: int, kind: str) -> sa.Select[tuple[int]]:
    return sa.select(TABLE.c.id).where(
        TABLE.c.region_id == region_id,
        TABLE.c.status == ReportJobStatus.QUEUED,
        TABLE.c.kind == kind,
        TABLE.c.id == sa.bindparam("job_id"),
    )


def test_only_the_kept_parameter_binds() -> None:
    for dialect in (sqlite.dialect(), postgresql.asyncpg.dialect()):  # type: ignore[no-untyped-call]
        compiled = fixed_values(_statement(7, "o'x"), "job_id").compile(dialect=dialect)
        assert list(compiled.params) == ["job_id"]
        sql = str(compiled)
        assert "region_id = 7" in sql
        assert "status = 'QUEUED'" in sql  # the enum's stored value, as process_bind_param makes it
        assert "kind = 'o''x'" in sql  # quoted by the dialect


def test_different_values_never_share_compiled_sql() -> None:
    first = fixed_values(_statement(1, "a"), "job_id")._generate_cache_key()
    same = fixed_values(_statement(1, "a"), "job_id")._generate_cache_key()
    other = fixed_values(_statement(2, "a"), "job_id")._generate_cache_key()
    assert first is not None and same is not None and other is not None
    assert first.key == same.key
    assert first.key != other.key


def test_an_enum_keys_by_its_class_and_value() -> None:
    queued = fixed_values(_statement(1, "a"), "job_id")._generate_cache_key()
    running = fixed_values(
        _statement(1, "a").where(TABLE.c.status == ReportJobStatus.RUNNING), "job_id"
    )._generate_cache_key()
    assert queued is not None and running is not None
    assert queued.key != running.key
    assert ReportJobStatus.QUEUED.value in _flat(queued.key)


def _flat(key: object) -> list[object]:
    if isinstance(key, tuple):
        return [item for part in key for item in _flat(part)]
    return [key]
