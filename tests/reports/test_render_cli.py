"""`fundperf render` end to end: main([...]) in a thread (it runs its own event loop) on a temporary SQLite
database with the reference and demo data; files in --out under their Chinese names, refusals and failures
with a message and a non-zero exit."""

import io
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from src.cli import main
from src.models.goal import GoalDocumentKind
from src.models.report import ReportFormat, ReportJob, ReportJobStatus
from src.reports.cli import Progress, Scope
from src.reports.jobs import MESSAGE_INTERNAL
from src.reports.jobs.archive import free_name

TIMEOUT_SECONDS = 180


@dataclass(frozen=True)
class Demo:
    database: Path
    storage: Path

    @property
    def url(self) -> str:
        return f"sqlite+aiosqlite:///{self.database}"

    def goal_id(self, region_code: str, fund_code: str, status: str = "ISSUED") -> int:
        with sqlite3.connect(self.database) as conn:
            row = conn.execute(
                "SELECT goal.id FROM goal JOIN region ON region.id = goal.region_id"
                " JOIN fund_type ON fund_type.id = goal.fund_type_id"
                " WHERE region.code = ? AND fund_type.code = ? AND goal.status = ?"
                " AND goal.horizon = 'ANNUAL' AND goal.start_year = 2026",
                (region_code, fund_code, status),
            ).fetchone()
        assert row is not None
        return int(row[0])


def run(*args: str) -> int:
    """`fundperf *args` in a thread of its own, as the command runs it (asyncio.run)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(main, list(args)).result(timeout=TIMEOUT_SECONDS)


def environment(monkeypatch: pytest.MonkeyPatch, database_url: str, storage: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("STORAGE_DIR", str(storage))
    monkeypatch.delenv("REDIS_URL", raising=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """One demo database for the module (`fundperf seed --demo`); each test renders other documents."""
    folder = tmp_path_factory.mktemp("render-cli")
    demo = Demo(folder / "demo.db", folder / "storage")
    with pytest.MonkeyPatch.context() as monkeypatch:
        environment(monkeypatch, demo.url, demo.storage)
        assert run("seed", "--demo") == 0
    yield demo


@pytest.fixture
def env(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> Demo:
    environment(monkeypatch, demo.url, demo.storage)
    return demo


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts.extend(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_a_batch_lands_in_the_folder_under_chinese_names(
    env: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"  # made by the command
    batch = ("--fund", "EMPLOYEE_MEDICAL", "--year", "2026", "--region", "510000")
    assert run("render", "--user", "fin_510000", *batch, "--out", str(tmp_path / "plain")) == 0
    assert len(capsys.readouterr().out.splitlines()) == 20  # the demo's two drafts are left out
    code = run("render", "--user", "fin_510000", *batch, "--include-drafts", "--out", str(out))
    printed = capsys.readouterr()
    assert code == 0, printed.err
    files = sorted(out.iterdir())
    assert sorted(Path(line) for line in printed.out.splitlines()) == files
    assert len(files) == 22  # the province and its 21 prefectures
    names = {f.name for f in files}
    # The title as issued: the year once, full-width brackets (issue 18).
    assert "四川省2026年度职工基本医疗保险（含生育保险）基金预算绩效目标表.docx" in names
    assert "成都市2026年度职工基本医疗保险（含生育保险）基金预算绩效目标表.docx" in names
    for file in files:
        assert file.name.endswith("年度职工基本医疗保险（含生育保险）基金预算绩效目标表.docx")
        assert "预算绩效目标表" in docx_text(file)
    # The province's goal is in force, issued as guiding at the budget deployment in December 2025: its
    # table carries the number it was issued under, of the year of issue.
    province = next(f for f in files if f.name.startswith("四川省"))
    assert "川财社〔2025〕" in docx_text(province)
    # Not a terminal: one line per finished document on stderr, the last one 22/22.
    progress = printed.err.splitlines()
    assert len(progress) == 22 and progress[-1].startswith("22/22 ")


def test_one_goal_and_the_same_request_again(
    env: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goal_id = env.goal_id("510100", "RESIDENT_MEDICAL")
    args = ("render", "--user", "fin_510100", "--goal", str(goal_id), "--out", str(tmp_path))
    assert run(*args) == 0
    (path,) = (Path(line) for line in capsys.readouterr().out.splitlines())
    assert path == tmp_path / "成都市2026年度城乡居民基本医疗保险基金预算绩效目标表.docx"
    text = docx_text(path)
    assert "成财社〔2026〕" in text and "成都市财政局" in text
    first = path.read_bytes()
    path.unlink()
    # The same request on unchanged data finds the job done: its file is copied again, not re-rendered.
    assert run(*args) == 0
    assert path.read_bytes() == first


def test_a_draft_renders_without_a_number(
    env: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goal_id = env.goal_id("510300", "RESIDENT_PENSION", status="DRAFT")
    assert run("render", "--user", "fin_510000", "--goal", str(goal_id), "--out", str(tmp_path)) == 0
    (path,) = (Path(line) for line in capsys.readouterr().out.splitlines())
    # No number of its own (自财社〔…〕); its notice may quote the province's it comes from (川财社〔…〕).
    assert path.name.startswith("自贡市") and "自财社" not in docx_text(path)


@pytest.mark.parametrize(
    ("user", "message"),
    [("nobody", "用户不存在或已停用：nobody"), ("fin_511800", "未找到绩效目标：")],
    ids=["unknown user", "goal the user may not see"],
)
def test_a_refused_request_exits_with_its_reason(
    env: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str], user: str, message: str
) -> None:
    goal_id = env.goal_id("510100", "EMPLOYEE_MEDICAL")  # 成都市's: 雅安市's finance bureau cannot see it
    assert run("render", "--user", user, "--goal", str(goal_id), "--out", str(tmp_path / "out")) == 1
    printed = capsys.readouterr()
    assert message in printed.err and printed.out == ""
    assert not (tmp_path / "out").exists()


def test_an_unknown_region_of_a_batch_is_refused(
    env: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--fund", "EMPLOYEE_MEDICAL", "--year", "2026", "--region", "999999", "--out", str(tmp_path))
    assert run("render", "--user", "fin_510000", *args) == 1
    assert "区划不存在：999999" in capsys.readouterr().err


def test_a_failed_document_is_reported_and_exits_1(
    env: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("storage cannot be made here")
    monkeypatch.setenv("STORAGE_DIR", str(blocked))
    goal_id = env.goal_id("510700", "PUBLIC_SECTOR_PENSION")  # no other test renders it
    assert run("render", "--user", "fin_510000", "--goal", str(goal_id), "--out", str(tmp_path / "out")) == 1
    printed = capsys.readouterr()
    assert f"目标 {goal_id}" in printed.err and MESSAGE_INTERNAL in printed.err
    assert printed.out == ""


@pytest.mark.parametrize(
    "scope",
    [["--goal", "1", "--year", "2026"], ["--fund", "EMPLOYEE_MEDICAL", "--year", "2026"], []],
    ids=["goal and batch", "batch without a region", "nothing"],
)
def test_exactly_one_scope(scope: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["render", "--user", "fin_510000", *scope])
    assert exited.value.code == 2
    assert "give --goal ID, or --fund CODE --year YEAR --region CODE" in capsys.readouterr().err


def test_scope_of() -> None:
    assert Scope.of(goal_id=7, fund_type_code=None, year=None, region_code=None) == Scope(goal_id=7)
    batch = Scope.of(goal_id=None, fund_type_code="WORK_INJURY", year=2026, region_code="510000")
    assert batch == Scope(fund_type_code="WORK_INJURY", year=2026, region_code="510000")
    assert Scope.of(goal_id=None, fund_type_code="WORK_INJURY", year=None, region_code="510000") is None


def job(**values: Any) -> ReportJob:
    return ReportJob(
        kind=GoalDocumentKind.GOAL_TABLE,
        format=ReportFormat.DOCX,
        subject_type="Goal",
        fingerprint="f",
        requested_by_id=1,
        organization_id=1,
        **values,
    )


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_is_redrawn_on_a_terminal_and_is_lines_elsewhere() -> None:
    done = job(id=3, subject_id=9, file_name="表.docx", status=ReportJobStatus.SUCCEEDED)
    failed = job(id=4, subject_id=10, status=ReportJobStatus.FAILED, error="出错了")
    terminal = Terminal()
    bar = Progress(4, terminal)
    bar.start()
    bar.finished(done)
    bar.finished(failed)
    bar.close()
    assert terminal.getvalue() == (
        "\r[....................] 0/4\r[#####...............] 1/4\r[##########..........] 2/4\n"
    )
    log = io.StringIO()
    lines = Progress(2, log)
    lines.start()
    lines.finished(done)
    lines.finished(failed)
    lines.close()
    assert log.getvalue() == "1/2 表.docx\n2/2 失败：目标 10（任务 4）：出错了\n"


def test_a_name_taken_in_this_run_gets_a_number() -> None:
    taken: set[str] = set()
    assert [free_name("表.docx", taken) for _ in range(3)] == ["表.docx", "表（2）.docx", "表（3）.docx"]
