"""两书一函 (Art. 22): 财政厅 opens a case for a prefecture — on the published assessment row of the first
that came out 工作推进不力, else for the prefecture-pooled fund's by hand with a reason — and sends the
提醒督促书; the
prefecture's finance answers; 财政厅 finds the answer unresolved and, once the province's
ESCALATION_WAIT_DAYS have run (the clock is moved, never waited for), sends the 整改通知书 with its 问题清单;
that one unanswered, the 工作约谈函 after the next wait; the prefecture answers and 财政厅 closes the case.
Printed: each letter."""

from datetime import date, timedelta
from typing import Any

from src.models.enums import ActorType
from tests.cycle.bodies import add_bodies
from tests.cycle.documents import document
from tests.cycle.state import PROVINCE, Cycle, call, ids
from tests.reports.test_jobs import docx_text
from tests.schema.escalation.test_escalation import FIELDS, mutation

ANSWER = mutation("escalationLetterAnswer", "EscalationLetterAnswerInput")
CLOSE = mutation("escalationClose", "EscalationCloseInput")
OPEN = mutation("escalationOpen", "EscalationOpenInput").replace(FIELDS, f"assessmentId {FIELDS}")
SEND = mutation("escalationLetterSend", "EscalationLetterSendInput")
UNRESOLVED = mutation("escalationMarkUnresolved", "EscalationMarkUnresolvedInput")

SUCCESS = "EscalationSuccess"
WAIT = 30  # ESCALATION_WAIT_DAYS, the province's default (Art. 23): the cycle sets no rule
TEXTS = {
    "reason": "预算绩效管理工作推进不力",
    "facts": "年度考核中按时完成工作事项比例偏低，部分工作逾期未完成",
    "requirement": "切实履行绩效管理主体责任，按期书面答复",
}


async def _send(cycle: Cycle, case: dict[str, Any], kind: str, **content: Any) -> dict[str, Any]:
    await cycle.login(ActorType.FINANCE, PROVINCE)
    case = (await call(cycle, SEND, {"input": {**ids(case), **TEXTS, **content}}, SUCCESS))["escalation"]
    letter = case["letters"][-1]
    assert letter["kind"] == kind and letter["sentOn"] == cycle.today.isoformat(), letter
    text = docx_text(await document(cycle, kind, case["id"]))
    assert letter["documentNumber"] in text and letter["title"] in text, text
    return case


async def _answer(cycle: Cycle, case: dict[str, Any], region: str, answer: str) -> dict[str, Any]:
    await cycle.login(ActorType.FINANCE, region)
    found: dict[str, Any] = (await call(cycle, ANSWER, {"input": {**ids(case), "answer": answer}}, SUCCESS))[
        "escalation"
    ]
    assert found["status"] == "ANSWERED", found
    return found


async def run(cycle: Cycle) -> None:
    cycle.set_today(date(cycle.year + 1, 10, 26))
    if "assessment_weak" in cycle.ids:  # on its published 考核结果
        region, name = cycle.ids["assessment_weak_region"], cycle.ids["assessment_weak_name"]
        await add_bodies(cycle, {region})  # its bodies, named: the letters are addressed to them
        opening = {"regionCode": region, "year": cycle.year, "reason": TEXTS["reason"]}
        opening["assessmentId"] = cycle.ids["assessment_weak"]
    else:
        region, name = next(f.pooling_region for f in cycle.funds if f.prefecture_pooled), "成都市"
        opening = {"regionCode": region, "year": cycle.year, "reason": "绩效自评结果不理想"}
    await cycle.login(ActorType.FINANCE, PROVINCE)
    case = (await call(cycle, OPEN, {"input": opening}, SUCCESS))["escalation"]
    assert case["status"] == "OPEN" and len(case["coIssuers"]) == 3, case
    assert case["assessmentId"] == opening.get("assessmentId"), case

    case = await _send(cycle, case, "ESCALATION_REMINDER")
    case = await _answer(cycle, case, region, "已召开专题会议研究，正在制定整改方案")
    await cycle.login(ActorType.FINANCE, PROVINCE)
    unresolved = {**ids(case), "note": "答复未提出具体整改措施和完成时限"}
    case = (await call(cycle, UNRESOLVED, {"input": unresolved}, SUCCESS))["escalation"]
    sent = date.fromisoformat(case["letters"][0]["sentOn"])

    issues = [{
        "problem": "年末基金支出预算执行进度偏慢", "requirement": "逐项制定整改措施并报送整改报告",
        "deadline": (sent + timedelta(days=WAIT + 60)).isoformat(), "responsible": f"{name}财政局",
    }]  # fmt: skip
    cycle.set_today(sent + timedelta(days=WAIT - 1))  # the day before the wait ends
    early = await call(
        cycle, SEND, {"input": {**ids(case), **TEXTS, "issues": issues}}, "PreconditionFailedError"
    )
    assert early["code"] == "ESCALATION_TOO_EARLY", early
    cycle.set_today(sent + timedelta(days=WAIT))
    case = await _send(cycle, case, "ESCALATION_RECTIFICATION_NOTICE", issues=issues)

    cycle.set_today(cycle.today + timedelta(days=WAIT))  # the 整改通知书 unanswered
    interview = {
        "matter": "整改通知书逾期未答复", "time": f"{cycle.today + timedelta(days=10)}T09:30:00+08:00",
        "place": "四川省财政厅社会保障处会议室", "interviewees": f"{name}财政局分管负责同志",
        "materials": "整改落实情况报告",
    }  # fmt: skip
    case = await _send(cycle, case, "ESCALATION_INTERVIEW_LETTER", interview=interview)
    case = await _answer(cycle, case, region, "已按约谈要求完成整改并报送整改落实情况报告")
    await cycle.login(ActorType.FINANCE, PROVINCE)
    closing = {**ids(case), "resolution": "整改到位，予以办结"}
    case = (await call(cycle, CLOSE, {"input": closing}, SUCCESS))["escalation"]
    assert case["status"] == "CLOSED" and [letter["level"] for letter in case["letters"]] == [1, 2, 3], case
