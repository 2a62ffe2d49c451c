"""The codes of the 两书一函 escalation (Art. 22) and their Chinese labels; the tables are in
escalation.py."""

from enum import StrEnum

from src.models.enums import add_labels


class EscalationStatus(StrEnum):
    OPEN = "OPEN"  # opened by 财政厅, no letter sent yet: only the province sees it
    LETTER_SENT = "LETTER_SENT"  # the current letter went out and waits for the prefecture's answer
    ANSWERED = "ANSWERED"  # the prefecture answered the current letter; the province judges it
    UNRESOLVED = "UNRESOLVED"  # the province found the answer wanting: the next letter may follow
    CLOSED = "CLOSED"  # resolved after a satisfactory answer (跟踪问效 to closure)


class EscalationEventKind(StrEnum):
    ESCALATION_STATUS_CHANGED = (
        "ESCALATION_STATUS_CHANGED"  # opened, letter sent, answered, unresolved, closed
    )


class EscalationDocumentKind(StrEnum):
    ESCALATION_REMINDER = "ESCALATION_REMINDER"  # 1 《预算绩效管理提醒督促书》
    ESCALATION_RECTIFICATION_NOTICE = "ESCALATION_RECTIFICATION_NOTICE"  # 2 《预算绩效管理整改通知书》
    ESCALATION_INTERVIEW_LETTER = "ESCALATION_INTERVIEW_LETTER"  # 3 《预算绩效管理工作约谈函》


# The letters in their order (Art. 22 「予以提醒督促、要求整改和工作约谈」): level → kind.
LEVEL_KINDS = {
    1: EscalationDocumentKind.ESCALATION_REMINDER,
    2: EscalationDocumentKind.ESCALATION_RECTIFICATION_NOTICE,
    3: EscalationDocumentKind.ESCALATION_INTERVIEW_LETTER,
}
LEVEL_TITLES = {1: "预算绩效管理提醒督促书", 2: "预算绩效管理整改通知书", 3: "预算绩效管理工作约谈函"}
LEVEL_STEPS = {1: "提醒督促", 2: "要求整改", 3: "工作约谈"}
LAST_LEVEL = 3

add_labels(
    [
        (EscalationStatus.OPEN, "已立案"),
        (EscalationStatus.LETTER_SENT, "已发函待答复"),
        (EscalationStatus.ANSWERED, "已答复"),
        (EscalationStatus.UNRESOLVED, "答复未解决"),
        (EscalationStatus.CLOSED, "已办结"),
    ]
)
