from decimal import Decimal

import strawberry

from src.models.enums import label_zh
from src.schema.conversion import FromRow, related
from src.schema.enums import Comparator, IndicatorCategory, IndicatorKind, QualitativeGrade
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType


@strawberry.type(description="指标库中的指标模板（共性指标或险种个性指标）")
class IndicatorTemplate(FromRow):
    id: strawberry.ID
    key: str
    level1: IndicatorCategory
    level2: str
    level3: str
    kind: IndicatorKind
    comparator: Comparator
    default_target_value: Decimal | None
    default_target_grade: QualitativeGrade | None
    unit: str
    definition: str
    numerator_label: str = strawberry.field(description="比率类指标的分子名称")
    denominator_label: str = strawberry.field(description="比率类指标的分母名称")
    fund_type_id: strawberry.Private[int | None]

    @strawberry.field(description="共性指标（适用于所有险种）")
    def is_common(self) -> bool:
        return self.fund_type_id is None

    @strawberry.field
    def level1_label(self) -> str:
        return label_zh(self.level1)

    fund_type: FundType | None = related(FundType, fund_type_by_id, "fund_type_id", optional=True)
