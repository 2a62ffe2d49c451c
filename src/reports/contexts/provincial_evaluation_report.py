"""省级分险种绩效评价报告 (Art. 17, 18; FORMS §4A) from its data (src/services/evaluation/provincial_data.py):
pure, no database — the integrator registers it with the function that reads the data.

The agency (商省税务局) reports to 财政厅; unsubmitted it is a draft (草稿, a blank date). Generated parts
say the facts (the regions, the scores, the grades, the indicators not met with their causes, Art. 18); the
narrative follows in FORMS §4A's order, a part made only of text printing 无 when it is empty. The charts
are pictures (src/reports/charts.py): the score distribution, and the grades by prefecture where the
fund has regions in more than one prefecture (else a sentence says why there is none).

Keys: `draft_mark`, `title`, `title_lines`, `recipients`, `body`, `basic`, `budget` {initial, adjusted,
executed, rate}, `overview_paragraphs`, `work`, `work_paragraphs`, `scores`, `grade_counts` (by label and
合计), `score_chart`, `prefecture_chart` (None: not drawn), `prefecture_note`, `below_pass`,
`conclusion_paragraphs`, `shortfalls` [{level1, level2, level3, evaluated, not_met, regions}], `causes`
[{title, text}], `analysis_paragraphs`, `problem_paragraphs`, `suggestion_paragraphs`, `other_paragraphs`,
`year`, `fund`, `results` [{index, region, prefecture, score, grade, rate, late}], `signers`, `date`, `cc`,
`printer`, `print_date`.
"""

from typing import Any

from src.models.enums import PoolingLevel, label_zh
from src.models.evaluation import GRADE_LABELS
from src.reports.charts import WIDTH_MM, Bar, grades_by_group, score_distribution
from src.reports.contexts.goal_notice import full_width
from src.reports.contexts.monitoring_common import NONE, REGULATION, number, paragraphs, pct, wan_yuan
from src.reports.contexts.provincial_common import broken_title, date_text, grade_counts, text_or_nothing
from src.reports.contexts.self_evaluation_form import DRAFT_MARK
from src.reports.contexts.self_evaluation_report import ordinal
from src.reports.contexts.self_evaluation_rows import score_text
from src.reports.picture import Picture
from src.services.evaluation.provincial_data import (
    IndicatorShortfall,
    ProvincialAggregate,
    ProvincialReportData,
    RegionResult,
)

NO_CAUSE = "未说明原因"


def _basic(a: ProvincialAggregate, fund: str) -> str:
    text = (
        f"{fund}实行{label_zh(PoolingLevel(a.pooling_level))}，{a.year}年度应开展绩效自评的统筹地区"
        f"{a.expected}个，已报送绩效自评{len(a.regions)}个"
    )
    if a.missing:
        text += f"，未报送{len(a.missing)}个（{'、'.join(a.missing)}）"
    return text + "。纳入评价地区的基金支出预算执行情况如下。"


def _work(data: ProvincialReportData, count: int) -> str:
    who = f"{data.preparer}商{data.co_preparer}" if data.co_preparer else data.preparer
    third = f"，委托{data.third_party}具体开展评价工作" if data.third_party else ""
    return (
        f"本次评价由{who}具体实施{third}，采用定量与定性评价相结合的方式，以比较法为主，"
        f"对{count}个统筹地区报送的绩效自评表和自评报告逐项审核、汇总分析。"
    )


def _scores(a: ProvincialAggregate) -> str:
    if not a.regions:
        return "本年度尚无已报送的绩效自评，未形成综合评价。"
    if len(a.regions) == 1:
        (only,) = a.regions
        grade = GRADE_LABELS.get(only.grade or "", NONE)
        return f"纳入评价的{only.region_name}自评得分{score_text(only.total_score)}分，评价等级为“{grade}”。"
    return (
        f"纳入评价的{len(a.regions)}个统筹地区自评平均得分{score_text(a.average_score)}分，"
        f"最高{score_text(a.highest)}分，最低{score_text(a.lowest)}分。"
    )


def _group(region: RegionResult) -> str:
    """The prefecture a region is counted under (the province's own region: itself)."""
    return region.prefecture_name or region.region_name


def _prefecture_chart(a: ProvincialAggregate, fund: str) -> tuple[Picture | None, str]:
    groups: dict[str, dict[str, int]] = {}
    for region in a.regions:
        counts = groups.setdefault(_group(region), {})
        label = GRADE_LABELS.get(region.grade or "", "")
        if label:
            counts[label] = counts.get(label, 0) + 1
    if len(groups) > 1:
        return Picture(grades_by_group(list(groups.items())), WIDTH_MM), ""
    if len(a.regions) <= 1:
        pooling = label_zh(PoolingLevel(a.pooling_level))
        return None, f"{fund}实行{pooling}，只有一个统筹地区，不作分市（州）评价等级分布。"
    return None, f"纳入评价的统筹地区均在{next(iter(groups))}，不作分市（州）评价等级分布。"


def _below_pass(a: ProvincialAggregate) -> str:
    floor = number(a.pass_from)
    if not a.below_pass:
        return f"无自评得分低于{floor}分（合格线）的地区。"
    named = "、".join(f"{r.region_name}（{score_text(r.total_score)}分）" for r in a.below_pass)
    return f"自评得分低于{floor}分（合格线）的地区{len(a.below_pass)}个：{named}。"


def _causes(shortfalls: list[IndicatorShortfall]) -> list[dict[str, str]]:
    """Art. 18: each indicator not met, with the analysed causes; regions giving the same cause are named
    together (「成都市、自贡市：…」): a cause twenty regions share is printed once, not twenty times."""
    found = []
    for index, s in enumerate(shortfalls, start=1):
        by_cause: dict[str, list[str]] = {}
        for region, cause in zip(s.regions, s.causes, strict=False):
            by_cause.setdefault(cause.strip().rstrip("。；;.") or NO_CAUSE, []).append(region)
        said = [f"{'、'.join(regions)}：{cause}" for cause, regions in by_cause.items()]
        found.append({"title": f"（{ordinal(index)}）{s.level3}", "text": "；".join(said) + "。"})
    return found


def _results(a: ProvincialAggregate) -> list[dict[str, str]]:
    return [
        {
            "index": str(index),
            "region": r.region_name,
            "prefecture": r.prefecture_name or NONE,
            "score": score_text(r.total_score),
            "grade": GRADE_LABELS.get(r.grade or "", NONE),
            "rate": pct(r.execution_rate),
            "late": "逾期" if r.late else "按时",
        }
        for index, r in enumerate(a.regions, start=1)
    ]


def provincial_report_context(data: ProvincialReportData) -> dict[str, Any]:
    a = data.aggregate
    fund = full_width(a.fund_name)
    who = f"{data.preparer}商{data.co_preparer}" if data.co_preparer else data.preparer
    opening = (
        f"根据{REGULATION}第十七条、第十八条规定，{who}对{a.year}年度{fund}预算绩效开展了省级绩效评价，"
        "现将评价情况报告如下。"
    )
    bars = [Bar(b.label, b.count, below_pass=b.high <= a.pass_from) for b in a.score_bands]
    chart, note = _prefecture_chart(a, fund)
    day = date_text(data.submitted_on)
    return {
        "draft_mark": DRAFT_MARK if data.submitted_on is None else "",
        "title": data.title,
        "title_lines": broken_title(data.title),
        "recipients": f"{data.recipient}：",
        "body": [opening],
        "basic": _basic(a, fund),
        "budget": {
            "initial": wan_yuan(a.execution.initial_budget),
            "adjusted": wan_yuan(a.execution.adjusted_budget),
            "executed": wan_yuan(a.execution.executed),
            "rate": pct(a.execution.rate),
        },
        "overview_paragraphs": paragraphs(data.overview),
        "work": _work(data, len(a.regions)),
        "work_paragraphs": paragraphs(data.work),
        "scores": _scores(a),
        "grade_counts": grade_counts(a.grade_counts),
        "score_chart": Picture(score_distribution(bars), WIDTH_MM),
        "prefecture_chart": chart,
        "prefecture_note": note,
        "below_pass": _below_pass(a),
        "conclusion_paragraphs": paragraphs(data.conclusion),
        "shortfalls": [
            {
                "level1": s.level1,
                "level2": s.level2,
                "level3": s.level3,
                "evaluated": str(s.evaluated),
                "not_met": str(s.not_met),
                "regions": "、".join(s.regions),
            }
            for s in a.shortfalls
        ],
        "causes": _causes(a.shortfalls),
        "analysis_paragraphs": paragraphs(data.analysis),
        "problem_paragraphs": text_or_nothing(data.problems),
        "suggestion_paragraphs": text_or_nothing(data.suggestions),
        "other_paragraphs": text_or_nothing(data.other),
        "year": str(a.year),
        "fund": fund,
        "results": _results(a),
        "signers": [name for name in (data.preparer, data.co_preparer) if name],
        "date": day,
        "cc": "",
        "printer": data.preparer,
        "print_date": day,
    }
