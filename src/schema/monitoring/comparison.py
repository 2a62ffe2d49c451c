"""The target comparison's enums in GraphQL (Art. 13, 14): lights, warnings and their answers, the checks,
the dashboard's views, an entry's likelihood and deviation causes. The model's own classes, registered
with strawberry once, here."""

import strawberry

from src.models.monitoring import (
    CompletionLikelihood,
    DeviationCause,
    Light,
    WarningKind,
    WarningResponseKind,
    WarningStatus,
)
from src.services.monitoring.checks import ComplianceKind, TimelinessStatus
from src.services.monitoring.dashboard import View

_DESCRIPTIONS = {
    Light: "运行监控灯：绿、黄、红，蓝为超序时进度较多，NONE 为未填报（目标比较法）",
    WarningKind: "预警类别：绩效目标执行偏差（提示警示纠偏）/ 预算执行进度滞后（督促加快）",
    WarningStatus: "预警状态：待处置、处置意见草稿（仅本地区及上级可见）、已处置、已关闭",
    WarningResponseKind: "处置方式：纠偏、督促加快执行进度（附时限）、按程序调整绩效目标、关闭（附理由）",
    TimelinessStatus: "及时性：按时、填报中、有逾期填报、有逾期未填报",
    ComplianceKind: "合规性问题类别",
    View: "本地区与该险种统筹地区的关系：统筹地区、下级统筹地区汇总、统筹地区的组成部分",
    CompletionLikelihood: "完成目标可能性：确定能 / 有可能 / 完全不可能",
    DeviationCause: "偏差原因分析类别：经费保障、制度保障、人员保障、硬件条件保障、其他",
}
for _enum, _description in _DESCRIPTIONS.items():
    strawberry.enum(_enum, description=_description)

__all__ = [
    "CompletionLikelihood",
    "ComplianceKind",
    "DeviationCause",
    "Light",
    "TimelinessStatus",
    "View",
    "WarningKind",
    "WarningResponseKind",
    "WarningStatus",
]
