"""Batch-to-PDF benchmark: a province's batch of goal tables (绩效目标表) as PDF, from reportRequest to
SUCCEEDED, in embedded mode (the in-process runner), with the soffice calls it made.

    uv run python -m bench.batch_pdf [--fund EMPLOYEE_MEDICAL] [--chunks 25 1] [--runs 1]

A temporary SQLite database gets the reference and demo data (the province and its 21 prefectures: 22
annual goals of each fund for 2026). The batch is requested through the real app (httpx over ASGI) as
fin_510000, drafts included, once per chunk size (REPORT_BATCH_CHUNK_SIZE): the default converts the whole
batch in one soffice call; a chunk of 1 is one soffice start per document, as batches ran before issue 18.
Each run is a fresh request (the day's jobs are forgotten between runs), and LibreOffice's profile is made
once before timing. Prints the machine, then per chunk size: seconds, documents per second, soffice calls,
and the ZIP's size. Never run as a test.
"""

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import delete
from sqlmodel import col, select

from bench.database import demo_database, sqlite_url
from src.app import create_app
from src.models import ReportJob, User
from src.reports.pdf import soffice_path
from src.reports.runner import JobRunner
from src.services.identity.tokens import issue_access_token
from src.settings import Settings

REQUEST = """mutation($input: ReportRequestInput!) { reportRequest(input: $input) {
  __typename ... on ReportRequestSuccess { job { id } } ... on ValidationError { fields { message } } } }"""
JOB = """query($id: ID!) { reportJob(id: $id) { ... on ReportJob {
  status error progressDone progressTotal sizeBytes fileName } } }"""


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


async def graphql(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = (
        await client.post("/graphql", json={"query": query, "variables": variables})
    ).json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def one_batch(client: httpx.AsyncClient, fund: str) -> tuple[float, dict[str, Any]]:
    batch = {
        "kind": "GOAL_TABLE",
        "format": "PDF",
        "fundTypeCode": fund,
        "year": 2026,
        "regionCode": "510000",
    }
    start = time.perf_counter()
    answer = (await graphql(client, REQUEST, {"input": {**batch, "includeDrafts": True}}))["reportRequest"]
    assert answer["__typename"] == "ReportRequestSuccess", answer
    while True:
        job: dict[str, Any] = (await graphql(client, JOB, {"id": answer["job"]["id"]}))["reportJob"]
        if job["status"] in ("SUCCEEDED", "FAILED"):
            return time.perf_counter() - start, job
        await asyncio.sleep(0.05)  # a poll interval


async def main(fund: str, chunks: list[int], runs: int) -> None:
    if soffice_path() is None:
        raise SystemExit("bench.batch_pdf needs LibreOffice (soffice)")
    work = Path(tempfile.mkdtemp(prefix="fundperf-bench-"))
    url = sqlite_url(work)
    engine, sessionmaker = await demo_database(url)
    async with sessionmaker() as session:
        user = (await session.exec(select(User).where(User.username == "fin_510000"))).one()
    print(
        f"# {platform.machine()}, {os.cpu_count()} CPUs ({cpu_model()}); Python {platform.python_version()}"
    )
    token = issue_access_token(user.id or 0, secret_key=Settings().SECRET_KEY)
    print("| chunk size | batch → SUCCEEDED | documents/s | soffice calls | ZIP |\n|---|---|---|---|---|")
    for chunk in chunks:
        settings = Settings(DATABASE_URL=url, REDIS_URL=None, STORAGE_DIR=work / "storage")
        settings = settings.model_copy(update={"REPORT_BATCH_CHUNK_SIZE": chunk})
        app = create_app(settings, engine=engine)
        runner: JobRunner = app.state.jobs
        times, calls, jobs = [], [], []
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://b",
            headers={"Authorization": f"Bearer {token}"},
            timeout=600,
        ) as client:
            for run in range(runs + 1):  # the first run makes LibreOffice's profile: not counted
                async with sessionmaker() as session:  # a fresh request each time, not the day's job
                    await session.exec(delete(ReportJob).where(col(ReportJob.parent_id).is_not(None)))
                    await session.exec(delete(ReportJob))
                    await session.commit()
                before = runner.pdf.calls
                elapsed, job = await one_batch(client, fund)
                assert job["status"] == "SUCCEEDED", job
                if run:
                    times.append(elapsed)
                    calls.append(runner.pdf.calls - before)
                    jobs.append(job)
        await runner.aclose()
        seconds = statistics.median(times)
        documents = jobs[-1]["progressTotal"]
        print(
            f"| {chunk} | {seconds:.2f} s ({documents} PDFs) | {documents / seconds:.2f} |"
            f" {statistics.median(calls):.0f} | {jobs[-1]['sizeBytes'] / 1024:.0f} KiB |"
        )
    await engine.dispose()


def run() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fund", default="EMPLOYEE_MEDICAL")
    parser.add_argument("--chunks", type=int, nargs="+", default=[25, 1])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(main(args.fund, args.chunks, args.runs))


if __name__ == "__main__":
    run()
