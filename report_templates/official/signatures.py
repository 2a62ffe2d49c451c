"""Joint signatures (GB/T 9704 7.3.5.1, 联合行文): the signing bodies one a line in the order given, each
centred over the 成文日期 as a single signer is (letterhead.add_signature), the date under the last.

Context: `signers` (the bodies' names, the sender first) and `date` ("" until sent: a blank date)."""

from docx.document import Document
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Twips

from report_templates.official.letterhead import BLANK_DATE, DATE_CHARACTERS, spacer, tag
from report_templates.official.styles import DATE, SIGNER
from report_templates.official.units import CHAR, TEXT_WIDTH


def add_signatures(document: Document, text_width: int = TEXT_WIDTH) -> None:
    """Two empty lines, then a line per signer and the date, all kept with what comes before them."""
    spacer(document, 2, keep_with_next=True)
    tag(document, "for signer in signers")
    signer = document.add_paragraph(style=SIGNER)
    centre = text_width - round((4 + DATE_CHARACTERS / 2) * CHAR)
    signer.paragraph_format.tab_stops.add_tab_stop(Twips(centre), WD_TAB_ALIGNMENT.CENTER)
    signer.add_run().add_tab()
    signer.add_run("{{ signer }}")
    signer.paragraph_format.keep_with_next = True
    tag(document, "endfor")
    document.add_paragraph(f"{{% if date %}}{{{{ date }}}}{{% else %}}{BLANK_DATE}{{% endif %}}", style=DATE)
