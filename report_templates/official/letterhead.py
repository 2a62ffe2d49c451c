"""The parts every official document shares, in docxtpl: Jinja only in text, `{%p … %}` paragraphs for
what a context decides (the paragraph holding the tag goes, its statement stays), so the template is valid
OOXML as it stands and opens in Word.

The context keys they read (every kind's builder gives them):
- `issued`: the red 版头 (发文机关标志 and 发文字号 with the red rule) prints only then;
- `draft_mark`: printed instead, top right in 3号黑体 and never red (征求意见稿, 草稿);
- `issuer`, `doc_number`; `title_lines` (the title broken between words; `title` when there are none);
- `recipients` (主送机关, ending with its colon), `body` (the 正文's paragraphs);
- `signer` and `date` (发文机关署名 and 成文日期; "" until issued prints a blank date to fill in);
- (the 版记 is imprint.py's: `cc`, `printer`, `print_date`).
"""

from docx.document import Document
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Twips
from docx.text.paragraph import Paragraph

from report_templates.official.styles import (
    BODY,
    DATE,
    DOC_NUMBER,
    DRAFT_MARK,
    ISSUER_SIZES,
    RECIPIENTS,
    SIGNER,
    SPACER,
    TITLE,
    issuer_style,
)
from report_templates.official.units import CHAR, TEXT_WIDTH

BLANK_DATE = "　　年　月　日"  # a date to fill in by hand: the document is not issued yet
# A 成文日期's width (2026年3月5日 to 2026年12月31日: 6 to 7 characters), to centre the signer over it.
DATE_CHARACTERS = 6.5


def tag(document: Document, statement: str) -> Paragraph:
    """A paragraph holding only a docxtpl paragraph tag ({%p statement %}): rendering removes it."""
    return document.add_paragraph(f"{{%p {statement} %}}")


def spacer(document: Document, lines: int = 1, *, keep_with_next: bool = False) -> None:
    """Empty body lines (空一行, 空二行)."""
    for _ in range(lines):
        document.add_paragraph("", style=SPACER).paragraph_format.keep_with_next = keep_with_next or None


def add_letterhead(document: Document) -> None:
    """版头 (7.2) of an issued document — the 发文机关标志 "<issuer>文件" in red 小标宋, in a size its length
    fits on one line, then the 发文字号 with the red rule — or, unissued, the draft mark."""
    tag(document, "if issued")
    for index, (most, size) in enumerate(ISSUER_SIZES):
        last = index == len(ISSUER_SIZES) - 1
        tag(document, "else" if last else f"{'if' if index == 0 else 'elif'} issuer|length <= {most - 2}")
        document.add_paragraph("{{ issuer }}文件", style=issuer_style(size))
    tag(document, "endif")
    document.add_paragraph("{{ doc_number }}", style=DOC_NUMBER)
    tag(document, "else")
    document.add_paragraph("{{ draft_mark }}", style=DRAFT_MARK)
    tag(document, "endif")


def add_title(document: Document) -> None:
    """标题 (7.3.1): two lines under the red rule (or the draft mark), line by line as `title_lines` break
    it, then one empty line (the 主送机关 comes 标题下空一行)."""
    spacer(document, 2)
    tag(document, "for line in title_lines or [title]")
    document.add_paragraph("{{ line }}", style=TITLE)
    tag(document, "endfor")
    spacer(document)


def add_recipients_and_body(document: Document) -> None:
    """主送机关 (7.3.2, 居左顶格) when there are any, and the 正文's paragraphs (左空二字)."""
    tag(document, "if recipients")
    document.add_paragraph("{{ recipients }}", style=RECIPIENTS)
    tag(document, "endif")
    tag(document, "for paragraph in body")
    document.add_paragraph("{{ paragraph }}", style=BODY)
    tag(document, "endfor")


def add_signature(document: Document, text_width: int = TEXT_WIDTH) -> None:
    """发文机关署名 and 成文日期 (7.3.5.1, sealed): the date 右空四字, the signer centred over it, two empty
    lines above them so the seal's top stays within a line of the text and the two sit just below its
    centre. `text_width`: the 版心's width where they print (landscape pages are wider). They keep with what
    comes before them (keep-with-next from the last row of a table before them is the caller's), so the
    signature is never alone on a page."""
    spacer(document, 2, keep_with_next=True)
    signer = document.add_paragraph(style=SIGNER)
    centre = text_width - round((4 + DATE_CHARACTERS / 2) * CHAR)
    signer.paragraph_format.tab_stops.add_tab_stop(Twips(centre), WD_TAB_ALIGNMENT.CENTER)
    signer.add_run().add_tab()
    signer.add_run("{{ signer }}")
    signer.paragraph_format.keep_with_next = True
    document.add_paragraph(f"{{% if date %}}{{{{ date }}}}{{% else %}}{BLANK_DATE}{{% endif %}}", style=DATE)
