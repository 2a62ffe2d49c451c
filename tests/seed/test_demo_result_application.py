"""The demo's evaluation-result applications (Art. 20): 成都's recorded use of its 2025 self-evaluation for
its 2026 goal (the demo has goals for 2025 and 2026: the link is the 2026 goal of the same fund) and budget,
with a policy use; 财政厅's recorded fund allocation at the province on its 2025 provincial evaluation; 自贡's
draft with a policy use."""

from decimal import Decimal

from src.models.result_application import ApplicationKind, ResultApplicationStatus
from tests.seed.provincial_demo import ProvincialDemo


def test_counts(provincial: ProvincialDemo) -> None:
    assert provincial.counts.result_applications == len(provincial.applications) == 3
    assert provincial.counts.result_application_uses == len(provincial.uses) == 6


def test_art20_chengdu_uses_its_2025_self_evaluation_for_its_2026_goal_and_budget(
    provincial: ProvincialDemo,
) -> None:
    chengdu, zigong, province = provincial.applications
    assert chengdu.status == ResultApplicationStatus.RECORDED and chengdu.recorded_at is not None
    assert chengdu.year == 2025 and chengdu.self_evaluation_id is not None
    uses = [u for u in provincial.uses if u.application_id == chengdu.id]
    assert [u.kind for u in uses] == [
        ApplicationKind.NEXT_YEAR_GOAL, ApplicationKind.NEXT_YEAR_BUDGET, ApplicationKind.POLICY,
    ]  # fmt: skip
    assert uses[0].goal_id is not None and uses[1].budget_id is not None
    assert zigong.status == ResultApplicationStatus.DRAFT and zigong.fund_type_id == chengdu.fund_type_id
    assert province.provincial_evaluation_id is not None
    allocation = [u for u in provincial.uses if u.application_id == province.id]
    assert [(u.kind, u.amount) for u in allocation] == [
        (ApplicationKind.FUND_ALLOCATION, Decimal("3000.00")), (ApplicationKind.MANAGEMENT, None),
    ]  # fmt: skip
