"""The public API's selects: published disclosures only, nothing else of the database. What they give is
the snapshot copied at approval (src/services/disclosure/snapshot.py), its region and year, its publication
date and the id of the published disclosure (the one id the public sees)."""

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from src.models import Disclosure, Region
from src.models.disclosure import DisclosureStatus


def published() -> SelectOfScalar[Disclosure]:
    return select(Disclosure).where(
        col(Disclosure.status) == DisclosureStatus.PUBLISHED, col(Disclosure.snapshot).is_not(None)
    )


def published_page(
    *, year: int | None, region_code: str | None, after: int | None, first: int
) -> SelectOfScalar[Disclosure]:
    """A page in id order; `after`: the last id of the previous page."""
    stmt = published()
    if year is not None:
        stmt = stmt.where(Disclosure.year == year)
    if region_code is not None:
        region = select(Region.id).where(Region.code == region_code).scalar_subquery()
        stmt = stmt.where(col(Disclosure.region_id) == region)
    if after is not None:
        stmt = stmt.where(col(Disclosure.id) > after)
    return stmt.order_by(col(Disclosure.id)).limit(first)


def published_one(disclosure_id: int) -> SelectOfScalar[Disclosure]:
    return published().where(col(Disclosure.id) == disclosure_id)
