"""A record that holds others (a batch of documents) is seen by exactly those who may read every one of
them: `combined_scope` against `policy.visible` over each scope, for random sets of scopes in a small region
tree and every kind of actor (each actor type at each region, administrators, national departments, API
tokens confined to each region). Pure: no database."""

import os
import random
from itertools import product

import pytest

from src.models.enums import ActorType, Administration, RegionLevel
from src.services import policy
from src.services.actors import Actor
from src.subjects.scope import RecordScope, ScopeTerms, combined_scope

SEED = int(os.environ.get("FUNDPERF_COMBINED_SEED", "18"))
DRAWS = 3000
# A province, two prefectures with counties, and a prefecture without: chains and branches.
TREE = {
    "/510000/": RegionLevel.PROVINCE,
    "/510000/510100/": RegionLevel.PREFECTURE,
    "/510000/510100/510104/": RegionLevel.COUNTY,
    "/510000/510100/510105/": RegionLevel.COUNTY,
    "/510000/510400/": RegionLevel.PREFECTURE,
    "/510000/510400/510402/": RegionLevel.COUNTY,
    "/510000/511800/": RegionLevel.PREFECTURE,
}
PATHS = list(TREE)
IDS = {path: number for number, path in enumerate(PATHS, start=1)}
ADMINISTRATION_OF = {
    ActorType.HRSS: Administration.HRSS,
    ActorType.MEDICAL_SECURITY: Administration.MEDICAL_SECURITY,
}


def actor(actor_type: ActorType, path: str, *, admin: bool = False, token: str | None = None) -> Actor:
    administration = ADMINISTRATION_OF.get(actor_type)
    if actor_type == ActorType.AGENCY:
        administration = Administration.MEDICAL_SECURITY
    code = path.strip("/").split("/")[-1]
    return Actor(
        user_id=1,
        username="u",
        full_name="u",
        organization_id=1,
        organization_name="o",
        actor_type=actor_type,
        administration=administration,
        region_id=IDS[path],
        region_code=code,
        region_path=path,
        region_level=TREE[path],
        is_admin=admin,
        token_region_path=token,
    )


ACTORS = [
    *(actor(t, p) for t, p in product(ActorType, PATHS)),
    *(actor(ActorType.FINANCE, p, admin=True) for p in PATHS),
    *(actor(t, p, token=q) for t, p, q in product(ActorType, PATHS, PATHS) if q.startswith(p)),
]


def draw(rng: random.Random) -> list[RecordScope]:
    administrations = frozenset({rng.choice(list(Administration))})
    return [
        RecordScope(
            region_id=IDS[path],
            region_path=path,
            fund_type_id=1,
            administrations=administrations,
            draft=rng.random() < 0.25,
        )
        for path in rng.choices(PATHS, k=rng.randint(1, 5))
    ]


def test_whoever_reads_the_combined_scope_reads_every_record_and_only_they_do() -> None:
    rng = random.Random(SEED)
    problems: list[str] = []
    shapes = set()
    answers = set()
    for _ in range(DRAWS):
        scopes = draw(rng)
        held = combined_scope(scopes, IDS.__getitem__)
        assert held.region_id == IDS[held.region_path]
        shapes.add((held.draft, held.hidden_below, held.top_path is not None))
        for reader in ACTORS:
            every = all(policy.visible(reader, s) for s in scopes)
            answers.add(every)
            if policy.visible(reader, held) != every:
                problems.append(
                    f"{reader.actor_type} at {reader.region_path} ({reader.token_region_path}): {scopes}"
                )
    assert problems == [], f"seed {SEED}: {len(problems)} disagreements, e.g. {problems[:3]}"
    assert answers == {True, False}
    # The draws reached every shape: drafts, hidden from below or not, reaching above its region.
    assert shapes >= {(True, True, False), (False, True, False), (False, False, False), (False, False, True)}


def test_a_chain_of_records_is_read_from_the_lowest_of_them() -> None:
    # The province's goal in force and 攀枝花's goals: 攀枝花 reads them all (the province's from below), and
    # so does its county for the province's and 攀枝花's own, unless one of 攀枝花's is a draft.
    province = RecordScope(region_id=1, region_path="/510000/", administrations=frozenset())
    panzhihua = RecordScope(region_id=6, region_path="/510000/510400/", administrations=frozenset())
    held = combined_scope([province, panzhihua], IDS.__getitem__)
    assert (held.region_path, held.top_path, held.hidden_below) == ("/510000/510400/", "/510000/", False)
    drafted = combined_scope(
        [province, RecordScope(**{**panzhihua.__dict__, "draft": True})], IDS.__getitem__
    )
    assert (drafted.region_path, drafted.draft, drafted.hidden_below) == ("/510000/510400/", True, True)
    # Two prefectures: read from the province only (and by the national departments: no draft).
    chengdu = RecordScope(region_id=2, region_path="/510000/510100/", administrations=frozenset())
    spread = combined_scope([province, chengdu, panzhihua], IDS.__getitem__)
    assert (spread.region_path, spread.top_path, spread.draft, spread.hidden_below) == (
        "/510000/",
        None,
        False,
        True,
    )
    assert ScopeTerms(spread).not_draft() and not ScopeTerms(spread).not_hidden_below()


def test_public_or_owned_records_are_not_combined() -> None:
    public = RecordScope(region_id=1, region_path="/510000/", public=True)
    with pytest.raises(ValueError):
        combined_scope([public], IDS.__getitem__)
    with pytest.raises(ValueError):
        combined_scope([], IDS.__getitem__)
