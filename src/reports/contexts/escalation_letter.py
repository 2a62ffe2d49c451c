"""The three 两书一函 letters (Art. 22; FORMS §4C) from their data (src/services/escalation/letter_data.py):
pure, no database. Each a numbered GB/T 9704 document of 财政厅 issued jointly (人社厅, 省医保局, 省税务局):
the 版头 with its number, the title,
主送 the prefecture's bodies (its tax bureau after a comma, as
「成都市财政局、成都市人力资源和社会保障局、成都市医疗保障局，国家税务总局成都市税务局：」),
the opening with the reason, 一、存在问题 (the facts), 二、the requirement (the 整改通知书's
问题清单, the 约谈函's 约谈安排) and the answer-by date, the signature of each issuing body and the 版记.

Keys: the shared ones (`issued`, `draft_mark`, `issuer`, `doc_number`, `title`, `title_lines`,
`recipients`, `body`, `signers`, `date`, `cc`, `printer`, `print_date`), `fact_heading`,
`fact_paragraphs`, `requirement_heading`, `requirement_paragraphs`.
"""

from datetime import date, datetime
from typing import Any

from src.reports.contexts.monitoring_common import REGULATION, paragraphs
from src.reports.contexts.provincial_common import broken_title, date_text, text_or_nothing
from src.services.escalation.letter_data import EscalationLetterData

NUMERALS = "一二三四五六七八九十"
OPENINGS = {
    1: "现予以提醒督促",
    2: "现要求你们限期整改",
    3: "现约请你们进行工作约谈",
}
REQUIREMENT_HEADINGS = {1: "二、工作要求", 2: "二、整改要求及问题清单", 3: "二、约谈安排"}


def recipients_line(names: list[str]) -> str:
    """主送: the bodies joined by 、, the tax bureau (a 国家税务总局 body) after a comma."""
    local = [n for n in names if not n.startswith("国家税务总局")]
    tax = [n for n in names if n.startswith("国家税务总局")]
    line = "、".join(local)
    if tax:
        line = f"{line}，{'、'.join(tax)}" if line else "、".join(tax)
    return f"{line}：" if line else ""


def _item(i: int) -> str:
    return f"（{NUMERALS[i]}）" if i < len(NUMERALS) else f"（{i + 1}）"


def sentence(text: str) -> str:
    """A user's text closed with 。 unless it ends with a stop (the parts print one after another)."""
    return text if text.endswith(("。", "；", "！", "？")) else f"{text}。"


def _issues(content: dict[str, Any]) -> list[str]:
    rows = content.get("issues") or []
    return [
        f"{_item(i)}问题：{sentence(row['problem'])}整改要求：{sentence(row['requirement'])}"
        f"整改时限：{date_text(date.fromisoformat(row['deadline']))}前。"
        f"责任单位：{sentence(row['responsible'])}"
        for i, row in enumerate(rows)
    ]


def _interview(content: dict[str, Any]) -> list[str]:
    found = content.get("interview")
    if not found:
        return []
    at = datetime.fromisoformat(found["time"])
    when = (
        f"{date_text(at.date())}{at.hour}时{at.minute:02d}分"
        if at.minute
        else f"{date_text(at.date())}{at.hour}时"
    )
    return [
        f"（一）约谈事由：{found['matter']}",
        f"（二）约谈时间：{when}",
        f"（三）约谈地点：{found['place']}",
        f"（四）约谈对象：{found['interviewees']}",
        f"（五）需准备材料：{found['materials']}",
    ]


def escalation_letter_context(data: EscalationLetterData) -> dict[str, Any]:
    day = date_text(data.sent_on)
    issuer = data.issuers[0] if data.issuers else "财政厅"
    joint = "、".join(data.issuers[1:])
    together = f"会同{joint}" if joint else ""
    opening = (
        f"根据{REGULATION}第二十二条和预算绩效管理跟踪问效“两书一函”制度，{issuer}{together}对"
        f"{data.region_name}{data.year}年度社会保险基金预算绩效管理工作进行了跟踪。"
        f"{''.join(paragraphs(data.reason))}{OPENINGS[data.level]}。"
    )
    requirement = paragraphs(data.requirement) + _issues(data.content) + _interview(data.content)
    requirement.append(
        f"请于{date_text(data.answer_by)}前将{'落实' if data.level == 1 else '整改'}情况书面报送{issuer}。"
    )
    title = data.title
    return {
        "issued": True,
        "draft_mark": "",
        "doc_number": data.number,
        "title": title,
        "title_lines": broken_title(title),
        "recipients": recipients_line(data.recipients),
        "body": [opening],
        "fact_heading": "一、存在问题",
        "fact_paragraphs": text_or_nothing(data.facts),
        "requirement_heading": REQUIREMENT_HEADINGS[data.level],
        "requirement_paragraphs": requirement,
        "signers": data.issuers,
        "date": day,
        # The 书's 版记; the 约谈函 is a 函 in the 信函格式, without 印发 lines (GB/T 9704 10.1).
        **({} if data.level == 3 else {"issuer": issuer, "cc": "", "printer": issuer, "print_date": day}),
    }
