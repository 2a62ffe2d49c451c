"""The words of the demo's 2025 self-evaluations (Art. 18): the cause and the improvement measures of an
indicator not met or deviating far from its target, the reason of a low execution rate, and the narrative
(评价结论, 存在问题, 改进措施) written from the form's own scores."""

import random

from src.models.evaluation import SelfEvaluation, SelfEvaluationLine
from src.models.evaluation_enums import GRADE_LABELS

# (保障方面, 原因分析, 改进措施): causes by what fell short — funding, rules, people.
CAUSES: tuple[tuple[str, str, str], ...] = (
    (
        "经费保障",
        "受地方财政收支紧平衡影响，财政补助资金到位滞后，部分支出未能按进度安排。",
        "加强与同级财政部门沟通，按季度预拨补助资金，确保经费及时足额到位。",
    ),
    (
        "经费保障",
        "部分参保单位生产经营困难，缴费能力下降，征缴收入低于预期。",
        "会同税务部门加强欠费清理和征缴稽核，对困难企业落实缓缴政策后及时跟踪补缴。",
    ),
    (
        "制度保障",
        "年中待遇调整政策出台较晚，配套经办规程尚未完善，政策落地存在时间差。",
        "及时修订经办规程，加强政策解读和培训，缩短政策出台到落地的时间。",
    ),
    (
        "制度保障",
        "跨部门数据共享机制不健全，参保信息比对不及时，扩面工作进展偏慢。",
        "建立与公安、民政、市场监管等部门的数据定期比对机制，精准锁定未参保人员。",
    ),
    (
        "人员保障",
        "基层经办人员数量不足、流动较大，业务培训不到位，经办效率有待提高。",
        "充实基层经办力量，开展全员业务轮训，建立经办质量考核通报制度。",
    ),
    (
        "人员保障",
        "信息系统升级期间部分业务线下办理，经办人员工作量集中，办理时限延长。",
        "优化信息系统切换方案，加强技术支持和人员调配，确保业务平稳办理。",
    ),
)

EXECUTION_REASONS = (
    "部分待遇支出结算周期跨年，年末尚有应付未付款项，预算执行率偏低。",
    "年初预算对参保人数增长预计偏高，实际支出低于预算安排。",
)

MEASURES = (
    "一是将自评发现的问题纳入下年度预算编制统筹考虑，提高预算编制的科学性和准确性；",
    "二是会同税务部门加强基金征缴，确保应收尽收；",
    "三是强化运行监控和绩效目标执行跟踪，对偏离目标的指标及时预警纠偏；",
    "四是加强经办队伍建设，提升经办服务质量。",
)


def explain(rng: random.Random, line: SelfEvaluationLine) -> None:
    """The cause and measures of a line not met or deviating far from its target (Art. 18)."""
    aspect, cause, measures = rng.choice(CAUSES)
    what = "未完成年度目标" if not line.met else "偏离年度目标较大"
    line.cause = f"{line.level3}{what}。{aspect}方面：{cause}"
    line.measures = measures


def execution_reason(rng: random.Random) -> str:
    return rng.choice(EXECUTION_REASONS)


def narrative(
    evaluation: SelfEvaluation, lines: list[SelfEvaluationLine], region: str, fund: str
) -> tuple[str, str, str]:
    """评价结论, 存在问题, 改进措施 from the form's scores."""
    short = [line.level3 for line in lines if not line.met or line.deviates]
    grade = GRADE_LABELS.get(evaluation.grade or "", evaluation.grade or "")
    conclusion = (
        f"{evaluation.year}年，{region}{fund}预算执行率{evaluation.execution_rate}%，"
        f"{len(lines)}项绩效指标中{len(lines) - len(short)}项完成年度目标。"
        f"经自评，综合得分{evaluation.total_score}分，评价等级为“{grade}”。"
    )
    if short:
        problems = f"“{'”“'.join(short)}”未完成或偏离年度目标，原因已逐项分析说明。"
    else:
        problems = "各项绩效指标均完成年度目标，但基金收支平衡压力仍然较大，预算编制精准度有待提高。"
    return conclusion, problems, "".join(MEASURES)
