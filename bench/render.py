"""Render benchmark: goal tables (绩效目标表) per second in one process, warm and cold, at two sizes.

    uv run python -m bench.render [--rows 30 120] [--seconds 3]

"Cold" is plain docxtpl as it ships: every render re-reads the template, re-patches its XML and
re-compiles its Jinja template. "Warm" is src.reports.render.Renderer: the template's bytes, patched XML and
compiled template are kept per kind, each render reopens the document from the cached bytes. Both run the
same sandboxed environment on the same context. Each figure renders for --seconds after one warm-up render;
time per document must grow about linearly with the rows (compare the two sizes).
"""

import argparse
import platform
import time
from typing import Any

from src.models.base import utcnow
from src.models.goal import GoalDocumentKind
from src.reports.contexts.goal_table import date_zh
from src.reports.render import Renderer

CATEGORIES = [("产出指标", "数量"), ("产出指标", "质量"), ("产出指标", "时效"), ("效益指标", "社会效益")]


def context(rows: int, *, issued: bool = True, remarks: bool = False) -> dict[str, Any]:
    """A province goal table with `rows` indicators (as src/reports/contexts/goal_table.py gives it): issued
    with its number and dates, or a draft (征求意见稿); `remarks`: every fifth row handed down."""
    date = date_zh(utcnow()) if issued else ""
    return {
        "issued": issued,
        "draft_mark": "" if issued else "征求意见稿",
        "issuer": "四川省财政厅",
        "doc_number": "川财社〔2026〕12号" if issued else "",
        "title": "四川省2026年度职工基本医疗保险（含生育保险）基金预算绩效目标表",
        "title_lines": ["四川省2026年度职工基本医疗保险（含生育保险）基金", "预算绩效目标表"],
        "recipients": "四川省医疗保障局、四川省医疗保障事务中心、国家税务总局四川省税务局：",
        "body": [
            "根据《四川省社会保险基金预算绩效管理实施办法》第十条规定，现将四川省2026年度职工基本医疗保险"
            "（含生育保险）基金预算绩效目标正式下达给你们。",
            "请按照绩效目标组织基金预算执行，做好绩效运行监控，确保绩效目标如期保质保量实现。",
        ],
        "signer": "四川省财政厅",
        "cc": "国家相关部门（财政部、国家医保局、国家税务总局）。",
        "printer": "四川省财政厅",
        "print_date": date,
        "fund": "职工基本医疗保险（含生育保险）基金",
        "region": "四川省",
        "administration": "医疗保障部门",
        "department": "四川省医疗保障局",
        "drafter": "四川省医疗保障事务中心",
        "co_drafter": "国家税务总局四川省税务局",
        "period": "2026年度",
        "status": "已正式下达" if issued else "已报送",
        "version": "1",
        "budget": {
            "revenue": "12,345,678.90",
            "expenditure": "11,234,567.89",
            "current_balance": "1,111,111.01",
            "accumulated_balance": "23,456,789.01",
            "basis": "2026年度基金预算",
        },
        "content": "确保待遇按时足额发放，基金收入应收尽收，支出规范高效，基金运行安全可持续。" * 4,
        "content_paragraphs": ["确保待遇按时足额发放，基金收入应收尽收，支出规范高效，基金运行安全可持续。"]
        * 2,
        "overall_content": "2026—2030年，基金收支平衡、略有结余、安全可持续。",
        "overall_paragraphs": ["2026—2030年，基金收支平衡、略有结余、安全可持续。"],
        "rows": [
            {
                "level1": CATEGORIES[i * len(CATEGORIES) // rows][0],
                "level2": CATEGORIES[i * len(CATEGORIES) // rows][1],
                "level3": f"绩效指标第{i + 1}项（含 & < > 符号）",
                "comparator": "≥",
                "target": f"{95 + i % 5}" if i % 3 else f"{1_234_567 + i:,}",
                "unit": "%" if i % 3 else "人",
                "weight": "3.33",
                "direction": "正向",
                "kind": "定量",
                "handed_down": "省下达（川财社〔2026〕1号）" if remarks and i % 5 == 0 else "",
                "note": "",
            }
            for i in range(rows)
        ],
        "handed_down_all": "",
        "weight_total": "100",
        "date": date,
    }


def per_second(renderer: Renderer, ctx: dict[str, Any], seconds: float) -> tuple[float, float]:
    """Documents per second and mean milliseconds per document."""
    renderer.render(GoalDocumentKind.GOAL_TABLE, ctx)  # warm-up (fills the caches of a warm renderer)
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        renderer.render(GoalDocumentKind.GOAL_TABLE, ctx)
        count += 1
    return count / elapsed, elapsed / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, nargs="+", default=[30, 120])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    print(f"# {platform.machine()} {platform.processor() or ''} Python {platform.python_version()}".rstrip())
    print("| rows | cold docs/s | cold ms/doc | warm docs/s | warm ms/doc |")
    print("|---:|---:|---:|---:|---:|")
    for rows in args.rows:
        ctx = context(rows)
        cold = per_second(Renderer(warm=False), ctx, args.seconds)
        warm = per_second(Renderer(), ctx, args.seconds)
        print(f"| {rows} | {cold[0]:.1f} | {cold[1]:.1f} | {warm[0]:.1f} | {warm[1]:.1f} |")


if __name__ == "__main__":
    main()
