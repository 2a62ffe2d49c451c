"""src/services/goals/indicators.py: the indicators of a draft goal (Art. 8–9), by hand or from the library,
and the indicators a pooling region inherits from the province-wide goal (Art. 6: locked, only stricter).
What makes one indicator valid is tested in test_validation.py; a negative target in test_target_values.py."""

from decimal import Decimal
from typing import Any

from sqlmodel import col, select

from src.models import (
    AuditEvent,
    Goal,
    GoalDecompositionTarget,
    Indicator,
    IndicatorCreate,
    IndicatorTemplate,
    IndicatorUpdate,
)
from src.models.enums import (
    Aggregation,
    Comparator,
    GoalStatus,
    IndicatorKind,
    QualitativeGrade,
)
from src.services.actors import Actor
from src.services.errors import (
    CommonErrorCode,
    Conflict,
    ErrorCode,
    FieldProblem,
    Forbidden,
    GoalErrorCode,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from src.services.goals.decomposition_edits import TargetEntry, update_targets
from src.services.goals.indicators import (
    TemplatePick,
    add_indicators_from_templates,
    create_indicator,
    delete_indicator,
    update_indicator,
)
from tests.factories import make_goal
from tests.services.conftest import CHENGDU, PROVINCE, Bodies, Call, Sessionmaker, act, refused
from tests.services.goals.conftest import (
    COUNT,
    YEAR,
    ProvinceGoal,
    children_of,
    goal_row,
    indicators_of,
    new_indicator,
)


def create(actor: Actor, goal_id: int, data: IndicatorCreate | None = None) -> Call[Indicator]:
    given = data or new_indicator()
    return lambda s: create_indicator(session=s, actor=actor, goal_id=goal_id, data=given)


def update(actor: Actor, indicator_id: int, row_version: int = 1, **patch: Any) -> Call[Indicator]:
    values = IndicatorUpdate(**patch)
    return lambda s: update_indicator(
        session=s, actor=actor, indicator_id=indicator_id, row_version=row_version, patch=values
    )


def delete(actor: Actor, indicator_id: int, row_version: int = 1) -> Call[Goal]:
    return lambda s: delete_indicator(
        session=s, actor=actor, indicator_id=indicator_id, row_version=row_version
    )


async def template_id(sessionmaker: Sessionmaker, key: str) -> int:
    async with sessionmaker() as session:
        template = (await session.exec(select(IndicatorTemplate).where(IndicatorTemplate.key == key))).one()
    return template.id or 0


# --- by hand ------------------------------------------------------------------------------------------------


async def test_art9_an_indicator_is_added_after_the_others(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    before = await goal_row(sessionmaker, province_draft.id)
    created = await act(sessionmaker, create(province.agency, province_draft.id))
    assert (created.level2, created.level3) == ("数量", "年度新增参保人次")  # trimmed
    assert created.aggregation == Aggregation.SUM  # a count: inferred from the unit (units.py)
    assert created.sort_order == 4 and created.target_value == Decimal(120)
    goal = await goal_row(sessionmaker, province_draft.id)
    assert goal.row_version == before.row_version + 1
    assert goal.content_revision == before.content_revision + 1  # voids a tax concurrence (test_tax.py)
    async with sessionmaker() as session:
        audit = (
            await session.exec(select(AuditEvent).where(AuditEvent.operation == "indicatorCreate"))
        ).one()
    assert (audit.target_type, audit.target_id) == ("Indicator", created.id)
    assert audit.changes["goal_row_version"]["after"] == goal.row_version


async def test_art9_a_given_aggregation_is_kept(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    data = new_indicator(unit="%", aggregation=Aggregation.NONE, level3="异地就医备案办结率")
    created = await act(sessionmaker, create(province.agency, province_draft.id, data))
    assert created.aggregation == Aggregation.NONE
    inferred = await act(sessionmaker, create(province.agency, province_draft.id, new_indicator(unit="%")))
    assert inferred.aggregation == Aggregation.RATE


async def test_art9_a_refused_indicator_names_each_field(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    data = new_indicator(comparator=Comparator.GRADE, unit=" ", target_value=None, level3="指标2")
    error = await refused(sessionmaker, ValidationFailed, create(province.agency, province_draft.id, data))
    assert [(p.field, p.code) for p in error.problems] == [
        ("input.comparator", ErrorCode.INVALID),
        ("input.targetValue", ErrorCode.REQUIRED),
        ("input.unit", ErrorCode.REQUIRED),
        ("input.level3", ErrorCode.DUPLICATE),  # make_goal's second indicator is 指标2 (the first: the count)
    ]


async def test_art23_one_weight_is_at_most_the_regions_total(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    data = new_indicator(weight=Decimal("90.01"))
    error = await refused(sessionmaker, ValidationFailed, create(province.agency, province_draft.id, data))
    assert error.problems == [
        FieldProblem("input.weight", "权重应大于 0、不超过 90，最多两位小数", ErrorCode.OUT_OF_RANGE)
    ]


async def test_art7_only_the_drafting_agency_changes_indicators(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, province_draft: ProvinceGoal
) -> None:
    for actor in (province.finance, province.reviewer, province.tax):
        await refused(sessionmaker, Forbidden, create(actor, province_draft.id))
        await refused(sessionmaker, Forbidden, update(actor, province_draft.rate_id, weight=Decimal(20)))
        await refused(sessionmaker, Forbidden, delete(actor, province_draft.rate_id))
    # The prefecture does not see the province's draft: neither its goal nor its indicators exist for it.
    missing = await refused(sessionmaker, NotFound, create(chengdu.agency, province_draft.id))
    assert missing.entity == "绩效目标"
    missing = await refused(sessionmaker, NotFound, delete(chengdu.agency, province_draft.rate_id))
    assert (missing.entity, missing.key) == ("绩效指标", str(province_draft.rate_id))


async def test_art7_indicators_of_a_goal_past_its_draft_stay(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    async with sessionmaker() as session:
        goal = await make_goal(session, region_code=PROVINCE, year=YEAR, status=GoalStatus.SUBMITTED)
        await session.commit()
    [first, *_] = await indicators_of(sessionmaker, goal.id or 0)
    for call, operation in (
        (create(province.agency, goal.id or 0), "indicatorCreate"),
        (update(province.agency, first.id or 0, weight=Decimal(30)), "indicatorUpdate"),
        (delete(province.agency, first.id or 0), "indicatorDelete"),
    ):
        error = await refused(sessionmaker, InvalidTransition, call)
        assert (error.code, error.current_status, error.operation) == (
            GoalErrorCode.NOT_EDITABLE,
            "SUBMITTED",
            operation,
        )


async def test_art9_an_update_changes_only_what_it_names(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    before = await goal_row(sessionmaker, province_draft.id)
    updated = await act(
        sessionmaker,
        update(
            province.agency, province_draft.rate_id, level3=" 基金收入预算完成率 ", target_value=Decimal(97)
        ),
    )
    assert (updated.level3, updated.target_value, updated.weight) == (
        "基金收入预算完成率",
        Decimal(97),
        Decimal("22.5"),  # make_goal's four indicators share the 90 points
    )
    assert (updated.row_version, updated.comparator, updated.unit) == (2, Comparator.GE, "%")
    goal = await goal_row(sessionmaker, province_draft.id)
    assert (goal.row_version, goal.content_revision) == (before.row_version + 1, before.content_revision + 1)


async def test_art9_a_null_target_clears_it_when_the_kind_changes(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    """A quantitative indicator becomes qualitative: its value goes (null), a grade comes."""
    updated = await act(
        sessionmaker,
        update(
            province.agency,
            province_draft.rate_id,
            kind=IndicatorKind.QUALITATIVE,
            comparator=Comparator.GRADE,
            target_value=None,
            target_grade=QualitativeGrade.ACHIEVED,
        ),
    )
    assert (updated.kind, updated.target_value, updated.target_grade) == (
        IndicatorKind.QUALITATIVE,
        None,
        QualitativeGrade.ACHIEVED,
    )
    # Left out, the value is kept; null is what clears it.
    error = await refused(
        sessionmaker,
        ValidationFailed,
        update(province.agency, province_draft.count_id, kind=IndicatorKind.QUALITATIVE),
    )
    assert ("input.targetValue", ErrorCode.INVALID) in [(p.field, p.code) for p in error.problems]


async def test_an_indicators_stale_row_version_is_a_conflict(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    await act(sessionmaker, update(province.agency, province_draft.rate_id, weight=Decimal(25)))
    error = await refused(
        sessionmaker, Conflict, update(province.agency, province_draft.rate_id, weight=Decimal(20))
    )
    assert (error.code, error.current_version) == (CommonErrorCode.STALE_VERSION, 2)
    error = await refused(sessionmaker, Conflict, delete(province.agency, province_draft.rate_id))
    assert error.code == CommonErrorCode.STALE_VERSION


async def test_art6_deleting_an_indicator_drops_its_cells_of_the_table(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    goal = await goal_row(sessionmaker, province_draft.id)
    cell = TargetEntry(indicator_id=province_draft.count_id, region_code=CHENGDU, target_value=Decimal(100))
    await act(
        sessionmaker,
        lambda s: update_targets(
            session=s,
            actor=province.agency,
            goal_id=goal.id or 0,
            row_version=goal.row_version,
            entries=[cell],
        ),
    )
    returned = await act(sessionmaker, delete(province.agency, province_draft.count_id))
    assert returned.id == province_draft.id
    assert [i.level3 for i in await indicators_of(sessionmaker, province_draft.id)] == [
        "指标2",
        "指标3",
        "指标4",
    ]
    async with sessionmaker() as session:
        assert (await session.exec(select(GoalDecompositionTarget))).all() == []


# --- from the library ---------------------------------------------------------------------------------------


def pick(template: int, weight: str = "5", target: str | None = None) -> TemplatePick:
    return TemplatePick(
        template_id=template, weight=Decimal(weight), target_value=None if target is None else Decimal(target)
    )


def add(actor: Actor, goal_id: int, picks: list[TemplatePick], row_version: int = 1) -> Call[list[Indicator]]:
    return lambda s: add_indicators_from_templates(
        session=s, actor=actor, goal_id=goal_id, row_version=row_version, picks=picks
    )


async def test_art9_library_picks_take_the_templates_definition(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    qualitative = await template_id(sessionmaker, "COMMON:绩效目标设置合理性")
    rate = await template_id(sessionmaker, "COMMON:基金支出预算执行率")
    medical = await template_id(sessionmaker, "EMPLOYEE_MEDICAL:生育津贴按时发放率")
    picks = [pick(qualitative, "2", target="1"), pick(rate, "3"), pick(medical, "4", target="99")]
    added = await act(sessionmaker, add(province.agency, province_draft.id, picks))
    assert [(i.template_id, i.sort_order, int(i.weight)) for i in added] == [
        (qualitative, 4, 2),
        (rate, 5, 3),
        (medical, 6, 4),
    ]
    # A qualitative indicator takes the template's grade, never a value; a quantitative one the value
    # picked, else the template's default.
    assert (added[0].kind, added[0].target_value, added[0].target_grade) == (
        IndicatorKind.QUALITATIVE,
        None,
        QualitativeGrade.ACHIEVED,
    )
    assert (added[1].level3, added[1].target_value, added[1].aggregation) == (
        "基金支出预算执行率",
        Decimal(90),
        Aggregation.RATE,
    )
    assert added[2].target_value == Decimal(99)
    assert (await goal_row(sessionmaker, province_draft.id)).row_version == 2


async def test_art9_library_picks_are_refused_together(
    sessionmaker: Sessionmaker, province: Bodies, province_draft: ProvinceGoal
) -> None:
    rate = await template_id(sessionmaker, "COMMON:基金支出预算执行率")
    other_fund = await template_id(sessionmaker, "WORK_INJURY:工伤认定按时办结率")
    picks = [pick(rate), pick(other_fund), pick(999_999), pick(rate), pick(rate, "0")]
    error = await refused(sessionmaker, ValidationFailed, add(province.agency, province_draft.id, picks))
    assert [(p.field, p.code) for p in error.problems] == [
        ("input.items.1.templateId", ErrorCode.NOT_FOUND),  # another fund's indicator
        ("input.items.2.templateId", ErrorCode.NOT_FOUND),
        ("input.items.3.level3", ErrorCode.DUPLICATE),  # picked twice
        ("input.items.4.weight", ErrorCode.OUT_OF_RANGE),
        ("input.items.4.level3", ErrorCode.DUPLICATE),
    ]
    stale = await refused(sessionmaker, Conflict, add(province.agency, province_draft.id, [pick(rate)], 9))
    assert stale.code == CommonErrorCode.STALE_VERSION


# --- inherited from the province-wide goal (Art. 6) ---------------------------------------------------------


async def inherited_count(sessionmaker: Sessionmaker, issued_guiding: ProvinceGoal) -> Indicator:
    """成都市's insured-persons indicator, handed down with its share of the province's target."""
    child = (await children_of(sessionmaker, issued_guiding.id))[CHENGDU]
    return next(i for i in await indicators_of(sessionmaker, child.id or 0) if i.level3 == COUNT)


async def test_art6_an_inherited_target_only_becomes_stricter(
    sessionmaker: Sessionmaker, chengdu: Bodies, issued_guiding: ProvinceGoal
) -> None:
    count = await inherited_count(sessionmaker, issued_guiding)
    assigned = count.assigned_target_value
    assert assigned is not None and count.inherited_from_id == issued_guiding.count_id
    looser = await refused(
        sessionmaker, ValidationFailed, update(chengdu.agency, count.id or 0, target_value=assigned - 1)
    )
    assert looser.problems == [
        FieldProblem(
            "input.targetValue",
            f"分解下达的指标值为 {assigned.normalize():f}，只能调严，不能放宽",
            ErrorCode.LOCKED,
        )
    ]
    renamed = await refused(
        sessionmaker, ValidationFailed, update(chengdu.agency, count.id or 0, level3="别的")
    )
    assert renamed.problems == [
        FieldProblem("input.level3", "由全省目标分解下达的指标不能修改此项", ErrorCode.LOCKED)
    ]
    stricter = await act(
        sessionmaker, update(chengdu.agency, count.id or 0, target_value=assigned + 1, weight=Decimal(30))
    )
    assert (stricter.target_value, stricter.assigned_target_value) == (assigned + 1, assigned)
    assert stricter.weight == Decimal(30)


async def test_art6_an_inherited_indicator_is_not_deleted_but_the_regions_own_are(
    sessionmaker: Sessionmaker, chengdu: Bodies, issued_guiding: ProvinceGoal
) -> None:
    count = await inherited_count(sessionmaker, issued_guiding)
    error = await refused(sessionmaker, InvalidTransition, delete(chengdu.agency, count.id or 0))
    assert (error.code, error.current_status, error.operation) == (
        GoalErrorCode.INHERITED_INDICATOR_LOCKED,
        "INHERITED",
        "indicatorDelete",
    )
    own = await act(sessionmaker, create(chengdu.agency, count.goal_id))
    assert own.inherited_from_id is None and own.sort_order == 4
    await act(sessionmaker, delete(chengdu.agency, own.id or 0))
    assert len(await indicators_of(sessionmaker, count.goal_id)) == 4


async def test_art6_the_province_sees_but_does_not_edit_a_regions_indicators(
    sessionmaker: Sessionmaker, province: Bodies, issued_guiding: ProvinceGoal
) -> None:
    count = await inherited_count(sessionmaker, issued_guiding)
    await refused(sessionmaker, Forbidden, update(province.agency, count.id or 0, weight=Decimal(30)))
    await refused(sessionmaker, NotFound, update(province.agency, 999_999, weight=Decimal(30)))
    async with sessionmaker() as session:  # the province's own indicator is as it was issued
        source = await session.get(Indicator, issued_guiding.count_id)
        stmt = select(Indicator).where(col(Indicator.inherited_from_id) == issued_guiding.count_id)
        handed_down = (await session.exec(stmt)).all()
    assert source is not None and source.row_version == 1 and len(handed_down) == 21
