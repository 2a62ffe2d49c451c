"""The demo's assessment of the prefectures (Art. 22): 财政厅's 2025 round, published in October 2026 with
the next 川财社 number after the 两书一函's of September and October, computed from the demo's own facts:
every prefecture ranked, at least one 工作推进不力 (named in the notice for 两书一函)."""

from src.models.assessment import AssessmentOutcome, AssessmentStatus
from tests.seed.provincial_demo import ProvincialDemo


def test_art22_the_2025_round_is_published_with_its_number(provincial: ProvincialDemo) -> None:
    (row,) = provincial.rounds
    assert (row.year, row.status) == (2025, AssessmentStatus.PUBLISHED)
    numbers = [letter.document_number or "" for letter in provincial.escalation_letters]
    after = max(int(n.split("〕")[1].rstrip("号")) for n in numbers)
    assert row.document_number == f"川财社〔2026〕{after + 1}号"
    assert row.content_revision == row.hrss_concurred_revision == row.tax_concurred_revision == 1
    assert provincial.counts.assessment_rounds == 1 and provincial.counts.prefecture_assessments == 21


def test_art22_every_prefecture_ranked_from_the_demos_facts_and_one_weak(provincial: ProvincialDemo) -> None:
    rows = provincial.prefecture_assessments
    assert len(rows) == 21 and rows[0].rank == 1 and all(r.published for r in rows)
    assert any(r.deadlines_due for r in rows) and any(r.evaluations_owed for r in rows)
    # Rectification is scored where the demo's items fell due (成都, 德阳, 泸州), not applicable elsewhere.
    scored = {r.region_id for r in rows if r.rectification_score is not None}
    assert scored and all(r.rectification_items for r in rows if r.region_id in scored)
    assert all(r.rectification_score is None for r in rows if not r.rectification_items)
    assert any(r.outcome == AssessmentOutcome.WEAK for r in rows)
