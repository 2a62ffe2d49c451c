"""The demo's 2025 provincial evaluations (Art. 17, 18) and 财政厅's summary: one per fund, all approved,
one sent after 10 July and marked late, one returned with its reason and sent again, each keeping the
aggregate it was sent with; the summary sent by the end of July with its 川财社 number."""

from collections import Counter
from datetime import date

from src.models.provincial_evaluation import ProvincialEvaluationStatus, ProvincialSummaryStatus
from src.services.deadlines.items import CHINA
from src.services.evaluation.provincial.aggregate import from_json
from tests.seed.provincial_demo import ProvincialDemo

S = ProvincialEvaluationStatus


def test_counts(provincial: ProvincialDemo) -> None:
    assert provincial.counts.provincial_evaluations == len(provincial.evaluations) == provincial.funds
    assert provincial.counts.provincial_summaries == len(provincial.summaries) == 1


def test_art17_every_funds_report_approved_one_late_one_returned_and_sent_again(
    provincial: ProvincialDemo,
) -> None:
    assert {e.status for e in provincial.evaluations} == {S.APPROVED}
    late = [e for e in provincial.evaluations if e.late]
    assert len(late) == 1 and late[0].submitted_at is not None
    assert late[0].submitted_at.astimezone(CHINA).date() > date(2026, 7, 10)
    on_time = [e for e in provincial.evaluations if not e.late]
    assert all(
        e.submitted_at and e.submitted_at.astimezone(CHINA).date() <= date(2026, 7, 10) for e in on_time
    )
    actions = Counter(tuple(s.action for s in steps) for steps in provincial.transitions.values())
    assert actions[("OPEN", "TAX_CONCUR", "SUBMIT", "RETURN", "TAX_CONCUR", "SUBMIT", "APPROVE")] == 1
    assert actions[("OPEN", "TAX_CONCUR", "SUBMIT", "APPROVE")] == provincial.funds - 1
    for e in provincial.evaluations:
        assert e.tax_concurred_revision == e.content_revision and e.snapshot is not None
        assert all(getattr(e, name) for name in ("overview", "work", "conclusion", "analysis", "suggestions"))
        aggregate = from_json(e.snapshot)
        assert aggregate.year == 2025 and aggregate.expected == len(aggregate.regions) + len(
            aggregate.missing
        )
    # Sent with what had come in: a fund whose self-evaluations are still drafts has them missing.
    counted = [from_json(e.snapshot).regions for e in provincial.evaluations if e.snapshot is not None]
    assert sum(1 for regions in counted if regions) >= provincial.funds - 2


def test_art17_the_summary_sent_by_the_end_of_july_with_its_number(provincial: ProvincialDemo) -> None:
    (summary,) = provincial.summaries
    assert summary.status == ProvincialSummaryStatus.SENT and not summary.late and summary.sent_at is not None
    assert summary.sent_at.astimezone(CHINA).date() == date(2026, 7, 28)
    assert summary.document_number is not None and summary.document_number.startswith("川财社〔2026〕")
