"""财政厅's July summary of a year's provincial evaluations (Art. 17) from its data
(src/services/evaluation/provincial_data.py): pure, no database — the integrator registers it with the
function that reads the data.

A numbered 报告 upward: its red 版头 once sent with its number (草稿 before, a blank date), 主送 the national
departments, 抄送 the provincial ones in the 版记; a row per fund; the funds' provincial reports received
as its attachments.

Keys: the shared ones (`issued`, `draft_mark`, `issuer`, `doc_number`, `title`, `title_lines`, `recipients`,
`body`, `signer`, `date`, `cc`, `printer`, `print_date`), `overview`, `funds` [{fund, expected, evaluated,
average, excellent, good, fair, poor, below_pass, rate, report}], `overview_paragraphs`,
`problem_paragraphs`, `next_step_paragraphs` and `attachments`.
"""

from typing import Any

from src.reports.contexts.goal_notice import full_width
from src.reports.contexts.monitoring_common import REGULATION, paragraphs, pct
from src.reports.contexts.provincial_common import broken_title, date_text, grade_counts, text_or_nothing
from src.reports.contexts.self_evaluation_form import DRAFT_MARK
from src.reports.contexts.self_evaluation_rows import score_text
from src.services.evaluation.provincial_data import ProvincialSummaryData, SummaryFundRow

NOT_SENT = "未报送"  # a fund's provincial report not received (SummaryFundRow.report_status_label)
GRADE_KEYS = {"优": "excellent", "良": "good", "中": "fair", "差": "poor"}


def _row(row: SummaryFundRow) -> dict[str, str]:
    counts = grade_counts(row.grade_counts)
    return {
        "fund": full_width(row.fund_name),
        "expected": str(row.expected),
        "evaluated": str(row.evaluated),
        "average": score_text(row.average_score),
        **{key: counts[label] for label, key in GRADE_KEYS.items()},
        "below_pass": str(row.below_pass),
        "rate": pct(row.execution_rate),
        "report": row.report_status_label,
    }


def _overview(data: ProvincialSummaryData) -> str:
    if not data.funds:
        return f"{data.year}年度尚无险种完成省级绩效评价。"
    expected = sum(f.expected for f in data.funds)
    evaluated = sum(f.evaluated for f in data.funds)
    received = sum(1 for f in data.funds if f.report_status_label != NOT_SENT)
    below = sum(f.below_pass for f in data.funds)
    text = (
        f"{data.year}年度全省共{len(data.funds)}个险种开展预算绩效评价，应开展自评的统筹地区{expected}个（次），"
        f"已完成自评{evaluated}个（次），收到省级分险种绩效评价报告{received}份"
    )
    text += f"；自评得分低于合格线的{below}个（次）" if below else "；无自评得分低于合格线的地区"
    return text + "。"


def _attachments(data: ProvincialSummaryData) -> list[str]:
    """The funds' provincial reports received; numbered when there is more than one (GB/T 9704 7.3.4)."""
    names = [
        f"{data.year}年度{full_width(f.fund_name)}预算绩效评价报告"
        for f in data.funds
        if f.report_status_label != NOT_SENT
    ]
    return [f"{i}.{name}" for i, name in enumerate(names, start=1)] if len(names) > 1 else names


def provincial_summary_context(data: ProvincialSummaryData) -> dict[str, Any]:
    issued = bool(data.number) and data.sent_on is not None
    day = date_text(data.sent_on) if issued else ""
    opening = (
        f"根据{REGULATION}第十七条规定，财政厅牵头组织开展了{data.year}年度社会保险基金省级绩效评价，"
        "现将评价情况报告如下。"
    )
    return {
        "issued": issued,
        "draft_mark": "" if issued else DRAFT_MARK,
        "issuer": data.issuer,
        "doc_number": data.number if issued else "",
        "title": data.title,
        "title_lines": broken_title(data.title),
        "recipients": "、".join(data.recipients) + "：" if data.recipients else "",
        "body": [opening],
        "overview": _overview(data),
        "funds": [_row(f) for f in data.funds],
        "overview_paragraphs": paragraphs(data.overview),
        "problem_paragraphs": text_or_nothing(data.problems),
        "next_step_paragraphs": text_or_nothing(data.next_steps),
        "attachments": _attachments(data),
        "signer": data.issuer,
        "date": day,
        "cc": "、".join(data.copies_to) + "。" if data.copies_to else "",
        "printer": data.issuer,
        "print_date": day,
    }
