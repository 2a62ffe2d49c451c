"""The entry sheet (Art. 13, FORMS §3) drawn and read back: what each region's sheet holds, its layout
(Chinese headers, a frozen header row, number formats, drop-down lists), the round trip of a pre-filled
sheet, and a bad cell answered by sheet, row and column with nothing stored."""

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from src.models import Event
from src.models.enums import BudgetItem, QualitativeGrade
from src.models.monitoring import CompletionLikelihood
from src.services.actors import Actor
from src.services.monitoring import clock
from src.services.monitoring.entry_rows import ActualRow, ExecutionRow
from src.services.monitoring.entry_sheet import entry_sheet_context
from src.services.monitoring.sheet_layout import ACTUALS, EXECUTIONS
from src.services.monitoring.upload import Uploaded, UploadLimits, record_upload
from src.services.monitoring.xlsx_read import UploadRefused, read_entry_sheet
from src.services.monitoring.xlsx_write import draw_entry_sheet
from tests.services.conftest import Sessionmaker, act, database_state, refused
from tests.services.monitoring.entry_world import (
    TODAY,
    World,
    enter,
    execute,
    stored_actuals,
    stored_executions,
)

LIMITS = UploadLimits(max_rows=500, expansion=50)
SUMMED = ["待遇按时足额发放率", "基金收入预算完成率", "参保人数", "技能提升补贴发放人次"]
OWN = ["参保对象满意度", "参保人数增长率", "申领办理时限", "政策调整落实及时性"]


@pytest.fixture(autouse=True)
def mid_july(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "china_today", lambda: TODAY)


async def sheet(sessionmaker: Sessionmaker, actor: Actor, goal_id: int, prefilled: bool = True) -> bytes:
    async with sessionmaker() as session:
        context = await entry_sheet_context(
            session=session, actor=actor, subject_id=goal_id, prefilled=prefilled
        )
    return draw_entry_sheet(context)


def upload(actor: Actor, data: bytes, reason: str = "", limits: UploadLimits = LIMITS) -> Any:
    async def call(session: Any) -> Uploaded:
        return await record_upload(
            session=session, actor=actor, data=data, reason=reason, limits=limits, today=TODAY
        )

    return call


def rows_of(data: bytes, title: str) -> list[tuple[Any, ...]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [tuple(row) for row in workbook[title].iter_rows(values_only=True)]
    finally:
        workbook.close()


def edited(data: bytes, changes: dict[tuple[str, str], Any]) -> bytes:
    """The workbook with cells (sheet, "D5") set, as a user editing it in Excel would leave it."""
    workbook = load_workbook(io.BytesIO(data))
    for (title, cell), value in changes.items():
        workbook[title][cell] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


async def filled_by_jinjiang(sessionmaker: Sessionmaker, world: World) -> None:
    i = world.indicators
    await act(
        sessionmaker,
        enter(
            world.jinjiang.agency,
            [
                ActualRow(
                    indicator_id=i["待遇按时足额发放率"],
                    month=5,
                    numerator=Decimal(998),
                    denominator=Decimal(1000),
                    forecast="全年可达 100%",
                    likelihood=CompletionLikelihood.CERTAIN,
                    remark="第一行\n第二行",
                ),
                ActualRow(indicator_id=i["参保人数"], month=5, value=Decimal("41.2519")),
                ActualRow(indicator_id=i["技能提升补贴发放人次"], month=6, value=Decimal(1250)),
            ],
        ),
    )
    await act(
        sessionmaker,
        execute(
            world.jinjiang.agency,
            [
                ExecutionRow(
                    budget_id=world.budget_id,
                    item=BudgetItem.BENEFITS,
                    month=5,
                    amount=Decimal("123456789.01"),
                )
            ],
        ),
    )


async def test_art6_each_region_gets_the_rows_it_enters(sessionmaker: Sessionmaker, world: World) -> None:
    county = rows_of(await sheet(sessionmaker, world.jinjiang.agency, world.goal_id), ACTUALS.title)
    assert county[0] == ACTUALS.headers
    assert {row[4] for row in county[1:]} == set(SUMMED) and len(county) == 1 + 6 * len(SUMMED)  # Jan–Jun
    assert [row[1] for row in county[1 :: len(SUMMED)]] == [1, 2, 3, 4, 5, 6]
    lines = rows_of(await sheet(sessionmaker, world.jinjiang.agency, world.goal_id), EXECUTIONS.title)
    assert len(lines) == 1 + 6 * len(BudgetItem) and lines[1][3] == "社会保险费收入"
    prefecture = await sheet(sessionmaker, world.chengdu.agency, world.goal_id)
    assert {row[4] for row in rows_of(prefecture, ACTUALS.title)[1:]} == set(OWN)
    assert rows_of(prefecture, EXECUTIONS.title) == [EXECUTIONS.headers]  # its counties enter the budget's


async def test_art13_the_sheet_is_laid_out_for_filling_in(sessionmaker: Sessionmaker, world: World) -> None:
    workbook = load_workbook(io.BytesIO(await sheet(sessionmaker, world.jinjiang.agency, world.goal_id)))
    assert workbook.sheetnames == ["绩效指标", "预算执行", "填报说明"]
    actuals = workbook["绩效指标"]
    assert actuals.freeze_panes == "A2" and actuals["A1"].value == "指标编号（勿改）" and actuals["A1"].font.b
    lists = {str(v.sqref): v.formula1 for v in actuals.data_validations.dataValidation}
    assert lists["N2:N25"] == '"达成,部分达成,未达成"' and lists["U2:U25"] == '"确定能,有可能,完全不可能"'
    assert lists["B2:B25"] == "1"  # months: a whole number from 1 (formula1) to 12
    by_name = {actuals.cell(row=r, column=5).value: r for r in range(2, 6)}
    assert actuals.cell(row=by_name["技能提升补贴发放人次"], column=10).number_format == "#,##0"
    assert actuals.cell(row=by_name["参保人数"], column=10).number_format == "#,##0.00##"
    assert actuals.cell(row=by_name["待遇按时足额发放率"], column=9).value == "按时足额发放人次 / 应发放人次"
    assert workbook["预算执行"]["G2"].number_format == "#,##0.00"
    assert "锦江区" in str(workbook["填报说明"]["A1"].value)


async def test_art13_a_downloaded_sheet_uploaded_unchanged_changes_nothing(
    sessionmaker: Sessionmaker, world: World
) -> None:
    await filled_by_jinjiang(sessionmaker, world)
    data = await sheet(sessionmaker, world.jinjiang.agency, world.goal_id)
    before = await database_state(sessionmaker)
    done = await act(sessionmaker, upload(world.jinjiang.agency, data))
    assert (done.actuals.unchanged, done.executions.unchanged) == (3, 1)
    assert done.actuals.created == done.actuals.corrected == done.executions.created == 0
    assert await database_state(sessionmaker) == before  # no row, event or audit entry written


async def test_art13_an_empty_form_filled_in_is_recorded(sessionmaker: Sessionmaker, world: World) -> None:
    data = await sheet(sessionmaker, world.jinjiang.agency, world.goal_id, prefilled=False)
    rows = rows_of(data, ACTUALS.title)
    rate_row = next(
        n for n, row in enumerate(rows, start=1) if row[4] == "待遇按时足额发放率" and row[1] == 6
    )
    count_row = next(
        n for n, row in enumerate(rows, start=1) if row[4] == "技能提升补贴发放人次" and row[1] == 6
    )
    filled = edited(
        data,
        {
            ("绩效指标", f"K{rate_row}"): 999,
            ("绩效指标", f"L{rate_row}"): 1000,
            ("绩效指标", f"U{rate_row}"): "有可能",
            ("绩效指标", f"J{count_row}"): 1300,
            ("预算执行", "G2"): 1000000.5,
        },
    )
    done = await act(sessionmaker, upload(world.jinjiang.agency, filled))
    assert (done.actuals.created, done.executions.created) == (2, 1)
    stored = {a.month: a for a in await stored_actuals(sessionmaker) if a.numerator is not None}
    assert (stored[6].value, stored[6].likelihood) == (Decimal("99.9000"), CompletionLikelihood.POSSIBLE)
    (line,) = await stored_executions(sessionmaker)
    assert (line.item, line.month, line.amount) == (BudgetItem.CONTRIBUTION, 1, Decimal("1000000.50"))


async def test_art13_bad_cells_are_answered_by_sheet_row_and_column_and_nothing_is_stored(
    sessionmaker: Sessionmaker, world: World
) -> None:
    await filled_by_jinjiang(sessionmaker, world)
    data = await sheet(sessionmaker, world.jinjiang.agency, world.goal_id)
    rows = rows_of(data, ACTUALS.title)
    rate = next(n for n, row in enumerate(rows, start=1) if row[4] == "待遇按时足额发放率" and row[1] == 5)
    count = next(n for n, row in enumerate(rows, start=1) if row[4] == "技能提升补贴发放人次" and row[1] == 2)
    persons = next(n for n, row in enumerate(rows, start=1) if row[4] == "参保人数" and row[1] == 5)
    corrected = next(
        n for n, row in enumerate(rows, start=1) if row[4] == "技能提升补贴发放人次" and row[1] == 6
    )
    bad = edited(
        data,
        {
            ("绩效指标", f"L{rate}"): 0,  # denominator 0 (a correction, too: the reason is missing)
            ("绩效指标", f"J{count}"): "一千",  # not a number
            ("绩效指标", f"U{count}"): "大概能",  # not on the list
            ("绩效指标", f"J{persons}"): -1,  # a count below 0
            ("预算执行", "G3"): -5,  # January's fiscal subsidy below 0 (row 2 is the contribution line)
            ("绩效指标", f"J{corrected}"): 1260,  # a good correction, but the upload gives no reason
        },
    )
    error = await refused(sessionmaker, UploadRefused, upload(world.jinjiang.agency, bad))
    assert error.status == 400
    found = {(p.sheet, p.row, p.column, p.code) for p in error.problems}
    assert found >= {
        ("绩效指标", rate, "L", "OUT_OF_RANGE"),
        ("绩效指标", count, "J", "INVALID"),
        ("绩效指标", count, "U", "INVALID"),
        ("绩效指标", persons, "J", "OUT_OF_RANGE"),
        ("预算执行", 3, "G", "OUT_OF_RANGE"),
    }, error.problems
    assert any(p.field == "reason" and p.code == "REQUIRED" and p.sheet is None for p in error.problems)


async def test_art13_a_refused_upload_keeps_not_even_its_good_new_rows(
    sessionmaker: Sessionmaker, world: World
) -> None:
    """All or nothing on both databases: the new actual is written (under a savepoint) before the budget
    line is refused. On SQLite a savepoint opened outside a transaction commits on its release, which kept
    such rows (src/db.py savepoint)."""
    data = await sheet(sessionmaker, world.jinjiang.agency, world.goal_id, prefilled=False)
    rows = rows_of(data, ACTUALS.title)
    count_row = next(
        n for n, row in enumerate(rows, start=1) if row[4] == "技能提升补贴发放人次" and row[1] == 6
    )
    bad = edited(data, {("绩效指标", f"J{count_row}"): 1300, ("预算执行", "G2"): -5})
    before = await database_state(sessionmaker)
    error = await refused(sessionmaker, UploadRefused, upload(world.jinjiang.agency, bad))
    assert {(p.sheet, p.row, p.column) for p in error.problems} == {("预算执行", 2, "G")}
    assert await database_state(sessionmaker) == before


async def test_art13_rows_beyond_the_limit_and_files_that_are_not_sheets_are_refused(
    sessionmaker: Sessionmaker, world: World
) -> None:
    await filled_by_jinjiang(sessionmaker, world)
    data = await sheet(sessionmaker, world.jinjiang.agency, world.goal_id)
    error = await refused(
        sessionmaker, UploadRefused, upload(world.jinjiang.agency, data, limits=UploadLimits(3, 50))
    )
    assert (error.status, error.problems[0].code) == (400, "TOO_MANY_ROWS")
    assert "至多上传 3 行" in error.problems[0].message
    for junk, code in ((b"not a workbook", "NOT_XLSX"), (_blank_workbook(), "WRONG_LAYOUT")):
        with pytest.raises(UploadRefused) as caught:
            read_entry_sheet(junk, max_rows=10, expansion=50)
        assert caught.value.problems[0].code == code
    with pytest.raises(UploadRefused) as caught:  # unpacks to far more than its size
        read_entry_sheet(data, max_rows=500, expansion=2)
    assert (caught.value.status, caught.value.problems[0].code) == (413, "TOO_LARGE")
    async with sessionmaker() as session:
        assert len((await session.exec(select(Event))).all()) == 4  # filled_by_jinjiang's only


def _blank_workbook() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def test_art13_cells_are_read_as_excel_shows_them() -> None:
    workbook = load_workbook(
        io.BytesIO(draw_entry_sheet({"title": "t", "notes": [], "actuals": [], "executions": []}))
    )
    ws = workbook["绩效指标"]
    ws.append([7, 3, None, None, None, None, None, None, None, None, None, None, None, "部分达成"])
    ws.append([8, 3, None, None, None, None, None, None, None, None, None, None, None, "ACHIEVED"])
    ws.append([9, 3, None, None, None, None, None, None, None, 0.1 + 0.2])  # as Excel saves what it computed
    out = io.BytesIO()
    workbook.save(out)
    parsed = read_entry_sheet(out.getvalue(), max_rows=10, expansion=50)
    grades = [QualitativeGrade.PARTLY_ACHIEVED, QualitativeGrade.ACHIEVED, None]  # by label or by code
    assert [row.grade for row in parsed.actuals] == grades
    assert parsed.actuals[2].value == Decimal("0.3") and parsed.actual_rows == [2, 3, 4]
