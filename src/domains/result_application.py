"""The evaluation-result application as a subject (Art. 20): how a pooling region's evaluation results were
used, seen where src/services/result_application/scope.py says (where it is written while a draft, its
region once recorded), announcing its edits and steps through the event bus. The text sets no date and no
document: it has neither deadlines nor a DocumentSpec (the disclosure and the README read its records)."""

from src.models.result_application import ResultApplication, ResultApplicationEventKind
from src.services.result_application import scope
from src.subjects.registry import Registry, SubjectSpec


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name=scope.SUBJECT,
            model=ResultApplication,
            label="评价结果应用",
            scope=scope.application_scope,
            clause=scope.visible_applications_clause,
            event_kinds=ResultApplicationEventKind,
            event_labels={
                ResultApplicationEventKind.RESULT_APPLICATION_STATUS_CHANGED: "评价结果应用状态变更",
                ResultApplicationEventKind.RESULT_APPLICATION_CHANGED: "评价结果应用内容修改",
                ResultApplicationEventKind.RESULT_APPLICATION_DELETED: "评价结果应用删除",
            },
        )
    )
