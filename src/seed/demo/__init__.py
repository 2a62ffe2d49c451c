"""Demo data for Sichuan: organizations and users, goals with indicators, and fund budgets for 2025-2026; the
county agencies of a few prefectures; in-year monitoring through DEMO_MONITORED_THROUGH (October 2026):
actuals, budget execution, warnings and their responses, one adjustment, the 2025 reports and compilations;
the 2025 self-evaluations (evaluations.py), one of them entrusted to the third party (assignments.py); the
2025 provincial evaluations and 财政厅's July summary (provincial_evaluations.py); its August feedback
letters to a few prefectures (feedbacks.py) and the rectification items raised from them (rectification.py);
how 成都, 自贡 and the province used their 2025 evaluations (result_applications.py, Art. 20); its October
assessment of the prefectures (assessment.py); a 两书一函 in progress for 德阳市 (escalation.py); the
province's 2025 performance disclosure published and 成都's in draft (disclosures.py).

Deterministic: one `random.Random(seed)` drives every choice, and every query is ordered, so the same seed
gives the same rows. Requires the reference data; does not commit.
"""

import asyncio
import random
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from src.reports.storage import Storage
from src.seed.demo.assessment import add_assessment
from src.seed.demo.assignments import add_assignment
from src.seed.demo.budgets import add_budgets, plan_figures
from src.seed.demo.context import load_reference, require_empty
from src.seed.demo.counties import add_county_agencies
from src.seed.demo.disclosures import add_disclosures
from src.seed.demo.escalation import add_escalation
from src.seed.demo.evaluations import add_self_evaluations
from src.seed.demo.feedbacks import add_feedbacks
from src.seed.demo.figures import load_fund_profiles, load_prefecture_sizes
from src.seed.demo.goals import add_goals, draw_statuses
from src.seed.demo.indicators import add_indicators
from src.seed.demo.monitoring import add_monitoring
from src.seed.demo.monitoring_scopes import DEMO_MONITORED_THROUGH
from src.seed.demo.organizations import DEMO_PASSWORD, DEMO_SERVICE_ACCOUNT, add_organizations
from src.seed.demo.provincial_evaluations import add_provincial_evaluations
from src.seed.demo.rectification import add_rectification
from src.seed.demo.result_applications import add_result_applications
from src.services.goals.issuing import number_earlier_issues
from src.services.identity.passwords import hash_password

__all__ = [
    "DEFAULT_SEED",
    "DEMO_MONITORED_THROUGH",
    "DEMO_PASSWORD",
    "DEMO_SERVICE_ACCOUNT",
    "DemoCounts",
    "load_demo_data",
]

DEFAULT_SEED = 20261126


@dataclass(frozen=True)
class DemoCounts:
    organizations: int
    users: int
    goals: int
    indicators: int
    budgets: int
    budget_lines: int
    indicator_actuals: int
    budget_executions: int
    warnings: int
    monitoring_reports: int
    compilations: int
    compilation_recipients: int
    self_evaluations: int
    self_evaluation_lines: int
    assignments: int
    provincial_evaluations: int
    provincial_summaries: int
    evaluation_feedbacks: int
    feedback_recipients: int
    rectification_items: int
    rectification_evidence: int
    result_applications: int
    result_application_uses: int
    assessment_rounds: int
    prefecture_assessments: int
    escalations: int
    escalation_letters: int
    disclosures: int
    disclosure_items: int


async def load_demo_data(
    *, session: AsyncSession, seed: int = DEFAULT_SEED, storage: Storage | None = None
) -> DemoCounts:
    """Load the demo organizations, users, goals, indicators and budgets into a database without them;
    `storage` takes the demo's evidence file (without one, that file and its row are left out)."""
    ref = await load_reference(session)
    await require_empty(session)
    rng = random.Random(seed)

    # argon2 is slow on purpose: one hash (one salt) shared by every demo user, not one per user.
    password_hash = await asyncio.to_thread(hash_password, DEMO_PASSWORD)
    organizations, users = await add_organizations(session, rng, ref, password_hash)
    sizes = load_prefecture_sizes()
    profiles = load_fund_profiles()
    # The order of these steps is the order of the draws from `rng`: changing it changes the data.
    budgets = plan_figures(rng, ref, sizes, profiles)
    statuses = draw_statuses(rng, ref)
    goals = await add_goals(session, ref, statuses, budgets)
    indicators = await add_indicators(session, rng, ref, goals, sizes, profiles)
    budget_count, line_count = await add_budgets(session, ref, goals, budgets)
    await number_earlier_issues(session)  # the goals loaded in force: each under its issue's number
    # Added later: their draws come after all of the above, so the data above stays as it was.
    counties = await add_county_agencies(session, rng, ref.prefectures, password_hash)
    monitoring = await add_monitoring(session, rng, ref, goals, counties, sizes, profiles)
    evaluations = await add_self_evaluations(session, rng, ref)
    assignments = await add_assignment(session)  # draws nothing: the data above stays as it was
    provincial = await add_provincial_evaluations(session, rng, ref)
    feedbacks = await add_feedbacks(session, ref)  # draws nothing either
    rectification = await add_rectification(session, ref, storage)  # nor this
    applications = await add_result_applications(session, ref)  # nor this
    # Numbered in the order of their days: the disclosure (31 August), the 两书一函 (September, October),
    # the assessment's 通报 (20 October).
    disclosures = await add_disclosures(session, ref, password_hash)  # nor this
    escalation = await add_escalation(session, ref)  # nor this
    assessment = await add_assessment(session, ref)  # nor does this
    return DemoCounts(
        organizations=organizations + len(counties),
        users=users + len(counties) + disclosures.users,
        goals=len(goals) + monitoring.adjusted_goals,
        indicators=indicators + monitoring.adjusted_indicators,
        budgets=budget_count,
        budget_lines=line_count,
        indicator_actuals=monitoring.indicator_actuals,
        budget_executions=monitoring.budget_executions,
        warnings=monitoring.warnings,
        monitoring_reports=monitoring.monitoring_reports,
        compilations=monitoring.compilations,
        compilation_recipients=monitoring.compilation_recipients,
        self_evaluations=evaluations.self_evaluations,
        self_evaluation_lines=evaluations.self_evaluation_lines,
        assignments=assignments,
        provincial_evaluations=provincial.provincial_evaluations,
        provincial_summaries=provincial.provincial_summaries,
        evaluation_feedbacks=feedbacks.evaluation_feedbacks,
        feedback_recipients=feedbacks.feedback_recipients,
        rectification_items=rectification.rectification_items,
        rectification_evidence=rectification.rectification_evidence,
        result_applications=applications.result_applications,
        result_application_uses=applications.result_application_uses,
        assessment_rounds=assessment.assessment_rounds,
        prefecture_assessments=assessment.prefecture_assessments,
        escalations=escalation.escalations,
        escalation_letters=escalation.escalation_letters,
        disclosures=disclosures.disclosures,
        disclosure_items=disclosures.disclosure_items,
    )
