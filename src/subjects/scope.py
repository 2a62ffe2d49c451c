"""Where a record sits for visibility, and the two ways the one visibility rule (services/policy.py) reads it.

A record's scope: its region (path), the administrations it is addressed to (人社, 医保: those of its fund;
several for a record sent to both; none for one that concerns no administration), whether it is a draft
(not seen from the regions below its own, nor by the national departments), the one user it may belong to,
and whether it is public (read by everyone: a region's detailed rules). A record that holds others (a
batch of documents: `combined_scope`) may also be hidden from below without being a draft, and reach
above its region (`top_path`). A record of a registered subject carries its key (`subject`: its name and id),
by which a third-party evaluator reads what it is assigned (`assigned`: src/services/assignments/; a batch,
holding several subjects, has none). The rule is written once against
`Terms`, an algebra of questions about a scope; `ScopeTerms` answers them for one record in memory (bools),
`ColumnTerms` as SQL over a table's columns (clauses). So the Python check and the SQL clause cannot drift.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, and_, false, func, literal, or_, true
from sqlalchemy.sql.elements import False_

from src.models.enums import Administration

B = TypeVar("B")


@dataclass(frozen=True)
class RecordScope:
    region_id: int
    region_path: str  # "/510000/510100/"
    fund_type_id: int | None = None
    administrations: frozenset[Administration] = frozenset()
    draft: bool = False
    owner_user_id: int | None = None  # the one user the record belongs to (None: no single user)
    public: bool = False  # everyone may read it, wherever they are
    # Not seen from the regions below its own, though not a draft (the national departments read it).
    hidden_below: bool = False
    # The highest region of what the record holds, when above its own (None: its own region): an API token
    # confined to a region sees it only if that region holds this one.
    top_path: str | None = None
    # The registered subject the record is, or is of (a document: its subject): (name, id); None for a
    # record that is no one subject (a batch). A third party reads it while assigned that key.
    subject: tuple[str, int] | None = None


class Terms(Protocol, Generic[B]):
    """What the visibility rule may ask of a record; B is bool (one record) or a SQL clause (a table)."""

    def true(self) -> B: ...
    def false(self) -> B: ...
    def all(self, *terms: B) -> B: ...
    def any(self, *terms: B) -> B: ...
    def region_below(self, path: str) -> B: ...  # the record's region is `path`'s region or below it
    def region_above(self, path: str) -> B: ...  # `path`'s region is the record's region or below it
    def addressed_to(self, administration: Administration | None) -> B: ...
    def not_draft(self) -> B: ...
    def not_hidden_below(self) -> B: ...  # seen from the regions below its own (unless a draft)
    def within(self, path: str) -> B: ...  # all the record holds lies in `path`'s region or below it
    def owned_by_nobody_or(self, user_id: int) -> B: ...
    def is_public(self) -> B: ...  # everyone may read the record
    def assigned(self, keys: frozenset[tuple[str, int]]) -> B: ...  # the record's subject is among `keys`


class ScopeTerms:
    """The rule's questions answered for one record."""

    def __init__(self, scope: RecordScope) -> None:
        self.scope = scope

    def true(self) -> bool:
        return True

    def false(self) -> bool:
        return False

    def all(self, *terms: bool) -> bool:
        return all(terms)

    def any(self, *terms: bool) -> bool:
        return any(terms)

    def region_below(self, path: str) -> bool:
        return self.scope.region_path.startswith(path)

    def region_above(self, path: str) -> bool:
        return path.startswith(self.scope.region_path)

    def addressed_to(self, administration: Administration | None) -> bool:
        return administration is not None and administration in self.scope.administrations

    def not_draft(self) -> bool:
        return not self.scope.draft

    def not_hidden_below(self) -> bool:
        return not self.scope.hidden_below

    def within(self, path: str) -> bool:
        return (self.scope.top_path or self.scope.region_path).startswith(path)

    def owned_by_nobody_or(self, user_id: int) -> bool:
        return self.scope.owner_user_id is None or self.scope.owner_user_id == user_id

    def is_public(self) -> bool:
        return self.scope.public

    def assigned(self, keys: frozenset[tuple[str, int]]) -> bool:
        return self.scope.subject is not None and self.scope.subject in keys


@dataclass(frozen=True)
class ColumnTerms:
    """The rule's questions as SQL over a table: each subject says how its columns give a scope."""

    # Column expressions (a column, a correlated subquery): typed loosely, as SQLAlchemy's mapped columns are.
    region_path: Any
    addressed: Callable[[Administration], ColumnElement[bool]]  # addressed to this administration
    draft: Any = None  # None: never a draft
    owner_user_id: Any = None  # None: never one user's
    public: Any = None  # a boolean column (or true() for a table of public records); None: never public
    hidden_below: Any = None  # a boolean column; None: never hidden from below but as a draft
    top_path: Any = None  # a path column (NULL: the region's own); None: always the region's own
    # The subject key: its name (a str for a subject's own table, or a column) and its id column; None: the
    # rows are no one subject (never assigned).
    subject_type: Any = None
    subject_id: Any = None

    def true(self) -> ColumnElement[bool]:
        return true()

    def false(self) -> ColumnElement[bool]:
        return false()

    def all(self, *terms: ColumnElement[bool]) -> ColumnElement[bool]:
        if any(isinstance(term, False_) for term in terms):
            # A plain false(), which any() drops: a term that cannot hold leaves no "false OR" in the SQL.
            return false()
        return and_(true(), *terms)

    def any(self, *terms: ColumnElement[bool]) -> ColumnElement[bool]:
        return or_(false(), *terms)

    def region_below(self, path: str) -> ColumnElement[bool]:
        clause: ColumnElement[bool] = self.region_path.startswith(path, autoescape=True)
        return clause

    def region_above(self, path: str) -> ColumnElement[bool]:
        return literal(path).startswith(self.region_path)

    def addressed_to(self, administration: Administration | None) -> ColumnElement[bool]:
        return false() if administration is None else self.addressed(administration)

    def not_draft(self) -> ColumnElement[bool]:
        if self.draft is None:
            return true()
        clause: ColumnElement[bool] = ~self.draft
        return clause

    def not_hidden_below(self) -> ColumnElement[bool]:
        if self.hidden_below is None:
            return true()
        clause: ColumnElement[bool] = ~self.hidden_below
        return clause

    def within(self, path: str) -> ColumnElement[bool]:
        if self.top_path is None:
            return self.region_below(path)
        top = func.coalesce(self.top_path, self.region_path)
        clause: ColumnElement[bool] = top.startswith(path, autoescape=True)
        return clause

    def owned_by_nobody_or(self, user_id: int) -> ColumnElement[bool]:
        if self.owner_user_id is None:
            return true()
        return or_(self.owner_user_id.is_(None), self.owner_user_id == user_id)

    def is_public(self) -> ColumnElement[bool]:
        if self.public is None:
            return false()
        clause: ColumnElement[bool] = self.public
        return clause

    def assigned(self, keys: frozenset[tuple[str, int]]) -> ColumnElement[bool]:
        if self.subject_type is None or self.subject_id is None:
            return false()
        ids: dict[str, list[int]] = {}
        for name, subject_id in sorted(keys):
            ids.setdefault(name, []).append(subject_id)
        if isinstance(self.subject_type, str):  # a subject's own table: its name is no column
            mine = ids.get(self.subject_type)
            return false() if not mine else self.subject_id.in_(mine)
        return or_(
            false(), *(and_(self.subject_type == name, self.subject_id.in_(of)) for name, of in ids.items())
        )


# A recipient list as one column: "|HRSS|MEDICAL_SECURITY|" (each between bars, so one never matches part of
# another), "" for none.
def recipients_text(administrations: Iterable[Administration]) -> str:
    codes = sorted(a.value for a in administrations)
    return f"|{'|'.join(codes)}|" if codes else ""


def recipients_of(text: str | None) -> frozenset[Administration]:
    return frozenset(Administration(code) for code in (text or "").split("|") if code)


def recipients_clause(column: Any) -> Callable[[Administration], ColumnElement[bool]]:
    """`ColumnTerms.addressed` for a recipient-list column."""

    def addressed(administration: Administration) -> ColumnElement[bool]:
        clause: ColumnElement[bool] = column.contains(f"|{administration.value}|", autoescape=True)
        return clause

    return addressed


# --- a record that holds others --------------------------------------------------------------------------


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _path(segments: Sequence[str]) -> str:
    return "/" + "".join(f"{part}/" for part in segments)


def combined_scope(scopes: Sequence[RecordScope], region_id_of: Callable[[str], int]) -> RecordScope:
    """The scope of a record that holds records of these scopes (a batch of documents): whoever may read
    it may read every one of them, and whoever may read every one may read it (policy.visibility; proved
    in tests/subjects/test_combined_scope.py). `region_id_of` gives a region's id by its path.

    Its region is the deepest one such that every record lies in its subtree or is an ancestor of it that
    is no draft: those who cover it read them all. Below it, they are read only if every record is there
    or above and none is a draft; otherwise it is hidden from below. It is a draft if any is (the national
    departments read none), addressed to the administrations all of them are, and reaches up to their
    highest common region (`top_path`, for API tokens confined to a region). The records must be neither
    public nor one user's (a batch's subjects are neither)."""
    if not scopes:
        raise ValueError("a combined scope needs at least one scope")
    if any(s.public or s.owner_user_id is not None for s in scopes):
        raise ValueError("records that are public or one user's cannot be combined")
    paths = [_segments(s.region_path) for s in scopes]
    top: list[str] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        top.append(parts[0])
    node = list(top)
    while True:
        here = [s for s, p in zip(scopes, paths, strict=True) if p == node]
        below = {p[len(node)] for p in paths if len(p) > len(node) and p[: len(node)] == node}
        if any(s.draft for s in here) or len(below) != 1:
            break
        node.append(below.pop())
    hidden = any(
        len(p) > len(node) or s.draft for s, p in zip(scopes, paths, strict=True) if p[: len(node)] == node
    )
    administrations = frozenset.intersection(*(s.administrations for s in scopes))
    funds = {s.fund_type_id for s in scopes}
    return RecordScope(
        region_id=region_id_of(_path(node)),
        region_path=_path(node),
        fund_type_id=funds.pop() if len(funds) == 1 else None,
        administrations=administrations,
        draft=any(s.draft for s in scopes),
        hidden_below=hidden,
        top_path=_path(top) if top != node else None,
    )
