"""社会保险基金预算绩效信息公开 (Art. 21) from its data (src/services/disclosure/
document_data.py): pure, no database. The 版头 of the region's finance with its number once
published (草稿 or 审定稿 before), the title, the opening paragraph (the article's words) and
the preface, 一、重要绩效目标 (per fund a caption and the rows goal × indicator × target; a
goal's name on its first row; the public notes under the table), 二、绩效评价结果 (fund, kind,
score, grade, note), the signature, the date and the 版记.

Keys: `issued`, `draft_mark`, `issuer`, `doc_number`, `title`, `title_lines`, `recipients`, `body`,
`goals`, `results`, `closing`, `signer`, `date`, `cc`, `printer`, `print_date`.
"""

from typing import Any

from src.reports.contexts.goal_notice import full_width
from src.reports.contexts.monitoring_common import REGULATION, paragraphs
from src.reports.contexts.provincial_common import broken_title, date_text
from src.reports.contexts.self_evaluation_form import DRAFT_MARK
from src.services.disclosure.document_data import DisclosureDocumentData

NONE = "—"
APPROVED_MARK = "审定稿"  # approved, not yet published: no number yet
KINDS = {"SELF": "绩效自评", "PROVINCIAL": "省级绩效评价"}


def _goal_blocks(goals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per fund, in the snapshot's order: its caption, the goal × indicator rows, the notes."""
    blocks: list[dict[str, Any]] = []
    for goal in goals:
        if not blocks or blocks[-1]["fund"] != goal["fund"]:
            caption = f"（{len(blocks) + 1}）{full_width(goal['fund'])}"
            blocks.append({"fund": goal["fund"], "caption": caption, "rows": [], "notes": []})
        block = blocks[-1]
        indicators = goal["indicators"] or [{"name": NONE, "target": NONE}]
        for index, indicator in enumerate(indicators):
            name = goal["goal"] if index == 0 else ""
            block["rows"].append(
                {"goal": name, "indicator": indicator["name"], "target": indicator["target"]}
            )
        if goal["note"]:
            block["notes"].append(f"{goal['goal']}：{goal['note']}")
    return blocks


def _results(results: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "fund": full_width(r["fund"]),
            "kind": KINDS.get(r["kind"], ""),
            "score": r["score"] or NONE,
            "grade": r["gradeLabel"] or NONE,
            "note": r["note"] or "",
        }
        for r in results
    ]


def performance_disclosure_context(data: DisclosureDocumentData) -> dict[str, Any]:
    content = data.content
    region, year = content["region"]["name"], content["year"]
    opening = (
        f"根据{REGULATION}第二十一条规定，现将{region}{year}年度社会保险基金预算重要绩效目标、"
        "绩效评价结果等绩效信息公开如下，接受人大和社会各界监督。"
    )
    issued = data.fixed and bool(data.number)
    day = date_text(data.on) if data.fixed else ""
    title = content["title"]
    return {
        "issued": issued,
        "draft_mark": "" if issued else (DRAFT_MARK if not data.fixed else APPROVED_MARK),
        "issuer": data.issuer,
        "doc_number": data.number if issued else "",
        "title": title,
        "title_lines": broken_title(title),
        "recipients": "",
        "body": [opening, *paragraphs(content.get("preface") or "")],
        "goals": _goal_blocks(content["goals"]),
        "results": _results(content["results"]),
        "closing": [f"联系单位：{data.issuer}。"] if data.issuer else [],
        "signer": data.issuer,
        "date": day,
        "cc": "",
        "printer": data.issuer,
        "print_date": day,
    }
