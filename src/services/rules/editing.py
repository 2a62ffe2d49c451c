"""Editing a region's rules (Art. 23 「各市（州）可…制定具体实施细则」): the finance department of the
province or of a prefecture sets or resets its own region's values. Every value is checked alone and, with the
others in force, against the consistency rules; a document abbreviation also against those of the province's
other issuing regions; when anything is wrong nothing is written.
"""

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Region, RegionalRule
from src.models.base import utcnow
from src.models.enums import RegionLevel
from src.models.rules import RuleEventKind
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import CommonErrorCode, Conflict, ErrorCode, FieldProblem, NotFound, ValidationFailed
from src.services.rules.consistency import broken_rules
from src.services.rules.reads import DefinedRule, ancestor_codes, defined_rules, resolve
from src.services.rules.region_defaults import RegionFacts
from src.services.rules.registry import DEFINITION, RuleKey, RuleValueError
from src.subjects.events import record_event

OPERATION = "ruleSetUpdate"
# The regions whose bodies issue numbered documents, whose abbreviations must tell them apart.
ISSUING_LEVELS = (RegionLevel.PROVINCE, RegionLevel.PREFECTURE)
BOTH_SET_AND_RESET = "同一细则项不能既设置新值又恢复上级规定"
PROVINCE_ONLY = "为省级部门的职责，仅省级实施细则可以规定"


async def region_by_code(session: AsyncSession, code: str) -> Region:
    region = (await session.exec(select(Region).where(Region.code == code))).first()
    if region is None:
        raise NotFound("行政区划", code)
    return region


async def editable_region(*, session: AsyncSession, actor: Actor, region_code: str) -> Region:
    """The region whose rules `actor` edits: NotFound if there is none, Forbidden unless the actor is its
    finance department and it is the province or a prefecture (policy.Action.RULES_EDIT)."""
    region = await region_by_code(session, region_code)
    policy.require(
        actor, policy.Action.RULES_EDIT, policy.Scope(region_path=region.path, region_level=region.level)
    )
    return region


def _parsed(values: dict[RuleKey, str], reset: list[RuleKey], level: RegionLevel) -> dict[RuleKey, str]:
    """The canonical text of every value a region of `level` sets; ValidationFailed naming each bad one (a
    value later than the text's date among them: registry.RuleDefinition.latest)."""
    problems: list[FieldProblem] = []
    canonical: dict[RuleKey, str] = {}
    resetting = set(reset)
    for position, (key, text) in enumerate(values.items()):
        definition = DEFINITION[key]
        if key in resetting:
            problems.append(
                FieldProblem(f"input.values.{position}.key", BOTH_SET_AND_RESET, ErrorCode.INVALID)
            )
            continue
        if not definition.settable_in(level):
            # Resetting such a key stays allowed: it removes a row written before the scope was enforced.
            message = f"{definition.label}：{PROVINCE_ONLY}（{definition.basis}）"
            problems.append(FieldProblem(f"input.values.{position}.key", message, ErrorCode.PROVINCE_ONLY))
            continue
        try:
            canonical[key] = definition.parse(text)
        except RuleValueError as exc:
            problems.append(
                FieldProblem(f"input.values.{position}.value", f"{definition.label}：{exc.message}", exc.code)
            )
    if problems:
        raise ValidationFailed(problems)
    return canonical


async def _consistency_problems(
    session: AsyncSession,
    region: Region,
    defined: list[DefinedRule],
    fields: dict[RuleKey, str],
) -> list[FieldProblem]:
    """The consistency rules broken, after the change, in `region` or in a region below it that has rules
    of its own (a province's change must not make a prefecture's detailed rules inconsistent).
    `defined` holds the stored rules of the region, its ancestors and descendants as they will be after
    the change; `fields` the input field of every key the change touches."""
    touched = set(fields)
    regions = {region.path: RegionFacts.of(region)}
    regions.update({r.region.path: r.region for r in defined if r.region.path.startswith(region.path)})
    problems: list[FieldProblem] = []
    for _, facts in sorted(regions.items()):
        in_force = resolve(facts, defined).values()
        for rule in broken_rules(in_force, touching=touched):
            message = rule.message
            if facts.id != region.id:
                name = facts.name
                message = f"{message}（将与{name}的实施细则不一致，请先调整{name}的细则）"
            for key in rule.keys:
                problem = (
                    FieldProblem(fields[key], message, ErrorCode.OUT_OF_RANGE) if key in fields else None
                )
                if problem is not None and problem not in problems:
                    problems.append(problem)
    return problems


async def _duplicate_problems(
    session: AsyncSession, region: Region, canonical: dict[RuleKey, str], fields: dict[RuleKey, str]
) -> list[FieldProblem]:
    """A value of a `distinct` key (the document abbreviation) that another issuing region of the province
    (the province itself or a prefecture) has in force, its own or its derived default: two bodies would
    print their documents with the same numbers."""
    keys = [key for key in canonical if DEFINITION[key].distinct]
    if not keys:
        return []
    province_path = f"/{ancestor_codes(region.path)[0]}/"
    others = (
        await session.exec(
            select(Region).where(
                col(Region.path).startswith(province_path, autoescape=True),
                col(Region.level).in_(ISSUING_LEVELS),
                Region.id != region.id,
            )
        )
    ).all()
    stored = (
        await session.exec(
            select(RegionalRule).where(
                col(RegionalRule.key).in_([key.value for key in keys]),
                col(RegionalRule.region_id).in_([other.id for other in others]),
            )
        )
    ).all()
    problems: list[FieldProblem] = []
    for key in keys:
        own = {row.region_id: row.value for row in stored if row.key == key.value}
        for other in others:
            in_force = resolve(RegionFacts.of(other), _as_defined(other, key, own.get(other.id or 0)))
            if in_force.text(key) == canonical[key]:
                message = f"{DEFINITION[key].label}：与{other.name}的相同，发文字号将无法区分"
                problems.append(FieldProblem(fields[key], message, ErrorCode.DUPLICATE))
                break
    return problems


def _as_defined(region: Region, key: RuleKey, value: str | None) -> list[DefinedRule]:
    return [] if value is None else [DefinedRule(key.value, value, RegionFacts.of(region))]


async def update_rules(
    *,
    session: AsyncSession,
    actor: Actor,
    region_code: str,
    values: dict[RuleKey, str],
    reset: list[RuleKey],
) -> list[RegionalRule]:
    """Set `values` (user text, parsed to canonical text) and remove the overrides of `reset` (the value
    above applies again) in the region `region_code`; returns the region's own rules afterwards, in the
    order of the registry. Input fields are named `input.values.<i>.value` and `input.reset.<i>`."""
    region = await editable_region(session=session, actor=actor, region_code=region_code)
    assert region.id is not None
    canonical = _parsed(values, reset, region.level)
    resetting = list(dict.fromkeys(reset))
    fields = {key: f"input.values.{position}.value" for position, key in enumerate(values)}
    for position, key in enumerate(reset):
        fields.setdefault(key, f"input.reset.{position}")

    own_rows = (await session.exec(select(RegionalRule).where(RegionalRule.region_id == region.id))).all()
    own = {row.key: row for row in own_rows}
    stored = await defined_rules(session, region, with_descendants=True)
    facts = RegionFacts.of(region)
    after = [r for r in stored if r.region.id != region.id or (r.key not in canonical and r.key not in reset)]
    after += [DefinedRule(key, text, facts) for key, text in canonical.items()]
    problems = await _consistency_problems(session, region, after, fields)
    problems += await _duplicate_problems(session, region, canonical, fields)
    if problems:
        raise ValidationFailed(problems)

    changed: dict[str, list[str]] = {"set": [], "reset": []}
    try:
        for key, text in canonical.items():
            row = own.get(key)
            if row is not None and row.value == text:
                continue  # set as it was: nothing changes
            if row is None:
                row = RegionalRule(
                    region_id=region.id, key=key.value, value=text, updated_by_id=actor.user_id
                )
                await audit.created(session=session, actor=actor, operation=OPERATION, row=row)
                own[key] = row
            else:
                async with audit.changing(session=session, actor=actor, operation=OPERATION, row=row):
                    await claim(session=session, row=row, expected_version=row.row_version)
                    row.value = text
                    row.updated_by_id = actor.user_id
                    row.updated_at = utcnow()
            changed["set"].append(key.value)
        for key in resetting:
            row = own.pop(key, None)
            if row is not None:
                await audit.deleted(session=session, actor=actor, operation=OPERATION, row=row)
                changed["reset"].append(key.value)
    except (IntegrityError, StaleDataError) as exc:
        # Another writer set or reset the same rule of the region at the same time.
        raise Conflict("实施细则已被他人同时修改，请刷新后重试", code=CommonErrorCode.STALE_VERSION) from exc
    if changed["set"] or changed["reset"]:
        await record_event(
            session=session,
            kind=RuleEventKind.RULE_SET_CHANGED,
            subject=region,
            actor=actor,
            payload={"operation": OPERATION, **changed},
        )
    order = {key.value: position for position, key in enumerate(RuleKey)}
    return sorted(own.values(), key=lambda row: order.get(row.key, len(order)))
