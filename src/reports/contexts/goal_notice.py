"""The parts of the goal table's covering notice (GB/T 9704: 标题, 主送机关, 正文, 发文机关署名, 抄送, 印发),
from the data: the goal's region, fund and period, the organizations on record, and its issue.

Punctuation the standard attaches to an element is part of its value: `recipients` ends with the full-width
colon (主送机关 7.3.2), `cc` with the full stop (抄送机关 7.4.2); the words the template prints around them
(抄送：, 印发) are not.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from src.models import FundType, Goal, Organization, Region
from src.models.enums import ActorType, Administration, GoalHorizon, RegionLevel, label_zh

REGULATION = "《四川省社会保险基金预算绩效管理实施办法》"
# One title line at most this wide, in full-width characters (2号 title on the 156 mm 版心: 20 of 22 pt).
TITLE_WIDTH = 20
_FULL_WIDTH = str.maketrans({"(": "（", ")": "）"})
# The administration department of a fund's supervising administration (Art. 5, 84: 社会保险行政部门).
DEPARTMENT = {
    Administration.HRSS: ActorType.HRSS,
    Administration.MEDICAL_SECURITY: ActorType.MEDICAL_SECURITY,
}
BELOW = {RegionLevel.PROVINCE: "各市（州）", RegionLevel.PREFECTURE: "各县（市、区）"}


def full_width(text: str) -> str:
    """Brackets as Chinese documents write them: （ ） for ( )."""
    return text.translate(_FULL_WIDTH)


def period_of(goal: Goal) -> str:
    if goal.horizon == GoalHorizon.ANNUAL:
        return f"{goal.start_year}年度"
    return f"{goal.start_year}—{goal.end_year}年"


def _words(goal: Goal, region: Region, fund: FundType) -> list[str]:
    """The title's words, in order: no line break may fall inside one."""
    table = "预算绩效目标表" if goal.horizon == GoalHorizon.ANNUAL else "预算绩效总体目标表"
    return [region.name, period_of(goal), full_width(fund.name_zh), table]


def title_of(goal: Goal, region: Region, fund: FundType) -> str:
    """成都市2026年度职工基本医疗保险（含生育保险）基金预算绩效目标表: the year once, full-width brackets."""
    return "".join(_words(goal, region, fund))


def _width(text: str) -> float:
    return sum(0.5 if ord(c) < 0x2E80 and c not in "—" else 1 for c in text)


def title_lines(goal: Goal, region: Region, fund: FundType, width: int = TITLE_WIDTH) -> list[str]:
    """The title in lines of at most `width` characters, broken only between its words (region, period,
    fund, 预算绩效目标表); a word longer than a line stands on a line of its own."""
    lines: list[str] = []
    for word in _words(goal, region, fund):
        if lines and _width(lines[-1] + word) <= width:
            lines[-1] += word
        else:
            lines.append(word)
    return lines


def content_paragraphs(text: str) -> list[str]:
    """User text as paragraphs, one per line, each printed exactly (blank lines dropped)."""
    return [line for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class Bodies:
    """The organizations a goal's notice names: those of its region and of the region above."""

    region: Region
    above: Region | None
    organizations: Sequence[Organization]

    def find(self, region: Region | None, actor: ActorType, admin: Administration | None = None) -> str:
        for o in self.organizations:
            here = region is not None and o.region_id == region.id and o.actor_type == actor
            if here and (admin is None or o.administration == admin):
                return o.name
        return ""


def department(bodies: Bodies, fund: FundType) -> str:
    """主管部门: the supervising administration's department in the goal's region, by name when on record."""
    name = bodies.find(bodies.region, DEPARTMENT[fund.administration])
    return name or f"{bodies.region.name}{label_zh(DEPARTMENT[fund.administration])}（未登记）"


def recipients(bodies: Bodies, fund: FundType, *, handed_down: bool) -> str:
    """主送机关: the bodies below that receive the decomposed goal (when it is handed down), then the
    department, agency and tax body of the region that carry it out (Art. 5, 7, 13)."""
    parts: list[str] = []
    if handed_down and bodies.region.level in BELOW:
        parts.append(f"{BELOW[bodies.region.level]}财政部门、{label_zh(fund.administration)}")
    own = [
        bodies.find(bodies.region, DEPARTMENT[fund.administration]),
        bodies.find(bodies.region, ActorType.AGENCY, fund.administration),
        bodies.find(bodies.region, ActorType.TAX),
    ]
    names = "、".join(n for n in own if n)
    if names:
        parts.append(names)
    return "，".join(parts) + "：" if parts else ""


def cc(bodies: Bodies, fund: FundType) -> str:
    """抄送: the bodies above that oversee the goal (the region above's finance and department; for the
    province, the national bodies that review it, Art. 10), ending with the full stop."""
    if bodies.above is None:
        names = [bodies.find(bodies.region, ActorType.NATIONAL)]
    else:
        names = [
            bodies.find(bodies.above, ActorType.FINANCE),
            bodies.find(bodies.above, DEPARTMENT[fund.administration]),
        ]
    listed = "、".join(n for n in names if n)
    return f"{listed}。" if listed else ""


@dataclass(frozen=True)
class NoticeFacts:
    """What the notice's text says of the goal's issue."""

    subject: str  # 成都市2026年度职工基本医疗保险（含生育保险）基金预算绩效年度目标
    formal: bool  # formally issued (正式下达), else guiding (指导性)
    guiding_number: str  # for a formal issue after a guiding one: the guiding issue's number
    province_wide: bool  # the province's own goal (reviewed by the national bodies, Art. 10)
    parent_number: str  # the number the region above issued the goal it comes from under ("" if none)
    handed_down: bool  # decomposed to the regions below with this issue (Art. 6)
    version: int
    previous_number: str  # the number the version it replaces was issued under
    adjustment_reason: str


def body(facts: NoticeFacts) -> list[str]:
    """The notice's paragraphs: what is issued, on what ground, and what the recipients are to do."""
    ground = f"根据{REGULATION}第十条规定"
    if facts.parent_number:
        ground += f"和上级下达的绩效目标（{facts.parent_number}）"
    if facts.formal and facts.province_wide:
        first = f"{ground}，{facts.subject}已经国家相关部门审核，现正式下达给你们。"
    elif facts.formal:
        first = f"{ground}，现将{facts.subject}正式下达给你们。"
    elif facts.province_wide:
        first = f"{ground}，现将{facts.subject}作为指导性绩效目标下达给你们，待国家相关部门审核后正式下达。"
    else:
        first = (
            f"{ground}，现将{facts.subject}作为指导性绩效目标下达给你们，"
            "待全省区域绩效目标正式下达后随之正式下达。"
        )
    paragraphs = [first]
    if facts.guiding_number:
        paragraphs[0] += f"此前以{facts.guiding_number}下达的指导性绩效目标，自本文下达之日起按本文执行。"
    if facts.handed_down:
        paragraphs.append("所属统筹地区的绩效目标和指标值已同步分解下达，请据此制定本地区绩效目标。")
    paragraphs.append(
        "请按照绩效目标组织基金预算执行，做好绩效运行监控，及时发现和纠正执行偏差，确保绩效目标如期保质保量"
        "实现；绩效目标发生重大变化确需调整的，经评估后按程序调整（第十一条至第十四条）。"
    )
    if facts.version > 1:
        replaced = f"第{facts.version - 1}版"
        if facts.previous_number:
            replaced += f"（{facts.previous_number}）"
        text = f"本目标为第{facts.version}版，自下达之日起原{replaced}停止执行。"
        if facts.adjustment_reason:
            text += f"调整理由：{facts.adjustment_reason}"
        paragraphs.append(text)
    return paragraphs
