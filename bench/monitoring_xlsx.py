"""The XLSX round trip of a prefecture's monitoring entry sheets (issue 19, Measure): a measure of
bench/monitoring.py (its MEASURES hook), on its national data set.

成都市 pools four funds; each of their goals in force has an entry sheet per entering agency (its own and
its counties', bench/entry_sheets.py). For every such sheet, as that agency: the pre-filled context
(entry_sheet_context), every entry row filled in (the user's part, not timed), drawn to bytes
(draw_entry_sheet), then read, checked and recorded (record_upload) in a session rolled back afterwards, so
every run sees the same data. The calendar is fixed at TODAY (2026 is over: every sheet holds its twelve
months); the months the data set entered (March, June) are corrected, with a reason, the others new.

Peak Python memory (tracemalloc: Python's allocations, not those of C libraries) is taken in a separate,
untimed pass, which also warms up, so tracing does not slow the timed runs. Then, for linearity, synthetic
sheets of SIZES rows (the real sheets' filled rows repeated) are drawn and read back (read_entry_sheet only).
"""

import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bench.entry_sheets import Sheet, calendar, filled, prefecture_sheets, rows_of, synthetic
from bench.read_api import BenchFailure
from src.models import Indicator
from src.services.actors import Actor
from src.services.monitoring.entry_sheet import entry_sheet_context
from src.services.monitoring.upload import UploadLimits, record_upload
from src.services.monitoring.xlsx_read import UploadRefused, read_entry_sheet
from src.services.monitoring.xlsx_write import draw_entry_sheet
from src.settings import Settings
from tests.support.sql import StatementCounter, count_statements

PREFECTURE = "510100"  # 成都市
TODAY = date(2027, 1, 20)
REPEAT = 3  # MEASURES take no count of runs: bench/monitoring.py's default
SIZES = (1_000, 10_000)
REASON = "基准测试：整表重新填报"
DEFAULTS = Settings.model_fields
EXPANSION = int(DEFAULTS["MONITORING_UPLOAD_EXPANSION"].default)
LIMITS = UploadLimits(max_rows=int(DEFAULTS["MONITORING_ENTRY_MAX_ROWS"].default), expansion=EXPANSION)
PHASES = {
    "context": "pre-filled context",
    "draw": "draw (to bytes)",
    "upload": "read+check+record",
    "read": "  of which reading",
    "round trip": "whole round trip",
}
MIB = 1024 * 1024
T = TypeVar("T")


@dataclass
class Sized:
    """A synthetic sheet: its rows, file size, median seconds and peak bytes to draw and to read."""

    rows: int
    size: int = 0
    draw: float = 0.0
    read: float = 0.0
    draw_peak: int = 0
    read_peak: int = 0


@dataclass
class RoundTrip:
    region: str
    goals: int
    sheets: int
    actual_rows: int = 0
    execution_rows: int = 0
    largest: int = 0  # rows of the largest sheet
    seconds: dict[str, float] = field(default_factory=dict)  # by phase: the median run, all sheets
    draw_peak: int = 0  # bytes: the largest of any sheet's
    upload_peak: int = 0
    statements: dict[str, int] = field(default_factory=dict)  # by phase, all sheets (context, upload)
    sized: list[Sized] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.actual_rows + self.execution_rows


def _reset() -> int:
    """The traced memory now, the peak reset to it (tracemalloc running)."""
    tracemalloc.reset_peak()
    return tracemalloc.get_traced_memory()[0]


def _traced(call: Callable[..., T], *args: Any) -> tuple[T, int]:
    """What `call` returns and the peak of Python memory it took beyond what was allocated before."""
    base = _reset()
    result = call(*args)
    return result, tracemalloc.get_traced_memory()[1] - base


async def _upload(
    sessionmaker: async_sessionmaker[AsyncSession], actor: Actor, data: bytes, rows: int
) -> None:
    async with sessionmaker() as session:
        try:
            done = await record_upload(
                session=session, actor=actor, data=data, reason=REASON, limits=LIMITS, today=TODAY
            )
        except UploadRefused as refused:
            raise BenchFailure(f"upload by {actor.username} refused: {refused.problems[:3]}") from refused
        finally:
            await session.rollback()
    a, e = done.actuals, done.executions
    if a.created + a.corrected + a.unchanged + e.created + e.corrected + e.unchanged != rows:
        raise BenchFailure(f"upload by {actor.username}: {rows} rows sent, {done} recorded")


async def _run(
    sessionmaker: async_sessionmaker[AsyncSession],
    sheets: Sequence[Sheet],
    indicators: dict[int, Indicator],
    peaks: RoundTrip | None = None,
    counter: StatementCounter | None = None,
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """One pass over every sheet: the filled contexts and the seconds of each phase, all sheets together
    (the upload's reading also timed alone, apart); with `peaks` (tracemalloc running), the largest peaks
    of a draw and of an upload are kept there, and the statements `counter` counts."""
    contexts, seconds = [], dict.fromkeys(("context", "draw", "upload", "read"), 0.0)
    for sheet in sheets:
        before = counter.count if counter else 0
        started = time.perf_counter()
        async with sessionmaker() as session:
            context = await entry_sheet_context(
                session=session, actor=sheet.actor, subject_id=sheet.goal_id, prefilled=True
            )
        seconds["context"] += time.perf_counter() - started
        after_context = counter.count if counter else 0
        ready = filled(context, indicators)  # the user's part: not timed
        contexts.append(ready)
        started = time.perf_counter()
        data, draw_peak = _traced(draw_entry_sheet, ready) if peaks else (draw_entry_sheet(ready), 0)
        seconds["draw"] += time.perf_counter() - started
        if not peaks:
            started = time.perf_counter()
            read_entry_sheet(data, max_rows=LIMITS.max_rows, expansion=EXPANSION)
            seconds["read"] += time.perf_counter() - started
        base = _reset() if peaks else 0
        started = time.perf_counter()
        await _upload(sessionmaker, sheet.actor, data, rows_of(ready))
        seconds["upload"] += time.perf_counter() - started
        if peaks and counter:
            counts = peaks.statements
            counts["context"] = counts.get("context", 0) + after_context - before
            counts["upload"] = counts.get("upload", 0) + counter.count - after_context
        if peaks:
            peaks.draw_peak = max(peaks.draw_peak, draw_peak)
            peaks.upload_peak = max(peaks.upload_peak, tracemalloc.get_traced_memory()[1] - base)
    return contexts, seconds


def _read(data: bytes, rows: int) -> None:
    parsed = read_entry_sheet(data, max_rows=rows, expansion=EXPANSION)
    if parsed.problems or len(parsed.actuals) + len(parsed.executions) != rows:
        raise BenchFailure(f"the synthetic sheet of {rows} rows read back wrong: {parsed.problems[:3]}")


def measure_sized(contexts: Sequence[dict[str, Any]], rows: int, repeat: int) -> Sized:
    """A synthetic sheet of `rows` rows drawn and read back: peaks in an untimed pass, then timed."""
    context = synthetic(contexts, rows)
    sized = Sized(rows)
    tracemalloc.start()
    try:
        data, sized.draw_peak = _traced(draw_entry_sheet, context)
        _, sized.read_peak = _traced(_read, data, rows)
    finally:
        tracemalloc.stop()
    sized.size = len(data)
    draws, reads = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        data = draw_entry_sheet(context)
        draws.append(time.perf_counter() - started)
        started = time.perf_counter()
        _read(data, rows)
        reads.append(time.perf_counter() - started)
    sized.draw, sized.read = statistics.median(draws), statistics.median(reads)
    return sized


async def measure(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    code: str = PREFECTURE,
    repeat: int = REPEAT,
    sizes: Sequence[int] = SIZES,
) -> RoundTrip:
    """The round trip of every entry sheet of the prefecture `code` (see the module's description)."""
    with calendar(TODAY):
        async with sessionmaker() as session:
            found = await prefecture_sheets(session, code)
        region = f"{found.prefecture.code} {found.prefecture.name}"
        result = RoundTrip(region, found.goals, len(found.sheets))
        tracemalloc.start()
        try:  # the untimed pass: the peaks, the statements (and a warm-up)
            with count_statements(engine) as counter:
                contexts, _ = await _run(sessionmaker, found.sheets, found.indicators, result, counter)
        finally:
            tracemalloc.stop()
        result.actual_rows = sum(len(c["actuals"]) for c in contexts)
        result.execution_rows = sum(len(c["executions"]) for c in contexts)
        result.largest = max(rows_of(c) for c in contexts)
        runs = [(await _run(sessionmaker, found.sheets, found.indicators))[1] for _ in range(repeat)]
        for phase in ("context", "draw", "upload", "read"):
            result.seconds[phase] = statistics.median(run[phase] for run in runs)
        whole = [run["context"] + run["draw"] + run["upload"] for run in runs]
        result.seconds["round trip"] = statistics.median(whole)
        result.sized = [measure_sized(contexts, rows, repeat) for rows in sizes]
    return result


def report(result: RoundTrip, repeat: int = REPEAT) -> str:
    lines = [
        f"\nThe entry sheets' XLSX round trip, {result.region}: {result.goals} goals in force, "
        f"{result.sheets} sheets (its agencies' and its counties'), months 1-12 as on {TODAY}; median of "
        f"{repeat} runs:",
        f"  {result.rows:,} rows ({result.actual_rows:,} indicator actuals, {result.execution_rows:,} budget "
        f"execution lines), the largest sheet {result.largest:,} rows",
    ]
    for phase, label in PHASES.items():
        seconds = result.seconds[phase]
        lines.append(f"  {label:20s} {seconds:7.2f} s → {result.rows / seconds:8,.0f} rows/s")
    context, upload = result.statements["context"], result.statements["upload"]
    lines.append(
        f"  statements: {context:,} for the contexts ({context / result.sheets:.0f} a sheet), {upload:,} for "
        f"the uploads ({upload / result.rows:.2f} a row)"
    )
    lines.append(
        f"  peak Python memory of one sheet (tracemalloc, a separate pass; the largest): draw "
        f"{result.draw_peak / MIB:.1f} MiB, upload {result.upload_peak / MIB:.1f} MiB"
    )
    lines.append("Synthetic sheets (those rows repeated), drawn and read back (read_entry_sheet only):")
    for s in result.sized:
        lines.append(
            f"  {s.rows:6,d} rows, {s.size / 1024:6,.0f} KiB: draw {s.draw:6.2f} s → {s.rows / s.draw:7,.0f} "
            f"rows/s, peak {s.draw_peak / MIB:6.1f} MiB; read {s.read:6.2f} s → {s.rows / s.read:7,.0f} "
            f"rows/s, peak {s.read_peak / MIB:5.1f} MiB"
        )
    return "\n".join(lines)


async def xlsx_round_trip(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]) -> str:
    """The measure bench/monitoring.py runs (MEASURES)."""
    return report(await measure(engine, sessionmaker))
