"""Raising the warnings an assessment calls for (Art. 14), once per key: each RED or YELLOW indicator an
INDICATOR warning, each RED or YELLOW budget line an EXECUTION warning with its large deviation, a goal's red
indicators marked for adjustment review when its red run reached the rule's; each warning raised an event.

Thousands of warnings may be raised at once (a whole country's month): they are stored in one INSERT per
thousand, and the copies returned are the values stored (read-only, built without validation: the values
come from the comparison, not from a user).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region
from src.models.base import utcnow
from src.models.monitoring import Light, MonitoringWarning, WarningEventKind, WarningKind, WarningStatus
from src.services.actors import Actor
from src.services.monitoring.assessment import ScopeAssessment
from src.services.monitoring.checks import CHINA
from src.services.monitoring.state import ScopeKey
from src.services.rows import keep_rows
from src.subjects.events import record_event

WARNED = frozenset({Light.RED, Light.YELLOW})
PERCENT_LIMIT = Decimal("1E10")  # what monitoring_warning.ratio / deviation hold (12 digits, 2 places)
CHUNK = 1000  # warnings per INSERT


@dataclass(frozen=True)
class Evaluation:
    assessment: ScopeAssessment
    year: int
    raised: list[MonitoringWarning] = field(default_factory=list)  # new this time (none when re-run)

    @property
    def key(self) -> ScopeKey:
        return self.assessment.key


def china_today() -> date:
    return utcnow().astimezone(CHINA).date()


def _storable(value: Decimal | None) -> Decimal | None:
    """A percentage the warning's column can hold; one beyond it (an actual far over a tiny cap) is not
    worth a number."""
    return value if value is not None and abs(value) < PERCENT_LIMIT else None


def indicator_key(lineage: Any, region_id: int, year: int, month: int) -> str:
    return f"{WarningKind.INDICATOR.value}:{lineage}:{region_id}:{year}-{month:02d}"


def execution_key(item: str, region_id: int, fund_type_id: int, year: int, month: int) -> str:
    return f"{WarningKind.EXECUTION.value}:{item}:{region_id}:{fund_type_id}:{year}-{month:02d}"


def _row(now: datetime, **values: Any) -> dict[str, Any]:
    """A warning's every column but its id (one INSERT of many rows needs the same keys in each)."""
    return {
        "indicator_lineage_id": None, "budget_item": None, "large_deviation": False,
        "adjustment_review": False, "status": WarningStatus.OPEN, "response": None, "response_note": "",
        "urge_due_on": None, "adjustment_goal_id": None, "responded_at": None, "responder_user_id": None,
        "responder_organization_id": None, "created_at": now, "updated_at": now, "row_version": 1, **values,
    }  # fmt: skip


def warnings_of(assessment: ScopeAssessment, year: int, now: datetime) -> list[dict[str, Any]]:
    """The warnings an assessment calls for, as the rows to store."""
    region_id, fund_id = assessment.key
    month = assessment.month
    common = {"region_id": region_id, "fund_type_id": fund_id, "goal_id": assessment.goal_id or 0,
              "year": year, "month": month}  # fmt: skip
    found = []
    for a in assessment.indicators:
        if a.lit.light in WARNED:
            found.append(
                _row(
                    now, **common, key=indicator_key(a.indicator.lineage_id, region_id, year, month),
                    kind=WarningKind.INDICATOR, indicator_lineage_id=a.indicator.lineage_id,
                    light=a.lit.light, ratio=_storable(a.lit.ratio), deviation=_storable(a.lit.deviation),
                    adjustment_review=assessment.adjustment_review and a.lit.light == Light.RED,
                )
            )  # fmt: skip
    for e in assessment.execution:
        if e.lit.light in WARNED:
            found.append(
                _row(
                    now, **common, key=execution_key(e.item.value, region_id, fund_id, year, month),
                    kind=WarningKind.EXECUTION, budget_item=e.item, light=e.lit.light,
                    ratio=_storable(e.lit.ratio), deviation=_storable(e.lit.deviation),
                    large_deviation=e.lit.large_deviation,
                )
            )  # fmt: skip
    return found


async def _insert_new(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[MonitoringWarning]:
    """Stores the warnings whose key is new (INSERT … ON CONFLICT DO NOTHING: a concurrent evaluation of
    the same period cannot raise one twice either); returns copies of those stored, with their ids."""
    table: Any = MonitoringWarning.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).on_conflict_do_nothing(index_elements=["key"])
    stmt = stmt.returning(table.c.id, table.c.key)
    by_key = {row["key"]: row for row in rows}
    connection = await session.connection()
    raised = []
    for start in range(0, len(rows), CHUNK):
        for row_id, key in (await connection.execute(stmt, list(rows[start : start + CHUNK]))).all():
            raised.append(MonitoringWarning.model_construct(id=row_id, **by_key[key]))
    return raised


def _payload(w: MonitoringWarning) -> dict[str, Any]:
    return {
        "kind": w.kind.value,
        "light": w.light.value,
        "year": w.year,
        "month": w.month,
        "ratio": None if w.ratio is None else str(w.ratio),
        "deviation": None if w.deviation is None else str(w.deviation),
        "budgetItem": None if w.budget_item is None else w.budget_item.value,
        "largeDeviation": w.large_deviation,
        "adjustmentReview": w.adjustment_review,
    }


async def raise_warnings(
    session: AsyncSession, actor: Actor | None, assessments: Iterable[ScopeAssessment], year: int
) -> list[Evaluation]:
    """Stores the warnings of each assessment not raised before and announces each (an event)."""
    items = list(assessments)
    now = utcnow()
    raised = await _insert_new(session, [w for a in items for w in warnings_of(a, year, now)])
    await keep_rows(session, Region, {w.region_id for w in raised})
    await keep_rows(session, FundType, {w.fund_type_id for w in raised})
    for warning in raised:
        await record_event(
            session=session,
            kind=WarningEventKind.MONITORING_WARNING_RAISED,
            subject=warning,
            actor=actor,
            payload=_payload(warning),
        )
    by_scope: dict[ScopeKey, list[MonitoringWarning]] = {}
    for warning in raised:
        by_scope.setdefault(ScopeKey(warning.region_id, warning.fund_type_id), []).append(warning)
    return [Evaluation(a, year, by_scope.get(a.key, [])) for a in items]
