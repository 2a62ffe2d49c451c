"""Defaults derived from the region itself, for the rules that name a region rather than set a policy
(Art. 23): the document abbreviation (发文机关代字简称) its bodies put before their family code in a
document number (川 in 川财社〔2026〕1号, GB/T 9704 7.2.5; FORMS.md §5).

Such a rule is a region's own: no region inherits another's value (成都市 is not 川), so a region without a
value of its own takes the one derived here from its code, name and level. These are the conventions the
document numbers always followed, now a default a region may override with its own (ruleSetUpdate).
"""

from dataclasses import dataclass

from src.models import Region
from src.models.enums import RegionLevel

# A province's one-character abbreviation (简称) by the first two digits of its code; a province not listed
# takes the first character of its name.
PROVINCE_ABBREVIATIONS = {"51": "川"}
# [INFERRED convention, not verified] A prefecture's bodies use the first character of its name (成财社
# 成都市, 自财社 自贡市 …). 广元市 and 广安市 share their first character, which would print two bodies'
# documents with the same number; 广安市 takes its first two characters (广安财社), as its own documents
# appear to (广安府发 beside 广元市's 广府发 — recalled, not verified).
PREFECTURE_ABBREVIATIONS = {"511600": "广安"}


@dataclass(frozen=True)
class RegionFacts:
    """What resolving a region's rules reads of the region: where it sits (id, path) and what a derived
    default is made of (code, name, level)."""

    id: int
    path: str
    code: str
    name: str
    level: RegionLevel

    @classmethod
    def of(cls, region: Region) -> "RegionFacts":
        assert region.id is not None
        return cls(region.id, region.path, region.code, region.name, region.level)


def document_abbreviation(region: RegionFacts) -> str:
    """川 for the province (51), the first character of a prefecture's name (成, 自, 凉 …; 广安 for
    511600), and the first two of a county's (锦江: many counties share a first character) [INFERRED as
    well; no county is a pooling region in the shipped data]."""
    if region.level == RegionLevel.PROVINCE:
        return PROVINCE_ABBREVIATIONS.get(region.code[:2], region.name[:1])
    if region.level == RegionLevel.PREFECTURE:
        return PREFECTURE_ABBREVIATIONS.get(region.code, region.name[:1])
    return region.name[:2]
