"""The outcome label of an operation, from its top-level errors' codes (README, Metrics)."""

from collections.abc import Iterable

# Outcomes of an operation: answered without errors; refused before it ran (the request, the document or
# its variables; limits on depth, aliases, tokens, cost); refused to its actor; other errors of the
# domain (a wrong argument, a state that does not allow it); a failure of the server; its time limit.
OK, REFUSED, DENIED, ERROR, INTERNAL, TIMEOUT = "ok", "refused", "denied", "error", "internal", "timeout"
DENIED_CODES = frozenset({"UNAUTHENTICATED", "FORBIDDEN"})


def outcome(codes: Iterable[str], *, executed: bool) -> str:
    """The outcome of an operation whose top-level errors have `codes` (README, Metrics)."""
    found = set(codes)
    if not found:
        return OK
    if "OPERATION_TIMEOUT" in found:
        return TIMEOUT
    if not executed:
        return REFUSED
    if "INTERNAL_SERVER_ERROR" in found:
        return INTERNAL
    if found <= DENIED_CODES:
        return DENIED
    return ERROR
