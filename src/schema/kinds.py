"""The API's enums of what the domains registered (src/domains/): event kinds and document kinds. Built
from the registry when the schema is, in registration order, so a new domain's kinds appear without an edit
here."""

from enum import StrEnum
from typing import TYPE_CHECKING

import strawberry

from src.subjects.registry import registry


def _enum(name: str, values: list[str]) -> type[StrEnum]:
    built: type[StrEnum] = StrEnum(name, {value: value for value in values})  # type: ignore[misc]
    return built


if TYPE_CHECKING:  # what mypy sees: str enums (their members are only known once the domains registered)

    class EventKind(StrEnum): ...

    class ReportKind(StrEnum): ...

else:
    EventKind = strawberry.enum(_enum("EventKind", list(registry().event_kinds())), description="事件种类")
    ReportKind = strawberry.enum(
        _enum("ReportKind", [*registry().documents, *registry().exports]), description="报告种类"
    )


def event_kind_label(kind: str) -> str:
    return registry().event_kinds()[str(kind)]
