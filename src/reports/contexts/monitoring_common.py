"""What the monitoring documents share (绩效运行监控表, 运行监控情况报告, 汇总报告): their titles broken
between words, figures as an official writes them, lights as words (a signal cell's word: the renderer
shades the cell in its colour, src/reports/signals.py), and the bodies of a region by role."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Organization, Region
from src.models.enums import ActorType, Administration, Comparator, IndicatorKind, label_zh
from src.models.monitoring import Light
from src.reports.contexts.goal_budget import wan_yuan
from src.reports.contexts.goal_notice import full_width
from src.reports.contexts.goal_rows import number
from src.services.monitoring.comparison import percent
from src.services.monitoring.report_lines import IndicatorLine

NONE = "—"
REGULATION = "《四川省社会保险基金预算绩效管理实施办法》"
TITLE_WIDTH = 20  # full-width characters of a 2号 title line on the portrait 版心
LANDSCAPE_TITLE_WIDTH = 28  # on the landscape one (225 mm)
DEPARTMENT = {
    Administration.HRSS: ActorType.HRSS,
    Administration.MEDICAL_SECURITY: ActorType.MEDICAL_SECURITY,
}
# The words of the lights as printed (and shaded by): 未填报 is left white.
LIGHT_ORDER = (Light.RED, Light.YELLOW, Light.GREEN, Light.BLUE, Light.NONE)

__all__ = ["NONE", "number", "wan_yuan"]


def light_word(light: Light) -> str:
    return label_zh(light)


def fund_name(fund: FundType) -> str:
    return full_width(fund.name_zh)


def fund_words(fund: FundType) -> list[str]:
    """The fund's name as a title's words: a line may break before its bracket (职工基本医疗保险 /
    （含生育保险）基金)."""
    name = fund_name(fund)
    head, bracket, tail = name.partition("（")
    return [head, bracket + tail] if bracket and head else [name]


def _width(text: str) -> float:
    return sum(0.5 if ord(c) < 0x2E80 and c not in "—" else 1 for c in text)


def title_lines(words: Sequence[str], width: int = TITLE_WIDTH) -> list[str]:
    """The title in lines of at most `width` characters, broken only between its words; a word longer than
    a line stands on a line of its own."""
    lines: list[str] = []
    for word in words:
        if lines and _width(lines[-1] + word) <= width:
            lines[-1] += word
        else:
            lines.append(word)
    return lines


def paragraphs(text: str) -> list[str]:
    """User text as paragraphs, one per line, blank lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def pct(value: Decimal | None) -> str:
    """A percentage with two places: 86.36%."""
    return NONE if value is None else f"{percent(value)}%"


def target_text(line: IndicatorLine) -> str:
    """年度指标值 with its comparator and unit (≥1,000万人, ≤5%, 达成)."""
    i = line.indicator
    if i.kind == IndicatorKind.QUALITATIVE or i.comparator == Comparator.GRADE:
        return label_zh(i.target_grade) if i.target_grade else NONE
    if i.target_value is None:
        return NONE
    return f"{label_zh(i.comparator)}{number(i.target_value)}{i.unit}"


def actual_text(line: IndicatorLine) -> str:
    """1-N月执行情况: the figure with its unit (a rate's quotient with two places), or the grade."""
    i = line.indicator
    if i.kind == IndicatorKind.QUALITATIVE or i.comparator == Comparator.GRADE:
        return label_zh(line.grade) if line.grade else NONE
    if line.actual is None:
        return NONE
    if line.numerator is not None and line.denominator is not None:
        return f"{percent(line.actual)}{i.unit or '%'}"
    return f"{number(line.actual)}{i.unit}"


def progress_text(line: IndicatorLine) -> str:
    """完成进度: actual ÷ expected for a target that has one; a cap's excess; else —."""
    if line.lit.ratio is not None:
        return f"{line.lit.ratio}%"
    if line.indicator.comparator == Comparator.LE and line.lit.deviation:
        return f"超出{line.lit.deviation}%"
    return NONE


@dataclass(frozen=True)
class Bodies:
    """The organizations on record in a region (and the province's), found by role."""

    organizations: Sequence[Organization]

    def name(
        self, region: Region, actor_type: ActorType, administration: Administration | None = None
    ) -> str:
        for o in self.organizations:
            same = o.region_id == region.id and o.actor_type == actor_type
            if same and (administration is None or o.administration == administration):
                return o.name
        return ""

    def department(self, region: Region, fund: FundType) -> str:
        """The supervising administration's department: by name, else by role."""
        role = DEPARTMENT[fund.administration]
        return self.name(region, role) or f"{region.name}{label_zh(role)}"

    def agency(self, region: Region, fund: FundType) -> str:
        return self.name(region, ActorType.AGENCY, fund.administration) or f"{region.name}社会保险经办机构"

    def finance(self, region: Region) -> str:
        return self.name(region, ActorType.FINANCE) or f"{region.name}财政部门"

    def tax(self, region: Region) -> str:
        return self.name(region, ActorType.TAX) or f"{region.name}税务部门"


async def bodies(session: AsyncSession, region_ids: Sequence[int]) -> Bodies:
    stmt = select(Organization).where(col(Organization.region_id).in_(sorted(set(region_ids))))
    return Bodies((await session.exec(stmt.order_by(col(Organization.id)))).all())
