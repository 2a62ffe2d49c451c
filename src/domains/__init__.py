"""The domains, each registering its subjects and document kinds (src/subjects/registry.py).

This list is the one shared place a new domain is added to: one line, naming its registration module, which
defines `register(registry)`. Order is the order of event kinds and document kinds in the API's enums.
"""

from importlib import import_module

from src.subjects.registry import Registry

REGISTRATIONS = (
    "src.domains.goals",
    "src.domains.budgets",
    "src.domains.report_jobs",
    "src.domains.rules",
    "src.domains.webhooks",
    "src.domains.api_tokens",
    "src.domains.monitoring",
    "src.domains.evaluation",
    "src.domains.assignments",
    "src.domains.provincial_evaluation",
    "src.domains.feedback",
    "src.domains.rectification",
    "src.domains.result_application",
    "src.domains.disclosure",
    "src.domains.assessment",
    "src.domains.escalation",
    "src.domains.reference",
)


def register_all(registry: Registry) -> None:
    for name in REGISTRATIONS:
        import_module(name).register(registry)
