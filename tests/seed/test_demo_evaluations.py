"""The demo's 2025 self-evaluations (Art. 15–18): one per pooling region × fund with a goal in force on
31 December, their statuses and grades spread as of late 2026, the returned one reworked and accepted, every
shortfall explained, the late ones marked, and scores that are the scoring service's."""

from collections import Counter
from datetime import date

from src.models.evaluation import SelfEvaluationStatus
from src.services.deadlines.items import CHINA
from tests.seed.evaluation_demo import EvaluationDemo

S = SelfEvaluationStatus
DUE = date(2026, 5, 31)


def test_counts(evaluations: EvaluationDemo) -> None:
    counts = evaluations.counts
    assert counts.self_evaluations == len(evaluations.evaluations)
    assert counts.self_evaluation_lines == sum(len(lines) for lines in evaluations.lines.values())


def test_art17_one_per_pooling_region_and_fund_with_a_goal_in_force(evaluations: EvaluationDemo) -> None:
    keys = [(e.region_id, e.fund_type_id) for e in evaluations.evaluations]
    assert len(keys) == len(set(keys)) and set(keys) == evaluations.with_goal
    assert {e.year for e in evaluations.evaluations} == {2025}
    assert all(evaluations.lines[e.id or 0] for e in evaluations.evaluations)


def test_art17_statuses_spread_as_of_late_2026(evaluations: EvaluationDemo) -> None:
    statuses = Counter(e.status for e in evaluations.evaluations)
    assert statuses[S.ACCEPTED] > len(evaluations.evaluations) / 2
    assert statuses[S.SUBMITTED] >= 3 and statuses[S.DRAFT] == 2 and statuses[S.RETURNED] == 0
    for evaluation in evaluations.evaluations:
        reported = evaluation.status in (S.SUBMITTED, S.ACCEPTED)
        assert (evaluation.submitted_at is not None) == reported
        assert (evaluation.tax_concurred_revision == evaluation.content_revision) == reported
        accepted = evaluation.status == S.ACCEPTED
        assert (evaluation.finance_accepted_at is not None) == accepted
        assert (evaluation.administration_accepted_at is not None) == accepted
        assert evaluation.conclusion and evaluation.problems and evaluation.measures


def test_art17_late_ones_marked(evaluations: EvaluationDemo) -> None:
    submitted = [e for e in evaluations.evaluations if e.submitted_at is not None]
    late = [e for e in submitted if e.late]
    assert 3 <= len(late) < len(submitted) / 4
    for evaluation in submitted:
        assert evaluation.submitted_at is not None
        assert evaluation.late == (evaluation.submitted_at.astimezone(CHINA).date() > DUE)
    for evaluation in late:
        [submit] = [t for t in evaluations.transitions[evaluation.id or 0] if t.action == "SUBMIT"]
        assert submit.reason and "逾期" in submit.reason


def test_art17_one_returned_then_resubmitted_and_accepted(evaluations: EvaluationDemo) -> None:
    returned = [
        e
        for e in evaluations.evaluations
        if any(t.action == "RETURN" for t in evaluations.transitions[e.id or 0])
    ]
    [evaluation] = returned
    steps = evaluations.transitions[evaluation.id or 0]
    assert [t.action for t in steps] == [
        "OPEN", "TAX_CONCUR", "SUBMIT", "RETURN", "TAX_CONCUR", "SUBMIT", "ACCEPT", "ACCEPT",
    ]  # fmt: skip
    assert [(t.from_status, t.to_status) for t in steps[3:6]] == [
        (S.SUBMITTED, S.RETURNED), (S.RETURNED, S.RETURNED), (S.RETURNED, S.SUBMITTED),
    ]  # fmt: skip
    assert steps[3].reason and evaluation.status == S.ACCEPTED and evaluation.return_reason is None
    assert [t.at for t in steps] == sorted(t.at for t in steps)
    assert evaluation.content_revision == evaluation.tax_concurred_revision == 2


def test_art17_transitions_follow_the_status(evaluations: EvaluationDemo) -> None:
    for evaluation in evaluations.evaluations:
        steps = evaluations.transitions[evaluation.id or 0]
        assert steps[0].action == "OPEN" and steps[-1].to_status == evaluation.status
        assert [t.at for t in steps] == sorted(t.at for t in steps)
        assert all(t.at.astimezone(CHINA).year == 2026 for t in steps)


def test_art18_every_shortfall_has_cause_and_measures(evaluations: EvaluationDemo) -> None:
    short = [line for lines in evaluations.lines.values() for line in lines if not line.met or line.deviates]
    assert short
    for line in short:
        assert line.cause.strip() and line.measures.strip(), line.level3
    aspects = Counter(a for line in short for a in ("经费保障", "制度保障", "人员保障") if a in line.cause)
    assert len(aspects) == 3


def test_art18_grades_spread(evaluations: EvaluationDemo) -> None:
    grades = Counter(e.grade for e in evaluations.evaluations)
    assert set(grades) == {"EXCELLENT", "GOOD", "FAIR", "POOR"}
    assert grades["POOR"] <= 2


def test_art18_scores_are_the_scoring_services(evaluations: EvaluationDemo) -> None:
    for evaluation in evaluations.evaluations:
        total, grade, lines = evaluations.rescored[evaluation.id or 0]
        assert (evaluation.total_score, evaluation.grade) == (total, grade)
        stored = [(line.score, line.met, line.deviates) for line in evaluations.lines[evaluation.id or 0]]
        assert stored == lines


def test_art18_corrected_actuals_carry_their_reason(evaluations: EvaluationDemo) -> None:
    for evaluation in evaluations.evaluations:
        for line in evaluations.lines[evaluation.id or 0]:
            if (line.actual_value, line.actual_grade) != (line.prefilled_value, line.prefilled_grade):
                assert line.actual_reason
        budget = ("initial_budget", "adjusted_budget", "executed")
        if any(getattr(evaluation, n) != getattr(evaluation, f"prefilled_{n}") for n in budget):
            assert evaluation.budget_edit_reason


def test_art17_one_draft_entrusted_to_the_third_party_who_filled_in_lines(
    evaluations: EvaluationDemo,
) -> None:
    """A prefecture-pooled draft is assigned to the demo 事务所 from 1 April 2026 by its prefecture's
    finance; the third party's user explained lines of it, as itself in the audit trail."""
    [assignment] = evaluations.assignments
    by_id = {e.id: e for e in evaluations.evaluations}
    evaluation = by_id[assignment.subject_id]
    assert assignment.subject_type == "SelfEvaluation" and evaluation.status == S.DRAFT
    assert evaluation.pooling_level.value == "PREFECTURE"
    assert assignment.starts_at.astimezone(CHINA).date() == date(2026, 4, 1) and assignment.ended_at is None
    [edit] = evaluations.edits
    assert (edit.target_id, edit.organization_id) == (evaluation.id, assignment.organization_id)
    explained = [
        line for line in evaluations.lines[evaluation.id or 0] if line.cause.startswith("（第三方评价）")
    ]
    assert explained
