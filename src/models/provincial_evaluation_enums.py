"""The codes of the provincial evaluation (Art. 17, 18) and of 财政厅's July summary, with their Chinese
labels; the tables are in provincial_evaluation.py."""

from enum import StrEnum

from src.models.enums import add_labels


class ProvincialEvaluationStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"  # 送财政厅 (Art. 17: by 10 July)
    APPROVED = "APPROVED"  # 财政厅 approved it
    RETURNED = "RETURNED"  # back with a reason, reworked and submitted again


class ProvincialSummaryStatus(StrEnum):
    DRAFT = "DRAFT"
    SENT = "SENT"  # 上报 (Art. 17: by the end of July), numbered


class ProvincialEvaluationEventKind(StrEnum):
    PROVINCIAL_EVALUATION_STATUS_CHANGED = "PROVINCIAL_EVALUATION_STATUS_CHANGED"  # opened, concurred, sent …
    PROVINCIAL_EVALUATION_CHANGED = "PROVINCIAL_EVALUATION_CHANGED"  # the narrative edited


class ProvincialSummaryEventKind(StrEnum):
    PROVINCIAL_SUMMARY_STATUS_CHANGED = "PROVINCIAL_SUMMARY_STATUS_CHANGED"  # created, sent
    PROVINCIAL_SUMMARY_CHANGED = "PROVINCIAL_SUMMARY_CHANGED"  # the narrative edited


class ProvincialEvaluationDocumentKind(StrEnum):
    PROVINCIAL_EVALUATION_REPORT = "PROVINCIAL_EVALUATION_REPORT"  # 省级分险种绩效评价报告 (FORMS §4A)
    PROVINCIAL_EVALUATION_SUMMARY = "PROVINCIAL_EVALUATION_SUMMARY"  # 财政厅's July summary, numbered (财社)


add_labels(
    [
        (ProvincialEvaluationStatus.DRAFT, "草稿"),
        (ProvincialEvaluationStatus.SUBMITTED, "已送财政厅"),
        (ProvincialEvaluationStatus.APPROVED, "已审核通过"),
        (ProvincialEvaluationStatus.RETURNED, "已退回"),
        (ProvincialSummaryStatus.DRAFT, "草稿"),
        (ProvincialSummaryStatus.SENT, "已上报"),
    ]
)
