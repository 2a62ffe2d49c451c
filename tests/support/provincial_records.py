"""Real records of the provincial evaluation's documents, for the template lint
(tests/reports/test_render.py): on top of 自贡市's submitted self-evaluation of the employee medical fund
(self_evaluation_documents.py), the fund's 2026 provincial evaluation opened by 财政厅, written by the
provincial agency, concurred with, sent and approved; and 财政厅's 2026 summary, written and sent up
(numbered)."""

import pytest

from src.services.monitoring import clock
from tests.services.conftest import PROVINCE, Sessionmaker, act, bodies_of
from tests.services.evaluation.provincial_calls import (
    approve,
    create_summary,
    send_summary,
    submit,
    update_summary,
    written,
)
from tests.services.evaluation.world import TODAY


async def real_provincial_records(sessionmaker: Sessionmaker) -> dict[str, int]:
    """The ids of the approved report ("report") and the sent summary ("summary")."""
    province = await bodies_of(sessionmaker, PROVINCE)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "china_today", lambda: TODAY)
        evaluation = await written(sessionmaker, province)
        evaluation = await act(sessionmaker, submit(province.agency, evaluation))
        evaluation = await act(sessionmaker, approve(province.finance, evaluation))
        summary = await act(sessionmaker, create_summary(province.finance))
        text = {"overview": "全省完成省级评价", "problems": "个别地区逾期", "next_steps": "强化结果应用"}
        summary = await act(sessionmaker, update_summary(province.finance, summary, **text))
        summary = await act(sessionmaker, send_summary(province.finance, summary))
    return {"report": evaluation.id or 0, "summary": summary.id or 0}
