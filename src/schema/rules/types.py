"""The rules in force in a region (Art. 23): each key's value, the province's default, and where it comes
from."""

from datetime import datetime
from typing import Annotated

import strawberry

from src.models import Region as RegionRow
from src.schema.conversion import related
from src.schema.errors import NotFoundError
from src.schema.list_sizes import max_items
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.services.rules.reads import RuleSet as RuleValues
from src.services.rules.registry import DEFINITIONS, RuleKey, RuleKind, RuleScope, RuleSource

strawberry.enum(RuleKey, description="实施细则项（第二十三条）")
strawberry.enum(RuleKind, description="实施细则项的取值类型：数值 / 月-日 / 选项 / 文本（单行，无控制字符）")
strawberry.enum(
    RuleSource,
    description=(
        "现行值的来源：PROVINCE 省级规定（省里设置的值或内置默认值；"
        "发文机关代字简称的默认值按本地区名称得出）；REGION 本地区或上级市（州）的实施细则"
    ),
)

strawberry.enum(
    RuleScope,
    description=(
        "哪些地区的实施细则可以规定此项：PROVINCE_ONLY 仅省级（省级部门的职责，第十七条）；"
        "ANY_REGION 省级和各市（州）（第二十三条）"
    ),
)

RULES_PER_SET = len(RuleKey)


@strawberry.type(description="一项实施细则在本地区的现行值")
class Rule:
    key: RuleKey
    label: str = strawberry.field(description="中文名称")
    kind: RuleKind
    value: str = strawberry.field(
        description="现行值（规范文本：数值如 60.00，日期如 05-31，选项为其代码，文本去掉首尾空格）"
    )
    default_value: str = strawberry.field(
        description="本地区的内置默认值：省级默认值（第十三、十七条及现行实践），发文机关代字简称则按本地区名称得出"
    )
    source: RuleSource
    scope: RuleScope
    latest: str | None = strawberry.field(
        description=(
            "本办法规定的最晚日期（月-日，如 05-31）：实施细则只能规定更早的日期（第二十三条）；非日期项为空"
        )
    )
    basis: str | None = strawberry.field(description="最晚日期或适用范围所依据的条文；无则为空")
    updated_at: datetime | None = strawberry.field(description="规定该值的记录最后修改时间；内置默认值为空")
    defined_in_id: strawberry.Private[int | None]

    defined_in: Region | None = related(
        Region, region_by_id, "defined_in_id", optional=True, description="规定该值的地区；内置默认值为空"
    )


@strawberry.type(
    description=(
        "一个地区现行的实施细则：本地区的规定，未规定的沿用上级，再无则为省级默认值"
        "（发文机关代字简称不沿用上级：未规定的按本地区名称得出）"
    )
)
class RuleSet:
    region: Region
    rules: list[Rule] = strawberry.field(
        description=f"各项细则，按固定顺序（共 {RULES_PER_SET} 项）", metadata=max_items(RULES_PER_SET)
    )

    @classmethod
    def build(cls, region: RegionRow, values: RuleValues) -> "RuleSet":
        rules = [
            Rule(
                key=d.key,
                label=d.label,
                kind=d.kind,
                value=values.text(d.key),
                default_value=values.default(d.key),
                source=values.source(d.key),
                scope=d.scope,
                latest=None if d.latest is None else str(d.latest),
                basis=d.basis or None,
                updated_at=values.origin(d.key).updated_at,
                defined_in_id=values.defined_in(d.key),
            )
            for d in DEFINITIONS
        ]
        return cls(region=Region.from_row(region), rules=rules)


RuleSetResult = Annotated[RuleSet | NotFoundError, strawberry.union("RuleSetResult")]
