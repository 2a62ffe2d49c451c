"""The codes of the self-evaluation (Art. 15–18) and their Chinese labels; the tables are in evaluation.py."""

from enum import StrEnum

from src.models.enums import add_labels


class SelfEvaluationStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"  # reported to the provincial bodies (Art. 17)
    ACCEPTED = "ACCEPTED"  # finance and the supervising administration at the province both accepted it
    RETURNED = "RETURNED"  # back with a reason


class SelfEvaluationEventKind(StrEnum):
    SELF_EVALUATION_STATUS_CHANGED = "SELF_EVALUATION_STATUS_CHANGED"  # opened, concurred, submitted, ...
    SELF_EVALUATION_CHANGED = "SELF_EVALUATION_CHANGED"  # the draft's lines, budget block or narrative edited


class SelfEvaluationDocumentKind(StrEnum):
    SELF_EVALUATION_FORM = "SELF_EVALUATION_FORM"  # 绩效自评表 (FORMS §2B/§2C): one per self-evaluation
    SELF_EVALUATION_REPORT = "SELF_EVALUATION_REPORT"  # 自评报告 (Art. 17, 18; FORMS §4B): one per evaluation


# 评价等级 (the codes of src/services/evaluation/scoring.py Grade), as the form prints them.
GRADE_LABELS = {"EXCELLENT": "优", "GOOD": "良", "FAIR": "中", "POOR": "差"}

add_labels(
    [
        (SelfEvaluationStatus.DRAFT, "草稿"),
        (SelfEvaluationStatus.SUBMITTED, "已上报"),
        (SelfEvaluationStatus.ACCEPTED, "已审核通过"),
        (SelfEvaluationStatus.RETURNED, "已退回"),
    ]
)
