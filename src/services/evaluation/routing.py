"""Who carries out a self-evaluation and who receives it (Art. 17), by the fund's pooling level:

- 全国统筹 and 统收统支省级统筹 (pooled at the province):
  「由省级社保经办机构商省税务局具体实施并形成自评报告，报财政厅、人力资源社会保障厅、省医保局」 — the
  provincial agency drafts with 省税务局 and reports it itself;
  财政厅 and the fund's administration (人社厅 or 省医保局) receive it;
- 调剂金模式省级统筹 and 市（州）级统筹 (pooled at the prefecture): 「由市（州）社保经办机构商税务部门具体实施
  并形成自评报告，由财政部门牵头报财政厅、人力资源社会保障厅、省医保局、省税务局」 — the prefecture's agency
  drafts with its tax department, the prefecture's finance sends it; the four provincial bodies receive it
  (省税务局 reads it; 财政厅 and the fund's administration accept or return it).

Every case: 「统筹地区自评由各统筹地区财政部门按要求分险种组织」 — the pooling region's finance opens it.
"""

from dataclasses import dataclass

from src.models.enums import ActorType, PoolingLevel, RegionLevel
from src.services.pooling import pooling_region_level

PROVINCIAL_RECIPIENTS = "财政厅、人力资源社会保障厅、省医保局"
PREFECTURE_RECIPIENTS = "财政厅、人力资源社会保障厅、省医保局、省税务局"


@dataclass(frozen=True)
class Routing:
    level: RegionLevel  # where the self-evaluation sits: its pooling region's level
    submitter: ActorType  # who reports it upward
    recipients: str  # to whom, as Art. 17 names them
    tax_receives: bool  # whether 省税务局 is among the recipients

    @property
    def submitter_label(self) -> str:
        return "经办机构" if self.submitter == ActorType.AGENCY else "财政部门"


def routing(level: PoolingLevel) -> Routing:
    """The Art. 17 route of a fund pooled at `level`."""
    return route_at(pooling_region_level(level))


def route_at(region_level: RegionLevel) -> Routing:
    """The Art. 17 route of a self-evaluation whose pooling region is of `region_level`."""
    if region_level == RegionLevel.PROVINCE:
        return Routing(region_level, ActorType.AGENCY, PROVINCIAL_RECIPIENTS, tax_receives=False)
    return Routing(region_level, ActorType.FINANCE, PREFECTURE_RECIPIENTS, tax_receives=True)
