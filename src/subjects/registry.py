"""The subject registry: every kind of record that is seen by some and not others, announces its changes
and is printed as documents registers here, from its own domain (src/domains/), so the shared machinery —
events, their visibility and catch-up, report jobs, document numbers, lookups by id — never names a domain.

A subject registers its row type, its name (stored beside events and jobs: "Goal"), its scope for one row
(`scope`) and who may read its rows as SQL (`clause`) — both from the one rule, policy.visibility, over the
subject's scope (src/subjects/scope.py) — and its event kinds with their labels. A subject whose records
finance may entrust to a third party (Art. 17) lists the actions an assignee may take on them
(`assignee_actions`, policy.Action values; an empty set: it reads only): its scopes then carry the record's
key, and a third party reads and acts on the records it is assigned (src/services/assignments/). A document
kind registers its subject, its template, its context builder, its data version, its batch and its number
(who issues it, its family; src/subjects/documents.py); an export kind (a year's records in one workbook) its
subject and the function that writes the file. A deadline source lists what its domain's bodies
must do by when (src/services/deadlines/); a periodic round is work a domain has done on a schedule (the
same periodic task that notices overdue deadlines runs it first: src/services/deadlines/periodic.py).
`registry()` is the one place that loads the registrations.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from src.services.actors import Actor
from src.subjects.scope import RecordScope

M = TypeVar("M", bound=SQLModel)


@dataclass(frozen=True)
class SubjectSpec(Generic[M]):
    name: str  # as stored in Event.subject_type and ReportJob.subject_type
    model: type[M]
    label: str  # 绩效目标
    scope: Callable[[AsyncSession, M], Awaitable[RecordScope]]  # one row's scope (may read its region)
    clause: Callable[[Actor], ColumnElement[bool]]  # the rows `actor` may read, as SQL
    event_kinds: type[StrEnum] | None = None
    event_labels: Mapping[Any, str] = field(default_factory=dict)  # kind (a str enum) → label
    # Assignable to third parties (Art. 17): the policy actions an assignee may take on an assigned record
    # (their values); None: never assigned.
    assignee_actions: frozenset[str] | None = None

    @property
    def assignable(self) -> bool:
        return self.assignee_actions is not None

    def row_id(self, row: Any) -> int:
        row_id: int | None = row.id
        assert row_id is not None, f"{self.name} not flushed: it has no id"
        return row_id


class UnknownSubject(LookupError):
    """A name or row type nothing registered."""


class Registry:
    def __init__(self) -> None:
        self._subjects: dict[str, SubjectSpec[Any]] = {}
        self._by_model: dict[type[Any], SubjectSpec[Any]] = {}
        self._event_kinds: dict[str, SubjectSpec[Any]] = {}
        self.documents: dict[str, Any] = {}  # kind → DocumentSpec (src/subjects/documents.py)
        # kind → ExportSpec (src/subjects/documents.py): a year's records in one file, no one subject's
        self.exports: dict[str, Any] = {}
        # name → DeadlineSource (src/services/deadlines/items.py): what each domain lists as due when
        self.deadline_sources: dict[str, Any] = {}
        # name → a round run by the periodic task: (sessionmaker, now) → how many things it did
        self.periodic_rounds: dict[str, Callable[[Any, Any], Awaitable[int]]] = {}

    def add_subject(self, spec: SubjectSpec[Any]) -> None:
        if spec.name in self._subjects or spec.model in self._by_model:
            raise ValueError(f"subject {spec.name} registered twice")
        for kind in spec.event_kinds or ():
            if kind.value in self._event_kinds:
                raise ValueError(f"event kind {kind} registered twice")
            if kind.value not in spec.event_labels:
                raise ValueError(f"event kind {kind} has no label")
            self._event_kinds[kind.value] = spec
        self._subjects[spec.name] = spec
        self._by_model[spec.model] = spec

    def add_document(self, spec: Any) -> None:
        if spec.kind in self.documents or spec.kind in self.exports:
            raise ValueError(f"document kind {spec.kind} registered twice")
        self.subject(spec.subject)  # a document is of a registered subject
        self.documents[spec.kind] = spec

    def add_export(self, spec: Any) -> None:
        if spec.kind in self.documents or spec.kind in self.exports:
            raise ValueError(f"document kind {spec.kind} registered twice")
        self.subject(spec.subject)  # it exports records of a registered subject
        self.exports[spec.kind] = spec

    def add_deadlines(self, source: Any) -> None:
        """A domain's deadlines (the `deadlines` query and the overdue notices list them all)."""
        kinds = {kind for other in self.deadline_sources.values() for kind in other.kinds}
        if source.name in self.deadline_sources or kinds.intersection(source.kinds):
            raise ValueError(f"deadline source {source.name} or one of its kinds registered twice")
        self.deadline_sources[source.name] = source

    def add_periodic(self, name: str, round_: Callable[[Any, Any], Awaitable[int]]) -> None:
        """A domain's scheduled work: `round_(sessionmaker, now)`, run before each round of overdue notices;
        it must be idempotent (several processes may run it at once, and it runs again every interval)."""
        if name in self.periodic_rounds:
            raise ValueError(f"periodic round {name} registered twice")
        self.periodic_rounds[name] = round_

    def deadline_kinds(self) -> dict[str, str]:
        """Every deadline kind with its label, in registration order."""
        return {kind: label for s in self.deadline_sources.values() for kind, label in s.kinds.items()}

    def subject(self, name: str) -> SubjectSpec[Any]:
        try:
            return self._subjects[name]
        except KeyError:
            raise UnknownSubject(name) from None

    def subject_of(self, row: Any) -> SubjectSpec[Any]:
        try:
            return self._by_model[type(row)]
        except KeyError:
            raise UnknownSubject(type(row).__name__) from None

    def remove(self, name: str) -> None:
        """Forgets a subject and its document kinds (a test's own subject, after the test)."""
        spec = self._subjects.pop(name)
        del self._by_model[spec.model]
        for kind in [k for k, s in self._event_kinds.items() if s is spec]:
            del self._event_kinds[kind]
        for kind in [k for k, d in self.documents.items() if d.subject == name]:
            del self.documents[kind]

    def subjects(self) -> list[SubjectSpec[Any]]:
        return list(self._subjects.values())

    def event_kinds(self) -> dict[str, str]:
        """Every event kind with its label, in registration order."""
        return {kind: spec.event_labels[kind] for kind, spec in self._event_kinds.items()}

    def subject_of_kind(self, kind: str) -> SubjectSpec[Any]:
        try:
            return self._event_kinds[str(kind)]
        except KeyError:
            raise UnknownSubject(f"event kind {kind}") from None


_REGISTRY: Registry | None = None


def registry() -> Registry:
    """The registry with every domain's registrations (src/domains/), loaded on first use."""
    global _REGISTRY
    if _REGISTRY is None:
        from src.domains import register_all  # the one list of domains, above every layer

        built = Registry()
        register_all(built)
        _REGISTRY = built
    return _REGISTRY
