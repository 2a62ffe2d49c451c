"""Recording an uploaded entry sheet: read (xlsx_read.py), then recorded through the same services as
actualsRecord and executionRecord, in the caller's transaction. Every problem — a cell that does not read,
a value its indicator refuses, a row of a goal or budget the uploader may not see, a correction without a
reason — is answered by sheet, row and column, and then nothing of the file is kept (the caller rolls
back). A row the uploader may not enter is Forbidden, a correction of a row changed meanwhile a Conflict,
as through the API."""

import asyncio
from dataclasses import dataclass
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.monitoring import BudgetExecution, IndicatorActual
from src.services.actors import Actor
from src.services.errors import ErrorCode, FieldProblem, NotFound, ValidationFailed
from src.services.monitoring.entries import record_actuals
from src.services.monitoring.entry_rows import Recorded
from src.services.monitoring.executions import record_executions
from src.services.monitoring.sheet_layout import ACTUALS, EXECUTIONS, Sheet
from src.services.monitoring.xlsx_read import CellProblem, UploadRefused, read_entry_sheet
from src.services.policy import require_writer

PREFIXES = {ACTUALS.title: "actuals", EXECUTIONS.title: "executions"}


@dataclass(frozen=True)
class UploadLimits:
    max_rows: int
    expansion: int


@dataclass
class Uploaded:
    actuals: Recorded[IndicatorActual]
    executions: Recorded[BudgetExecution]


def _cells(sheet: Sheet, rows: list[int], problems: list[FieldProblem]) -> list[CellProblem]:
    """The services' problems (`actuals.3.numerator`, `input.reason`) as the sheet's cells."""
    cells = []
    for problem in problems:
        parts = problem.field.split(".")
        if parts[0] == PREFIXES[sheet.title] and len(parts) == 3 and parts[1].isdigit():
            row, field = rows[int(parts[1])], parts[2]
            cells.append(
                CellProblem(sheet.title, row, sheet.letter(field), field, problem.message, problem.code)
            )
        else:  # the reason: of no cell (the upload's `reason` parameter)
            cells.append(CellProblem(None, None, None, parts[-1], problem.message, problem.code))
    return cells


def _absent(sheet: Sheet, rows: list[int], keys: list[int], error: NotFound) -> list[CellProblem]:
    """A goal or budget the uploader may not see, at every row that names it."""
    key_field = "indicator_id" if sheet is ACTUALS else "budget_id"
    message = f"{error.entity}不存在或您无权查看（编号 {error.key}）"
    return [
        CellProblem(sheet.title, row, sheet.letter(key_field), key_field, message, ErrorCode.NOT_FOUND)
        for row, key in zip(rows, keys, strict=True)
        if str(key) == error.key
    ]


def _dedupe(problems: list[CellProblem]) -> list[CellProblem]:
    seen: set[tuple[object, ...]] = set()
    unique = []
    for problem in problems:
        key = (problem.sheet, problem.row, problem.column, problem.field, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


async def record_upload(
    *,
    session: AsyncSession,
    actor: Actor,
    data: bytes,
    reason: str,
    limits: UploadLimits,
    today: date | None = None,
) -> Uploaded:
    """Records an uploaded entry sheet as `actor` (UploadRefused with every problem; nothing is written
    unless the caller commits, which it does only when this returns)."""
    require_writer(actor)
    # Reading a workbook is CPU work (a second for a large one): off the event loop, as rendering is.
    parsed = await asyncio.to_thread(
        read_entry_sheet, data, max_rows=limits.max_rows, expansion=limits.expansion
    )
    problems = list(parsed.problems)
    actuals: Recorded[IndicatorActual] = Recorded()
    executions: Recorded[BudgetExecution] = Recorded()
    try:
        names = [f"“{ACTUALS.title}”表第 {row} 行" for row in parsed.actual_rows]
        actuals = await record_actuals(
            session=session,
            actor=actor,
            rows=parsed.actuals,
            reason=reason,
            prefix="actuals",
            row_names=names,
            today=today,
        )
    except ValidationFailed as exc:
        problems += _cells(ACTUALS, parsed.actual_rows, exc.problems)
    except NotFound as exc:
        keys = [row.indicator_id for row in parsed.actuals]
        problems += _absent(ACTUALS, parsed.actual_rows, keys, exc)
    try:
        names = [f"“{EXECUTIONS.title}”表第 {row} 行" for row in parsed.execution_rows]
        executions = await record_executions(
            session=session,
            actor=actor,
            rows=parsed.executions,
            reason=reason,
            prefix="executions",
            row_names=names,
            today=today,
        )
    except ValidationFailed as exc:
        problems += _cells(EXECUTIONS, parsed.execution_rows, exc.problems)
    except NotFound as exc:
        keys = [row.budget_id for row in parsed.executions]
        problems += _absent(EXECUTIONS, parsed.execution_rows, keys, exc)
    if problems:
        raise UploadRefused(400, _dedupe(problems))
    return Uploaded(actuals, executions)
