"""自评报告 (Art. 17, 18; FORMS §4B) of one self-evaluation, as a GB/T 9704 document: no 版头 (an unnumbered
report, as the monitoring report; a draft shows 草稿), the title, 主送 as Art. 17 routes it by the fund's
pooling level — a prefecture's finance (牵头) to 财政厅、人社厅、省医保局、省税务局, the provincial agency to
财政厅 and the fund's administration (人社厅 or 省医保局) — the opening paragraph, then

一、基本情况 (generated: the fund, the goal and its number, who carried it out), 二、预算执行情况 (the
figures, the rate and its score, the reason of a low rate), 三、绩效指标完成情况 (a row per indicator:
target, actual, weight, score), 四、自评结论 (total score and grade, then the 评价结论), 五、偏离绩效目标的
原因分析 (Art. 18: every line not met or deviating, its cause and measures), 六、存在问题, 七、改进措施, the
signature (the submitter, 成文日期 the day it was submitted) and the 版记.

Keys: `draft_mark`, `title`, `title_lines`, `recipients`, `body`, `basic`, `goal_number` (the goal's,
named beside its text), `goal_paragraphs` (none: the part is left out), `budget`
(self_evaluation_form.budget_block), `budget_text`, `rows` (self_evaluation_rows), `weight_total`,
`indicator_score`, `total_score`, `grade`, `subject` (region, year and fund, as the verdict names them),
`result_paragraphs`, `deviations` [{title, text}], `problem_paragraphs`, `measure_paragraphs`, `signer`,
`date`, `cc`, `printer`, `print_date`.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Region
from src.models.enums import ActorType
from src.models.evaluation import GRADE_LABELS, SelfEvaluationLine
from src.reports.contexts.goal_rows import in_category_order, level2_order, number
from src.reports.contexts.goal_table import date_zh
from src.reports.contexts.monitoring_common import (
    DEPARTMENT,
    NONE,
    REGULATION,
    Bodies,
    bodies,
    fund_name,
    fund_words,
    paragraphs,
    title_lines,
)
from src.reports.contexts.self_evaluation_form import DRAFT_MARK, DRAFTS, budget_block
from src.reports.contexts.self_evaluation_rows import (
    actual_text,
    score_text,
    self_evaluation_rows,
    target_text,
)
from src.services.actors import Actor
from src.services.evaluation.routing import PREFECTURE_RECIPIENTS, routing
from src.services.evaluation.scoring import scoring_rules
from src.services.evaluation.self_evaluations import lines_of, visible_self_evaluation
from src.services.monitoring.compilation_recipients import RECIPIENT_TYPES

# The provincial bodies as Art. 17 names them, for one not on record by its name.
ART17_NAMES = dict(zip(RECIPIENT_TYPES, PREFECTURE_RECIPIENTS.split("、"), strict=True))


def _recipients(found: Bodies, province: Region, fund: FundType, prefecture: bool) -> list[str]:
    """Art. 17: the four provincial bodies for a prefecture's; 财政厅 and the fund's administration (人社厅
    or 省医保局) for the province's own."""
    types = RECIPIENT_TYPES if prefecture else (ActorType.FINANCE, DEPARTMENT[fund.administration])
    return [found.name(province, t) or ART17_NAMES[t] for t in types]


def _deviations(lines: Sequence[SelfEvaluationLine]) -> list[dict[str, str]]:
    """Art. 18: each line not met or deviating, its target and actual, its cause and its measures."""
    found: list[dict[str, str]] = []
    for line in lines:
        if line.met and not line.deviates:
            continue
        state = "未完成绩效目标" if not line.met else "偏离绩效目标较大"
        found.append(
            {
                "title": f"（{ordinal(len(found) + 1)}）{line.level3}",
                "text": f"年度指标值{target_text(line)}，实际完成值{actual_text(line)}，{state}。"
                f"原因分析：{_sentence(line.cause)}改进措施：{_sentence(line.measures)}",
            }
        )
    return found


DIGITS = "〇一二三四五六七八九"


def ordinal(n: int) -> str:
    """A heading's Chinese number, 1–99: 一, 十, 十一, 二十三."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{DIGITS[tens]}十")
    return head + (DIGITS[ones] if ones else "")


NOTHING = "无。"


def _sentence(text: str) -> str:
    text = text.strip() or "未填写"
    return text if text.endswith(("。", "；", "！")) else f"{text}。"


async def self_evaluation_report_context(
    *, session: AsyncSession, actor: Actor, evaluation_id: int
) -> dict[str, Any]:
    evaluation, _ = await visible_self_evaluation(session=session, actor=actor, evaluation_id=evaluation_id)
    region = await session.get(Region, evaluation.region_id)
    fund = await session.get(FundType, evaluation.fund_type_id)
    goal = await session.get(Goal, evaluation.goal_id)
    assert region is not None and fund is not None and goal is not None
    province = await session.get(Region, region.parent_id or region.id)
    assert province is not None
    found = await bodies(session, [region.id or 0, province.id or 0])
    route = routing(evaluation.pooling_level)
    prefecture = route.submitter == ActorType.FINANCE
    rules = await scoring_rules(session=session, region_id=evaluation.region_id, year=evaluation.year)
    lines = in_category_order(await lines_of(session, evaluation_id), await level2_order(session))
    agency, tax, finance = found.agency(region, fund), found.tax(region), found.finance(region)
    department = found.department(region, fund)
    signer = finance if prefecture else agency
    year = f"{evaluation.year}年度"
    words = [region.name, year, *fund_words(fund), "绩效自评报告"]
    subject = f"{region.name}{year}{fund_name(fund)}"
    opening = (
        f"根据{REGULATION}第十七条、第十八条规定，{finance}组织，{department}指导{agency}商{tax}，对{subject}预算绩效开展了自评，"
        "现将自评情况报告如下。"
    )
    budget = budget_block(evaluation, rules.execution_points)
    date = date_zh(evaluation.submitted_at) if evaluation.submitted_at is not None else ""
    # 抄送: the prefecture's department and tax (who drafted it with the agency); 省税务局 for the province's.
    copied = [department, tax] if prefecture else [tax]
    return {
        "draft_mark": DRAFT_MARK if evaluation.status in DRAFTS else "",
        "title": "".join(words),
        "title_lines": title_lines(words),
        "recipients": "、".join(_recipients(found, province, fund, prefecture)) + "：",
        "body": [opening],
        "basic": (
            f"{subject}由{region.name}统筹，主管部门为{department}，经办机构为{agency}。"
            f"本次自评依据{year}绩效目标，共设绩效指标{len(lines)}项，"
            f"由{agency}商{tax}具体实施，采用定量与定性评价相结合的方式，以比较法为主。"
        ),
        "goal_number": goal.document_number or NONE,
        "goal_paragraphs": paragraphs(goal.content),
        "budget": budget,
        "budget_text": (
            f"{year}基金支出年初预算{budget['initial']}万元，调整后预算{budget['budget']}万元，"
            f"全年执行{budget['executed']}万元，执行率{budget['rate']}，"
            f"得分{budget['score']}分（分值{budget['points']}分）。"
        ),
        "rows": self_evaluation_rows(lines),
        "weight_total": number(sum((line.weight for line in lines), Decimal(0))),
        "indicator_score": score_text(sum((line.score for line in lines), Decimal(0))),
        "total_score": score_text(evaluation.total_score),
        "grade": GRADE_LABELS.get(evaluation.grade or "", NONE),
        "subject": subject,
        "result_paragraphs": paragraphs(evaluation.conclusion),
        "deviations": _deviations(lines),
        "problem_paragraphs": paragraphs(evaluation.problems) or [NOTHING],
        "measure_paragraphs": paragraphs(evaluation.measures) or [NOTHING],
        "signer": signer,
        "date": date,
        "cc": "、".join(c for c in copied if c) + "。",
        "printer": signer,
        "print_date": date,
    }
