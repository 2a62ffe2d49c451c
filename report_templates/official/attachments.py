"""附件说明 (GB/T 9704 7.3.4): 正文下空一行，左空二字 附件：1.××, further items aligned under the first's
name.

Context: `attachments` (each numbered, 1.××; none: the part is left out)."""

from docx.document import Document

from report_templates.official.letterhead import spacer, tag
from report_templates.official.styles import ATTACHMENT, ATTACHMENT_FIRST


def add_attachments(document: Document) -> None:
    tag(document, "if attachments")
    spacer(document, keep_with_next=True)
    document.add_paragraph(
        "附件：{{ attachments[0] }}", style=ATTACHMENT_FIRST
    ).paragraph_format.keep_with_next = True
    tag(document, "for attachment in attachments[1:]")
    document.add_paragraph("{{ attachment }}", style=ATTACHMENT).paragraph_format.keep_with_next = True
    tag(document, "endfor")
    tag(document, "endif")
