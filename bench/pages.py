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
PAGE_SECONDS = 8
MIN_REQUESTS = 3


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
                .order_by("-period__due_on", "pk").first())

    @cached_property
    def submitted_report(self):
        return self._report("submitted")

    @cached_property
    def public_plan_code(self) -> str:
        """The plan, published (bench_data leaves it private; a province turns this on in the admin)."""
        from plans.models import Plan

        Plan.objects.filter(pk=self.plan.pk).update(public_progress=True)
        return self.plan.code

    @cached_property
    def approved_report(self):
        from reports.models import AgencyReport

        return AgencyReport.objects.filter(plan=self.plan, status="approved").order_by("pk").first()

    @cached_property
    def group(self):
        from agencies.models import Agency

        return Agency.objects.filter(province=self.plan.province, kind="group").order_by("pk").first()

    @cached_property
    def admin(self) -> str:
        """A superuser (the user admin needs one; staff get 403 there by design), made for the bench."""
        from django.contrib.auth import get_user_model

        User = get_user_model()
        user = User.objects.filter(username="bench-admin").first()
        if user is None:
            user = User.objects.create_superuser("bench-admin", "bench-admin@bench.example", None)
        return user.username

    @cached_property
    def reporter_user(self):
        from bench.dataset import BenchData

        return BenchData.user(self.reporter) if self.reporter else None

    @cached_property
    def draft_report(self):
        """The current draft whose agency has a reporter of the contract's names (their own report)."""
        from agencies.models import Membership
        from reports.models import AgencyReport

        reporters = Membership.objects.filter(role=Membership.Role.REPORTER, agency__province=self.plan.province,
                                              user__username__startswith=f"{self.prefix}-a")
        return (AgencyReport.objects.filter(plan=self.plan, status__in=["draft", "returned"],
                                            agency__in=reporters.values("agency"))
                .order_by("-period__due_on", "pk").first())

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
        if who == "admin":
            return self.admin
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
        obj = {"report": s.submitted_report, "draft": s.draft_report, "indicator": s.indicator, "plan": s.plan,
               "agency": s.agency, "group": s.group, "reporter": s.reporter_user}[what.split(":")[0]]
        if obj is None:
            return None
        return f"{base}{obj.pk}/{'history/' if what.endswith(':history') else 'change/'}"
    return build


Builder = Callable[[Subjects], str | None]
STATUSES = ["draft", "awaiting_confirmation", "submitted", "approved", "returned"]

# (name, user, path builder[, expected status]): the pages of /work/wt/PAGES.md (helper "pages") and more.
PAGES: list[tuple] = [
    ("home (staff)", "staff", lambda s: "/", 302),
    ("home (reporter)", "reporter", lambda s: "/", 302),
    ("inbox (reporter)", "reporter", lambda s: "/bao-cao/"),
    ("review queue (default: submitted)", "staff", lambda s: "/bao-cao/duyet/"),
    ("review queue (all statuses)", "staff", lambda s: "/bao-cao/duyet/?status="),
    ("review queue (all statuses, page 2)", "staff", lambda s: "/bao-cao/duyet/?status=&trang=2"),
    *[(f"review queue ({status})", "staff", lambda s, status=status: f"/bao-cao/duyet/?status={status}")
      for status in STATUSES],
    ("review queue (plan, current period, all statuses)", "staff",
     lambda s: f"/bao-cao/duyet/?plan={s.plan.code}&period={s.current_period}&status="),
    ("compliance (one period)", "staff", lambda s: f"/bao-cao/tuan-thu/?plan={s.plan.code}&period={s.current_period}"),
    ("compliance (all periods)", "staff", lambda s: f"/bao-cao/tuan-thu/?plan={s.plan.code}"),
    ("plan list", "staff", lambda s: "/ke-hoach/"),
    ("plan page", "staff", lambda s: f"/ke-hoach/{s.plan.code}/"),
    ("report form (reporter, draft)", "reporter", _needs("draft_report")(lambda s: f"/bao-cao/{s.draft_report.pk}/")),
    ("report entered on behalf (staff)", "staff",
     _needs("draft_report")(lambda s: f"/bao-cao/{s.draft_report.pk}/?nhap-thay=1")),
    ("report review (staff, submitted)", "staff",
     _needs("submitted_report")(lambda s: f"/bao-cao/{s.submitted_report.pk}/")),
    ("report read-only (staff, approved)", "staff",
     _needs("approved_report")(lambda s: f"/bao-cao/{s.approved_report.pk}/")),
    ("overview (leader)", "leader", lambda s: f"/tong-quan/?plan={s.plan.code}&year={s.year}"),
    ("indicator page (leader)", "leader", lambda s: f"/tong-quan/chi-tieu/{s.indicator.pk}/?year={s.year}"),
    ("agency page (leader)", "leader", _needs("agency")(lambda s: f"/tong-quan/co-quan/{s.agency.pk}/?plan={s.plan.code}")),
    ("public progress (anonymous)", "anonymous", lambda s: f"/cong-khai/{s.public_plan_code}/"),
    ("compiled report page", "staff", lambda s: f"/dau-ra/bao-cao-tong-hop/?plan={s.plan.code}"),
    ("admin index", "staff", lambda s: "/admin/"),
    ("admin audit log", "staff", lambda s: "/admin/nhat-ky-thay-doi/"),
    ("admin reports (changelist)", "staff", _admin("reports.AgencyReport")),
    ("admin report (change, draft)", "staff", _admin("reports.AgencyReport", "draft")),
    ("admin report (change, submitted)", "staff", _admin("reports.AgencyReport", "report")),
    ("admin report (history)", "staff", _admin("reports.AgencyReport", "draft:history")),
    # ReportEventAdmin keeps Django's model permissions: province staff (no model permission) get 403 by
    # design, so the page is measured as the superuser who may see it.
    ("admin report events (changelist)", "admin", _admin("reports.ReportEvent")),
    ("admin indicators (changelist)", "staff", _admin("indicators.Indicator")),
    ("admin indicator (change)", "staff", _admin("indicators.Indicator", "indicator")),
    ("admin plans (changelist)", "staff", _admin("plans.Plan")),
    ("admin plan (change)", "staff", _admin("plans.Plan", "plan")),
    ("admin tasks (changelist)", "staff", _admin("plans.Task")),
    ("admin agencies (changelist)", "staff", _admin("agencies.Agency")),
    ("admin agency (change, group)", "staff", _admin("agencies.Agency", "group")),
    ("admin memberships (changelist)", "staff", _admin("agencies.Membership")),
    ("admin users (changelist)", "admin", _admin("auth.User")),
    ("admin user (change)", "admin", _admin("auth.User", "reporter")),
    ("API plans", "staff", lambda s: "/api/v1/plans/"),
    ("API plan", "staff", lambda s: f"/api/v1/plans/{s.plan.code}/"),
    ("API progress", "staff", lambda s: f"/api/v1/plans/{s.plan.code}/progress/"),
    ("API reports (staff)", "staff", lambda s: "/api/v1/reports/"),
    ("API reports (staff, submitted)", "staff", lambda s: "/api/v1/reports/?status=submitted"),
    ("API reports (reporter)", "reporter", lambda s: "/api/v1/reports/"),
    ("API report (reporter)", "reporter", _needs("draft_report")(lambda s: f"/api/v1/reports/{s.draft_report.pk}/")),
    ("API compliance (one period)", "staff",
     lambda s: f"/api/v1/plans/{s.plan.code}/compliance/?period={s.current_period}"),
    ("API compliance (all periods)", "staff", lambda s: f"/api/v1/plans/{s.plan.code}/compliance/"),
]


def _queries(username: str | None, path: str, warm: bool) -> tuple[int, int]:
    from bench.dataset import BenchData

    client = Client()
    if username:
        client.force_login(BenchData.user(username))
    if warm:  # the same warm state as the timed requests (skipped for a slow page: the count barely moves)
        client.get(path)
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    return len(captured), status


def run(bench) -> list[Measurement]:
    subjects = Subjects(bench)
    p95s: dict[str, float | None] = {}
    details: dict[str, dict] = {}
    for name, who, build, *expected in PAGES:
        expected_status = expected[0] if expected else 200
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
        queries, test_status = _queries(username, path, warm=median(samples) < 1)
        p95s[name] = ms(p95(samples))
        details[name] = {"path": path, "user": username or "anonymous", "requests": len(samples),
                         "p50_ms": ms(median(samples)),
                         "p95_ms": p95s[name], "statuses": statuses, "queries": queries,
                         "bytes": answers[-1].wire_bytes}
        if statuses != [expected_status] or test_status != expected_status:
            details[name]["note"] = f"answered {statuses} (test client {test_status})"
        print(f"    {name}: p50 {details[name]['p50_ms']} ms, p95 {p95s[name]} ms, {queries} queries, "
              f"{statuses}", flush=True)
    measured = [v for v in p95s.values() if v is not None]
    worst = max(p95s, key=lambda k: p95s[k] or -1) if measured else None
    not_ok = {k: d["note"] for k, d in details.items() if d.get("statuses") and d.get("note")}
    return [
        Measurement("pages_p95_ms", p95s, unit="ms", details=details,
                    note=f"{REQUESTS} sequential requests per page through gunicorn after {WARMUP} warm-up one(s) "
                         f"(at least {MIN_REQUESTS} for a page slower than {PAGE_SECONDS} s in all)"),
        Measurement("pages_max_p95_ms", max(measured) if measured else None, unit="ms",
                    note=f"slowest: {worst}; {len(measured)} pages measured"
                         f"{'; not 200: ' + str(not_ok) if not_ok else ''}"),
    ]
