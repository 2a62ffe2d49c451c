"""What the job modules share: limits, messages, the renderer they need."""

from collections.abc import Mapping
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from src.models.enums import GoalStatus
from src.models.report import ReportJobStatus
from src.reports.kinds import ReportFormat, ReportKind

# The most goals one batch renders (the goals of a province and all its pooling regions are ~200); the
# children list of a batch is bounded by it.
MAX_BATCH_GOALS = 300
# Bump when what goes into a fingerprint changes, so old jobs are not taken for new requests.
FINGERPRINT_VERSION = 1
EXTENSIONS: dict[ReportFormat, str] = {ReportFormat.DOCX: "docx", ReportFormat.PDF: "pdf"}
PDF_UNAVAILABLE = "服务器未安装 LibreOffice（soffice），不能生成 PDF；请选择 DOCX 格式"
# A batch renders every version that is not superseded: the one in force and one being adjusted.
BATCH_STATUSES: list[GoalStatus] = [s for s in GoalStatus if s != GoalStatus.SUPERSEDED]

MESSAGE_GOAL_DELETED = "绩效目标已被删除，未能生成文档"
MESSAGE_GOAL_UNREADABLE = "绩效目标不存在或申请人已无权查看，未能生成文档"
MESSAGE_REQUESTER_GONE = "申请人账号已停用或不存在，未能生成文档"
MESSAGE_INTERNAL = "生成文档时发生内部错误（已记录），请稍后重新申请或联系管理员"
MESSAGE_INTERRUPTED = "服务停止，文档生成被中断，请重新申请"
ENTITY = "报告任务"
CHINA = ZoneInfo("Asia/Shanghai")
UNFINISHED = [ReportJobStatus.QUEUED, ReportJobStatus.RUNNING]


class Renderer(Protocol):
    """What run_job needs of src/reports/render.py's Renderer (tests pass their own)."""

    def render(self, kind: ReportKind, context: Mapping[str, Any]) -> bytes: ...


class JobFailed(Exception):
    """An expected reason a job cannot produce its document; the message is shown to the requester."""
