"""The narrative of the demo's provincial evaluations (FORMS §4A 一 to 七) and of 财政厅's summary, written
from each fund's aggregate so that what the report says is what the figures show."""

from decimal import Decimal

from src.models.evaluation import GRADE_LABELS
from src.services.evaluation.provincial_data import ProvincialAggregate


def _yi(amount: Decimal) -> str:
    return f"{(amount / Decimal(100_000_000)).quantize(Decimal('0.01'))}亿元"


def _grades(aggregate: ProvincialAggregate) -> str:
    return "、".join(f"{GRADE_LABELS[g]}{n}个" for g, n in aggregate.grade_counts.items() if n) or "无"


def _conclusion(aggregate: ProvincialAggregate) -> str:
    if aggregate.average_score is None:
        return "截至报送时尚无已上报的自评，暂无法汇总得分，待自评上报后补充评价结论。"
    below = "、".join(r.region_name for r in aggregate.below_pass)
    verdict = f"{below}得分低于{aggregate.pass_from}分，需重点整改。" if below else "各地区得分均达到及格线。"
    return (
        f"全省自评平均得分{aggregate.average_score}分，最高{aggregate.highest}分，最低{aggregate.lowest}分；"
        f"评价等级{_grades(aggregate)}。{verdict}"
    )


def report_texts(aggregate: ProvincialAggregate, agency: str) -> dict[str, str]:
    """一 to 七 of the fund's provincial report (七 left empty: printed as 无)."""
    name, year = aggregate.fund_name, aggregate.year
    money = aggregate.execution
    rate = f"{money.rate}%" if money.rate is not None else "—"
    counted = len(aggregate.regions)
    missing = f"，{'、'.join(aggregate.missing)}尚未上报" if aggregate.missing else "，均已按要求上报"
    shortfalls = aggregate.shortfalls[:3]
    worst = "；".join(f"{s.level3}（{s.not_met}个地区未完成）" for s in shortfalls) or "各项指标均已完成"
    firsts = [c.rstrip("。；") for s in shortfalls for c in s.causes[:1] if c]  # joined by ；, not 。；
    causes = "；".join(firsts) or "个别地区数据归集不及时"
    return {
        "overview": (
            f"{year}年度全省{name}应开展绩效自评的统筹地区{aggregate.expected}个，已上报{counted}个{missing}。"
            f"全省基金支出调整后预算{_yi(money.adjusted_budget)}，全年执行{_yi(money.executed)}，执行率{rate}。"
        ),
        "work": (
            f"按照财政厅统一部署，在主管行政部门指导下，{agency}商省税务局组织开展省级绩效评价，"
            "对各统筹地区自评报告和绩效自评表逐项审核，结合运行监控数据进行复核，并对重点地区开展了实地核查。"
        ),
        "conclusion": _conclusion(aggregate),
        "analysis": f"从指标完成情况看，未完成绩效目标的主要指标为：{worst}。",
        "problems": f"一是部分地区绩效目标设置偏高或偏低；二是个别指标未完成，主要原因：{causes}。",
        "suggestions": (
            "一是指导各统筹地区科学设置下年度绩效目标；二是加强运行监控，对偏离目标较大的指标及时预警；"
            "三是将评价结果与预算安排和政策调整挂钩，督促低分地区限期整改。"
        ),
        "other": "",
    }


def summary_texts(year: int, funds: int, approved: int, late: int) -> tuple[str, str, str]:
    """总体情况, 存在的问题, 下一步工作 of 财政厅's summary."""
    overview = (
        f"{year}年度全省{funds}个险种基金均开展了省级绩效评价，{approved}份省级绩效评价报告经财政厅审核通过。"
        "总体看，各险种基金运行平稳，绩效目标基本实现。"
    )
    problems = (
        f"一是{late}个险种评价报告未能按期报送；二是部分统筹地区自评质量不高，原因分析不够深入；"
        "三是个别指标连续未完成，整改措施落实不到位。"
    )
    next_steps = (
        "一是完善绩效评价指标体系；二是强化评价结果应用，与预算安排挂钩；三是加强对统筹地区的指导和培训，"
        "推动绩效评价质量持续提升。"
    )
    return overview, problems, next_steps
