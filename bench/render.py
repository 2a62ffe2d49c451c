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


def context(rows: int) -> dict[str, Any]:
    return {
        "issuer": "四川省财政厅",
        "doc_number": "川财社〔2026〕12号",
        "title": "四川省2026年度职工基本医疗保险（含生育保险）基金预算绩效年度目标表",
        "fund": "职工基本医疗保险（含生育保险）基金",
        "region": "四川省",
        "administration": "医疗保障部门",
        "drafter": "四川省医疗保障事务中心",
        "co_drafter": "国家税务总局四川省税务局",
        "period": "2026年度",
        "status": "已下达（指导性）",
        "version": "1",
        "budget": {
            "revenue": "12,345,678.90",
            "expenditure": "11,234,567.89",
            "current_balance": "1,111,111.01",
            "accumulated_balance": "23,456,789.01",
        },
        "content": "确保待遇按时足额发放，基金收入应收尽收，支出规范高效，基金运行安全可持续。" * 4,
        "rows": [
            {
                "level1": CATEGORIES[i * len(CATEGORIES) // rows][0],
                "level2": CATEGORIES[i * len(CATEGORIES) // rows][1],
                "level3": f"绩效指标第{i + 1}项（含 & < > 符号）",
                "comparator": "≥",
                "target": f"{95 + i % 5}",
                "unit": "%",
                "weight": "3.33",
                "note": "定量指标",
            }
            for i in range(rows)
        ],
        "weight_total": "100",
        "date": date_zh(utcnow()),
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
