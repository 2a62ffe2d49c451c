"""Domain errors and their machine-readable codes. Services raise them; the GraphQL layer turns them into
result-union members (or, for Unauthenticated and Forbidden, top-level errors with extensions.code).

Codes are grouped by domain; every value is unique across the groups, so a client branches on `code`
alone and never parses a message.
"""

from dataclasses import dataclass, field
from enum import StrEnum


class ErrorCode(StrEnum):
    """What is wrong with one input field (FieldError.code)."""

    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    CONFLICT = "CONFLICT"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    PRECONDITION_FAILED = "PRECONDITION_FAILED"
    LOCKED = "LOCKED"  # decomposed from the province's goal: may only become stricter (Art. 6)
    PROVINCE_ONLY = "PROVINCE_ONLY"  # a rule only the province's detailed rules set (Art. 17, 23)
    # A webhook's URL: its host is (or resolves to) a loopback, private, link-local ... address; or has none.
    ADDRESS_NOT_ALLOWED = "ADDRESS_NOT_ALLOWED"
    ADDRESS_UNRESOLVED = "ADDRESS_UNRESOLVED"


class CommonErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    VALIDATION_FAILED = "VALIDATION_FAILED"
    STALE_VERSION = "STALE_VERSION"  # the record changed since the caller read it
    DATABASE_BUSY = "DATABASE_BUSY"  # another writer holds the database; retry
    INVALID_ID = "INVALID_ID"
    INVALID_CURSOR = "INVALID_CURSOR"
    INVALID_ARGUMENT = "INVALID_ARGUMENT"


class GoalErrorCode(StrEnum):
    DUPLICATE = "DUPLICATE"  # a goal of that fund, region and period exists
    STILL_REFERENCED = "STILL_REFERENCED"  # decomposed, annual or newer goals point at it
    ADJUSTMENT_PENDING = "ADJUSTMENT_PENDING"  # an adjusted version is already on its way
    NOT_EDITABLE = "NOT_EDITABLE"  # only drafts and returned goals are edited
    WRONG_STATUS = "WRONG_STATUS"  # the step does not start from the goal's status
    PROVINCE_ONLY = "PROVINCE_ONLY"  # national review and guiding issue are for province-wide goals
    ALREADY_SUBMITTED_TO_NATIONAL = "ALREADY_SUBMITTED_TO_NATIONAL"
    NOT_SUBMITTED_TO_NATIONAL = "NOT_SUBMITTED_TO_NATIONAL"
    ALREADY_NATIONAL_APPROVED = "ALREADY_NATIONAL_APPROVED"  # a guiding goal approved, awaiting formal issue
    NOT_ISSUED = "NOT_ISSUED"  # adjustment applies to issued goals only
    TAX_CONCURRENCE_REQUIRED = "TAX_CONCURRENCE_REQUIRED"  # Art. 7 商税务局: the current content lacks it
    TAX_DEPARTMENT_MISSING = "TAX_DEPARTMENT_MISSING"  # setup: the region has no tax organization
    DECOMPOSITION_INCOMPLETE = "DECOMPOSITION_INCOMPLETE"  # Art. 6: a region's target missing or sums off
    NOT_DECOMPOSED = "NOT_DECOMPOSED"  # the goal has no decomposition table (pooled at the province)
    COMES_FROM_DECOMPOSITION = "COMES_FROM_DECOMPOSITION"  # Art. 6: a pooling region's goal is decomposed
    DECOMPOSED_GOAL_LOCKED = "DECOMPOSED_GOAL_LOCKED"  # a decomposed goal is not deleted by its region
    INHERITED_INDICATOR_LOCKED = "INHERITED_INDICATOR_LOCKED"  # the province's indicators stay
    NEWER_VERSION_EXISTS = "NEWER_VERSION_EXISTS"  # the work goes on in the lineage's newer version


class BudgetErrorCode(StrEnum):
    ALREADY_APPROVED = "ALREADY_APPROVED"
    GOAL_NOT_ISSUED = "GOAL_NOT_ISSUED"  # Art. 7: goals are the precondition of the budget
    BUDGET_EXISTS = "BUDGET_EXISTS"  # one budget per pooling region, fund and year


class WarningErrorCode(StrEnum):
    """Evaluating a monitoring period and answering its warnings (Art. 13, 14)."""

    EVALUATION_NOT_POOLING_REGION = "EVALUATION_NOT_POOLING_REGION"  # the region does not pool the fund
    EVALUATION_NO_GOAL_IN_FORCE = "EVALUATION_NO_GOAL_IN_FORCE"  # nothing issued to compare with
    WARNING_ALREADY_ANSWERED = "WARNING_ALREADY_ANSWERED"  # a response was given: only closing remains
    WARNING_CLOSED = "WARNING_CLOSED"  # closed: nothing more to answer


class MonitoringReportErrorCode(StrEnum):
    """The monitoring report and the January compilation (Art. 13); the goal codes WRONG_STATUS,
    NOT_EDITABLE, TAX_CONCURRENCE_REQUIRED and TAX_DEPARTMENT_MISSING say the same of them."""

    MONITORING_REPORT_EXISTS = "MONITORING_REPORT_EXISTS"  # one report per region, fund and period
    GOAL_NOT_IN_FORCE = "GOAL_NOT_IN_FORCE"  # no annual goal issued for the fund, region and year
    ALREADY_ACCEPTED = "ALREADY_ACCEPTED"  # this side (finance, or the administration) accepted it already
    COMPILATION_EXISTS = "COMPILATION_EXISTS"  # one compilation per prefecture and year
    NOTHING_TO_COMPILE = "NOTHING_TO_COMPILE"  # no accepted year-end report in the area
    RECIPIENT_MISSING = "RECIPIENT_MISSING"  # setup: one of the four provincial bodies is not on record
    ALREADY_ACKNOWLEDGED = "ALREADY_ACKNOWLEDGED"  # this recipient acknowledged the compilation already


class SelfEvaluationErrorCode(StrEnum):
    """The self-evaluation and the provincial evaluation (Art. 15–18); the goal codes WRONG_STATUS,
    NOT_EDITABLE, TAX_CONCURRENCE_REQUIRED, TAX_DEPARTMENT_MISSING and the report's ALREADY_ACCEPTED say the
    same of them."""

    SELF_EVALUATION_EXISTS = "SELF_EVALUATION_EXISTS"  # one per pooling region, fund and year
    YEAR_NOT_OVER = "YEAR_NOT_OVER"  # Art. 15: evaluated after the year's budget is executed
    NO_GOAL_AT_YEAR_END = "NO_GOAL_AT_YEAR_END"  # no annual goal was in force on 31 December
    PROVINCIAL_EVALUATION_EXISTS = "PROVINCIAL_EVALUATION_EXISTS"  # one per fund and year (Art. 17)
    PROVINCIAL_SUMMARY_EXISTS = "PROVINCIAL_SUMMARY_EXISTS"  # 财政厅's one summary of a year
    NOTHING_TO_SUMMARIZE = "NOTHING_TO_SUMMARIZE"  # no provincial evaluation of the year approved yet
    FEEDBACK_EXISTS = "FEEDBACK_EXISTS"  # Art. 19: one feedback per self-evaluation
    NOT_YET_EVALUATED = "NOT_YET_EVALUATED"  # Art. 19: feedback answers an accepted self-evaluation
    EVIDENCE_REQUIRED = "EVIDENCE_REQUIRED"  # Art. 20: a rectification is reported with its evidence


class AssignmentErrorCode(StrEnum):
    """Assignments to third parties (Art. 17)."""

    ASSIGNMENT_OVERLAPS = "ASSIGNMENT_OVERLAPS"  # the organization holds the record for part of the period
    ASSIGNMENT_ENDED = "ASSIGNMENT_ENDED"  # ended early, or its period is over: nothing to end


class ResultApplicationErrorCode(StrEnum):
    """The evaluation-result application (Art. 20)."""

    RESULT_APPLICATION_EXISTS = "RESULT_APPLICATION_EXISTS"  # one per pooling region, fund and year
    NO_USES = "NO_USES"  # recorded with at least one use


class DisclosureErrorCode(StrEnum):
    """The performance disclosure (Art. 21)."""

    DISCLOSURE_EXISTS = "DISCLOSURE_EXISTS"  # one per region and year
    ITEM_NOT_DISCLOSABLE = "ITEM_NOT_DISCLOSABLE"  # not an issued goal / accepted or approved result there
    NOTHING_TO_DISCLOSE = "NOTHING_TO_DISCLOSE"  # approved without any item
    SAME_USER_APPROVES = "SAME_USER_APPROVES"  # four eyes: the last editor may not approve
    RATE_LIMITED = "RATE_LIMITED"  # the public route: too many requests from one address


class AssessmentErrorCode(StrEnum):
    """The assessment of the prefectures (Art. 22)."""

    ASSESSMENT_EXISTS = "ASSESSMENT_EXISTS"  # one round per province and budget year
    ASSESSMENT_WEIGHTS_INVALID = "ASSESSMENT_WEIGHTS_INVALID"  # not 100, or bands crossed
    ASSESSMENT_NOT_COMPUTED = "ASSESSMENT_NOT_COMPUTED"  # concurred with or published before computing
    ASSESSMENT_CONCURRENCE_REQUIRED = "ASSESSMENT_CONCURRENCE_REQUIRED"  # all three on this computation


class EscalationErrorCode(StrEnum):
    """The 两书一函 escalation (Art. 22)."""

    ESCALATION_EXISTS = "ESCALATION_EXISTS"  # one case per prefecture and budget year
    ESCALATION_NOT_A_PREFECTURE = "ESCALATION_NOT_A_PREFECTURE"  # Art. 22 考核各市（州）: prefectures only
    ESCALATION_TOO_EARLY = "ESCALATION_TOO_EARLY"  # the waiting period since the previous letter has not run
    ESCALATION_PREVIOUS_ANSWERED = "ESCALATION_PREVIOUS_ANSWERED"  # answered, not marked unresolved
    ESCALATION_LAST_LETTER = "ESCALATION_LAST_LETTER"  # the 约谈函 was the last: nothing to escalate to
    ESCALATION_CLOSED = "ESCALATION_CLOSED"  # closed: no more letters, answers or judgments
    ESCALATION_NO_LETTER = "ESCALATION_NO_LETTER"  # nothing sent yet to answer or judge
    ESCALATION_NOT_ANSWERED = "ESCALATION_NOT_ANSWERED"  # the current letter awaits its answer


class AuthErrorCode(StrEnum):
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"


DOMAIN_ERROR_CODES: tuple[type[StrEnum], ...] = (
    CommonErrorCode,
    GoalErrorCode,
    BudgetErrorCode,
    MonitoringReportErrorCode,
    SelfEvaluationErrorCode,
    AssignmentErrorCode,
    AuthErrorCode,
    WarningErrorCode,
    ResultApplicationErrorCode,
    DisclosureErrorCode,
    AssessmentErrorCode,
    EscalationErrorCode,
)
AnyCode = (
    CommonErrorCode
    | GoalErrorCode
    | BudgetErrorCode
    | MonitoringReportErrorCode
    | SelfEvaluationErrorCode
    | AssignmentErrorCode
    | AuthErrorCode
    | WarningErrorCode
    | ResultApplicationErrorCode
    | DisclosureErrorCode
    | AssessmentErrorCode
    | EscalationErrorCode
)


class DomainError(Exception):
    """An expected failure: the request is refused and nothing is changed."""

    message: str = "请求未能完成"
    code: AnyCode = CommonErrorCode.INVALID_ARGUMENT

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message


class Unauthenticated(DomainError):
    """No valid credentials: a top-level error, never a union member."""

    message = "未登录或登录已过期，请重新登录"
    code = CommonErrorCode.UNAUTHENTICATED


class Forbidden(DomainError):
    """The actor may not do this here: a top-level error, never a union member."""

    message = "无权执行此操作"
    code = CommonErrorCode.FORBIDDEN


class NotFound(DomainError):
    code = CommonErrorCode.NOT_FOUND

    def __init__(self, entity: str, key: str | int, message: str | None = None) -> None:
        self.entity = entity
        self.key = str(key)
        super().__init__(message or f"未找到{entity}：{key}")


@dataclass(frozen=True)
class FieldProblem:
    field: str  # input path, e.g. "input.indicators.2.weight"
    message: str
    code: ErrorCode = ErrorCode.INVALID


@dataclass
class ValidationFailed(DomainError):
    problems: list[FieldProblem] = field(default_factory=list)
    code = CommonErrorCode.VALIDATION_FAILED

    def __post_init__(self) -> None:
        super().__init__("输入有误，请按字段提示修改")


class Conflict(DomainError):
    """The record changed since it was read (stale row_version), or the change collides with another."""

    def __init__(self, message: str, *, code: AnyCode, current_version: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.current_version = current_version


class InvalidTransition(DomainError):
    """The operation is not possible in the record's current state."""

    def __init__(
        self, message: str, *, current_status: str, operation: str, code: AnyCode = GoalErrorCode.WRONG_STATUS
    ) -> None:
        super().__init__(message)
        self.code = code
        self.current_status = current_status
        self.operation = operation


class PreconditionFailed(DomainError):
    """A rule of the regulation that must hold first does not (e.g. Art. 7: goals before budgets)."""

    def __init__(self, message: str, *, code: AnyCode) -> None:
        super().__init__(message)
        self.code = code
