"""Region hierarchy: loading GB/T 2260 rows idempotently, and materialised-path helpers."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.data import read_csv
from src.models import Region
from src.models.enums import RegionLevel


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None = None


@dataclass(frozen=True)
class RegionLoadResult:
    total: int = 0  # regions stored after the load
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows naming themselves as parent (e.g. 东莞市 repeated as its own county): not a hierarchy level.
    skipped: int = 0


def read_region_csv(path: str | Path) -> list[RegionRow]:
    """Rows of a CSV with columns code,name,level,parent_code (a bare name is a shipped file)."""
    return [
        RegionRow(
            code=row["code"],
            name=row["name"],
            level=RegionLevel(row["level"]),
            parent_code=row.get("parent_code") or None,
        )
        for row in read_csv(path)
    ]


def path_codes(path: str) -> list[str]:
    """The codes of a materialised path, root first: "/510000/510100/" → ["510000", "510100"]."""
    return [code for code in path.split("/") if code]


async def region_ancestors(*, session: AsyncSession, region: Region) -> list[Region]:
    """The region's ancestors, root first (the region itself excluded)."""
    codes = path_codes(region.path)[:-1]
    if not codes:
        return []
    rows = (await session.exec(select(Region).where(col(Region.code).in_(codes)))).all()
    by_code = {r.code: r for r in rows}
    return [by_code[c] for c in codes if c in by_code]


async def load_regions(*, session: AsyncSession, rows: Iterable[RegionRow]) -> RegionLoadResult:
    """Insert new regions and update changed ones in place, keyed by code; does not commit.

    Rows may come in any order as long as every parent is among the rows or already stored. New rows are
    inserted one tree depth at a time, so a parent's id is known before its children are added.
    """
    existing = {r.code: r for r in (await session.exec(select(Region))).all()}
    code_by_id = {r.id: r.code for r in existing.values()}
    parent_code: dict[str, str | None] = {
        code: code_by_id.get(r.parent_id) if r.parent_id is not None else None for code, r in existing.items()
    }

    incoming: dict[str, RegionRow] = {}
    skipped = 0
    for row in rows:
        if row.parent_code == row.code:
            skipped += 1
            continue
        seen = incoming.get(row.code)
        if seen is not None and seen != row:
            raise ValueError(f"region code {row.code} appears twice with different data")
        incoming[row.code] = row
        parent_code[row.code] = row.parent_code

    paths = _resolve_paths(parent_code)

    by_depth: dict[int, list[RegionRow]] = {}
    for row in incoming.values():
        by_depth.setdefault(paths[row.code].count("/") - 1, []).append(row)

    inserted = updated = unchanged = 0
    for depth in sorted(by_depth):
        new: list[Region] = []
        for row in by_depth[depth]:
            parent_id = existing[row.parent_code].id if row.parent_code else None
            region = existing.get(row.code)
            if region is None:
                region = Region(
                    code=row.code, name=row.name, level=row.level, parent_id=parent_id, path=paths[row.code]
                )
                new.append(region)
                existing[row.code] = region
                continue
            values = {"name": row.name, "level": row.level, "parent_id": parent_id, "path": paths[row.code]}
            changed = assign_changed(region, values)
            updated += changed
            unchanged += not changed
        if new:
            session.add_all(new)
            await session.flush()
            inserted += len(new)

    # A moved region moves its stored descendants too, even those absent from these rows.
    for code, region in existing.items():
        if code not in incoming and region.path != paths[code]:
            region.path = paths[code]
            updated += 1
    await session.flush()
    return RegionLoadResult(
        total=len(existing), inserted=inserted, updated=updated, unchanged=unchanged, skipped=skipped
    )


def _resolve_paths(parent_code: dict[str, str | None]) -> dict[str, str]:
    paths: dict[str, str] = {}
    for start in parent_code:
        chain: list[str] = []
        code: str | None = start
        while code is not None and code not in paths:
            if code in chain:
                raise ValueError(f"region hierarchy has a cycle at {code}")
            if code not in parent_code:
                raise ValueError(f"region {chain[-1]} names unknown parent {code}")
            chain.append(code)
            code = parent_code[code]
        prefix = paths[code] if code is not None else "/"
        for c in reversed(chain):
            prefix = f"{prefix}{c}/"
            paths[c] = prefix
    return paths


def assign_changed(obj: object, values: Mapping[str, object]) -> bool:
    """Set only the fields that differ, so an unchanged row issues no UPDATE; True if any changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed
