"""The template-variable lint: a document kind's template (report_templates/<DocumentSpec.template>) uses
exactly the keys its own context builder gives. A variable the template uses and the builder does not give
fails every render (the renderer's StrictUndefined); a key the builder gives and the template never uses is
work for nothing, or a field the template forgot. Each kind is linted with a context its builder made for a
real record: tests/reports/test_render.py for every registered kind, tests/subjects/ for the test-only memo.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from src.reports.render import TEMPLATE_DIR
from src.subjects.documents import DocumentSpec


def template_variables(path: Path) -> set[str]:
    """The Jinja variables a .docx template uses (docxtpl's reading of it, as the renderer sees it)."""
    variables: set[str] = DocxTemplate(str(path)).get_undeclared_template_variables()
    return variables


def template_problems(
    spec: DocumentSpec, context: Mapping[str, Any], template_dir: Path = TEMPLATE_DIR
) -> list[str]:
    """What is wrong between the kind's template and a context its builder gave; [] when they agree."""
    used, given = template_variables(template_dir / spec.template), set(context)
    missing = [
        f"{spec.kind}: {spec.template} uses {name!r}, which its builder does not give"
        for name in used - given
    ]
    unused = [
        f"{spec.kind}: its builder gives {name!r}, which {spec.template} never uses" for name in given - used
    ]
    return sorted(missing) + sorted(unused)
