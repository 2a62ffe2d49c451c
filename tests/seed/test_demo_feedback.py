"""The demo's evaluation-result feedback (Art. 19): 财政厅's letters on four prefectures' accepted 2025
employee medical self-evaluations, sent in August 2026 with 川财社 numbers after the July summary's, the
score and grade copied, answer-by 30 days on; all acknowledged by the three bodies but the last, which its
finance alone has."""

from datetime import timedelta

from src.models.feedback import FeedbackStatus
from src.services.deadlines.items import CHINA
from tests.seed.provincial_demo import ProvincialDemo


def test_counts(provincial: ProvincialDemo) -> None:
    assert provincial.counts.evaluation_feedbacks == len(provincial.feedbacks) == 4
    assert provincial.counts.feedback_recipients == len(provincial.recipients) == 12


def test_art19_letters_sent_in_august_numbered_after_the_summary_with_score_and_answer_by(
    provincial: ProvincialDemo,
) -> None:
    (summary,) = provincial.summaries
    assert summary.document_number is not None
    after = int(summary.document_number.split("〕")[1].rstrip("号"))
    numbers = [f.document_number for f in provincial.feedbacks]
    assert numbers == [f"川财社〔2026〕{after + i}号" for i in range(1, 5)]
    for f in provincial.feedbacks:
        assert f.sent_at is not None and f.sent_at.astimezone(CHINA).month == 8
        assert f.answer_by == f.sent_at.astimezone(CHINA).date() + timedelta(days=30)
        assert f.score is not None and f.grade and f.co_issuer_ids and len(f.co_issuer_ids) == 2


def test_art19_all_acknowledged_but_the_last(provincial: ProvincialDemo) -> None:
    statuses = [f.status for f in provincial.feedbacks]
    assert statuses == [FeedbackStatus.ACKNOWLEDGED] * 3 + [FeedbackStatus.SENT]
    last = provincial.feedbacks[-1].id
    pending = [r for r in provincial.recipients if r.acknowledged_at is None]
    assert len(pending) == 2 and {r.feedback_id for r in pending} == {last}
