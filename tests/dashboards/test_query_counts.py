"""Every dashboards page costs the same number of queries whatever the size of the data: drawn afresh (the
fragment cache empty) and from the cache, before and after the province grows (agencies, indicators, tasks,
approved values, another plan, another province)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.roles import Role
from plans.models import Plan
from progress.services import plan_recompute
from reports.services import periods_open
from tests.factories import (
    AgencyFactory,
    IndicatorFactory,
    MembershipFactory,
    PlanFactory,
    ProvinceFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)
from tests.progress.factories import approve_report

pytestmark = pytest.mark.django_db

CODE = "ha-tang-so"


def _urls(world, agency_a) -> dict[str, tuple[str, str]]:
    """page → (who reads it, URL)."""
    section = world.indicators["I.1"].section
    overview = reverse("dashboards:overview")
    return {
        "overview, all plans": ("leader", overview),
        "overview, one plan": ("leader", f"{overview}?plan={CODE}&year=2026"),
        "overview, one section": ("leader", f"{overview}?plan={CODE}&year=2026&muc={section.pk}"),
        "overview, one agency": ("leader", f"{overview}?plan={CODE}&year=2026&co_quan={agency_a.pk}"),
        "overview, a year with no period due": ("leader", f"{overview}?plan={CODE}&year=2028"),
        "indicator": ("leader", reverse("dashboards:indicator", args=[world.indicators["I.1"].pk])),
        "indicator, its reporter": ("reporter_a", reverse("dashboards:indicator", args=[world.indicators["I.1"].pk])),
        "agency": ("leader", reverse("dashboards:agency", args=[agency_a.pk])),
        "plan list": ("leader", reverse("plans:list")),
        "plan page": ("leader", reverse("plans:detail", args=[CODE]) + "?year=2026"),
        "plan page, one status": ("leader", reverse("plans:detail", args=[CODE]) + "?year=2026&trang_thai=on_track"),
        "public page": ("", reverse("public:progress", args=[CODE])),
        "compiled report": ("staff", reverse("outputs:compiled_report") + f"?plan={CODE}&period=2026-Q1"),
        "open data package": ("leader", reverse("outputs:open_data_zip", args=[CODE]) + "?year=2026"),
        "progress API": ("leader", reverse("api-plan-progress", args=[CODE])),
    }


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def _counts(clients: dict, urls: dict) -> dict[str, tuple[int, int]]:
    """page → (queries drawn afresh, queries from the fragment cache)."""
    counts = {}
    for page, (who, url) in urls.items():
        client = clients[who]
        client.get(url)  # the user's session and memberships, as on any later request
        cache.clear()
        counts[page] = (_count(client, url), _count(client, url))
    return counts


def _grow(world, *, agency_a, staff, agencies: int = 5) -> None:
    """Five more agencies, each reporting an indicator of its own and I.1, with a task; their approved Q1
    values; another plan of the province and a plan of another province, all recomputed."""
    plan = world.plan
    section = world.indicators["I.1"].section
    added = []
    for n in range(agencies):
        agency = AgencyFactory(province=plan.province, name=f"Cơ quan {n}")
        reporter = UserFactory(username=f"reporter-{n}")
        MembershipFactory(user=reporter, agency=agency, role=Role.REPORTER)
        indicator = IndicatorFactory(plan=plan, code=f"V.{n}", section=section)
        TargetFactory(indicator=indicator, year=2026, op=">=", low=10, text="10")
        indicator.lead_agencies.set([agency, agency_a])
        world.indicators["I.1"].lead_agencies.add(agency)
        TaskFactory(plan=plan, code=f"V.{n}").lead_agencies.set([agency])
        added.append((agency, reporter, indicator))
    periods_open(plan=plan)
    for agency, reporter, indicator in added:
        approve_report(world, agency=agency, reporter=reporter, staff=staff,
                       indicators={indicator.code: {"value": "12"}, "I.1": {"value": "70"}})
    for other in (PlanFactory(province=plan.province, code="ke-hoach-khac"),
                  PlanFactory(province=ProvinceFactory(name="Tỉnh khác", code="tinh-khac"), code="tinh-khac-kh")):
        IndicatorFactory(plan=other, code="I.1")
        plan_recompute(plan=other)
    plan_recompute(plan=plan)


def test_every_page_costs_the_same_queries_at_two_sizes(client_factory, world, agency_a, leader, staff,
                                                       reporter_a):
    Plan.objects.filter(pk=world.plan.pk).update(public_progress=True)
    clients = {"": client_factory()}
    for who, user in (("leader", leader), ("staff", staff), ("reporter_a", reporter_a)):
        clients[who] = client_factory()
        clients[who].force_login(user)
    urls = _urls(world, agency_a)
    small = _counts(clients, urls)
    _grow(world, agency_a=agency_a, staff=staff)
    large = _counts(clients, urls)
    assert large == small
    for page in ("overview, one plan", "overview, one section", "overview, one agency", "indicator",
                 "open data package"):
        afresh, cached = small[page]
        assert cached < afresh, page  # a cached page skips the snapshot reads
    assert max(afresh for afresh, _cached in small.values()) <= 25


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client
