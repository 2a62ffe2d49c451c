"""Setting a region's detailed rules (Art. 23): the finance department of the province or a prefecture."""

from typing import Annotated

import strawberry

from src.schema.context import Info
from src.schema.errors import ConflictError, NotFoundError, ValidationError
from src.schema.permissions import IsAuthenticated
from src.schema.rules.types import RULES_PER_SET, RuleSet
from src.schema.transaction import write
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed
from src.services.rules.editing import editable_region, update_rules
from src.services.rules.reads import rules_for_region
from src.services.rules.registry import RuleKey


@strawberry.input(description="一项实施细则的新值")
class RuleValueInput:
    key: RuleKey
    value: str = strawberry.field(description="数值如 60 或 60.5，日期如 05-31，选项为其代码，文本如 成")


@strawberry.input(description="设置本地区的实施细则：values 设为新值，reset 删除本地区的规定（恢复沿用上级）")
class RuleSetUpdateInput:
    region_code: str
    values: list[RuleValueInput] | None = strawberry.field(
        default=None, description=f"新值（至多 {RULES_PER_SET} 项，每项至多一次）"
    )
    reset: list[RuleKey] | None = strawberry.field(
        default=None, description=f"恢复沿用上级的细则项（至多 {RULES_PER_SET} 项）"
    )


@strawberry.type
class RuleSetUpdateSuccess:
    rule_set: RuleSet


RuleSetUpdateResult = Annotated[
    RuleSetUpdateSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("RuleSetUpdateResult"),
]


def _list_problems(values: list[RuleValueInput], reset: list[RuleKey]) -> list[FieldProblem]:
    """Each list holds every key at most once (so at most one item per key)."""
    problems: list[FieldProblem] = []
    for name, keys in (("values", [v.key for v in values]), ("reset", reset)):
        if len(keys) > RULES_PER_SET:
            problems.append(FieldProblem(f"input.{name}", f"至多 {RULES_PER_SET} 项", ErrorCode.OUT_OF_RANGE))
            continue
        seen: set[RuleKey] = set()
        for position, key in enumerate(keys):
            if key in seen:
                field = f"input.values.{position}.key" if name == "values" else f"input.reset.{position}"
                problems.append(FieldProblem(field, "同一细则项只能出现一次", ErrorCode.DUPLICATE))
            seen.add(key)
    return problems


@strawberry.type
class RuleMutations:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="设置或恢复本地区的实施细则（第二十三条；省级和市（州）财政部门）",
    )
    async def rule_set_update(self, info: Info, input: RuleSetUpdateInput) -> RuleSetUpdateResult:
        values = input.values or []
        reset = input.reset or []
        async with write(info) as (session, actor):
            region = await editable_region(session=session, actor=actor, region_code=input.region_code)
            problems = _list_problems(values, reset)
            if problems:
                raise ValidationFailed(problems)
            await update_rules(
                session=session,
                actor=actor,
                region_code=input.region_code,
                values={v.key: v.value for v in values},
                reset=reset,
            )
            rule_set = await rules_for_region(session=session, region=region)
            return RuleSetUpdateSuccess(rule_set=RuleSet.build(region, rule_set))
