"""The demo's performance disclosures (Art. 21): 财政厅's 2025 disclosure published — the province's issued
2025 goals and the seven approved provincial evaluation results, approved by another user than its last
editor, reported to the 人大 on 28 August 2026, published on 31 August numbered after the feedback
letters — and 成都's 2025 disclosure in draft."""

from src.models.disclosure import DisclosureItemKind, DisclosureStatus
from tests.seed.provincial_demo import ProvincialDemo


def test_counts(provincial: ProvincialDemo) -> None:
    assert provincial.counts.disclosures == len(provincial.disclosures) == 2
    assert provincial.counts.disclosure_items == len(provincial.disclosure_items)


def test_art21_the_province_published_its_goals_and_the_seven_provincial_results(
    provincial: ProvincialDemo,
) -> None:
    published, draft = provincial.disclosures
    assert published.status == DisclosureStatus.PUBLISHED and draft.status == DisclosureStatus.DRAFT
    assert published.approved_by != published.last_edited_by  # four eyes
    assert published.reported_on is not None and published.reported_on.isoformat() == "2026-08-28"
    items = [i for i in provincial.disclosure_items if i.disclosure_id == published.id]
    kinds = [i.kind for i in items]
    assert kinds.count(DisclosureItemKind.PROVINCIAL_EVALUATION) == 7
    assert kinds.count(DisclosureItemKind.GOAL) >= 3
    snapshot = published.snapshot
    assert snapshot is not None and snapshot["title"] == "四川省2025年度社会保险基金预算绩效信息公开"
    assert len(snapshot["results"]) == 7
    assert sum(1 for r in snapshot["results"] if r["score"] and r["gradeLabel"]) >= 5
    numbers = [f.document_number for f in provincial.feedbacks]
    last = int(str(numbers[-1]).split("〕")[1].rstrip("号"))
    assert published.document_number == f"川财社〔2026〕{last + 1}号"
    assert draft.snapshot is None
    assert any(i.disclosure_id == draft.id for i in provincial.disclosure_items)
