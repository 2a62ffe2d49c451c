"""Which operations the response cache may keep: those whose every field follows `dataVersion`.

An answer may be kept only if nothing it shows can change without moving `dataVersion` (the newest event id:
every mutation records an event in its transaction, src/subjects/events.py, which tests/events/
test_data_version.py checks for each mutation of the schema; what changes outside mutations — users and
organizations by `fundperf seed`, audit rows of logins, webhook deliveries — does not) and nothing in it
depends on the clock or on who asks beyond the visibility scope the key holds. So:

* every root field of Query is classified here (`ROOT_FIELDS`: None = cacheable, else why not); a test fails
  when the schema gains one that is not, so a new field is never cached by default;
* below the root, only the fields of `FOLLOWING_TYPES` may be selected: types whose rows change only with an
  event (goals and their indicators, transitions and tax opinions; budgets) or only with reference data
  (regions, funds, pooling, templates: loaded by `fundperf seed` at deployment, see the README). Any field of
  another type (an organization and its users, documents, deadlines computed from today, result
  applications, ...) makes the operation bypass the cache;
* mutations, subscriptions and introspection always bypass.
"""

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_operation_ast,
    parse,
    print_ast,
    visit,
)

CACHEABLE = None
PER_USER = "per user: what the caller owns or is addressed to"
CLOCK = "depends on today (overdue, due, expiring)"
UNVERSIONED = "changes without an event (users, organizations, audit of logins, webhook deliveries)"
UNVERIFIED = "not yet checked for fields computed from today or per user"

# Every root field of Query: None if its answer follows dataVersion and the visibility scope, else why not.
ROOT_FIELDS: dict[str, str | None] = {
    "region": CACHEABLE,
    "regions": CACHEABLE,
    "fundTypes": CACHEABLE,
    "fundType": CACHEABLE,
    "poolingArrangements": CACHEABLE,
    "goal": CACHEABLE,
    "goals": CACHEABLE,
    "indicator": CACHEABLE,
    "indicatorTemplates": CACHEABLE,
    "budget": CACHEABLE,
    "budgets": CACHEABLE,
    "dataVersion": CACHEABLE,  # the key's own version
    "organization": UNVERSIONED,
    "organizations": UNVERSIONED,
    "auditEvents": UNVERSIONED,  # logins and refusals write audit rows without an event
    "me": PER_USER,
    "apiTokens": PER_USER,
    "ruleSet": UNVERIFIED,
    "reportJob": PER_USER,
    "reportJobs": PER_USER,
    "events": PER_USER,  # events addressed to one user
    "webhooks": UNVERSIONED,
    "webhook": UNVERSIONED,
    "deadlines": CLOCK,
    "warnings": UNVERIFIED,
    "warning": UNVERIFIED,
    "warningOpenCounts": UNVERIFIED,
    "monitoring": CLOCK,  # timeliness: overdue entries are computed from today
    "actuals": UNVERIFIED,
    "executions": UNVERIFIED,
    "monitoringReports": UNVERIFIED,
    "monitoringReport": UNVERIFIED,
    "monitoringCompilations": UNVERIFIED,
    "monitoringCompilation": UNVERIFIED,
    "selfEvaluations": UNVERIFIED,
    "selfEvaluation": UNVERIFIED,
    "assignments": CLOCK,  # active until their end
    "myAssignments": PER_USER,
    "provincialEvaluations": UNVERIFIED,
    "provincialEvaluation": UNVERIFIED,
    "provincialEvaluationSummaries": UNVERIFIED,
    "provincialEvaluationSummary": UNVERIFIED,
    "evaluationFeedbacks": UNVERIFIED,
    "evaluationFeedback": UNVERIFIED,
    "rectificationItems": CLOCK,  # 督促完成时限 against today
    "rectificationItem": CLOCK,
    "resultApplications": UNVERIFIED,
    "resultApplication": UNVERIFIED,
    "disclosures": UNVERIFIED,
    "disclosure": UNVERIFIED,
    "assessmentRounds": UNVERIFIED,
    "assessmentRound": UNVERIFIED,
    "escalations": UNVERIFIED,
    "escalation": UNVERIFIED,
}

# The types below the root whose every field follows dataVersion (or reference data). A field of a type not
# listed here, or one returning such a type (its sub-selection's parent), makes the operation bypass.
FOLLOWING_TYPES = frozenset(
    {
        "Goal",
        "GoalConnection",
        "GoalEdge",
        "GoalTransition",
        "TaxOpinion",
        "Indicator",
        "FundBudget",
        "FundBudgetConnection",
        "FundBudgetEdge",
        "FundBudgetLine",
        "Region",
        "RegionConnection",
        "RegionEdge",
        "FundType",
        "PoolingArrangement",
        "IndicatorTemplate",
        "PageInfo",
        "NotFoundError",
        "ValidationError",
        "FieldError",
    }
)


@dataclass(frozen=True)
class Classified:
    """A document as the cache sees it: its normalized text (the key's part), and why it is not cached
    (None: it may be)."""

    normalized: str
    bypass: str | None


class _Fields(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.bypass: str | None = None

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        name = node.name.value
        if name == "__typename" or self.bypass is not None:
            return
        parent = self.type_info.get_parent_type()
        if parent is None or name.startswith("__"):
            self.bypass = f"field {name}: introspection or unknown"
        elif parent.name == "Query":
            reason = ROOT_FIELDS.get(name, "not classified")
            if reason is not None:
                self.bypass = f"Query.{name}: {reason}"
        elif parent.name not in FOLLOWING_TYPES:
            self.bypass = f"{parent.name}.{name}: its type does not follow dataVersion"


def classify(schema: GraphQLSchema, query: str, operation_name: str | None, *, max_tokens: int) -> Classified:
    """The normalized document and whether the named operation may be cached. A document that does not
    parse is left to the executor (which answers it with an error), as a bypass."""
    try:
        document: DocumentNode = parse(query, no_location=True, max_tokens=max_tokens)
    except GraphQLError:
        return Classified("", "does not parse")
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return Classified("", "no such operation")
    if operation.operation is not OperationType.QUERY:
        return Classified("", f"a {operation.operation.value}")
    type_info = TypeInfo(schema)
    fields = _Fields(type_info)
    # The whole document, every operation and fragment in it: a field that cannot be cached anywhere in it
    # makes it bypass (conservative, and no fragment is followed twice).
    visit(document, TypeInfoVisitor(type_info, fields))
    return Classified(print_ast(document), fields.bypass)
