"""The codes of the performance disclosure (绩效信息公开, Art. 21) and their Chinese labels; the tables are in
disclosure.py."""

from enum import StrEnum

from src.models.enums import add_labels


class DisclosureStatus(StrEnum):
    DRAFT = "DRAFT"  # the region's finance selects the items; the only editable state
    APPROVED = "APPROVED"  # another user of the finance approved it: the public content is snapshotted
    REPORTED = "REPORTED"  # 向同级人大报送, on the date recorded
    PUBLISHED = "PUBLISHED"  # 向社会公开: served by the public API


class DisclosureItemKind(StrEnum):
    GOAL = "GOAL"  # 重要绩效目标: an issued goal of the region and year
    SELF_EVALUATION = "SELF_EVALUATION"  # 绩效评价结果: an accepted self-evaluation of the region
    PROVINCIAL_EVALUATION = "PROVINCIAL_EVALUATION"  # at the province: an approved provincial evaluation


class DisclosureEventKind(StrEnum):
    DISCLOSURE_STATUS_CHANGED = "DISCLOSURE_STATUS_CHANGED"  # created, approved, reported, published
    DISCLOSURE_CHANGED = "DISCLOSURE_CHANGED"  # the items or the title edited


class DisclosureDocumentKind(StrEnum):
    PERFORMANCE_DISCLOSURE = "PERFORMANCE_DISCLOSURE"  # 社会保险基金预算绩效信息公开


add_labels(
    [
        (DisclosureStatus.DRAFT, "草稿"),
        (DisclosureStatus.APPROVED, "已审定"),
        (DisclosureStatus.REPORTED, "已报送人大"),
        (DisclosureStatus.PUBLISHED, "已公开"),
        (DisclosureItemKind.GOAL, "重要绩效目标"),
        (DisclosureItemKind.SELF_EVALUATION, "绩效自评结果"),
        (DisclosureItemKind.PROVINCIAL_EVALUATION, "省级绩效评价结果"),
    ]
)
