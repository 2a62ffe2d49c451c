"""Disclosure (Art. 21): the province's finance creates the year's 绩效信息公开, chooses the province's
issued goals, its accepted self-evaluation and the approved provincial evaluations, writes the preface;
another user of the finance approves it (four eyes); it is reported to the 人大 and published, numbered.
Printed: the 社会保险基金预算绩效信息公开 (reportRequest); then anyone, without logging in, lists it on the
public route and downloads the document rendered at publishing."""

from datetime import date
from pathlib import Path

from src.models.enums import ActorType
from src.reports.contexts import build_context
from src.services.actors import load_actor
from tests.cycle.documents import document
from tests.cycle.state import PROVINCE, Cycle, call, ids
from tests.reports.test_jobs import docx_text
from tests.schema.disclosure.test_disclosure import APPROVE, CREATE, ITEMS, KIND, PUBLISH, REPORT, UPDATE
from tests.support.pdf_checker import check_pdf

SUCCESS = "DisclosureSuccess"
PUBLIC = """query($year: Int, $region: String) { disclosures(year: $year, regionCode: $region) {
  id regionName year title publishedOn downloadUrl goals { fund goal }
  results { fund kind score grade } } }"""


def _items(cycle: Cycle) -> list[dict[str, str]]:
    """The province's issued goal of each fund, its own accepted self-evaluation (the fund pooled at the
    province) and each fund's approved provincial evaluation."""
    chosen = [
        {"kind": "GOAL", "recordId": cycle.ids[cycle.key("goal", f, PROVINCE)], "note": "年度重要绩效目标"}
        for f in cycle.funds
    ]
    chosen += [
        {
            "kind": "SELF_EVALUATION",
            "recordId": cycle.ids[cycle.key("self_evaluation", f)],
            "note": "自评结果",
        }
        for f in cycle.funds
        if not f.prefecture_pooled
    ]
    chosen += [
        {"kind": "PROVINCIAL_EVALUATION", "note": "省级评价结果",
         "recordId": cycle.ids[cycle.key("provincial_evaluation", f, PROVINCE)]}
        for f in cycle.funds
    ]  # fmt: skip
    return chosen


async def run(cycle: Cycle) -> None:
    cycle.set_today(date(cycle.year + 1, 9, 5))
    await cycle.login(ActorType.FINANCE, PROVINCE)
    row = (await call(cycle, CREATE, {"input": {"regionCode": PROVINCE, "year": cycle.year}}, SUCCESS))[
        "disclosure"
    ]
    row = (await call(cycle, ITEMS, {"input": {**ids(row), "items": _items(cycle)}}, SUCCESS))["disclosure"]
    preface = f"现将本省{cycle.year}年度社会保险基金预算绩效信息公开如下。"
    row = (await call(cycle, UPDATE, {"input": {**ids(row), "preface": preface}}, SUCCESS))["disclosure"]
    await call(cycle, APPROVE, ids(row), "PreconditionFailedError")  # SAME_USER_APPROVES: four eyes
    await cycle.login(ActorType.FINANCE, PROVINCE)  # another user of 财政厅
    row = (await call(cycle, APPROVE, ids(row), SUCCESS))["disclosure"]
    row = (await call(cycle, REPORT, {**ids(row), "on": cycle.today.isoformat()}, SUCCESS))["disclosure"]
    assert (row["status"], row["reportedOn"]) == ("REPORTED", cycle.today.isoformat()), row
    row = (await call(cycle, PUBLISH, ids(row), SUCCESS))["disclosure"]
    assert row["publishedAt"] and row["publicDownloadUrl"] == f"/public/files/disclosures/{row['id']}", row
    cycle.ids[f"disclosure:{PROVINCE}"] = row["id"]
    text = docx_text(await document(cycle, KIND, row["id"]))  # the worker renders the public PDF as well
    assert preface in text and "省级评价结果" in text, text
    async with cycle.sessionmaker() as session:
        actor = await load_actor(session=session, user_id=cycle.user_id)
        assert actor is not None
        context = await build_context(session=session, actor=actor, kind=KIND, subject_id=int(row["id"]))
    assert context["doc_number"], context  # numbered at publishing

    cycle.gql.logout()  # the public: no login
    response = await cycle.gql.http.post(
        "/public/graphql", json={"query": PUBLIC, "variables": {"year": cycle.year, "region": PROVINCE}}
    )
    assert response.status_code == 200, response.text
    (listed,) = response.json()["data"]["disclosures"]
    assert listed["id"] == row["id"] and listed["publishedOn"], listed
    assert len(listed["goals"]) == len(cycle.funds), listed
    assert len(listed["results"]) == len(_items(cycle)) - len(cycle.funds), listed
    served = await cycle.gql.http.get(listed["downloadUrl"])
    assert served.status_code == 200 and served.headers["content-type"] == "application/pdf", served.text
    if cycle.pdf:
        pdf = Path(cycle.settings.STORAGE_DIR) / "cycle-public-disclosure.pdf"
        pdf.write_bytes(served.content)
        assert check_pdf(pdf, KIND, context) == []
