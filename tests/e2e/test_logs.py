"""Every process logs JSON lines, and a job's lines carry the request id of the API call that
led to it (through the outbox, the relay and rq's job.meta)."""

import json
import uuid

import pytest

from services.demo import scenario
from services.demo.runner import DemoRun
from shared.waiting import wait_until
from tests.support.journeys import admin_token

pytestmark = pytest.mark.e2e

PROCESSES = ("gateway", "commissioning", "scoring", "worker-commissioning", "worker-scoring",
             "worker-gateway", "scheduler", "relay-commissioning", "relay-scoring",
             "relay-gateway")


def log_lines(platform, name: str) -> list[str]:
    return platform.log_path(name).read_text(errors="replace").splitlines()


def parsed(line: str) -> dict | None:
    try:
        doc = json.loads(line)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def test_a_published_tender_s_job_logs_carry_the_api_call_s_request_id(platform):
    run = DemoRun(platform.url(), admin_token(platform))
    run.create_staff()
    commissioner = run.clients["commissioner"]
    draft = commissioner.post("/tenders", scenario.tender_body(60, 120))
    request_id = f"req-{uuid.uuid4().hex}"
    published = commissioner.request("POST", f"/tenders/{draft['id']}/publish",
                                     headers={"X-Request-ID": request_id})
    assert published.headers["X-Request-ID"] == request_id

    def carried() -> list[dict]:
        docs = [parsed(line) for line in log_lines(platform, "worker-scoring")]
        return [d for d in docs if d and d.get("request_id") == request_id]

    # scoring's record_tender job ran for the published tender: rq's own lines about it and
    # the job's lines all carry the id, with the job's id and queue.
    lines = wait_until(lambda: len(carried()) >= 2 and carried(), timeout=30,
                       what="worker lines with the request id")
    assert all(d["queue"] == "scoring" and d["job_id"] for d in lines), lines
    assert any(draft["id"] in d["event"] for d in lines), lines
    assert all({"timestamp", "level", "event"} <= set(d) for d in lines), lines
    # Once the job is done the worker's own lines no longer carry it.
    after = log_lines(platform, "worker-scoring")
    last = max(i for i, line in enumerate(after) if request_id in line)
    assert not any("Job OK" in line for line in after[last + 1:] if request_id in line)


def test_every_process_logs_json_lines_and_no_httpx_lines(platform):
    for name in PROCESSES:
        lines = [line for line in log_lines(platform, name) if line.strip()]
        assert lines, name
        plain = [line for line in lines if parsed(line) is None]
        assert not plain, (name, plain[:5])
        loggers = {parsed(line).get("logger") for line in lines}
        assert not loggers & {"httpx", "httpcore"}, (name, loggers)
