"""评价结果反馈函 (Art. 19; FORMS §4C) from its data (src/services/feedback/letter_data.py): pure, no
database. A numbered 函 of 财政厅 issued jointly with the fund's administration and 省税务局: the 版头 with
its number once sent (草稿 before, a blank date), 主送 the region's finance, administration and agency, the
opening paragraph, 一、评价结果 (the score and grade), 二、主要成效, 三、存在问题, 四、整改要求 (the
recommendations, the requirement and the answer-by date: 收文之日起N日内), 五、结果应用, the signature of
each issuing body; in the 信函格式 (GB/T 9704 10.1: the issuers' names over the red double rule,
no 印发 lines).

Keys: the shared ones (`issued`, `draft_mark`, `issuer`, `doc_number`, `title`, `title_lines`,
`recipients`, `body`, `signers`, `date`), `result_paragraphs`,
`achievement_paragraphs`, `problem_paragraphs`, `rectification_paragraphs` and `application_paragraphs`.
"""

from typing import Any

from src.reports.contexts.goal_notice import full_width
from src.reports.contexts.monitoring_common import REGULATION, paragraphs
from src.reports.contexts.provincial_common import broken_title, date_text, text_or_nothing
from src.reports.contexts.self_evaluation_form import DRAFT_MARK
from src.reports.contexts.self_evaluation_rows import score_text
from src.services.feedback.letter_data import FeedbackLetterData


def title_of(data: FeedbackLetterData) -> str:
    return f"关于反馈{data.year}年度{full_width(data.fund_name)}预算绩效评价结果的函"


def _result(data: FeedbackLetterData) -> list[str]:
    if data.score is None:
        return [f"{data.region_name}{data.year}年度{full_width(data.fund_name)}绩效自评尚无得分。"]
    grade = f"，评价等级为“{data.grade_label}”" if data.grade_label else ""
    return [
        f"经审核，{data.region_name}{data.year}年度{full_width(data.fund_name)}预算绩效自评得分"
        f"{score_text(data.score)}分{grade}。"
    ]


def _rectification(data: FeedbackLetterData) -> list[str]:
    """The recommendations, the requirement and when the answer is due (收文之日起N日内)."""
    found = paragraphs(data.recommendations) + paragraphs(data.rectification)
    due = f"（{date_text(data.answer_by)}前）" if data.answer_by else ""
    found.append(
        f"请你们针对上述问题认真研究整改措施，于收文之日起{data.answer_days}日内{due}"
        f"将整改情况书面报送{data.issuers[0] if data.issuers else '财政厅'}。"
    )
    return found


def feedback_letter_context(data: FeedbackLetterData) -> dict[str, Any]:
    issued = bool(data.number) and data.sent_on is not None
    day = date_text(data.sent_on) if issued else ""
    issuer = data.issuers[0] if data.issuers else "财政厅"
    joint = "、".join(data.issuers[1:])
    together = f"会同{joint}" if joint else ""
    opening = (
        f"根据{REGULATION}第十九条规定，{issuer}{together}对{data.region_name}{data.year}年度"
        f"{full_width(data.fund_name)}预算绩效自评结果进行了分析评价。现将评价结果反馈如下："
    )
    title = title_of(data)
    return {
        "issued": issued,
        "draft_mark": "" if issued else DRAFT_MARK,
        "doc_number": data.number if issued else "",
        "title": title,
        "title_lines": broken_title(title),
        "recipients": "、".join(data.recipients) + "：" if data.recipients else "",
        "body": [opening],
        "result_paragraphs": _result(data),
        "achievement_paragraphs": text_or_nothing(data.achievements),
        "problem_paragraphs": text_or_nothing(data.problems),
        "rectification_paragraphs": _rectification(data),
        "application_paragraphs": text_or_nothing(data.application),
        "signers": data.issuers,
        "date": day,
    }
