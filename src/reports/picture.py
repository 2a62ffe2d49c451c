"""A picture as a context value: any kind's context may hold one (a chart's PNG) where its template prints
`{{ key }}` alone in a paragraph; the renderer places it there as an inline image of the given width (its
height follows the PNG's proportions). Templates stay free of pictures, so they compile (compiled_docx);
a render whose context holds one goes through docxtpl, which adds the image parts (src/reports/render.py).
"""

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

MAX_WIDTH_MM = 156.0  # the 版心's width (GB/T 9704: 156 mm × 225 mm)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Picture:
    png: bytes
    width_mm: float

    def __post_init__(self) -> None:
        if not self.png.startswith(PNG_SIGNATURE):
            raise ValueError("a Picture holds PNG bytes")
        if not math.isfinite(self.width_mm) or not 0 < self.width_mm <= MAX_WIDTH_MM:
            raise ValueError(f"a Picture is 0–{MAX_WIDTH_MM} mm wide, not {self.width_mm}")


def has_pictures(value: Any) -> bool:
    if isinstance(value, Picture):
        return True
    if isinstance(value, Mapping):
        return any(has_pictures(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(has_pictures(item) for item in value)
    return False


def inline_images(value: Any, template: DocxTemplate) -> Any:
    """The context with each Picture as docxtpl's InlineImage of `template` (made per render: it adds its
    image part to the document being rendered)."""
    if isinstance(value, Picture):
        return InlineImage(template, io.BytesIO(value.png), width=Mm(value.width_mm))
    if isinstance(value, Mapping):
        return {key: inline_images(item, template) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [inline_images(item, template) for item in value]
    return value
