"""The codes of the evaluation-result feedback (评价结果反馈, Art. 19) and their Chinese labels; the tables
are in feedback.py."""

from enum import StrEnum

from src.models.enums import add_labels


class FeedbackStatus(StrEnum):
    DRAFT = "DRAFT"  # 财政厅 writes it; only the province sees it
    SENT = "SENT"  # 反馈: numbered, the region's bodies see it
    ACKNOWLEDGED = "ACKNOWLEDGED"  # the region's finance, administration and agency have all acknowledged it


class FeedbackEventKind(StrEnum):
    EVALUATION_FEEDBACK_STATUS_CHANGED = "EVALUATION_FEEDBACK_STATUS_CHANGED"  # created, sent, acknowledged
    EVALUATION_FEEDBACK_CHANGED = "EVALUATION_FEEDBACK_CHANGED"  # the findings edited


class FeedbackDocumentKind(StrEnum):
    EVALUATION_FEEDBACK_LETTER = "EVALUATION_FEEDBACK_LETTER"  # 评价结果反馈函 (FORMS §4C), numbered (财社)


add_labels(
    [
        (FeedbackStatus.DRAFT, "草稿"),
        (FeedbackStatus.SENT, "已反馈"),
        (FeedbackStatus.ACKNOWLEDGED, "已签收"),
    ]
)
