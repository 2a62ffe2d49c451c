import strawberry

from src.schema.context import Info
from src.schema.permissions import IsAuthenticated
from src.schema.regions.loaders import region_by_code
from src.schema.rules.types import RuleSet, RuleSetResult
from src.schema.transaction import current_actor
from src.services.errors import NotFound
from src.services.rules.reads import rules_for_region, rules_visible


@strawberry.type
class RuleQueries:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="一个地区现行的实施细则（第二十三条）：本地区的规定，未规定的沿用上级，再无则为省级默认值",
    )
    async def rule_set(self, info: Info, region_code: str) -> RuleSetResult:
        actor = current_actor(info)
        region = await info.context.loaders[region_by_code].load(region_code)
        if region is None or not rules_visible(actor, region):
            raise NotFound("行政区划", region_code)
        async with info.context.sessionmaker() as session:
            values = await rules_for_region(session=session, region=region)
        return RuleSet.build(region, values)
