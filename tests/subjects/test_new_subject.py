"""Issue 17: a new domain writes one registration and edits nothing goal-shaped. A subject made up here — a
memo with a region, a fund, a draft flag, a title and a year — gets events, visibility and a numbered
document (test_new_subject_documents.py), and no file of src/ or migrations/ changes for it: its table, its
scope and SQL clause, its event kinds and its document kind (numbered as its region's 人社 documents when
sent, by its own issuing step `send_memo`) are in this file, `register` below is all a domain module of
src/domains/ would hold, and the fixture registers it and removes it again (`registry().remove`), creating
its table beside the application's and dropping it after.

At the service level: the API's enums of event kinds and report kinds (src/schema/kinds.py) are built from
the registry when the schema is built, so a kind that a test registers afterwards is not in them and cannot
go through GraphQL. A real domain registers in src/domains/, and its kinds are in the API from the start.

The rule is the one of every subject (policy.visibility): a memo is read in its own region and in the
regions above it, which supervise it; a draft is not read from the regions below it; no region reads its
siblings' memos; HRSS, medical security and agencies read those of their administration's funds only.
"""

import io
import random
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import pytest
from docx import Document
from sqlalchemy import ColumnElement, ForeignKey
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import registry as mapper_registry
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import metadata, session_scope
from src.domains import REGISTRATIONS
from src.events.filters import EventFilter
from src.events.message import EventMessage
from src.events.reads import events_after
from src.events.visibility import event_visible
from src.models import Event, FundType, Organization, Region
from src.models.enums import ActorType, Administration
from src.models.goal import GoalEventKind
from src.reports.numbering import Issue, number_for
from src.services import policy
from src.services.actors import Actor
from src.services.errors import NotFound
from src.services.rows import kept_row
from src.subjects.columns import fund_addressed, region_path_of
from src.subjects.documents import HUMAN_RESOURCES_SOCIAL_SECURITY, DocumentSpec, NumberSpec
from src.subjects.events import record_event
from src.subjects.registry import Registry, SubjectSpec, UnknownSubject, registry
from src.subjects.scope import ColumnTerms, RecordScope
from tests.factories import fund_type_id, make_actor, region_id
from tests.subjects.conftest import ALL_REGION_CODES, Sessionmaker, agreement, draw_actors

MED = Administration.MEDICAL_SECURITY
PROVINCE, CHENGDU, JINJIANG, ZIGONG = "510000", "510100", "510104", "510300"  # 锦江区 lies in 成都
SUBJECT = "Memo"
SENT_AT = datetime(2026, 6, 1, 2, tzinfo=UTC)

# --- the subject: what a domain would write -----------------------------------------------------------


class MemoTables(SQLModel, registry=mapper_registry()):
    """This test's tables, in a metadata of their own: the application's (migrations, the truncation between
    tests) never holds them."""


class Memo(MemoTables, table=True):
    __tablename__ = "test_memo"

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(sa_column_args=[ForeignKey(col(Region.id))])
    fund_type_id: int = Field(sa_column_args=[ForeignKey(col(FundType.id))])
    draft: bool = True
    title: str = Field(max_length=100)
    year: int = 2026
    document_number: str = ""  # drawn when it is sent (send_memo), as a domain's service would


class MemoEventKind(StrEnum):
    MEMO_WRITTEN = "TEST_MEMO_WRITTEN"
    MEMO_SENT = "TEST_MEMO_SENT"


EVENT_LABELS = {MemoEventKind.MEMO_WRITTEN: "备忘录已撰写", MemoEventKind.MEMO_SENT: "备忘录已发送"}


class MemoDocumentKind(StrEnum):
    MEMO = "TEST_MEMO"  # its template: TEST_MEMO.docx


async def memo_scope(session: AsyncSession, memo: Memo) -> RecordScope:
    region = await kept_row(session, Region, memo.region_id)
    fund = await kept_row(session, FundType, memo.fund_type_id)
    assert region is not None and fund is not None
    return RecordScope(
        region_id=memo.region_id,
        region_path=region.path,
        fund_type_id=memo.fund_type_id,
        administrations=frozenset({fund.administration}) if fund.administration else frozenset(),
        draft=memo.draft,
    )


def visible_memos_clause(actor: Actor) -> ColumnElement[bool]:
    columns = ColumnTerms(
        region_path=region_path_of(Memo.region_id),
        addressed=fund_addressed(Memo.fund_type_id),
        draft=col(Memo.draft),
    )
    return policy.visible_clause(actor, columns)


async def memo_context(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    memo = (
        await session.exec(select(Memo).where(Memo.id == subject_id, visible_memos_clause(actor)))
    ).first()
    if memo is None:
        raise NotFound("备忘录", subject_id)
    return {"title": memo.title, "doc_number": memo.document_number}  # read, never drawn, when built


async def send_memo(session: AsyncSession, memo: Memo, at: datetime = SENT_AT) -> str:
    """A domain's issuing step: a memo is issued by the human resources and social security body of its
    region when it is sent, and numbered then, in that body's sequence of the year it is sent."""
    stmt = select(Organization.id).where(
        Organization.region_id == memo.region_id, Organization.actor_type == ActorType.HRSS
    )
    body = (await session.exec(stmt)).one()
    assert body is not None
    spec = registry().documents[MemoDocumentKind.MEMO]
    memo.document_number = await number_for(
        session=session, spec=spec, subject=memo, issue=Issue(organization_id=body, at=at)
    )
    memo.draft = False
    session.add(memo)
    return memo.document_number


async def memo_versions(session: AsyncSession, memos: Sequence[Memo]) -> dict[int, list[Any]]:
    return {memo.id or 0: [memo.id, memo.title, memo.draft, memo.year] for memo in memos}


MEMO_NUMBER = NumberSpec(issuer=ActorType.HRSS, family=HUMAN_RESOURCES_SOCIAL_SECURITY)


def register(registry: Registry) -> None:
    """All a domain module (src/domains/<domain>.py) holds, beside the line naming it in REGISTRATIONS."""
    registry.add_subject(
        SubjectSpec(
            name=SUBJECT,
            model=Memo,
            label="备忘录",
            scope=memo_scope,
            clause=visible_memos_clause,
            event_kinds=MemoEventKind,
            event_labels=EVENT_LABELS,
        )
    )
    registry.add_document(
        DocumentSpec(
            kind=MemoDocumentKind.MEMO,
            label="备忘录",
            subject=SUBJECT,
            build_context=memo_context,
            versions=memo_versions,
            number=MEMO_NUMBER,
        )
    )


# --- fixtures and helpers -----------------------------------------------------------------------------


@pytest.fixture
async def memos(engine: AsyncEngine, sessionmaker: Sessionmaker, reference: None) -> AsyncIterator[None]:
    """The memo's table in the test database and its registration, for one test; neither outlives it."""
    async with engine.begin() as conn:
        await conn.run_sync(MemoTables.metadata.create_all)
    try:
        register(registry())
        try:
            yield
        finally:
            registry().remove(SUBJECT)
    finally:
        async with engine.begin() as conn:
            await conn.run_sync(MemoTables.metadata.drop_all)


async def make_memo(
    sessionmaker: Sessionmaker,
    *,
    region_code: str,
    fund_code: str = "EMPLOYEE_MEDICAL",
    draft: bool,
    title: str,
) -> Memo:
    async with session_scope(sessionmaker) as session:
        memo = Memo(
            region_id=await region_id(session, region_code),
            fund_type_id=await fund_type_id(session, fund_code),
            draft=draft,
            title=title,
        )
        session.add(memo)
        await session.flush()
        return memo


async def body(
    sessionmaker: Sessionmaker,
    actor_type: ActorType,
    region_code: str,
    administration: Administration | None = None,
) -> Actor:
    return await make_actor(
        sessionmaker, actor_type=actor_type, region_code=region_code, administration=administration
    )


async def readers(sessionmaker: Sessionmaker) -> dict[str, Actor]:
    return {
        "四川 财政": await body(sessionmaker, ActorType.FINANCE, PROVINCE),
        "成都 财政": await body(sessionmaker, ActorType.FINANCE, CHENGDU),
        "成都 医保": await body(sessionmaker, ActorType.MEDICAL_SECURITY, CHENGDU, MED),
        "成都 人社": await body(sessionmaker, ActorType.HRSS, CHENGDU, Administration.HRSS),
        "锦江 医保经办": await body(sessionmaker, ActorType.AGENCY, JINJIANG, MED),
        "自贡 财政": await body(sessionmaker, ActorType.FINANCE, ZIGONG),
        "国家": await body(sessionmaker, ActorType.NATIONAL, PROVINCE),
        "第三方": await body(sessionmaker, ActorType.THIRD_PARTY, PROVINCE),
    }


# Who reads 成都's memos of a medical fund: the draft only in 成都 and above, by bodies of medical funds.
READ_DRAFT = {"四川 财政", "成都 财政", "成都 医保"}
READ_SENT = READ_DRAFT | {"锦江 医保经办", "国家"}


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


# --- the tests ------------------------------------------------------------------------------------------


def test_the_memo_is_nowhere_in_the_application() -> None:
    """Its table is not the application's (no migration, no truncation), no domain names it, and its
    registration goes with `remove`, leaving the registry as the domains made it."""
    assert Memo.__tablename__ not in metadata.tables
    assert not [name for name in REGISTRATIONS if "memo" in name.lower()]
    before = ([s.name for s in registry().subjects()], registry().event_kinds(), dict(registry().documents))
    register(registry())
    assert registry().subject(SUBJECT).model is Memo
    assert registry().event_kinds()[MemoEventKind.MEMO_SENT] == "备忘录已发送"
    assert registry().documents[MemoDocumentKind.MEMO].subject == SUBJECT
    registry().remove(SUBJECT)
    with pytest.raises(UnknownSubject):
        registry().subject(SUBJECT)
    with pytest.raises(UnknownSubject):
        registry().subject_of_kind(MemoEventKind.MEMO_WRITTEN)
    assert (
        [s.name for s in registry().subjects()],
        registry().event_kinds(),
        dict(registry().documents),
    ) == before


async def test_a_memo_is_read_as_its_scope_says_in_sql_and_in_python(
    sessionmaker: Sessionmaker, memos: None
) -> None:
    """The memo's clause and its scope agree, over random memos and random actors (conftest.agreement)."""
    rng = random.Random(17)
    async with sessionmaker() as session:
        funds = list((await session.exec(select(FundType.code).order_by(col(FundType.code)))).all())
    for i in range(40):
        region_code, fund_code, draft = rng.choice(ALL_REGION_CODES), rng.choice(funds), rng.random() < 0.5
        await make_memo(sessionmaker, region_code=region_code, fund_code=fund_code, draft=draft, title=f"{i}")
    actors = await draw_actors(sessionmaker, rng, extra=6)
    async with sessionmaker() as session:
        found = await agreement(session, registry().subject(SUBJECT), actors)
    assert found.problems == []
    assert found.seen and found.unseen


async def test_a_memo_announces_its_changes_to_whoever_may_read_it(
    sessionmaker: Sessionmaker, memos: None
) -> None:
    """record_event writes a memo's events with the memo's scope: the catch-up read (events_after) and live
    delivery (event_visible) show each to whoever reads the memo; a kind of another subject is refused."""
    draft = await make_memo(sessionmaker, region_code=CHENGDU, draft=True, title="成都医保备忘录（草稿）")
    sent = await make_memo(sessionmaker, region_code=CHENGDU, draft=False, title="成都医保备忘录")
    async with session_scope(sessionmaker) as session:
        await record_event(session=session, kind=MemoEventKind.MEMO_WRITTEN, subject=draft, actor=None)
        await record_event(
            session=session, kind=MemoEventKind.MEMO_SENT, subject=sent, actor=None, payload={"to": "四川"}
        )
        with pytest.raises(ValueError, match="not one of Memo's"):
            await record_event(
                session=session, kind=GoalEventKind.GOAL_STATUS_CHANGED, subject=sent, actor=None
            )
    async with sessionmaker() as session:
        events = {e.subject_id: e for e in (await session.exec(select(Event))).all()}
        assert {(e.subject_type, e.kind, e.draft) for e in events.values()} == {
            (SUBJECT, MemoEventKind.MEMO_WRITTEN, True),
            (SUBJECT, MemoEventKind.MEMO_SENT, False),
        }
        titles = {draft.id: draft.title, sent.id: sent.title}
        for name, actor in (await readers(sessionmaker)).items():
            may_read = {draft.title} if name in READ_DRAFT else set()
            may_read |= {sent.title} if name in READ_SENT else set()
            caught_up = await events_after(
                session=session, actor=actor, after=0, first=10, event_filter=EventFilter()
            )
            assert {titles[e.subject_id] for e in caught_up} == may_read, name
            live = {titles[i] for i, e in events.items() if event_visible(actor, EventMessage.of(e))}
            assert live == may_read, name
            readable = (await session.exec(select(Memo.title).where(visible_memos_clause(actor)))).all()
            assert set(readable) == may_read, name
