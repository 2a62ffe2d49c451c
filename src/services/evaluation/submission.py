"""What a self-evaluation's submission needs, and when it is due.

Art. 18 「对未完成绩效目标或偏离绩效目标较大的，应分析并说明原因，研究提出改进措施」: submission is
refused while an indicator not met, or deviating far from its target (by the rule's threshold, scoring.py),
lacks its analysed cause or its improvement measures — every such line named; and, as the Sichuan form asks
(FORMS §2B 原因), while an execution rate below EXECUTION_REASON_BELOW lacks its reason.

Art. 17 「上年度统筹地区自评工作需在每年5月底前完成，并上报绩效自评报告」: due on the region's
SELF_EVALUATION_DEADLINE (05-31 at the latest) of the year after the one evaluated; one submitted later is
marked late, not refused (self_evaluation_workflow.py), and shows in `deadlines` (deadlines.py).
"""

from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.evaluation import SelfEvaluation, SelfEvaluationLine
from src.services.errors import ErrorCode, FieldProblem
from src.services.evaluation.form_scores import execution_reason_required, rescore
from src.services.evaluation.scoring import scoring_rules
from src.services.evaluation.self_evaluations import lines_of
from src.services.rules import rules_for


def unexplained(lines: list[SelfEvaluationLine]) -> list[FieldProblem]:
    """Art. 18: every line not met or deviating far from its target without its cause or its measures."""
    problems = []
    for index, line in enumerate(lines):
        if not (not line.met or line.deviates):
            continue
        what = "未完成绩效目标" if not line.met else "偏离绩效目标较大"
        for name, label in (("cause", "分析说明原因"), ("measures", "研究提出改进措施")):
            if not getattr(line, name).strip():
                problems.append(
                    FieldProblem(
                        f"selfEvaluation.lines.{index}.{name}",
                        f"{line.level3}：{what}，应{label}（第十八条）",
                        ErrorCode.REQUIRED,
                    )
                )
    return problems


async def due_on(session: AsyncSession, evaluation: SelfEvaluation) -> date:
    """The region's SELF_EVALUATION_DEADLINE in the year after the one evaluated (Art. 17 每年5月底前)."""
    deadline = (await rules_for(session=session, region_id=evaluation.region_id)).self_evaluation_deadline
    return date(evaluation.year + 1, deadline.month, deadline.day)


async def submission_problems(session: AsyncSession, evaluation: SelfEvaluation) -> list[FieldProblem]:
    lines = await lines_of(session, evaluation.id or 0)
    rules = await scoring_rules(session=session, region_id=evaluation.region_id, year=evaluation.year)
    # Scored again as the rules stand now (a rule may have changed since the last edit).
    problems = rescore(evaluation, lines, rules)
    session.add_all(lines)
    problems += unexplained(lines)
    if execution_reason_required(evaluation, rules) and not evaluation.execution_reason.strip():
        problems.append(
            FieldProblem(
                "selfEvaluation.executionReason",
                f"预算执行率低于{rules.execution_reason_below}%，须说明原因",
                ErrorCode.REQUIRED,
            )
        )
    return problems
