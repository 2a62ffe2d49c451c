"""A rate is entered during the year as its numerator and denominator, so that it rolls up by summing both
(Art. 12): the library's rate templates name the two, an indicator carries them (from its template, or as
its drafter gives them), and a rate whose drafter named neither is still accepted (its parts are then 分子
and 分母)."""

from sqlmodel import select

from src.models import IndicatorTemplate
from src.models.enums import ActorType, Administration, Aggregation, GoalStatus
from tests.factories import make_goal
from tests.schema.conftest import GraphQLClient

MED = Administration.MEDICAL_SECURITY
INDICATOR = "indicator { level3 aggregation numeratorLabel denominatorLabel }"


async def test_art12_every_rate_template_names_its_numerator_and_denominator(gql: GraphQLClient) -> None:
    templates = (await gql.data("{ indicatorTemplates { level3 unit numeratorLabel denominatorLabel } }"))[
        "indicatorTemplates"
    ]
    by_name = {t["level3"]: t for t in templates}
    assert (
        by_name["待遇按时足额发放率"]["numeratorLabel"],
        by_name["待遇按时足额发放率"]["denominatorLabel"],
    ) == (
        "按时足额发放待遇人次",
        "应发放待遇人次",
    )
    async with gql.sessionmaker() as session:
        rates = (
            await session.exec(
                select(IndicatorTemplate).where(IndicatorTemplate.aggregation == Aggregation.RATE)
            )
        ).all()
        others = (
            await session.exec(
                select(IndicatorTemplate).where(IndicatorTemplate.aggregation != Aggregation.RATE)
            )
        ).all()
    assert rates and all(t.numerator_label and t.denominator_label for t in rates)
    assert all(not t.numerator_label and not t.denominator_label for t in others)


async def test_art12_an_indicator_takes_its_parts_labels_from_its_template_or_its_drafter(
    gql: GraphQLClient,
) -> None:
    async with gql.sessionmaker() as session:
        goal = await make_goal(session, status=GoalStatus.DRAFT)
        template = (
            await session.exec(select(IndicatorTemplate).where(IndicatorTemplate.key == "COMMON:参保率"))
        ).one()
        await session.commit()
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    added = await gql.data(
        """mutation($input: IndicatorAddFromTemplatesInput!) { indicatorAddFromTemplates(input: $input) {
             ... on IndicatorsAddSuccess { indicators { numeratorLabel denominatorLabel } } } }""",
        {
            "input": {
                "goalId": str(goal.id),
                "rowVersion": goal.row_version,
                "items": [{"templateId": str(template.id), "weight": "5"}],
            }
        },
    )
    assert added["indicatorAddFromTemplates"]["indicators"] == [
        {"numeratorLabel": "参保人数", "denominatorLabel": "应参保人数"}
    ]
    fields = {
        "goalId": str(goal.id),
        "level1": "OUTPUT",
        "level2": "质量",
        "kind": "QUANTITATIVE",
        "comparator": "GE",
    }
    create = f"""mutation($input: IndicatorCreateInput!) {{ indicatorCreate(input: $input) {{
                   __typename ... on IndicatorSuccess {{ {INDICATOR} }} }} }}"""
    labelled = {**fields, "level3": "生育津贴按时发放率", "targetValue": "100", "unit": "%", "weight": "5"}
    labels = {"numeratorLabel": "按时发放生育津贴人次", "denominatorLabel": "应发放人次"}
    made = (await gql.data(create, {"input": {**labelled, **labels}}))["indicatorCreate"]["indicator"]
    assert made == {"level3": "生育津贴按时发放率", "aggregation": "RATE", **labels}
    # Not refused without labels: drafts made before the labels existed, and the demo's own rates, have none.
    bare = (await gql.data(create, {"input": {**labelled, "level3": "新增比率"}}))["indicatorCreate"][
        "indicator"
    ]
    assert (bare["aggregation"], bare["numeratorLabel"], bare["denominatorLabel"]) == ("RATE", "", "")
