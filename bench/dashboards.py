"""The leaders' dashboard (issue 10, issue 14 §3): the overview's and an indicator page's server time through
Django's test client (the whole request: middleware, queries, figures, template; no network), and the overview
through gunicorn with 20 concurrent clients, as the province's leader."""

import os
import time

from django.test import Client

from bench.http import concurrently
from bench.measure import Measurement, median, ms, p95

REQUESTS = 30
CONCURRENT = 20
PER_CLIENT = 5


def _timings(client: Client, url: str) -> list[float]:
    assert client.get(url).status_code == 200, url  # warm: templates, the leader's memberships
    samples = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def run(bench) -> list[Measurement]:
    from indicators.models import Indicator

    data = bench.data
    plan = data.plan
    year = min(max(data.as_of().year, plan.start_year), plan.end_year)
    leader = f"{data.prefix()}-leader"
    client = Client()
    client.force_login(data.user(leader))
    overview = f"/tong-quan/?plan={plan.code}&year={year}"
    indicator = Indicator.objects.filter(plan=plan).order_by("order", "pk").first()
    overview_samples = _timings(client, overview)
    indicator_samples = _timings(client, f"/tong-quan/chi-tieu/{indicator.pk}/?year={year}")
    load = f"load average {os.getloadavg()[0]:.1f}"
    out = [
        Measurement("dashboard_p50_ms", ms(median(overview_samples)), unit="ms", samples=overview_samples,
                    note=f"{overview} as {leader}, test client, {REQUESTS} requests; {load}"),
        Measurement("dashboard_p95_ms", ms(p95(overview_samples)), unit="ms", samples=overview_samples,
                    note=f"the same {REQUESTS} requests"),
        Measurement("", ms(p95(indicator_samples)), label="indicator page p95 (test client)", unit="ms",
                    samples=indicator_samples, note=f"median {ms(median(indicator_samples))} ms, "
                                                    f"{REQUESTS} requests"),
    ]

    http = bench.client(leader)
    concurrently([lambda: http.get(overview) for _ in range(CONCURRENT)], deadline_s=120)  # warm every worker

    def one_client():
        return [http.get(overview) for _ in range(PER_CLIENT)]

    outcomes, wall = concurrently([one_client for _ in range(CONCURRENT)], deadline_s=300)
    answers = [a for outcome in outcomes if isinstance(outcome, list) for a in outcome]
    samples = [a.seconds for a in answers if a.status == 200]
    bad = len(answers) - len(samples) + sum(1 for o in outcomes if not isinstance(o, list)) * PER_CLIENT
    out.append(Measurement(
        "dashboard_gunicorn_p95_ms", ms(p95(samples)) if samples else None, unit="ms", samples=samples,
        note=f"{CONCURRENT} concurrent clients × {PER_CLIENT} requests, gunicorn "
             f"{bench.settings.get('gunicorn_workers')} sync workers; median {ms(median(samples)) if samples else '—'}"
             f" ms; {len(answers) / wall:.1f} req/s; {bad} not 200"))
    return out
