"""Reference data shipped with the product (CSV, UTF-8, header row)."""

import csv
from collections.abc import Iterator
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent


def read_csv(path: str | Path) -> Iterator[dict[str, str]]:
    """Rows of a CSV file as dicts of stripped strings; a bare file name is one of the shipped files."""
    path = Path(path)
    if not path.is_absolute() and path.parent == Path():
        path = DATA_DIR / path
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            yield {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
