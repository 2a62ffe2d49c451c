"""What is due when, as pure functions: an item's status on a day in China, its key, where it is seen."""

from datetime import UTC, date, datetime

from src.models.enums import ActorType, Administration, RegionLevel
from src.services.deadlines import DeadlineItem, DeadlineStatus, china_date, china_today, status_of
from src.services.rules.region_defaults import RegionFacts

S = DeadlineStatus
DUE = date(2026, 4, 10)
CHENGDU = RegionFacts(7, "/510000/510100/", "510100", "成都市", RegionLevel.PREFECTURE)


def item(**changes: object) -> DeadlineItem:
    fields: dict[str, object] = {
        "kind": "SOMETHING",
        "region": CHENGDU,
        "actor_type": ActorType.AGENCY,
        "administration": Administration.MEDICAL_SECURITY,
        "fund_type_id": 4,
        "year": 2026,
        "period": 3,
        "due_on": DUE,
        "done_at": None,
        "label": "某事",
        **changes,
    }
    return DeadlineItem(**fields)  # type: ignore[arg-type]


def test_art13_done_late_overdue_pending_by_the_day_in_china() -> None:
    on_time = datetime(2026, 4, 10, 15, 59, tzinfo=UTC)  # 23:59 in Beijing on the due date
    late = datetime(2026, 4, 10, 16, 0, tzinfo=UTC)  # 00:00 on 11 April in Beijing
    assert china_date(on_time) == DUE and china_date(late) == date(2026, 4, 11)
    assert status_of(due_on=DUE, done_at=on_time, today=date(2027, 1, 1)) == S.DONE
    assert status_of(due_on=DUE, done_at=late, today=date(2026, 4, 11)) == S.LATE
    assert status_of(due_on=DUE, done_at=None, today=DUE) == S.PENDING  # the due date itself
    assert status_of(due_on=DUE, done_at=None, today=date(2026, 4, 11)) == S.OVERDUE
    assert china_today(datetime(2026, 12, 31, 16, 30, tzinfo=UTC)) == date(2027, 1, 1)


def test_an_items_key_is_stable_and_names_what_it_is_about() -> None:
    assert item().key == "SOMETHING:7:4:2026:03"
    assert item(fund_type_id=None, period=None, year=2025).key == "SOMETHING:7:-:2025"
    assert item(done_at=datetime(2026, 4, 1, tzinfo=UTC)).key == item().key  # not what it is about


def test_an_item_is_seen_as_its_notice_is_at_its_region_and_administration() -> None:
    scope = item().scope()
    assert (scope.region_id, scope.region_path, scope.fund_type_id) == (7, "/510000/510100/", 4)
    assert scope.administrations == {Administration.MEDICAL_SECURITY} and not scope.draft
    assert item(administration=None, fund_type_id=None).scope().administrations == set(Administration)
