"""The compiled executor on a small schema of its own: shapes the app's schema has few of (lists of lists,
interfaces, async resolvers, arguments) answer as graphql-core's standard path, and every kind of surprise
(a raise, a non-null null, a value that does not serialize) gives graphql-core's own errors and data."""

import asyncio
from enum import Enum
from typing import Annotated, Any

import strawberry
from graphql import ExecutionResult as CoreResult
from graphql import execute, parse
from strawberry.types import ExecutionResult

from src.schema.compiled.run import CompiledExecution, Counts
from src.schema.plain_fields import PlainExecution, plain_field_resolvers


@strawberry.enum
class Color(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Leaf(Named):
    color: Color
    note: str | None = None

    @strawberry.field
    def upper(self) -> str:
        return self.name.upper()

    @strawberry.field
    async def later(self) -> int:
        await asyncio.sleep(0)
        return len(self.name)

    @strawberry.field
    def broken(self) -> str | None:
        raise ValueError(f"{self.name} is broken")

    @strawberry.field
    def missing(self) -> str:
        return None  # type: ignore[return-value]  # the non-null violation under test

    @strawberry.field
    def odd(self) -> int:
        return "not a number"  # type: ignore[return-value]  # a value that does not serialize


@strawberry.type
class Problem:
    message: str


@strawberry.type
class Keyed:
    """Leaves only (one unrolled function, leaf_objects.py), holding values of other types than declared."""

    id: strawberry.ID
    label: str
    color: Color


KEYED = [
    Keyed(id=7, label=3, color=Color.RED),  # type: ignore[arg-type]  # an integer key, a number as text
    Keyed(id=strawberry.ID("k"), label="x", color=Color.BLUE),
    Keyed(id=2.0, label=True, color="blue"),  # type: ignore[arg-type]  # the serializers' other branches
]


Outcome = Annotated[Leaf | Problem, strawberry.union("Outcome")]
LEAVES = [Leaf(name="oak", color=Color.RED), Leaf(name="elm", color=Color.BLUE, note="tall")]


@strawberry.type
class Query:
    @strawberry.field
    def leaves(self) -> list[Leaf]:
        return LEAVES

    @strawberry.field
    async def later_leaves(self) -> list[Leaf]:
        await asyncio.sleep(0)
        return LEAVES

    @strawberry.field
    def keyed(self) -> list[Keyed]:
        return KEYED

    @strawberry.field
    def bad_key(self) -> Keyed:
        return Keyed(id=True, label="x", color=Color.RED)  # type: ignore[arg-type]  # not an ID

    @strawberry.field
    def grid(self) -> list[list[int | None]]:
        return [[1, None], [3]]

    @strawberry.field
    def outcomes(self) -> list[Outcome]:
        return [LEAVES[0], Problem(message="none here")]

    @strawberry.field
    def named(self) -> list[Named]:
        return list(LEAVES)

    @strawberry.field
    def echo(self, text: str, times: int = 1) -> str:
        return text * times


def _schema(execution: type[PlainExecution]) -> strawberry.Schema:
    schema = strawberry.Schema(query=Query, types=[Leaf], execution_context_class=execution)
    plain_field_resolvers(schema._schema)
    return schema


COMPILED, STANDARD = _schema(CompiledExecution), _schema(PlainExecution)

ANSWERED = [
    ("{ leaves { name color note upper later __typename } laterLeaves { later note } }", None),
    ("{ grid named { __typename name ... on Leaf { color } } }", None),
    ("{ outcomes { __typename ... on Leaf { n: name } ... on Problem { message } } }", None),
    (
        'query($t: String!, $s: Boolean!) { echo(text: $t, times: 2) e: echo(text: "x") @skip(if: $s) }',
        {"t": "ab", "s": True},
    ),
    (
        'query($t: String!, $s: Boolean!) { echo(text: $t, times: 2) e: echo(text: "x") @skip(if: $s) }',
        {"t": "ab", "s": False},
    ),
    ("{ ...Q } fragment Q on Query { leaves { ... on Named { name } } }", None),
    ("{ keyed { id label color __typename } }", None),
]
SURPRISES = [
    "{ leaves { name broken } }",
    "{ leaves { name missing } }",
    "{ laterLeaves { name missing } }",
    "{ leaves { odd } }",
    "{ badKey { id } }",
]


async def _answers(query: str, variables: dict[str, Any] | None) -> tuple[ExecutionResult, ExecutionResult]:
    compiled = await COMPILED.execute(query, variable_values=variables)
    standard = await STANDARD.execute(query, variable_values=variables)
    return compiled, standard


def _errors(result: ExecutionResult) -> list[Any]:
    return [error.formatted for error in result.errors or ()]


async def test_answers_as_the_standard_path() -> None:
    fallbacks = Counts.fallbacks
    for query, variables in ANSWERED:
        compiled, standard = await _answers(query, variables)
        assert not compiled.errors, (query, compiled.errors)
        assert compiled.data == standard.data, query
    assert Counts.fallbacks == fallbacks


async def test_surprises_give_the_standard_errors() -> None:
    for query in SURPRISES:
        fallbacks = Counts.fallbacks
        compiled, standard = await _answers(query, None)
        assert compiled.errors, query
        assert compiled.data == standard.data and _errors(compiled) == _errors(standard), query
        assert Counts.fallbacks == fallbacks + 1, query


async def test_an_operation_with_a_skip_variable_is_planned_once_per_value() -> None:
    document = parse(ANSWERED[3][0])  # one document, as the app's parser cache hands it out
    built = Counts.plans_built
    for skip in (True, False, True, False):
        result = execute(
            COMPILED._schema,
            document,
            variable_values={"t": "a", "s": skip},
            executor_class=CompiledExecution,
        )
        assert isinstance(result, CoreResult)  # synchronous resolvers: no awaitable
        assert result.data == ({"echo": "aa"} if skip else {"echo": "aa", "e": "x"})
    assert Counts.plans_built == built + 2
