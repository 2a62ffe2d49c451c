"""The key of a cached response: everything that decides the answer, hashed.

Two callers share an entry when they see the same things: the key holds the visibility scope that
policy.visibility reads (actor type, region, administration, admin flag, API token's region and read-only
flag, a third party's active assignments), not the user. What is shown per user is never cached
(classify.py). dataVersion makes a key name one state of the data for ever: entries are never invalidated;
the schema and the database are in it too (another deployment or database sharing Redis).
"""

import hashlib
import json

from graphql import GraphQLSchema, print_schema
from sqlalchemy.engine import URL

from src.services.actors import Actor

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


def schema_fingerprint(schema: GraphQLSchema) -> str:
    """Another schema (a deployment of another version sharing Redis) never reads this one's entries."""
    return hashlib.sha256(print_schema(schema).encode()).hexdigest()[:16]


def database_fingerprint(url: URL) -> str:
    """Another database (staging beside production on one Redis) never reads this one's entries: its
    dataVersion may be the same number for other data. The URL without its password names it."""
    return hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]


def visibility_scope(actor: Actor | None) -> list[object]:
    """What decides what `actor` may read (policy.visibility); anonymous callers share one scope."""
    if actor is None:
        return ["anonymous"]
    return [
        actor.actor_type.value,
        actor.region_path,
        actor.administration.value if actor.administration is not None else None,
        actor.is_admin,
        actor.token_region_path,
        actor.read_only,
        sorted(actor.assignments),
    ]


def cache_key(
    *,
    fingerprint: str,
    document: str,
    operation_name: str | None,
    variables: object,
    extensions: object,
    actor: Actor | None,
    version: int,
    accept: str,
) -> str:
    parts = [
        fingerprint,
        document,
        operation_name,
        variables or {},
        extensions or {},
        visibility_scope(actor),
        version,
        GRAPHQL_RESPONSE_JSON in accept,  # the media type and status codes follow it
    ]
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
