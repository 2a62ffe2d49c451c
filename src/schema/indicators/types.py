from decimal import Decimal

import strawberry

from src.models import IndicatorTemplate as TemplateRow
from src.models.enums import label_zh
from src.schema.context import Info
from src.schema.enums import Comparator, IndicatorCategory, IndicatorKind, QualitativeGrade
from src.schema.funds.types import FundType


@strawberry.type(description="指标库中的指标模板（共性指标或险种个性指标）")
class IndicatorTemplate:
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
    fund_type_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: TemplateRow) -> "IndicatorTemplate":
        return cls(
            id=strawberry.ID(str(row.id)),
            key=row.key,
            level1=row.level1,
            level2=row.level2,
            level3=row.level3,
            kind=row.kind,
            comparator=row.comparator,
            default_target_value=row.default_target_value,
            default_target_grade=row.default_target_grade,
            unit=row.unit,
            definition=row.definition,
            fund_type_id=row.fund_type_id,
        )

    @strawberry.field(description="共性指标（适用于所有险种）")
    def is_common(self) -> bool:
        return self.fund_type_id is None

    @strawberry.field
    def level1_label(self) -> str:
        return label_zh(self.level1)

    @strawberry.field
    async def fund_type(self, info: Info) -> FundType | None:
        if self.fund_type_id is None:
            return None
        row = await info.context.loaders.fund_type.load(self.fund_type_id)
        return FundType.from_row(row) if row else None
