"""The documents and calls of the monitoring report and compilation tests through the API."""

from typing import Any

from tests.schema.conftest import GraphQLClient

REPORT_FIELDS = """id rowVersion status statusLabel year month periodLabel progress problems measures
  contentRevision taxConcurredRevision taxConcurred submittedAt financeAcceptedAt administrationAcceptedAt
  returnReason dueOn late region { code } fundType { code } drafterOrganization { actorType }
  transitions { action fromStatus toStatus reason at user { username } organization { actorType } }"""
TABLES = """tables { year month elapsed goalLight goalLightLabel executionLight executionLightLabel
  goal { id }
  indicators { level3 comparatorLabel targetValue actualValue numerator denominator light lightLabel ratio
               deviation forecast causes { cause causeLabel text } likelihood likelihoodLabel remark entries }
  execution { label item total initialAmount budgetAmount executedAmount rate light lightLabel } }"""
RESULT = (
    "__typename ... on MonitoringReportSuccess { report { " + REPORT_FIELDS + " } }"
    " ... on ValidationError { fields { field code } } ... on ConflictError { currentVersion }"
    " ... on UserError { message code }"
)


def by_input(name: str, input_type: str, result: str = RESULT) -> str:
    """A mutation taking `input`, selecting its result union."""
    return "mutation($input: " + input_type + "!) { " + name + "(input: $input) { " + result + " } }"


def by_id(name: str, result: str = RESULT, row_version: bool = True) -> str:
    """A mutation taking (id, rowVersion), or the id alone."""
    if not row_version:
        return "mutation($id: ID!) { " + name + "(id: $id) { " + result + " } }"
    arguments = "($id: ID!, $rowVersion: Int!)", "(id: $id, rowVersion: $rowVersion)"
    return "mutation" + arguments[0] + " { " + name + arguments[1] + " { " + result + " } }"


CREATE = by_input("monitoringReportCreate", "MonitoringReportCreateInput")
UPDATE = by_input("monitoringReportUpdate", "MonitoringReportUpdateInput")
CONCUR = by_input("monitoringReportTaxConcur", "MonitoringReportTaxConcurInput")
RETURN = by_input("monitoringReportReturn", "MonitoringReportReturnInput")
SUBMIT, ACCEPT = by_id("monitoringReportSubmit"), by_id("monitoringReportAccept")
REPORT = (
    "query($id: ID!) { monitoringReport(id: $id) { __typename ... on MonitoringReport { "
    + REPORT_FIELDS
    + " "
    + TABLES
    + " } ... on NotFoundError { entity } } }"
)
REPORTS = """query($filter: MonitoringReportFilter) { monitoringReports(filter: $filter, first: 50) {
  totalCount nodes { id status region { code } } } }"""

COMPILATION_FIELDS = """id rowVersion status statusLabel year summary problems measures sentAt documentNumber
  dueOn late region { code } organization { actorType }
  recipients { acknowledged acknowledgedAt organization { actorType region { code } } }
  reports { id month status region { code } fundType { code } }"""
COMPILATION_RESULT = (
    "__typename ... on MonitoringCompilationSuccess { compilation { " + COMPILATION_FIELDS + " } }"
    " ... on ValidationError { fields { field code } } ... on ConflictError { currentVersion }"
    " ... on UserError { message code }"
)
COMPILATION_CREATE = by_input(
    "monitoringCompilationCreate", "MonitoringCompilationCreateInput", COMPILATION_RESULT
)
COMPILATION_UPDATE = by_input(
    "monitoringCompilationUpdate", "MonitoringCompilationUpdateInput", COMPILATION_RESULT
)
COMPILATION_SEND = by_id("monitoringCompilationSend", COMPILATION_RESULT)
ACKNOWLEDGE_RESULT = (
    "__typename ... on MonitoringCompilationSuccess { compilation { " + COMPILATION_FIELDS + " } }"
    " ... on UserError { message code }"
)
COMPILATION_ACKNOWLEDGE = by_id("monitoringCompilationAcknowledge", ACKNOWLEDGE_RESULT, row_version=False)
COMPILATION = (
    "query($id: ID!) { monitoringCompilation(id: $id) { __typename ... on MonitoringCompilation { "
    + COMPILATION_FIELDS
    + " } ... on NotFoundError { entity } } }"
)
COMPILATIONS = """query($filter: MonitoringCompilationFilter) {
  monitoringCompilations(filter: $filter, first: 50) { totalCount nodes { id status late } } }"""


async def call(gql: GraphQLClient, document: str, **variables: Any) -> dict[str, Any]:
    """The mutation's (or query's) one result."""
    data = await gql.data(document, variables)
    result: dict[str, Any] = next(iter(data.values()))
    return result


def ids(record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "rowVersion": record["rowVersion"]}
