"""Issue 17: random actors and random rows show that, for every registered subject, the SQL clause
(`spec.clause`) selects exactly the rows the Python check (`policy.visible` over `spec.scope`) lets each actor
read; and that the same holds for the events written for those rows (`visible_events_clause` against
`event_visible`).

The subjects are the registry's: a domain that registers one is compared here without an edit, its rows
found by `select(spec.model)`; its rows are made in `make_rows` (until they are,
`test_the_draws_cover_every_kind_of_row` fails for it, and so does the comparison, which finds nothing to
compare). Rule sets are the regions' (reference data: every region has one, public), some with overrides
of their own; API tokens and webhooks (administrators' records) are registered by administrators at regions
of every level and by some demoted since, and the live tokens call as the actors they authenticate as.
Report jobs are drawn through
`request_report` for every registered document kind: documents of subjects some actors may read and others
not, batches, and documents whose subject was deleted since (some from before subjects had a name: no id).

The draws are seeded (SEED; another with FUNDPERF_AGREEMENT_SEED=<n>), so a failure reproduces.
"""

import os
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import product
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.events.filters import EventFilter
from src.events.message import EventMessage
from src.events.reads import MAX_PAGE, events_after
from src.events.visibility import event_visible, visible_events_clause
from src.models import ApiToken, Event, FundType, Region, RegionalRule, ReportJob, User, Webhook
from src.models.auth import ApiTokenScope
from src.models.base import utcnow
from src.models.enums import ActorType, BudgetStatus, GoalStatus, RegionLevel
from src.reports.jobs import request_report
from src.services import policy
from src.services.actors import Actor, load_actor, load_actors
from src.services.errors import ValidationFailed
from src.services.identity.api_tokens import API_TOKEN_DISPLAY_LENGTH, API_TOKEN_PREFIX
from src.services.identity.authentication import authenticate_many
from src.services.identity.tokens import sha256
from src.services.rules.registry import DEFINITION, RuleKey
from src.subjects.documents import DocumentSpec
from src.subjects.events import record_event
from src.subjects.registry import registry
from src.subjects.scope import RecordScope
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_actor, make_budget, make_goal, make_user
from tests.subjects.application_rows import make_application_rows
from tests.subjects.assessment_rows import make_assessment_rows
from tests.subjects.assignment_rows import assign_at_random, make_assignment_rows
from tests.subjects.conftest import (
    ALL_REGION_CODES,
    REGION_CODES,
    Sessionmaker,
    administration_for,
    agreement,
    colleague,
    describe,
    draw_actors,
)
from tests.subjects.disclosure_rows import make_disclosure_rows
from tests.subjects.escalation_rows import make_escalation_rows
from tests.subjects.evaluation_rows import make_evaluation_rows
from tests.subjects.feedback_rows import make_feedback_rows
from tests.subjects.monitoring_rows import make_monitoring_rows
from tests.subjects.provincial_rows import make_provincial_rows
from tests.subjects.rectification_rows import make_rectification_rows

SEED = int(os.environ.get("FUNDPERF_AGREEMENT_SEED", "17"))
YEARS = (2025, 2026)
GOALS = 90  # spread over the regions, every fund (both administrations), every status, two years
BUDGETS = 30  # distinct (region, fund, year), drafts and approved
DOCUMENTS = 30  # single-subject document requests per document kind, by a requester who may read it
BATCHES = 5  # batch requests per document kind that has batches
GONE = 8  # subjects with documents deleted afterwards, per document kind
NAMELESS = 2  # of the gone subjects' documents: stored with no subject id (from before subjects had names)
EXTRA_ACTORS = 15  # beyond one of every actor type at every level (21)
COLLEAGUES = 3  # users of a requester's organization (a gone subject's document is its requester's alone)
EVENT_SHARE = 0.5  # the share of rows that get an event, before the deletions and again after
# At most so many of a subject's rows get one each time: the rule sets are every region's (205).
EVENTS_PER_SUBJECT = 50
OVERRIDDEN_PREFECTURES = 2  # prefectures with detailed rules of their own, beside the province's values
# Choices, tied to no other key by a consistency rule (services/rules/consistency.py).
OVERRIDES = (RuleKey.EQ_INDICATOR_SCORING, RuleKey.INDICATOR_COVERAGE)
SERVICE_ACCOUNTS = 4  # at random regions, of random actor types
API_TOKENS = 12  # of the service accounts: READ or READ_WRITE, some confined to a region, revoked, expired
WEBHOOKS = 8  # for service accounts and other users, some filtered by region, some disabled
WEBHOOKS_GONE = 2  # deleted after the first events (webhookDelete announces it first: its events stay)


@dataclass(frozen=True)
class World:
    actors: list[Actor]
    event_scopes: dict[int, RecordScope]  # event id → its subject's scope when the event was written


@dataclass(frozen=True)
class Drawn:
    funds: list[str]  # the fund codes
    # The administrators who registered the administrators' records, as they are now (some demoted since),
    # and the actors the live API tokens authenticate as.
    actors: list[Actor]


async def rows_of(session: AsyncSession, subject: str) -> Sequence[Any]:
    spec = registry().subject(subject)
    model_id: Any = spec.model.id
    return (await session.exec(select(spec.model).order_by(model_id))).all()


async def make_rows(sessionmaker: Sessionmaker, rng: random.Random, actors: Sequence[Actor]) -> Drawn:
    """The rows of every subject but report jobs (made by requests) and rule sets (the regions): goals and
    budgets, regional overrides of rules, API tokens and webhooks; and a new subject's here. Webhooks act
    for service accounts and for some of `actors`."""
    async with session_scope(sessionmaker) as session:
        funds = list((await session.exec(select(FundType.code).order_by(col(FundType.code)))).all())
        versions: Counter[tuple[str, str, int]] = Counter()
        # Drafts weigh more: they are what the rule hides from below, and what gets deleted.
        statuses = [*GoalStatus, GoalStatus.DRAFT, GoalStatus.DRAFT, GoalStatus.RETURNED]
        for _ in range(GOALS):
            scope = (rng.choice(ALL_REGION_CODES), rng.choice(funds), rng.choice(YEARS))
            versions[scope] += 1
            region_code, fund_code, year = scope
            await make_goal(
                session,
                region_code=region_code,
                fund_code=fund_code,
                year=year,
                status=rng.choice(statuses),
                indicators=0,  # visibility never reads them; a goal without any is deleted alone
                version=versions[scope],
            )
        budget_scopes = rng.sample(list(product(ALL_REGION_CODES, funds, YEARS)), BUDGETS)
        for region_code, fund_code, year in budget_scopes:
            status = rng.choice(list(BudgetStatus))
            await make_budget(session, region_code=region_code, fund_code=fund_code, year=year, status=status)
        await make_rule_overrides(session, rng)
        await make_monitoring_rows(session, rng)
        await make_evaluation_rows(session, rng)
        await make_provincial_rows(session, rng)
        await make_feedback_rows(session, rng)
        await make_rectification_rows(session, rng)
        await make_application_rows(session, rng)
        await make_disclosure_rows(session, rng)
        await make_assessment_rows(session, rng)
        await make_assignment_rows(session, rng)
        await make_escalation_rows(session, rng)
    administered = await make_administered_rows(sessionmaker, rng, [a.user_id for a in actors])
    return Drawn(funds=funds, actors=administered)


async def make_rule_overrides(session: AsyncSession, rng: random.Random) -> None:
    """Rule sets are the regions' own (every region has one, from the reference data): the province's
    values and some prefectures' detailed rules, overriding it for them and their counties. What a region
    overrides leaves its rule set's scope as it is (the region's, public); the rows are as in use."""
    codes = [
        *REGION_CODES[RegionLevel.PROVINCE],
        *rng.sample(REGION_CODES[RegionLevel.PREFECTURE], OVERRIDDEN_PREFECTURES),
    ]
    regions = (await session.exec(select(Region).where(col(Region.code).in_(codes)))).all()
    for region in regions:
        assert region.id is not None
        for key in rng.sample(OVERRIDES, rng.randint(1, len(OVERRIDES))):
            definition = DEFINITION[key]
            assert definition.choices is not None
            text = definition.parse(rng.choice(list(definition.choices)).value)
            session.add(RegionalRule(region_id=region.id, key=key.value, value=text))
    await session.flush()


async def service_account(sessionmaker: Sessionmaker, rng: random.Random) -> Actor:
    """A service account (a downstream system) of a random organization."""
    actor_type = rng.choice(list(ActorType))
    user = await make_user(
        sessionmaker,
        actor_type=actor_type,
        region_code=rng.choice(ALL_REGION_CODES),
        administration=administration_for(rng, actor_type),
    )
    async with session_scope(sessionmaker) as session:
        await session.exec(update(User).where(col(User.id) == user.id).values(is_service_account=True))
        account = await load_actor(session=session, user_id=user.id or 0)
    assert account is not None and account.is_service_account
    return account


async def make_administered_rows(
    sessionmaker: Sessionmaker, rng: random.Random, users: list[int]
) -> list[Actor]:
    """API tokens and webhooks, registered (by turns) by an administrator at a region of each level and by
    two demoted since (their records stay theirs): the province's finance, whose region covers every
    account's, and one drawn at random. Tokens of service accounts: READ or READ_WRITE, some confined to a
    region within the account's, some revoked, some expired (neither moves a token's scope: the account's
    region and the registrar); hooks for service accounts or `users`, some filtered by region or disabled.
    Returns the registrars as they are now, and the actors the live tokens authenticate as (read-only or
    not, confined or not)."""
    registrars = []
    for codes in REGION_CODES.values():
        actor_type = rng.choice(list(ActorType))
        registrars.append(
            await make_actor(
                sessionmaker,
                actor_type=actor_type,
                region_code=rng.choice(codes),
                administration=administration_for(rng, actor_type),
                is_admin=True,
            )
        )
    actor_type = rng.choice(list(ActorType))
    demoted = [
        await make_actor(sessionmaker, region_code=REGION_CODES[RegionLevel.PROVINCE][0], is_admin=True),
        await make_actor(
            sessionmaker,
            actor_type=actor_type,
            region_code=rng.choice(ALL_REGION_CODES),
            administration=administration_for(rng, actor_type),
            is_admin=True,
        ),
    ]
    registrars += demoted
    accounts = [await service_account(sessionmaker, rng) for _ in range(SERVICE_ACCOUNTS)]
    now = utcnow()
    authorizations = []
    async with session_scope(sessionmaker) as session:
        regions = (await session.exec(select(Region).where(col(Region.code).in_(ALL_REGION_CODES)))).all()
        for i in range(API_TOKENS):
            account = rng.choice(accounts)
            within = [r for r in regions if r.path.startswith(account.region_path)]
            region = rng.choice([None, *within])
            plaintext = f"{API_TOKEN_PREFIX}agreement{i:02d}{rng.getrandbits(128):032x}"
            session.add(
                ApiToken(
                    name=f"token {i}",
                    user_id=account.user_id,
                    prefix=plaintext[:API_TOKEN_DISPLAY_LENGTH],
                    token_hash=sha256(plaintext),
                    created_by_id=registrars[i % len(registrars)].user_id,
                    scope=rng.choice(list(ApiTokenScope)),
                    region_id=region.id if region is not None else None,
                    revoked_at=now - timedelta(hours=1) if rng.random() < 0.25 else None,
                    expires_at=rng.choice([None, now - timedelta(days=1), now + timedelta(days=30)]),
                )
            )
            authorizations.append(f"Bearer {plaintext}")
        hook_users = [*(a.user_id for a in accounts), *users]
        for i in range(WEBHOOKS):
            region = rng.choice([None, *regions])
            session.add(
                Webhook(
                    name=f"hook {i}",
                    url=f"https://hooks.example.org/{i}",
                    secret=f"agreement-secret-{i:02d}",
                    user_id=rng.choice(hook_users),
                    kinds=sorted(rng.sample(list(registry().event_kinds()), rng.randint(0, 2))),
                    region_id=region.id if region is not None else None,
                    include_descendants=rng.random() < 0.5,
                    enabled=rng.random() < 0.8,
                    created_by_id=registrars[i % len(registrars)].user_id,
                )
            )
        await session.flush()
        demoted_ids = [a.user_id for a in demoted]
        await session.exec(update(User).where(col(User.id).in_(demoted_ids)).values(is_admin=False))
        now_registrars = await load_actors(session=session, user_ids=[a.user_id for a in registrars])
        callers = await authenticate_many(
            session=session, authorizations=authorizations, secret_key=TEST_SECRET_KEY
        )
    return [now_registrars[a.user_id] for a in registrars] + [
        callers[a] for a in authorizations if a in callers
    ]


async def request_documents(
    sessionmaker: Sessionmaker, rng: random.Random, actors: list[Actor], funds: list[str]
) -> list[Actor]:
    """Documents of every registered kind: each requested by an actor who may read its subject (picked at
    random among them), and batches by random requesters. Returns the requesters."""
    requesters: list[Actor] = []
    for spec in registry().documents.values():
        subject = registry().subject(spec.subject)
        async with sessionmaker() as session:
            rows = list(await rows_of(session, spec.subject))
            scopes = [await subject.scope(session, row) for row in rows]
        for _ in range(DOCUMENTS):
            index = rng.randrange(len(rows))
            readers = [a for a in actors if policy.visible(a, scopes[index])]
            if not readers:
                continue
            requester = rng.choice(readers)
            async with session_scope(sessionmaker) as session:
                await request_report(
                    session=session,
                    actor=requester,
                    kind=spec.kind,
                    fmt=spec.formats[0],
                    subject_id=subject.row_id(rows[index]),
                    fund_type_code=None,
                    year=None,
                    region_code=None,
                )
            requesters.append(requester)
        if spec.batch is not None:
            requesters += await request_batches(sessionmaker, rng, spec, actors, funds)
    return requesters


async def request_batches(
    sessionmaker: Sessionmaker, rng: random.Random, spec: DocumentSpec, actors: list[Actor], funds: list[str]
) -> list[Actor]:
    requesters: list[Actor] = []
    for _ in range(BATCHES * 10):
        if len(requesters) == BATCHES:
            break
        requester = rng.choice(actors)
        try:
            async with session_scope(sessionmaker) as session:
                await request_report(
                    session=session,
                    actor=requester,
                    kind=spec.kind,
                    fmt=spec.formats[0],
                    subject_id=None,
                    fund_type_code=rng.choice(funds),
                    year=rng.choice(YEARS),
                    region_code=rng.choice(ALL_REGION_CODES),
                )
        except ValidationFailed:
            continue  # nothing there the requester may read: the draw is another
        requesters.append(requester)
    return requesters


async def delete_documented_subjects(sessionmaker: Sessionmaker, rng: random.Random) -> None:
    """Deletes subjects that have documents, drafts first (what is deleted in practice: a draft goal); a few
    of their documents lose the subject's id, as the goal's foreign key once set it NULL."""
    # Per subject type, however many document kinds it has (a goal: its table, its entry sheets).
    subjects = dict.fromkeys(spec.subject for spec in registry().documents.values())
    async with session_scope(sessionmaker) as session:
        for name in subjects:
            subject = registry().subject(name)
            documented_stmt = select(ReportJob.subject_id).where(ReportJob.subject_type == name)
            documented = set((await session.exec(documented_stmt)).all())
            rows = [r for r in await rows_of(session, name) if subject.row_id(r) in documented]
            rng.shuffle(rows)
            drafts = {subject.row_id(r) for r in rows if (await subject.scope(session, r)).draft}
            gone = sorted(rows, key=lambda r: subject.row_id(r) not in drafts)[:GONE]
            for row in gone:
                await session.delete(row)
            await session.flush()
            nameless = rng.sample([subject.row_id(r) for r in gone], min(NAMELESS, len(gone)))
            await session.exec(
                update(ReportJob)
                .where(col(ReportJob.subject_type) == name, col(ReportJob.subject_id).in_(nameless))
                .values(subject_id=None)
            )


async def requested_event_scopes(sessionmaker: Sessionmaker) -> dict[int, RecordScope]:
    """The events the document requests wrote (a request announces the jobs it creates), each with its
    job's scope now: as when it was written, nothing having changed since (called before the deletions)."""
    scopes: dict[int, RecordScope] = {}
    async with sessionmaker() as session:
        for event in (await session.exec(select(Event))).all():
            spec = registry().subject(event.subject_type)
            row = await session.get(spec.model, event.subject_id)
            assert row is not None, event
            scopes[event.id or 0] = await spec.scope(session, row)
    return scopes


async def delete_webhooks(sessionmaker: Sessionmaker, rng: random.Random) -> None:
    """Deletes some webhooks (webhookDelete): the events written of them stay, with their scope."""
    async with session_scope(sessionmaker) as session:
        for hook in rng.sample(list(await rows_of(session, "Webhook")), WEBHOOKS_GONE):
            await session.delete(hook)


async def record_events(
    sessionmaker: Sessionmaker, rng: random.Random, actors: list[Actor]
) -> dict[int, RecordScope]:
    """An event of a random kind for a random share of every subject's rows (EVENT_SHARE, at most
    EVENTS_PER_SUBJECT); returns each event's subject's scope as it was when the event was written."""
    written: list[tuple[Event, RecordScope]] = []
    async with session_scope(sessionmaker) as session:
        for spec in registry().subjects():
            if spec.event_kinds is None:
                continue
            rows = await rows_of(session, spec.name)
            chosen = rng.sample(list(rows), min(round(len(rows) * EVENT_SHARE), EVENTS_PER_SUBJECT))
            for row in sorted(chosen, key=spec.row_id):
                scope = await spec.scope(session, row)
                kind = rng.choice(list(spec.event_kinds))
                actor = rng.choice([None, *actors])
                event = await record_event(session=session, kind=kind, subject=row, actor=actor)
                written.append((event, scope))
        await session.flush()
    return {event.id or 0: scope for event, scope in written}


async def build_world(sessionmaker: Sessionmaker, rng: random.Random) -> World:
    actors = await draw_actors(sessionmaker, rng, extra=EXTRA_ACTORS)
    drawn = await make_rows(sessionmaker, rng, actors)
    actors += drawn.actors
    requesters = await request_documents(sessionmaker, rng, actors, drawn.funds)
    actors += [await colleague(sessionmaker, a) for a in rng.sample(requesters, COLLEAGUES)]
    event_scopes = await requested_event_scopes(sessionmaker)
    event_scopes |= await record_events(sessionmaker, rng, actors)
    await delete_documented_subjects(sessionmaker, rng)
    await delete_webhooks(sessionmaker, rng)
    event_scopes |= await record_events(sessionmaker, rng, actors)
    # Third parties hold random keys (Art. 17 assignments), some of records deleted since.
    async with sessionmaker() as session:
        actors = await assign_at_random(session, rng, actors)
    return World(actors=actors, event_scopes=event_scopes)


@pytest.fixture
async def world(sessionmaker: Sessionmaker, reference: None) -> World:
    return await build_world(sessionmaker, random.Random(SEED))


async def test_the_draws_cover_every_kind_of_row(sessionmaker: Sessionmaker, world: World) -> None:
    """The draws made what the comparison needs: rows of every subject, and report jobs of every kind
    (documents, batches with their children, documents whose subject is gone, some with no id)."""
    async with sessionmaker() as session:
        for spec in registry().subjects():
            assert await rows_of(session, spec.name), f"no rows of {spec.name}: give it a builder here"
        jobs = await rows_of(session, "ReportJob")
        present = {
            (spec.subject, registry().subject(spec.subject).row_id(row))
            for spec in registry().documents.values()
            for row in await rows_of(session, spec.subject)
        }
    batches = [j for j in jobs if j.year is not None]
    children = [j for j in jobs if j.parent_id is not None]
    singles = [j for j in jobs if j.year is None and j.parent_id is None]
    gone = [j for j in jobs if j.year is None and (j.subject_type, j.subject_id) not in present]
    nameless = [j for j in gone if j.subject_id is None]
    assert all(map(len, (batches, children, singles, gone, nameless))), (
        f"seed {SEED}: batches {len(batches)}, children {len(children)}, single documents {len(singles)}, "
        f"of subjects gone {len(gone)}, without an id {len(nameless)}"
    )
    assert any(a.token_region_path is not None for a in world.actors)
    assert any(a.read_only for a in world.actors)
    assert any(a.is_admin for a in world.actors)


async def test_the_draws_cover_public_and_administered_rows(sessionmaker: Sessionmaker, world: World) -> None:
    """Public rows (every region's rule set, some with overrides of their own), and administrators' records
    (API tokens of every kind, webhooks) registered by administrators at regions of every level and by
    demoted ones, who are among the actors; so are API tokens' callers, read-only and confined."""
    now = utcnow()
    async with sessionmaker() as session:
        scopes = {
            spec.name: [await spec.scope(session, row) for row in await rows_of(session, spec.name)]
            for spec in registry().subjects()
        }
        overridden = set((await session.exec(select(RegionalRule.region_id))).all())
        tokens: Sequence[ApiToken] = await rows_of(session, "ApiToken")
    assert scopes["RuleSet"] and all(s.public for s in scopes["RuleSet"])
    assert len(overridden) == 1 + OVERRIDDEN_PREFECTURES
    by_id = {a.user_id: a for a in world.actors}
    registrars = [
        by_id[s.owner_user_id] for name in ("ApiToken", "Webhook") for s in scopes[name] if s.owner_user_id
    ]
    assert len(registrars) == len(scopes["ApiToken"]) + len(scopes["Webhook"])  # every record has one
    assert {a.region_level for a in registrars if a.is_admin} == set(RegionLevel)
    # A demoted registrar whose region reaches some of its records (the rule's owner term is asked).
    assert any(
        not a.is_admin
        and (s.region_path.startswith(a.region_path) or a.region_path.startswith(s.region_path))
        for name in ("ApiToken", "Webhook")
        for s in scopes[name]
        for a in [by_id[s.owner_user_id or 0]]
    )
    assert any(t.revoked_at is not None for t in tokens)
    assert any(t.expires_at is not None and t.expires_at <= now for t in tokens)
    assert any(t.region_id is not None for t in tokens) and any(t.region_id is None for t in tokens)
    assert {t.scope for t in tokens} == set(ApiTokenScope)
    callers = [a for a in world.actors if a.is_service_account]
    assert any(a.read_only for a in callers) and any(not a.read_only for a in callers)
    assert any(a.token_region_path is not None for a in callers)


async def test_the_sql_clause_and_the_python_check_agree_for_every_subject(
    sessionmaker: Sessionmaker, world: World
) -> None:
    async with sessionmaker() as session:
        for spec in registry().subjects():
            found = await agreement(session, spec, world.actors)
            assert found.problems == [], f"seed {SEED}: {len(found.problems)} disagreements"
            # Not a vacuous agreement: some actors read some rows, and some are refused some.
            assert found.seen and found.unseen, (spec.name, found)


async def caught_up(session: AsyncSession, actor: Actor) -> set[int]:
    """Every event `actor` reads by catching up page after page, as a reconnecting subscriber does."""
    seen: set[int] = set()
    after = 0
    while page := await events_after(
        session=session, actor=actor, after=after, first=MAX_PAGE, event_filter=EventFilter()
    ):
        seen |= {e.id or 0 for e in page}
        after = page[-1].id or 0
    return seen


async def test_the_events_agree_with_their_subjects_and_across_sql_and_python(
    sessionmaker: Sessionmaker, world: World
) -> None:
    """An event carries its subject's scope as it was when it was written (one written before a deletion
    keeps what it had: a document's event, its goal's scope), and who may see it is decided alike by the
    catch-up read (`events_after`: visible_events_clause) and live (`event_visible`)."""
    async with sessionmaker() as session:
        events = list((await session.exec(select(Event).order_by(col(Event.id)))).all())
        assert {e.subject_type for e in events} == {s.name for s in registry().subjects() if s.event_kinds}
        for event in events:
            assert EventMessage.of(event).scope() == world.event_scopes[event.id or 0], event
        problems = []
        seen = unseen = 0
        for actor in world.actors:
            in_sql = set((await session.exec(select(Event.id).where(visible_events_clause(actor)))).all())
            assert await caught_up(session, actor) == in_sql  # the catch-up read is the clause
            in_python = {e.id for e in events if event_visible(actor, EventMessage.of(e))}
            # The event is seen by whoever may read its subject as it was then.
            assert in_python == {e.id for e in events if policy.visible(actor, world.event_scopes[e.id or 0])}
            seen += len(in_sql & in_python)
            unseen += len(events) - len(in_sql | in_python)
            problems += [f"event {i}: {describe(actor)}, in SQL: {i in in_sql}" for i in in_sql ^ in_python]
    assert problems == [], f"seed {SEED}"
    assert seen and unseen


async def test_art17_random_third_parties_read_what_they_are_assigned(
    sessionmaker: Sessionmaker, world: World
) -> None:
    """The draws give third parties assignments that matter: some read assigned records of every assignable
    subject (so each one's scope and clause carry its key), and the documents and events of them, which no
    public rule shows them; the agreement above compared them."""
    assigned = [a for a in world.actors if a.assignments]
    assert assigned
    async with sessionmaker() as session:
        assignable = [spec.name for spec in registry().subjects() if spec.assignable]
        assert assignable
        for name in (*assignable, "ReportJob", "Assignment"):
            spec = registry().subject(name)
            model_id: Any = spec.model.id
            seen = [(await session.exec(select(model_id).where(spec.clause(a)))).all() for a in assigned]
            assert any(seen), name
        events = [
            (await session.exec(select(Event.id).where(visible_events_clause(a)))).all() for a in assigned
        ]
    assert any(events)
