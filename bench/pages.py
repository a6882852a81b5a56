"""Every page at the bench's scale (issue 14 §4): p50/p95 through gunicorn, and the query count.

The list of pages is data: `PAGES`, rows of (name, user, url builder). A builder takes the `Subjects` (the
plan, a submitted report, a draft report and its reporter, …, looked up once) and returns a path, or None
when the data has no such subject (the page is then reported as not measured). Add a row to measure a page.

Timing: REQUESTS sequential requests per page through gunicorn (after WARMUP untimed ones; fewer, at least
MIN_REQUESTS, for a page slower than PAGE_SECONDS in all), as that user (a session cookie, or an API token
for /api/). Queries: one request through Django's test client inside
CaptureQueriesContext, in this process (gunicorn's workers cannot count for us).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.measure import Measurement, median, ms, p95

REQUESTS = 20
WARMUP = 1
# A slow page stops being sampled after this many seconds (with at least MIN_REQUESTS samples): the whole
# bench must stay within minutes, and a page this slow fails its budget whatever the exact p95.
PAGE_SECONDS = 15
MIN_REQUESTS = 5


@dataclass
class Subjects:
    """What the page URLs point at, found once in the bench data (contract codes, COMMON.md)."""

    bench: object

    @cached_property
    def plan(self):
        return self.bench.data.plan

    @cached_property
    def prefix(self) -> str:
        return self.bench.data.prefix()

    @cached_property
    def year(self) -> int:
        return min(max(self.bench.data.as_of().year, self.plan.start_year), self.plan.end_year)

    def _report(self, *statuses):
        from reports.models import AgencyReport

        return (AgencyReport.objects.filter(plan=self.plan, status__in=statuses)
                .order_by("-period__starts_on", "period__kind", "pk").first())

    @cached_property
    def submitted_report(self):
        return self._report("submitted")

    @cached_property
    def draft_report(self):
        """The current draft whose agency has a reporter of the contract's names (their own report)."""
        from agencies.models import Membership
        from reports.models import AgencyReport

        reporters = Membership.objects.filter(role=Membership.Role.REPORTER, agency__province=self.plan.province,
                                              user__username__startswith=f"{self.prefix}-a")
        return (AgencyReport.objects.filter(plan=self.plan, status__in=["draft", "returned"],
                                            agency__in=reporters.values("agency"))
                .order_by("-period__starts_on", "period__kind", "pk").first())

    @cached_property
    def reporter(self) -> str | None:
        from agencies.models import Membership

        if self.draft_report is None:
            return None
        membership = (Membership.objects.filter(role=Membership.Role.REPORTER, agency_id=self.draft_report.agency_id,
                                                user__username__startswith=f"{self.prefix}-a")
                      .select_related("user").order_by("user__username").first())
        return membership.user.username

    @cached_property
    def current_period(self) -> str:
        report = self.submitted_report or self.draft_report
        return report.period.code if report else ""

    @cached_property
    def indicator(self):
        return self.plan.indicators.order_by("order", "pk").first()

    @cached_property
    def agency(self):
        return self.submitted_report.agency if self.submitted_report else None

    def user(self, who: str) -> str | None:
        return {"staff": f"{self.prefix}-staff", "leader": f"{self.prefix}-leader", "reporter": self.reporter,
                "anonymous": None}[who]


def _pk(obj) -> str:
    return str(obj.pk) if obj is not None else ""


def _needs(*values):
    """The path only if every subject it names exists."""
    def wrap(build):
        return lambda s: build(s) if all(getattr(s, v) is not None for v in values) else None
    return wrap


def _admin(model_label: str, what: str = "changelist"):
    """An admin page of a model (changelist, or the change/history page of the object `what` names)."""
    def build(s: Subjects):
        from django.apps import apps
        from django.contrib import admin

        model = apps.get_model(model_label)
        if model not in admin.site._registry:
            return None
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        if what == "changelist":
            return base
        obj = {"report": s.submitted_report, "indicator": s.indicator, "plan": s.plan, "agency": s.agency}[
            what.split(":")[0]]
        if obj is None:
            return None
        return f"{base}{obj.pk}/{'history/' if what.endswith(':history') else 'change/'}"
    return build


Builder = Callable[[Subjects], str | None]
STATUSES = ["draft", "awaiting_confirmation", "submitted", "approved", "returned"]

PAGES: list[tuple[str, str, Builder]] = [
    ("inbox (reporter)", "reporter", lambda s: "/bao-cao/"),
    ("review queue (default: submitted)", "staff", lambda s: "/bao-cao/duyet/"),
    ("review queue (all statuses)", "staff", lambda s: "/bao-cao/duyet/?status="),
    *[(f"review queue ({status})", "staff", lambda s, status=status: f"/bao-cao/duyet/?status={status}")
      for status in STATUSES],
    ("review queue (plan, current period, all statuses)", "staff",
     lambda s: f"/bao-cao/duyet/?plan={s.plan.code}&period={s.current_period}&status="),
    ("compliance (one period)", "staff", lambda s: f"/bao-cao/tuan-thu/?plan={s.plan.code}&period={s.current_period}"),
    ("compliance (all periods)", "staff", lambda s: f"/bao-cao/tuan-thu/?plan={s.plan.code}"),
    ("plan list", "staff", lambda s: "/ke-hoach/"),
    ("plan page", "staff", lambda s: f"/ke-hoach/{s.plan.code}/"),
    ("report page (staff, submitted)", "staff", _needs("submitted_report")(lambda s: f"/bao-cao/{s.submitted_report.pk}/")),
    ("report page (reporter, draft form)", "reporter", _needs("draft_report")(lambda s: f"/bao-cao/{s.draft_report.pk}/")),
    ("overview (leader)", "leader", lambda s: f"/tong-quan/?plan={s.plan.code}&year={s.year}"),
    ("indicator page (leader)", "leader", lambda s: f"/tong-quan/chi-tieu/{s.indicator.pk}/?year={s.year}"),
    ("agency page (leader)", "leader", _needs("agency")(lambda s: f"/tong-quan/co-quan/{s.agency.pk}/?plan={s.plan.code}")),
    ("public progress (anonymous)", "anonymous",
     lambda s: f"/cong-khai/{s.plan.code}/" if s.plan.public_progress else None),
    ("compiled report page", "staff", lambda s: f"/dau-ra/bao-cao-tong-hop/?plan={s.plan.code}"),
    ("admin index", "staff", lambda s: "/admin/"),
    ("admin audit log", "staff", lambda s: "/admin/nhat-ky-thay-doi/"),
    ("admin reports (changelist)", "staff", _admin("reports.AgencyReport")),
    ("admin report (change)", "staff", _admin("reports.AgencyReport", "report")),
    ("admin report (history)", "staff", _admin("reports.AgencyReport", "report:history")),
    ("admin indicators (changelist)", "staff", _admin("indicators.Indicator")),
    ("admin indicator (change)", "staff", _admin("indicators.Indicator", "indicator")),
    ("admin plans (changelist)", "staff", _admin("plans.Plan")),
    ("admin plan (change)", "staff", _admin("plans.Plan", "plan")),
    ("admin agencies (changelist)", "staff", _admin("agencies.Agency")),
    ("admin agency (change)", "staff", _admin("agencies.Agency", "agency")),
    ("admin tasks (changelist)", "staff", _admin("plans.Task")),
    ("admin memberships (changelist)", "staff", _admin("agencies.Membership")),
    ("API plans", "staff", lambda s: "/api/v1/plans/"),
    ("API plan", "staff", lambda s: f"/api/v1/plans/{s.plan.code}/"),
    ("API progress", "leader", lambda s: f"/api/v1/plans/{s.plan.code}/progress/?year={s.year}"),
    ("API reports (plan, current period)", "staff",
     lambda s: f"/api/v1/reports/?plan={s.plan.code}&period={s.current_period}"),
    ("API report (reporter)", "reporter", _needs("draft_report")(lambda s: f"/api/v1/reports/{s.draft_report.pk}/")),
    ("API compliance (one period)", "staff",
     lambda s: f"/api/v1/plans/{s.plan.code}/compliance/?period={s.current_period}"),
    ("API compliance (all periods)", "staff", lambda s: f"/api/v1/plans/{s.plan.code}/compliance/"),
]


def _queries(username: str | None, path: str) -> tuple[int, int]:
    from bench.dataset import BenchData

    client = Client()
    if username:
        client.force_login(BenchData.user(username))
    client.get(path)  # the same warm state as the timed requests
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    return len(captured), status


def run(bench) -> list[Measurement]:
    subjects = Subjects(bench)
    p95s: dict[str, float | None] = {}
    details: dict[str, dict] = {}
    for name, who, build in PAGES:
        path = build(subjects)
        username = subjects.user(who)
        if path is None or (who != "anonymous" and username is None):
            p95s[name] = None
            details[name] = {"note": "no such subject in the data"}
            continue
        client = bench.client(username, api=path.startswith("/api/")) if username else bench.client()
        for _ in range(WARMUP):
            client.get(path)
        answers = []
        spent = 0.0
        while len(answers) < REQUESTS and (spent < PAGE_SECONDS or len(answers) < MIN_REQUESTS):
            answers.append(client.get(path))
            spent += answers[-1].seconds
        samples = [a.seconds for a in answers]
        statuses = sorted({a.status for a in answers})
        queries, test_status = _queries(username, path)
        p95s[name] = ms(p95(samples))
        details[name] = {"path": path, "user": username or "anonymous", "requests": len(samples),
                         "p50_ms": ms(median(samples)),
                         "p95_ms": p95s[name], "statuses": statuses, "queries": queries,
                         "bytes": len(answers[-1].body)}
        if statuses != [200] or test_status != 200:
            details[name]["note"] = f"answered {statuses} (test client {test_status})"
        print(f"    {name}: p50 {details[name]['p50_ms']} ms, p95 {p95s[name]} ms, {queries} queries, "
              f"{statuses}", flush=True)
    measured = [v for v in p95s.values() if v is not None]
    worst = max(p95s, key=lambda k: p95s[k] or -1) if measured else None
    not_ok = {k: d["statuses"] for k, d in details.items() if d.get("statuses") not in (None, [200])}
    return [
        Measurement("pages_p95_ms", p95s, unit="ms", details=details,
                    note=f"{REQUESTS} sequential requests per page through gunicorn after {WARMUP} warm-up one(s) "
                         f"(at least {MIN_REQUESTS} for a page slower than {PAGE_SECONDS} s in all)"),
        Measurement("pages_max_p95_ms", max(measured) if measured else None, unit="ms",
                    note=f"slowest: {worst}; {len(measured)} pages measured"
                         f"{'; not 200: ' + str(not_ok) if not_ok else ''}"),
    ]
