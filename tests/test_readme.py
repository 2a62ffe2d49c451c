"""README.md's GraphQL examples stay true: each runs, as the demo user its `# as:` line names, against the
demo data set, in README order (goalSubmit changes state), and succeeds as written."""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, OperationType, parse
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from src.app import create_app
from src.models import User
from src.reports.storage import LocalStorage
from src.schema import build_schema
from src.schema.cost import operation_cost
from src.seed.demo import load_demo_data
from src.seed.reference import load_reference_data
from src.services.identity.tokens import issue_access_token
from src.settings import Settings

README = Path(__file__).resolve().parents[1] / "README.md"
GRAPHQL_BLOCK = re.compile(r"^```graphql\n(.*?)^```$", re.MULTILINE | re.DOTALL)
AS_USER = re.compile(r"\A# as: (\S+)\n")
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Example:
    line: int
    user: str
    query: str

    @property
    def is_mutation(self) -> bool:
        operations = [d for d in parse(self.query).definitions if isinstance(d, OperationDefinitionNode)]
        return any(op.operation is OperationType.MUTATION for op in operations)


def readme_examples(text: str) -> list[Example]:
    examples = []
    for match in GRAPHQL_BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 2
        user = AS_USER.match(match.group(1))
        assert user, f"README.md:{line}: a graphql example must start with `# as: <demo user>`"
        examples.append(Example(line=line, user=user.group(1), query=match.group(1)))
    return examples


def is_success(typename: object) -> bool:
    """What a mutation example must return: a success member of its result union, never an error member."""
    return isinstance(typename, str) and (typename.endswith(("Success", "Created")) or typename == "ApiToken")


def test_readme_examples_are_found() -> None:
    examples = readme_examples(README.read_text(encoding="utf-8"))
    assert len(examples) >= 8
    assert {"anonymous", "admin"} <= {e.user for e in examples}
    assert any(e.is_mutation for e in examples) and any(not e.is_mutation for e in examples)


def test_success_rule() -> None:
    assert is_success("GoalSuccess") and is_success("LoginSuccess") and is_success("ApiTokenCreated")
    assert not any(map(is_success, ["ValidationError", "NotFoundError", "InvalidCredentials", None]))


def test_readme_examples_are_within_the_cost_limit() -> None:
    # They run below against the default limit too; this names the example and its cost when one is over.
    schema = build_schema(Settings())._schema
    limit = Settings().GRAPHQL_MAX_COST
    for example in readme_examples(README.read_text(encoding="utf-8")):
        assert operation_cost(schema, parse(example.query)) <= limit, f"README.md:{example.line}"


@pytest.fixture
async def demo_data(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> dict[str, int]:
    """The demo data set in a clean database (its evidence file in the app's storage); the user ids by
    username."""
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        await session.commit()
    async with sessionmaker() as session:
        await load_demo_data(session=session, storage=LocalStorage(settings.STORAGE_DIR))
        await session.commit()
        return {u.username: u.id or 0 for u in (await session.exec(select(User))).all()}


async def test_readme_graphql_examples_run_as_written(
    engine: AsyncEngine, settings: Settings, demo_data: dict[str, int]
) -> None:
    examples = readme_examples(README.read_text(encoding="utf-8"))
    app = create_app(settings, engine=engine)
    try:
        await _run_examples(app, examples, settings, demo_data)
    finally:
        await app.state.jobs.aclose()  # the report job an example started ends before the database goes


async def _run_examples(
    app: Starlette, examples: list[Example], settings: Settings, demo_data: dict[str, int]
) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for example in examples:
            where = f"README.md:{example.line} (as {example.user})"
            headers = {}
            if example.user != ANONYMOUS:
                assert example.user in demo_data, f"{where}: no demo user {example.user!r}"
                token = issue_access_token(demo_data[example.user], secret_key=settings.SECRET_KEY)
                headers["Authorization"] = f"Bearer {token}"
            response = await client.post("/graphql", json={"query": example.query}, headers=headers)
            assert response.status_code == 200, f"{where}: HTTP {response.status_code} {response.text}"
            body: dict[str, Any] = response.json()
            assert "errors" not in body, f"{where}: {body['errors']}"
            data: dict[str, Any] = body["data"]
            assert data, f"{where}: no data"
            if example.is_mutation:
                first = next(iter(data.values()))
                typename = first.get("__typename") if isinstance(first, dict) else None
                assert is_success(typename), f"{where}: expected a success result, got {first}"
