"""Dashboard pages at province scale (issue 10): the overview and an indicator page, server time per request.

The data of bench/progress.py (130 agencies, 100 indicators, 5 years of quarterly values: 260,000 approved
values, bulk-inserted) plus 200 tasks, recomputed; then the leader's requests through Django's test client
(the whole request: middleware, queries, figures, template). Median and p95 over repeated requests;
target p95 < 150 ms for the overview. Everything is rolled back at the end.
"""

import datetime as dt
import os
import statistics
import time

from django.db import transaction
from django.test import Client

from bench.measure import Measurement

REQUESTS = 30


def _timings(client: Client, url: str) -> tuple[list[float], list[float]]:
    """Wall-clock seconds per request, and the Django process's CPU seconds (which leave out the time spent
    waiting for a core on a shared machine, and the database's own work)."""
    client.get(url)  # warm caches (templates, the leader's memberships)
    timings, cpu = [], []
    for _ in range(REQUESTS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert response.status_code == 200, (url, response.status_code)
    return sorted(timings), sorted(cpu)


def _p95(timings: list[float]) -> float:
    return timings[max(0, int(round(0.95 * len(timings))) - 1)]


def run() -> list[Measurement]:
    from agencies.models import Agency, Membership
    from bench.progress import _seed
    from indicators.models import Indicator
    from plans.models import Task
    from progress.services import plan_recompute
    from tests.factories import UserFactory

    results = []
    with transaction.atomic():
        plan = _seed()
        agencies = list(Agency.objects.filter(province=plan.province))
        tasks = Task.objects.bulk_create([
            Task(plan=plan, code=f"T.{n}", order=n, content=f"Nhiệm vụ {n}", deadline_kind=Task.DeadlineKind.YEAR,
                 start_date=dt.date(2026 + n % 5, 1, 1), due_date=dt.date(2026 + n % 5, 12, 31)) for n in range(200)])
        Task.lead_agencies.through.objects.bulk_create([
            Task.lead_agencies.through(task_id=t.pk, agency_id=agencies[n % len(agencies)].pk)
            for n, t in enumerate(tasks)])
        Indicator.lead_agencies.through.objects.bulk_create([
            Indicator.lead_agencies.through(indicator_id=i.pk, agency_id=agencies[n % len(agencies)].pk)
            for n, i in enumerate(Indicator.objects.filter(plan=plan))])
        plan_recompute(plan=plan, as_of=dt.date(2028, 11, 30))
        leader = UserFactory(username="bench-leader")
        Membership.objects.create(user=leader, agency=agencies[0], role=Membership.Role.LEADER)
        client = Client()
        client.force_login(leader)
        indicator = Indicator.objects.filter(plan=plan).order_by("pk").first()
        for name, url, target in [
            ("overview", f"/tong-quan/?plan={plan.code}&year=2028", 0.15),
            ("indicator page", f"/tong-quan/chi-tieu/{indicator.pk}/?year=2028", None),
        ]:
            timings, cpu = _timings(client, url)
            median, p95 = statistics.median(timings), _p95(timings)
            results.append(Measurement(
                f"dashboards: {name}, p95 of {REQUESTS} requests", p95, target,
                note=f"median {median * 1000:.0f} ms, Django CPU median {statistics.median(cpu) * 1000:.0f} ms; "
                     f"130 agencies, 260,000 values, 200 tasks; load average {os.getloadavg()[0]:.1f}"))
        transaction.set_rollback(True)
    return results
