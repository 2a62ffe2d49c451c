"""The aggregate of a fund's self-evaluations (src/services/evaluation/provincial_data.py) as GraphQL
shows it: typed fields, built from the dataclasses."""

from decimal import Decimal

import strawberry

from src.models.evaluation import GRADE_LABELS
from src.schema.list_sizes import max_items
from src.services.evaluation import provincial_data as data
from src.services.evaluation.scoring import Grade

# A province has 21 prefectures; a fund's regions, their bands and its indicators stay well within these.
REGIONS = 200
BANDS = 20
SHORTFALLS = 200


@strawberry.type(description="计入汇总的一个统筹地区的自评（已上报或已审核通过）")
class ProvincialRegionResult:
    region_code: str
    region_name: str
    prefecture_code: str = strawberry.field(description="所在市（州）；省本级为空")
    prefecture_name: str
    status: str = strawberry.field(description="自评状态：SUBMITTED 或 ACCEPTED")
    total_score: Decimal | None
    grade: Grade | None
    execution_rate: Decimal | None = strawberry.field(description="预算执行率（%）")
    late: bool = strawberry.field(description="自评逾期上报")

    @classmethod
    def of(cls, r: data.RegionResult) -> "ProvincialRegionResult":
        return cls(
            region_code=r.region_code, region_name=r.region_name, prefecture_code=r.prefecture_code,
            prefecture_name=r.prefecture_name, status=r.status, total_score=r.total_score,
            grade=Grade(r.grade) if r.grade else None, execution_rate=r.execution_rate, late=r.late,
        )  # fmt: skip


@strawberry.type(description="评价等级的地区数")
class ProvincialGradeCount:
    grade: Grade
    label: str
    count: int


@strawberry.type(description="得分分布的一档：[下限, 上限)，最后一档含100分；分档界限取自评价等级规则")
class ProvincialScoreBand:
    label: str
    low: Decimal
    high: Decimal
    count: int


@strawberry.type(description="部分地区未完成的指标：地区及其原因分析（第十八条）")
class ProvincialIndicatorShortfall:
    level1: str
    level2: str
    level3: str
    evaluated: int = strawberry.field(description="有该指标的地区数")
    not_met: int = strawberry.field(description="未完成的地区数")
    regions: list[str] = strawberry.field(metadata=max_items(REGIONS))
    causes: list[str] = strawberry.field(
        description="各地区的原因分析，与 regions 对应", metadata=max_items(REGIONS)
    )


@strawberry.type(description="基金支出预算执行情况（计入汇总的地区合计，元）")
class ProvincialExecutionRollup:
    initial_budget: Decimal
    adjusted_budget: Decimal
    executed: Decimal
    rate: Decimal | None = strawberry.field(description="执行率（%）：执行数 ÷ 调整后预算数")


@strawberry.type(description="全省分险种自评汇总：得分、等级分布、未达及格线地区、未完成指标、预算执行")
class ProvincialAggregate:
    expected: int = strawberry.field(description="应开展自评的统筹地区数")
    missing: list[str] = strawberry.field(description="尚未上报自评的统筹地区", metadata=max_items(REGIONS))
    regions: list[ProvincialRegionResult] = strawberry.field(metadata=max_items(REGIONS))
    average_score: Decimal | None
    highest: Decimal | None
    lowest: Decimal | None
    pass_from: Decimal = strawberry.field(description="及格线（“中”的起点分，本地区规则）")
    grade_counts: list[ProvincialGradeCount] = strawberry.field(metadata=max_items(len(Grade)))
    score_bands: list[ProvincialScoreBand] = strawberry.field(metadata=max_items(BANDS))
    below_pass: list[ProvincialRegionResult] = strawberry.field(
        description="总分低于及格线的地区", metadata=max_items(REGIONS)
    )
    shortfalls: list[ProvincialIndicatorShortfall] = strawberry.field(metadata=max_items(SHORTFALLS))
    execution: ProvincialExecutionRollup

    @classmethod
    def of(cls, a: data.ProvincialAggregate) -> "ProvincialAggregate":
        return cls(
            expected=a.expected,
            missing=a.missing,
            regions=[ProvincialRegionResult.of(r) for r in a.regions],
            average_score=a.average_score,
            highest=a.highest,
            lowest=a.lowest,
            pass_from=a.pass_from,
            grade_counts=[
                ProvincialGradeCount(grade=Grade(g), label=GRADE_LABELS[g], count=n)
                for g, n in a.grade_counts.items()
            ],
            score_bands=[
                ProvincialScoreBand(label=b.label, low=b.low, high=b.high, count=b.count)
                for b in a.score_bands
            ],
            below_pass=[ProvincialRegionResult.of(r) for r in a.below_pass],
            shortfalls=[
                ProvincialIndicatorShortfall(
                    level1=s.level1,
                    level2=s.level2,
                    level3=s.level3,
                    evaluated=s.evaluated,
                    not_met=s.not_met,
                    regions=s.regions,
                    causes=s.causes,
                )
                for s in a.shortfalls
            ],
            execution=ProvincialExecutionRollup(
                initial_budget=a.execution.initial_budget,
                adjusted_budget=a.execution.adjusted_budget,
                executed=a.execution.executed,
                rate=a.execution.rate,
            ),
        )
