"""The codes of the assessment of prefectures (考核, Art. 22) and their Chinese labels; the tables are in
assessment.py."""

from enum import StrEnum

from src.models.enums import add_labels


class AssessmentStatus(StrEnum):
    DRAFT = "DRAFT"  # 财政厅 computes it (again); the provincial bodies concur; only the province sees it
    PUBLISHED = "PUBLISHED"  # 通报: frozen, numbered; each prefecture sees its own row


class AssessmentOutcome(StrEnum):
    COMMENDED = "COMMENDED"  # 工作成效明显的给予表扬 (total ≥ ASSESSMENT_COMMEND_FROM)
    NORMAL = "NORMAL"
    WEAK = "WEAK"  # 工作推进不力 (total < ASSESSMENT_WEAK_BELOW): 两书一函 follows


class AssessmentEventKind(StrEnum):
    ASSESSMENT_ROUND_STATUS_CHANGED = "ASSESSMENT_ROUND_STATUS_CHANGED"  # opened, concurred, published
    ASSESSMENT_ROUND_COMPUTED = "ASSESSMENT_ROUND_COMPUTED"  # the facts read and scored (again)


class AssessmentDocumentKind(StrEnum):
    ASSESSMENT_NOTICE = "ASSESSMENT_NOTICE"  # 考核结果通报, numbered (川财社) at publishing


add_labels(
    [
        (AssessmentStatus.DRAFT, "草稿"),
        (AssessmentStatus.PUBLISHED, "已通报"),
        (AssessmentOutcome.COMMENDED, "表扬"),
        (AssessmentOutcome.NORMAL, "一般"),
        (AssessmentOutcome.WEAK, "工作推进不力"),
    ]
)
