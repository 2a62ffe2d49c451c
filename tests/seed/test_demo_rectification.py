"""The demo's rectification items (Art. 20), raised by 财政厅 from its four August 2026 feedback letters:
成都's two and 德阳's one VERIFIED (closed before their due dates), 自贡's 监督管理 item REPORTED with its
evidence file (a generated PDF, stored), the others OPEN; 泸州's overdue since September."""

import hashlib
from datetime import timedelta

from src.models.rectification import RectificationStatus
from src.reports.storage import LocalStorage
from src.seed.demo.rectification import DEMO_NOW
from src.services.deadlines.items import DeadlineStatus, status_of
from tests.seed.conftest import LoadedDemo

S = RectificationStatus


def test_counts(loaded_demo: LoadedDemo) -> None:
    counts = loaded_demo.provincial.counts
    assert counts.rectification_items == len(loaded_demo.rectification_items) == 7
    assert counts.rectification_evidence == len(loaded_demo.rectification_evidence) == 1


def test_art20_items_come_from_the_feedbacks_in_every_status(loaded_demo: LoadedDemo) -> None:
    feedbacks = {f.id: f for f in loaded_demo.provincial.feedbacks}
    items = loaded_demo.rectification_items
    assert {i.feedback_id for i in items} == set(feedbacks)
    assert [i.status for i in items] == [
        S.VERIFIED,
        S.VERIFIED,
        S.REPORTED,
        S.OPEN,
        S.OPEN,
        S.VERIFIED,
        S.OPEN,
    ]
    for item in items:
        letter = feedbacks[item.feedback_id]
        assert (item.region_id, item.fund_type_id, item.year) == (letter.region_id, letter.fund_type_id, 2025)
        assert item.due_on == item.raised_on + timedelta(days=30)  # the province's RECTIFICATION_DAYS
        assert item.raised_by_organization_id == letter.organization_id  # 财政厅
        if item.status == S.VERIFIED:
            assert item.verified_at is not None and item.measures and item.reported_at is not None


def test_art20_one_item_is_overdue_on_the_demos_day(loaded_demo: LoadedDemo) -> None:
    statuses = [
        status_of(due_on=i.due_on, done_at=i.verified_at, today=DEMO_NOW)
        for i in loaded_demo.rectification_items
    ]
    assert statuses.count(DeadlineStatus.OVERDUE) == 1
    assert statuses.count(DeadlineStatus.DONE) == 3


def test_art20_the_reported_item_has_its_evidence_stored(loaded_demo: LoadedDemo) -> None:
    (evidence,) = loaded_demo.rectification_evidence
    reported = next(i for i in loaded_demo.rectification_items if i.status == S.REPORTED)
    assert evidence.item_id == reported.id and evidence.content_type == "application/pdf"
    data = LocalStorage(loaded_demo.storage_dir).path(evidence.storage_key).read_bytes()
    assert data.startswith(b"%PDF-") and len(data) == evidence.size
    assert hashlib.sha256(data).hexdigest() == evidence.sha256
