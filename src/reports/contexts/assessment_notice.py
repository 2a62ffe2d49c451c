"""考核结果通报 (Art. 22) from its data (src/services/assessment/notice_data.py): pure, no database. A
numbered 通报 of 财政厅 issued jointly with 人力资源社会保障厅, 省医保局 and 省税务局 (财政厅's 版头, every
issuer's signature: GB/T 9704 7.2.3, 7.3.5.1): 主送 the prefectures' four bodies, the opening paragraph,
一、考核基本情况 (what was assessed, the weights, the totals of the facts), 二、考核结果 (the ranking
table), 三、表扬 (the commended, named), 四、工作推进不力 (the weak, named, and the 两书一函 that
follows), 五、下一步要求.

Keys: the shared ones (`issued`, `draft_mark`, `issuer`, `doc_number`, `title`, `title_lines`,
`recipients`, `body`, `signers`, `date`, `cc`, `printer`, `print_date`), `basic_paragraphs`,
`result_paragraphs`, `rows`, `commend_paragraphs`, `weak_paragraphs`, `next_paragraphs`.
"""

from decimal import Decimal
from typing import Any

from src.models.assessment import AssessmentOutcome
from src.models.enums import label_zh
from src.reports.contexts.monitoring_common import REGULATION, title_lines
from src.reports.contexts.provincial_common import date_text
from src.reports.contexts.self_evaluation_form import DRAFT_MARK
from src.services.assessment.notice_data import NoticeData, NoticeRow
from src.services.rules.registry import RuleKey

RECIPIENTS = "各市（州）财政局、人力资源社会保障局、医疗保障局，国家税务总局各市（州）税务局："
NOT_APPLICABLE = "不适用"
SHORT = {AssessmentOutcome.WEAK: "推进不力"}  # the table's narrow column: 工作推进不力 on one line
PARTS = (
    (RuleKey.ASSESSMENT_WEIGHT_DEADLINES, "按时完成各项工作"),
    (RuleKey.ASSESSMENT_WEIGHT_SELF_EVALUATION, "绩效自评完成及结果"),
    (RuleKey.ASSESSMENT_WEIGHT_RECTIFICATION, "问题整改"),
    (RuleKey.ASSESSMENT_WEIGHT_WARNINGS, "预警及时处置"),
)
NEXT_STEPS = [
    "各市（州）要对照考核结果，全面梳理社会保险基金预算绩效管理工作中存在的薄弱环节，"
    "按时完成绩效目标编报、运行监控、绩效自评和问题整改等各项工作。",
    "受到表扬的市（州）要总结经验、巩固成效；工作推进不力的市（州）要认真分析原因，"
    "按“两书一函”要求落实整改，并将整改情况及时报送财政厅。",
    "各级财政、人力资源社会保障、医疗保障、税务部门要按照部门职责加强协作，"
    "推动社会保险基金预算绩效管理工作提质增效。",
]


def number(value: Decimal | None) -> str:
    return NOT_APPLICABLE if value is None else f"{value:.2f}"


def title_of(year: int) -> str:
    return f"关于{year}年度各市（州）社会保险基金预算绩效管理工作考核结果的通报"


def _title_words(year: int) -> list[str]:
    return ["关于", f"{year}年度", "各市（州）", "社会保险基金", "预算绩效管理工作", "考核结果的通报"]


def _cell(name: str, score: Decimal | None, part: int, whole: int) -> dict[str, str]:
    """A sub-score and, on its own line, its counts (done on time / due): 90.00 / （18/20）."""
    if score is None:
        return {name: NOT_APPLICABLE, f"{name}_counts": ""}
    return {name: f"{score:.2f}", f"{name}_counts": f"（{part}/{whole}）"}


def _row(item: NoticeRow) -> dict[str, str]:
    r = item.row
    return {
        "rank": str(item.rank),
        "name": item.name,
        "total": f"{r.total:.2f}",
        **_cell("deadlines", r.deadlines_score, r.deadlines_on_time, r.deadlines_due),
        **_cell("evaluations", r.evaluations_score, r.evaluations_accepted, r.evaluations_owed),
        **_cell("rectification", r.rectification_score, r.rectification_on_time, r.rectification_items),
        **_cell("warnings", r.warnings_score, r.warnings_in_time, r.warnings_due),
        "outcome": SHORT.get(r.outcome, label_zh(r.outcome)),
    }


def _sum(data: NoticeData, name: str) -> int:
    return sum(int(getattr(item.row, name)) for item in data.rows)


def _basic(data: NoticeData) -> list[str]:
    due, on_time = _sum(data, "deadlines_due"), _sum(data, "deadlines_on_time")
    weights = "、".join(f"{label}（{data.weights.get(key.value, Decimal(0)):.0f}分）" for key, label in PARTS)
    return [
        f"本次考核对象为全省{len(data.rows)}个市（州），考核内容为{data.year}年度社会保险基金预算绩效管理工作，"
        f"从{weights}四个方面进行，总分100分。各项得分依据系统记录的本市（州）及所辖地区的工作数据计算；"
        "某一方面无可考核事项的，该项不计分，其权重按比例计入其余各项。",
        f"全省应按期完成的工作事项{due}项，按时完成{on_time}项；"
        f"应开展绩效自评{_sum(data, 'evaluations_owed')}项，已上报{_sum(data, 'evaluations_submitted')}项，"
        f"审核通过{_sum(data, 'evaluations_accepted')}项；到期整改事项{_sum(data, 'rectification_items')}项，"
        f"已整改销号{_sum(data, 'rectification_closed')}项；应处置预警{_sum(data, 'warnings_due')}条，"
        f"按时处置{_sum(data, 'warnings_in_time')}条。",
    ]


def _bands(data: NoticeData) -> tuple[str, str]:
    commend = data.weights.get(RuleKey.ASSESSMENT_COMMEND_FROM.value, Decimal(90))
    weak = data.weights.get(RuleKey.ASSESSMENT_WEAK_BELOW.value, Decimal(60))
    return f"{commend:.0f}", f"{weak:.0f}"


def _commend(data: NoticeData) -> list[str]:
    commend, _ = _bands(data)
    named = data.named(AssessmentOutcome.COMMENDED)
    if not named:
        return [f"本年度无考核总分达到{commend}分的市（州）。"]
    return [f"{'、'.join(named)}考核总分达到{commend}分以上，预算绩效管理工作成效明显，予以通报表扬。"]


def _weak(data: NoticeData) -> list[str]:
    _, weak = _bands(data)
    named = data.named(AssessmentOutcome.WEAK)
    if not named:
        return [f"本年度无考核总分低于{weak}分的市（州）。"]
    return [
        f"{'、'.join(named)}考核总分低于{weak}分，预算绩效管理工作推进不力。"
        "将按照预算绩效管理跟踪问效“两书一函”制度予以提醒督促、要求整改，必要时进行工作约谈。"
    ]


def assessment_notice_context(data: NoticeData) -> dict[str, Any]:
    issued = bool(data.number) and data.published_on is not None
    day = date_text(data.published_on) if issued else ""
    issuer = data.issuers[0] if data.issuers else "财政厅"
    joint = "、".join(data.issuers[1:])
    together = f"会同{joint}" if joint else ""
    opening = (
        f"根据{REGULATION}第二十二条规定，{issuer}{together}按照部门职责，对各市（州）{data.year}年度"
        "社会保险基金预算绩效管理工作进行了考核。现将考核结果通报如下："
    )
    commend, weak = _bands(data)
    outcomes = [item.row.outcome for item in data.rows]
    result = (
        f"经考核，考核总分{commend}分以上的市（州）{outcomes.count(AssessmentOutcome.COMMENDED)}个，"
        f"低于{weak}分的{outcomes.count(AssessmentOutcome.WEAK)}个。各市（州）考核结果如下（括号内为按时或"
        "完成事项数/应完成事项数）："
        if data.computed
        else "考核尚未计算。"
    )
    return {
        "issued": issued,
        "draft_mark": "" if issued else DRAFT_MARK,
        "issuer": issuer,
        "doc_number": data.number if issued else "",
        "title": title_of(data.year),
        "title_lines": title_lines(_title_words(data.year)),
        "recipients": RECIPIENTS,
        "body": [opening],
        "basic_paragraphs": _basic(data),
        "result_paragraphs": [result],
        "rows": [_row(item) for item in data.rows],
        "commend_paragraphs": _commend(data),
        "weak_paragraphs": _weak(data),
        "next_paragraphs": NEXT_STEPS,
        "signers": data.issuers,
        "date": day,
        "cc": "",
        "printer": issuer,
        "print_date": day,
    }
