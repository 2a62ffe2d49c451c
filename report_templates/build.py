"""Builds the official document templates (docxtpl, Jinja2 in .docx) of report_templates/, deterministically.

    uv run python -m report_templates.build

writes report_templates/<KIND>.docx for every kind in TEMPLATES. The .docx files are build output committed
next to this script: edit the builders, never the .docx, and rebuild; tests/reports/test_templates.py fails
while a committed template differs from what its builder makes. The bytes depend only on the builders and
the installed python-docx (fixed core properties, fixed zip timestamps), so a review shows only real changes.

What every official document shares (GB/T 9704-2012, FORMS.md §5 and §8: page, styles, 版头, title, 主送,
正文, signature, 版记, page numbers, tables) is in report_templates/official/; each kind's own layout is one
module in report_templates/kinds/ with a `build()` that returns its Document. A new kind adds its module
and one line to TEMPLATES.
"""

from collections.abc import Callable

from docx.document import Document

from report_templates.kinds import (
    assessment_notice,
    escalation_letter,
    evaluation_feedback_letter,
    goal_table,
    monitoring_compilation,
    monitoring_report,
    monitoring_table,
    performance_disclosure,
    provincial_evaluation_report,
    provincial_evaluation_summary,
    self_evaluation_form,
    self_evaluation_report,
)
from report_templates.official.ooxml import docx_bytes
from report_templates.official.units import TEMPLATE_DIR

TEMPLATES: dict[str, Callable[[], Document]] = {
    "GOAL_TABLE": goal_table.build,
    "MONITORING_TABLE": monitoring_table.build,
    "MONITORING_REPORT": monitoring_report.build,
    "MONITORING_COMPILATION": monitoring_compilation.build,
    "SELF_EVALUATION_FORM": self_evaluation_form.build,
    "SELF_EVALUATION_REPORT": self_evaluation_report.build,
    "PROVINCIAL_EVALUATION_REPORT": provincial_evaluation_report.build,
    "PROVINCIAL_EVALUATION_SUMMARY": provincial_evaluation_summary.build,
    "EVALUATION_FEEDBACK_LETTER": evaluation_feedback_letter.build,
    "PERFORMANCE_DISCLOSURE": performance_disclosure.build,
    "ASSESSMENT_NOTICE": assessment_notice.build,
    "ESCALATION_REMINDER": escalation_letter.reminder,
    "ESCALATION_RECTIFICATION_NOTICE": escalation_letter.rectification_notice,
    "ESCALATION_INTERVIEW_LETTER": escalation_letter.interview_letter,
}


def built(kind: str) -> bytes:
    """The .docx bytes `kind`'s builder makes now."""
    return docx_bytes(TEMPLATES[kind]())


def main() -> None:
    for kind in TEMPLATES:
        path = TEMPLATE_DIR / f"{kind}.docx"
        path.write_bytes(built(kind))
        print(f"wrote {path.relative_to(TEMPLATE_DIR.parent)}")


if __name__ == "__main__":
    main()
