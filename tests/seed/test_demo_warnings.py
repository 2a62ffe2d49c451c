"""The demo's warnings and responses (Art. 14), the adjustment opened from one, the 2025 year-end reports and
the January 2026 compilations (Art. 13), consistent with the lights of the demo's figures."""

import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

from src.models.enums import ActorType, Administration, BudgetItem, GoalStatus, RegionLevel
from src.models.monitoring import (
    CompilationStatus,
    Light,
    MonitoringReportStatus,
    WarningKind,
    WarningResponseKind,
    WarningStatus,
)
from src.seed.demo import DEMO_MONITORED_THROUGH
from src.services.monitoring.comparison import EXECUTED_ITEMS, Thresholds, execution_light
from tests.seed.monitoring_demo import MonitoringDemo, whole_light

THRESHOLDS = Thresholds()
PERIOD_ENDS = (3, 6, 9, 12)
OFF_TRACK = (Light.RED, Light.YELLOW)


def _period_ends(year: int) -> list[int]:
    last_year, last_month = DEMO_MONITORED_THROUGH
    return [m for m in PERIOD_ENDS if year < last_year or m <= last_month]


def _execution_off_track(monitoring: MonitoringDemo) -> dict[tuple[int, BudgetItem, int], Light]:
    """The pooling region's executed lines behind the time at the periods' ends: the parts' sum."""
    executed: dict[tuple[int, BudgetItem, int], Decimal] = defaultdict(Decimal)
    for row in monitoring.executions:
        if row.item in EXECUTED_ITEMS:
            executed[(row.budget_id, row.item, row.month)] += row.amount
    found = {}
    for (budget_id, item, month), amount in executed.items():
        if month not in _period_ends(monitoring.budgets[budget_id].year):
            continue
        line = monitoring.lines[(budget_id, item)]
        budget = line.initial_amount if line.adjusted_amount is None else line.adjusted_amount
        lit = execution_light(item=item, executed=amount, budget=budget, month=month, thresholds=THRESHOLDS)
        if lit.light in OFF_TRACK:
            found[(budget_id, item, month)] = lit.light
    return found


def test_art14_a_warning_for_every_yellow_or_red_light_at_a_periods_end(monitoring: MonitoringDemo) -> None:
    indicator_lights = {}
    for lineage, month in monitoring.by_indicator:
        year = monitoring.goals[monitoring.indicators[lineage].goal_id].start_year
        if month in _period_ends(year):
            light = whole_light(monitoring, lineage, month, THRESHOLDS).light
            if light in OFF_TRACK:
                indicator_lights[(lineage, month)] = light
    warned = {
        (w.indicator_lineage_id, w.month): w.light
        for w in monitoring.warnings
        if w.kind == WarningKind.INDICATOR
    }
    assert warned == indicator_lights and len(warned) > 300
    budgets = {(b.approved_goal_id, b.region_id, b.fund_type_id): b.id for b in monitoring.budgets.values()}
    executed = {
        (budgets[(w.goal_id, w.region_id, w.fund_type_id)], w.budget_item, w.month): w.light
        for w in monitoring.warnings
        if w.kind == WarningKind.EXECUTION
    }
    assert executed == _execution_off_track(monitoring) and len(executed) > 50
    for warning in monitoring.warnings:
        goal = monitoring.goals[warning.goal_id]
        assert (goal.region_id, goal.fund_type_id, goal.start_year) == (
            warning.region_id,
            warning.fund_type_id,
            warning.year,
        )
        if warning.kind == WarningKind.EXECUTION:
            assert warning.ratio is not None and warning.deviation == warning.ratio - 100


def test_art13_the_demos_warnings_are_those_the_schedule_raises(raised_on_schedule: int) -> None:
    """Evaluating the demo's due periods on the schedule (the server does at its start) raises nothing the
    demo lacks: its warnings carry the keys and lights of the system's own evaluation."""
    assert raised_on_schedule == 0


def test_art14_warnings_are_answered_in_kind(monitoring: MonitoringDemo) -> None:
    """2025: answered (纠偏 by the administration, 督促 with a date by finance) or closed; 2026: some open,
    one response only drafted, one answered by adjusting the goal."""
    statuses = Counter((w.year, w.status) for w in monitoring.warnings)
    assert {s for (year, s) in statuses if year == 2025} == {WarningStatus.ANSWERED, WarningStatus.CLOSED}
    assert statuses[(2026, WarningStatus.OPEN)] > 0 and statuses[(2026, WarningStatus.ANSWERED)] > 0
    assert (
        statuses[(2026, WarningStatus.RESPONSE_DRAFT)] == 1
        and statuses[(2025, WarningStatus.RESPONSE_DRAFT)] == 0
    )
    for warning in monitoring.warnings:
        raised = datetime(warning.year + warning.month // 12, warning.month % 12 + 1, 1, tzinfo=UTC)
        assert warning.created_at > raised
        if warning.status == WarningStatus.OPEN:
            assert (warning.response, warning.responded_at, warning.response_note) == (None, None, "")
            continue
        assert warning.response is not None and warning.response_note
        responder = monitoring.orgs[warning.responder_organization_id or 0]
        assert responder.region_id == warning.region_id
        assert (warning.responded_at is None) == (warning.status == WarningStatus.RESPONSE_DRAFT)
        match warning.response:
            case WarningResponseKind.CORRECTION:
                assert warning.kind == WarningKind.INDICATOR
                assert responder.actor_type in (ActorType.HRSS, ActorType.MEDICAL_SECURITY)
            case WarningResponseKind.URGE:
                assert warning.kind == WarningKind.EXECUTION and responder.actor_type == ActorType.FINANCE
                assert warning.urge_due_on is not None and warning.responded_at is not None
                assert warning.urge_due_on > warning.responded_at.date()
            case WarningResponseKind.CLOSE:
                assert warning.status == WarningStatus.CLOSED and responder.actor_type == ActorType.FINANCE
            case WarningResponseKind.ADJUSTMENT:
                assert responder.actor_type == ActorType.AGENCY
    responses = Counter(w.response for w in monitoring.warnings)
    assert responses[WarningResponseKind.ADJUSTMENT] == 1
    assert min(responses[WarningResponseKind.CORRECTION], responses[WarningResponseKind.URGE]) > 20
    assert responses[WarningResponseKind.CLOSE] > 20


def test_art14_one_adjustment_opened_from_a_warning(monitoring: MonitoringDemo) -> None:
    """The province's 2026 unemployment insurance goal: 技能提升补贴发放人数 red three quarters running, the
    last warning answered with the goal service's adjustment, the next version a draft with its assessment."""
    [warning] = [w for w in monitoring.warnings if w.response == WarningResponseKind.ADJUSTMENT]
    in_force = monitoring.goals[warning.goal_id]
    adjusted = monitoring.goals[warning.adjustment_goal_id or 0]
    assert (adjusted.lineage_id, adjusted.version, adjusted.status) == (
        in_force.lineage_id,
        2,
        GoalStatus.DRAFT,
    )
    assert adjusted.previous_version_id == in_force.id and in_force.status in (
        GoalStatus.ISSUED,
        GoalStatus.ISSUED_GUIDING,
    )
    assert adjusted.adjustment_reason and "技能提升补贴" in (adjusted.adjustment_target_effect or "")
    assert monitoring.funds[in_force.fund_type_id].code == "UNEMPLOYMENT"
    assert monitoring.regions[in_force.region_id].code == "510000"
    story = sorted(
        (w for w in monitoring.warnings if w.indicator_lineage_id == warning.indicator_lineage_id),
        key=lambda w: w.month,
    )
    assert [(w.month, w.light) for w in story] == [(3, Light.RED), (6, Light.RED), (9, Light.RED)]
    assert [w.response for w in story[:2]] == [WarningResponseKind.CORRECTION] * 2
    assert len([g for g in monitoring.goals.values() if g.version > 1]) == 1


def test_art13_year_end_reports_accepted(monitoring: MonitoringDemo) -> None:
    compiling = {monitoring.regions[c.region_id].code for c in monitoring.compilations}
    reports = Counter(
        (monitoring.regions[r.region_id].code, r.status)
        for r in monitoring.reports
        if (r.year, r.month) == (2025, 12)
    )
    assert len(monitoring.reports) == sum(reports.values()) == 4 * len(compiling) + 3
    assert {code for code, _ in reports} == compiling | {"510000"}
    assert [key for key, n in reports.items() if key[1] != MonitoringReportStatus.ACCEPTED] == [
        ("511500", MonitoringReportStatus.SUBMITTED)
    ]
    steps = Counter(t.report_id for t in monitoring.transitions)
    for report in monitoring.reports:
        assert report.progress and report.problems and report.measures and report.tax_concurred_revision == 1
        drafter = monitoring.orgs[report.drafter_organization_id]
        assert (drafter.actor_type, drafter.region_id) == (ActorType.AGENCY, report.region_id)
        assert report.submitted_at is not None and report.submitted_at < datetime(2026, 1, 21, tzinfo=UTC)
        accepted = report.status == MonitoringReportStatus.ACCEPTED
        assert (report.administration_accepted_at is not None) == accepted
        assert steps[report.id or 0] == (3 if accepted else 2)


def test_art13_compilations_sent_to_the_four_provincial_bodies(monitoring: MonitoringDemo) -> None:
    """By the end of January to 财政厅、人社厅、省医保局、省税务局: one late, one still a draft."""
    province = monitoring.region("510000")
    bodies = {
        o.id: o.name
        for o in monitoring.orgs.values()
        if o.region_id == province.id
        and (o.actor_type, o.administration)
        in {
            (ActorType.FINANCE, None),
            (ActorType.HRSS, Administration.HRSS),
            (ActorType.MEDICAL_SECURITY, Administration.MEDICAL_SECURITY),
            (ActorType.TAX, None),
        }
    }
    assert sorted(bodies.values()) == sorted(
        ["四川省财政厅", "四川省人力资源和社会保障厅", "四川省医疗保障局", "国家税务总局四川省税务局"]
    )
    statuses = Counter(c.status for c in monitoring.compilations)
    assert statuses == {CompilationStatus.SENT: 6, CompilationStatus.DRAFT: 1}
    late = []
    numbers = set()
    for compilation in monitoring.compilations:
        region = monitoring.regions[compilation.region_id]
        finance = monitoring.orgs[compilation.organization_id]
        assert region.level == RegionLevel.PREFECTURE and compilation.year == 2025
        assert (finance.actor_type, finance.region_id) == (ActorType.FINANCE, region.id)
        assert compilation.summary and compilation.problems and compilation.measures
        addressed = {r.organization_id for r in monitoring.recipients if r.compilation_id == compilation.id}
        if compilation.status == CompilationStatus.DRAFT:
            assert addressed == set() and compilation.sent_at is None and compilation.document_number is None
            continue
        assert addressed == set(bodies)
        assert compilation.sent_at is not None and compilation.document_number
        numbers.add(compilation.document_number)
        if compilation.sent_at.date() > date(2026, 1, 31):
            late.append(region.code)
    assert late == ["511800"] and len(numbers) == 6
    # One family with the compilation service's (COMPILATION_NUMBER): the bureau's 财社 sequence of 2026.
    assert all(re.fullmatch(r"\w财社〔2026〕\d+号", n) for n in numbers), numbers
    assert any(n.startswith("成财社〔2026〕") for n in numbers), numbers
    acknowledged = [r for r in monitoring.recipients if r.acknowledged_at is not None]
    assert 0 < len(acknowledged) < len(monitoring.recipients)
