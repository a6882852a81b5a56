"""Approval to fresh progress (issue 14 §3), with a real Celery worker.

A `celery -A config worker` (no beat; its concurrency as configured: CELERY_CONCURRENCY or the cores) runs on
the bench's database and Redis. Staff approve a submitted report through the API
(POST /api/v1/reports/<pk>/approve/ on gunicorn); the clock starts before that request is sent and stops
when GET /api/v1/plans/<code>/progress/ first shows a snapshot computed after the approval with no recompute
pending. Polled every POLL_S; a run that takes longer than TIMEOUT_S counts as TIMEOUT_S (and says so).
"""

import datetime as dt
import time

from bench.measure import Measurement, median, p95
from bench.servers import celery_worker

RUNS = 5
POLL_S = 0.05
TIMEOUT_S = 60


def run(bench) -> list[Measurement]:
    from reports.models import AgencyReport

    data = bench.data
    plan = data.plan
    staff = bench.client(f"{data.prefix()}-staff", api=True)
    leader = bench.client(f"{data.prefix()}-leader", api=True)
    reports = list(AgencyReport.objects.filter(plan=plan, status=AgencyReport.Status.SUBMITTED)
                   .order_by("-period__starts_on", "pk").values_list("pk", "period__year")[:RUNS])
    if not reports:
        return [Measurement("approval_to_fresh_s", None, unit="s", note=f"no submitted report in {plan.code}")]
    samples, timeouts, statuses = [], 0, []
    with celery_worker(env=bench.env(LOG_LEVEL="INFO"), log=bench.logs / "celery.log"):
        # What waited in the queue before the worker started is served first; measure from a quiet state.
        _wait_fresh(leader, plan.code, plan.end_year, since=None)
        for pk, year in reports:
            progress = f"/api/v1/plans/{plan.code}/progress/?year={year}"
            approved_at = dt.datetime.now(dt.UTC)
            start = time.perf_counter()
            answer = staff.request("POST", f"/api/v1/reports/{pk}/approve/", payload={})
            statuses.append(answer.status)
            if answer.status != 200:
                continue
            fresh = _wait_fresh(leader, plan.code, year, since=approved_at, path=progress)
            if fresh:
                samples.append(time.perf_counter() - start)
            else:
                timeouts += 1
                samples.append(TIMEOUT_S)
    if not samples:
        return [Measurement("approval_to_fresh_s", None, unit="s", note=f"no approval answered 200: {statuses}")]
    return [Measurement(
        "approval_to_fresh_s", round(p95(samples), 2), unit="s", samples=samples,
        note=f"{len(samples)} approvals through the API, worker as configured; median {median(samples):.2f} s; "
             f"approve answered {statuses}{f'; {timeouts} not fresh within {TIMEOUT_S} s' if timeouts else ''}")]


def _wait_fresh(client, code: str, year: int, *, since: dt.datetime | None, path: str = "") -> bool:
    path = path or f"/api/v1/plans/{code}/progress/?year={year}"
    deadline = time.perf_counter() + TIMEOUT_S
    while time.perf_counter() < deadline:
        answer = client.get(path)
        if answer.status == 200:
            body = answer.json()
            computed = dt.datetime.fromisoformat(body["computed_at"]) if body.get("computed_at") else None
            if not body["recompute_pending"] and (since is None or (computed and computed > since)):
                return True
        time.sleep(POLL_S)
    return False
