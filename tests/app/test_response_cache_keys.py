"""The response cache's parts without a server: which operations it keeps, its key, its LRU bound."""

from dataclasses import replace

import pytest
from sqlalchemy.engine import make_url

from src.app.response_cache.classify import FOLLOWING_TYPES, ROOT_FIELDS, classify
from src.app.response_cache.key import cache_key, database_fingerprint, visibility_scope
from src.app.response_cache.store import MemoryStore
from src.models.enums import ActorType, Administration, RegionLevel
from src.schema import build_schema
from src.services.actors import Actor
from tests.conftest import make_settings

SCHEMA = build_schema(make_settings())._schema
GOALS = "query Goals($year: Int!) { goals(filter: {year: $year}) { nodes { id title region { name } } } }"


def bypass(query: str, operation_name: str | None = None) -> str | None:
    return classify(SCHEMA, query, operation_name, max_tokens=2000).bypass


def test_every_root_query_field_is_classified() -> None:
    """A new root field is never cached by default: add it to ROOT_FIELDS, cacheable or with why not."""
    assert SCHEMA.query_type is not None
    assert set(SCHEMA.query_type.fields) == set(ROOT_FIELDS)


def test_the_types_that_follow_data_version_exist() -> None:
    assert not FOLLOWING_TYPES - set(SCHEMA.type_map)


def test_reads_of_goals_budgets_and_reference_data_are_cacheable() -> None:
    assert bypass(GOALS) is None
    assert (
        bypass("{ goal(id: 1) { ... on Goal { title indicators { id } } ... on NotFoundError { key } } }")
        is None
    )
    assert (
        bypass("{ fundTypes { code pooling(year: 2026) { poolingLevel } } regions { nodes { code } } }")
        is None
    )
    assert bypass("{ budgets { nodes { year lines { item } approvedGoal { id } } } }") is None
    assert bypass("fragment F on Goal { id } { goals { nodes { ...F __typename } } }") is None


@pytest.mark.parametrize(
    ("query", "because"),
    [
        ("{ me { id } }", "Query.me"),
        ("{ dataVersion apiTokens { id } }", "Query.apiTokens"),
        ('{ deadlines(year: 2026, regionCode: "510000") { __typename } }', "Query.deadlines"),
        ("{ goals { nodes { drafterOrganization { name } } } }", "Organization.name"),
        ("{ goals { nodes { transitions { user { username } } } } }", "User.username"),
        ("{ goals { nodes { resultApplications { id } } } }", "ResultApplication.id"),
        (
            "fragment F on Goal { decomposition { complete } } { goals { nodes { ...F } } }",
            "GoalDecomposition",
        ),
        ("{ __schema { queryType { name } } }", "__schema"),
        ("mutation { logout { __typename } }", "a mutation"),
        ("subscription { statusChanged { id } }", "a subscription"),
        ("{ goals { nodes { id } ", "does not parse"),
    ],
)
def test_what_the_cache_never_keeps(query: str, because: str) -> None:
    reason = bypass(query)
    assert reason is not None and because in reason


def test_another_operation_of_the_document_that_cannot_be_cached_makes_it_bypass() -> None:
    document = "query A { goals { nodes { id } } } query B { me { id } }"
    assert bypass(document, "A") is not None
    assert bypass(document, "C") == "no such operation"


def test_the_normalized_document_ignores_layout_and_comments() -> None:
    spaced = (
        "query Goals($year: Int!) {\n  # the year's\n  goals(filter: {year: $year}) {\n nodes { id title "
    )
    spaced += "region { name } } } }"
    one = classify(SCHEMA, GOALS, None, max_tokens=2000).normalized
    assert one == classify(SCHEMA, spaced, None, max_tokens=2000).normalized


FINANCE = Actor(
    user_id=1,
    username="a",
    full_name="甲",
    organization_id=10,
    organization_name="成都市财政局",
    actor_type=ActorType.FINANCE,
    administration=None,
    region_id=2,
    region_code="510100",
    region_path="/510000/510100/",
    region_level=RegionLevel.PREFECTURE,
)


def key(actor: Actor | None, *, version: int = 7, variables: object = None) -> str:
    return cache_key(
        fingerprint="f",
        document="{ goals { nodes { id } } }",
        operation_name=None,
        variables=variables if variables is not None else {"year": 2026, "first": 20},
        extensions=None,
        actor=actor,
        version=version,
        accept="application/json",
    )


def test_users_who_see_the_same_things_share_entries() -> None:
    colleague = replace(FINANCE, user_id=2, username="b", full_name="乙")
    assert key(FINANCE) == key(colleague)
    assert key(FINANCE) == key(FINANCE, variables={"first": 20, "year": 2026})  # canonical variables


@pytest.mark.parametrize(
    "other",
    [
        replace(FINANCE, region_path="/510000/510300/", region_code="510300"),
        replace(FINANCE, actor_type=ActorType.HRSS, administration=Administration.HRSS),
        replace(FINANCE, is_admin=True),
        replace(FINANCE, read_only=True),
        replace(FINANCE, token_region_path="/510000/510100/510104/"),
        replace(FINANCE, actor_type=ActorType.THIRD_PARTY, assignments=frozenset({("goal", 3)})),
        None,
    ],
)
def test_callers_who_may_see_otherwise_do_not(other: Actor | None) -> None:
    assert key(FINANCE) != key(other)


def test_a_new_data_version_is_a_new_key() -> None:
    assert key(FINANCE, version=7) != key(FINANCE, version=8)
    third = replace(FINANCE, actor_type=ActorType.THIRD_PARTY, assignments=frozenset({("goal", 3)}))
    assert key(third) != key(replace(third, assignments=frozenset({("goal", 3), ("goal", 4)})))
    assert visibility_scope(None) == ["anonymous"]


def test_memory_store_evicts_the_least_recently_used_by_entries_and_bytes() -> None:
    store = MemoryStore(max_entries=2, max_bytes=10)
    store.put("a", b"1234")
    store.put("b", b"1234")
    assert store.get("a") == b"1234"  # a is now the most recently used
    store.put("c", b"12")
    assert (store.get("a"), store.get("b"), store.get("c")) == (b"1234", None, b"12")
    store.put("d", b"12345678")  # 4 + 2 + 8 bytes: a, the least recently used, leaves to keep 10
    assert (store.get("a"), len(store), store.bytes) == (None, 2, 10)
    store.put("e", b"12345678901")  # larger than the whole store: not kept
    assert store.get("e") is None and store.get("d") == b"12345678"


def test_another_database_never_shares_entries() -> None:
    # Two deployments on one Redis (staging beside production) may reach the same dataVersion with other data.
    production = make_url("postgresql+asyncpg://app:secret@db.internal:5432/fundperf")
    assert database_fingerprint(production) == database_fingerprint(
        make_url("postgresql+asyncpg://app:rotated@db.internal:5432/fundperf")  # the password does not count
    )
    assert database_fingerprint(production) != database_fingerprint(
        make_url("postgresql+asyncpg://app:secret@db.internal:5432/fundperf_staging")
    )
    assert database_fingerprint(make_url("sqlite+aiosqlite:////srv/a.db")) != database_fingerprint(
        make_url("sqlite+aiosqlite:////srv/b.db")
    )
