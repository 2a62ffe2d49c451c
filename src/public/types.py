"""The public API's own types: what a published disclosure shows anyone, read from its snapshot.
Nothing here is shared with the internal schema (tests/schema/public/test_public_schema.py allows
each type and field by name)."""

from datetime import date
from typing import Any

import strawberry

from src.models import Disclosure
from src.schema.list_sizes import max_items
from src.services.deadlines.items import china_date
from src.services.disclosure.items import MAX_ITEMS

MAX_INDICATORS = 200  # a goal's indicators: as many as a goal may hold (goalCreate's limit)


@strawberry.type(name="Indicator", description="绩效指标及其年度指标值")
class PublicIndicator:
    name: str = strawberry.field(description="指标名称（三级指标）")
    target: str = strawberry.field(description="年度指标值，如 ≥95%")


@strawberry.type(name="PerformanceGoal", description="重要绩效目标")
class PublicGoal:
    fund: str = strawberry.field(description="险种（基金名称）")
    goal: str = strawberry.field(description="绩效目标名称")
    note: str = strawberry.field(description="公开说明")
    indicators: list[PublicIndicator] = strawberry.field(
        description="绩效指标", metadata=max_items(MAX_INDICATORS)
    )


@strawberry.type(name="EvaluationResult", description="绩效评价结果")
class PublicResult:
    fund: str = strawberry.field(description="险种（基金名称）")
    kind: str = strawberry.field(description="评价类型：绩效自评或省级绩效评价")
    score: str | None = strawberry.field(description="得分（两位小数）")
    grade: str | None = strawberry.field(description="评价等级（优、良、中、差）")
    note: str = strawberry.field(description="公开说明")


KINDS = {"SELF": "绩效自评", "PROVINCIAL": "省级绩效评价"}


@strawberry.type(name="Disclosure", description="社会保险基金预算绩效信息公开（已公开）")
class PublicDisclosure:
    id: strawberry.ID
    region_code: str = strawberry.field(description="地区代码")
    region_name: str = strawberry.field(description="地区名称")
    year: int = strawberry.field(description="预算年度")
    title: str
    preface: str = strawberry.field(description="公开说明")
    published_on: date | None = strawberry.field(description="公开日期")
    download_url: str = strawberry.field(description="公开文件下载地址")
    goals: list[PublicGoal] = strawberry.field(description="重要绩效目标", metadata=max_items(MAX_ITEMS))
    results: list[PublicResult] = strawberry.field(description="绩效评价结果", metadata=max_items(MAX_ITEMS))

    @classmethod
    def of(cls, row: Disclosure) -> "PublicDisclosure":
        content: dict[str, Any] = row.snapshot or {}
        return cls(
            id=strawberry.ID(str(row.id)),
            region_code=content["region"]["code"],
            region_name=content["region"]["name"],
            year=content["year"],
            title=content["title"],
            preface=content.get("preface", ""),
            published_on=china_date(row.published_at) if row.published_at else None,
            download_url=f"/public/files/disclosures/{row.id}",
            goals=[
                PublicGoal(
                    fund=g["fund"], goal=g["goal"], note=g["note"],
                    indicators=[PublicIndicator(name=i["name"], target=i["target"]) for i in g["indicators"]],
                )
                for g in content["goals"]
            ],
            results=[
                PublicResult(
                    fund=r["fund"], kind=KINDS.get(r["kind"], ""), score=r["score"], grade=r["gradeLabel"],
                    note=r["note"],
                )
                for r in content["results"]
            ],
        )  # fmt: skip
