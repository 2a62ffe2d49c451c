"""The demo's 两书一函 (Art. 22): 德阳's 2025 case in progress, the 提醒督促书 answered and marked
unresolved, the 整改通知书 sent after the waiting period and unanswered, numbered in 财政厅's 2026
sequence in the order of their days: after the feedback letters (August) and the disclosure (31 August)."""

from datetime import timedelta

from src.models.escalation import EscalationStatus
from tests.seed.provincial_demo import ProvincialDemo


def test_counts(provincial: ProvincialDemo) -> None:
    assert provincial.counts.escalations == len(provincial.escalations) == 1
    assert provincial.counts.escalation_letters == len(provincial.escalation_letters) == 2


def test_art22_deyang_reminded_unresolved_then_told_to_rectify(provincial: ProvincialDemo) -> None:
    (case,) = provincial.escalations
    assert case.year == 2025 and case.status == EscalationStatus.LETTER_SENT and case.level == 2
    assert case.co_issuer_ids and len(case.co_issuer_ids) == 3
    reminder, notice = provincial.escalation_letters
    assert reminder.answered_at is not None and reminder.unresolved_at is not None
    assert notice.answered_at is None and notice.content["issues"]
    assert notice.sent_on >= reminder.sent_on + timedelta(days=30)  # the province's ESCALATION_WAIT_DAYS
    assert notice.answer_by == notice.sent_on + timedelta(days=30)
    disclosure = provincial.disclosures[0].document_number
    assert disclosure is not None
    after = int(disclosure.split("〕")[1].rstrip("号"))
    assert [reminder.document_number, notice.document_number] == [
        f"川财社〔2026〕{after + 1}号",
        f"川财社〔2026〕{after + 2}号",
    ]
