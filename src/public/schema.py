"""The public GraphQL schema: `disclosures(year, regionCode, first, after)` and `disclosure(id)`, published
ones only, as anyone reads them. Queries only; the internal schema's limits (depth, tokens, aliases, cost,
time) and error codes; introspection as the INTROSPECTION setting says."""

from dataclasses import dataclass
from functools import partial

import strawberry
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.public import reads
from src.public.types import PublicDisclosure
from src.schema.extensions import hardening_extensions
from src.schema.ids import MAX_ID
from src.schema.list_sizes import max_items
from src.schema.reporting import HideSuggestions, MaskUnexpected, Schema, SingleOperation
from src.settings import Settings

# Small pages: a disclosure holds up to 60 goals of up to 200 indicators, within the cost limit.
PAGE_DEFAULT, PAGE_MAX = 5, 10


@dataclass
class PublicContext:
    sessionmaker: async_sessionmaker[AsyncSession]


PublicInfo = strawberry.Info[PublicContext, None]


def _invalid(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "INVALID_ARGUMENT"})


def _id(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise _invalid("无效的 ID")
    return int(value)


@strawberry.type
class Query:
    @strawberry.field(
        description="已公开的绩效信息（可按年度、地区代码），按 ID 排序；after 为上一页最后一项的 ID",
        metadata=max_items(PAGE_MAX),
    )
    async def disclosures(
        self,
        info: PublicInfo,
        year: int | None = None,
        region_code: str | None = None,
        first: int = PAGE_DEFAULT,
        after: strawberry.ID | None = None,
    ) -> list[PublicDisclosure]:
        if not 0 < first <= PAGE_MAX:
            raise _invalid(f"first 须在 1 到 {PAGE_MAX} 之间")
        if region_code is not None and (len(region_code) > 12 or not region_code.isdigit()):
            raise _invalid("无效的地区代码")
        stmt = reads.published_page(year=year, region_code=region_code, after=_id(after), first=first)
        async with info.context.sessionmaker() as session:
            rows = (await session.exec(stmt)).all()
        return [PublicDisclosure.of(r) for r in rows]

    @strawberry.field(description="按 ID 查询已公开的绩效信息；未公开或不存在为空")
    async def disclosure(self, info: PublicInfo, id: strawberry.ID) -> PublicDisclosure | None:
        disclosure_id = _id(id)
        assert disclosure_id is not None
        async with info.context.sessionmaker() as session:
            row = (await session.exec(reads.published_one(disclosure_id))).first()
        return PublicDisclosure.of(row) if row is not None else None


def _mask(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def build_public_schema(settings: Settings) -> strawberry.Schema:
    return Schema(
        query=Query,
        extensions=[
            partial(MaskUnexpected, should_mask_error=_mask, error_message="服务器内部错误（已记录）"),
            SingleOperation,
            *hardening_extensions(settings),
            *([] if settings.INTROSPECTION else [HideSuggestions]),
        ],
    )
