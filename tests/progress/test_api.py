"""GET /api/v1/plans/<code>/progress/: shape, permissions, query count; it reads snapshots only."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progress.models import IndicatorProgress
from progress.services import plan_recompute
from tests.factories import IndicatorFactory, SectionFactory, TargetFactory
from tests.progress.factories import approve_report

pytestmark = pytest.mark.django_db


def url(world, year=2026):
    return f"/api/v1/plans/{world.plan.code}/progress/?year={year}"


@pytest.fixture
def computed(world, agency_a, reporter_a, staff):
    section = SectionFactory(plan=world.plan, code="I", title="Hạ tầng số")
    indicator = world.indicators["I.1"]
    indicator.section = section
    indicator.save(update_fields=["section"])
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "86,58"}},
                   tasks={"II.1": {"status": "in_progress", "progress": "40"}})
    plan_recompute(plan=world.plan, as_of=dt.date(2027, 1, 5))
    return world


@pytest.mark.parametrize("user", ["staff", "leader", "reporter_a", "head_a", "reporter_b"])
def test_province_users_may_read(client, computed, user, request):
    client.force_login(request.getfixturevalue(user))
    response = client.get(url(computed))
    assert response.status_code == 200


@pytest.mark.parametrize("user", ["other_staff", "outsider"])
def test_others_get_404(client, computed, user, request):
    client.force_login(request.getfixturevalue(user))
    assert client.get(url(computed)).status_code == 404


def test_anonymous_is_refused(client, computed):
    assert client.get(url(computed)).status_code in {401, 403}


def test_shape(client, computed, staff):
    client.force_login(staff)
    body = client.get(url(computed)).json()
    assert set(body) == {"plan", "year", "as_of", "computed_at", "recompute_pending", "indicators", "tasks",
                         "sections", "plan_rollup"}
    assert (body["plan"], body["year"], body["as_of"]) == (computed.plan.code, 2026, "2027-01-05")
    assert body["recompute_pending"] is False
    first = body["indicators"][0]
    assert set(first) == {"code", "name", "unit", "target", "actual", "status", "explanation", "percent_of_target",
                          "trajectory", "last_value_at"}
    assert first["code"] == "I.1"
    assert first["target"] == {"op": ">=", "low": 90.0, "high": None, "text": "≥ 90%"}
    assert first["actual"] == 86.58
    assert first["status"] == "not_achieved"
    assert first["explanation"] == "Thực tế 86,58% < mục tiêu 90% → Chưa đạt"
    assert first["last_value_at"] == "2026-03-31"
    task = next(t for t in body["tasks"] if t["code"] == "II.1")
    assert set(task) == {"code", "status", "due", "progress", "explanation"}
    assert (task["status"], task["progress"]) == ("in_progress", 40.0)
    assert body["sections"] == [{"section": "I. Hạ tầng số", "counts": {"not_achieved": 1}, "share_achieved": 0.0}]
    assert body["plan_rollup"] == {"counts": {"not_achieved": 1, "no_data": 3}, "share_achieved": 0.0}


def test_reads_snapshots_and_never_computes(client, computed, staff):
    IndicatorProgress.objects.filter(indicator=computed.indicators["I.1"], year=2026).update(status="at_risk")
    client.force_login(staff)
    body = client.get(url(computed)).json()
    assert body["indicators"][0]["status"] == "at_risk"


def test_before_any_recompute(client, world, staff):
    client.force_login(staff)
    body = client.get(url(world)).json()
    assert (body["as_of"], body["indicators"], body["plan_rollup"]) == (None, [], {"counts": {},
                                                                                  "share_achieved": None})


def test_year_outside_the_plan_is_a_vietnamese_400(client, computed, staff):
    client.force_login(staff)
    response = client.get(url(computed, year=2040))
    assert response.status_code == 400
    assert "không thuộc kỳ kế hoạch 2026–2030" in response.json()["detail"]


def test_query_count_does_not_grow_with_the_plan(client, computed, staff, agency_a):
    client.force_login(staff)
    client.get(url(computed))
    with CaptureQueriesContext(connection) as few:
        client.get(url(computed))
    for n in range(10):
        indicator = IndicatorFactory(plan=computed.plan, code=f"III.{n}")
        TargetFactory(indicator=indicator, year=2026)
    plan_recompute(plan=computed.plan, as_of=dt.date(2027, 1, 5))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(computed))
    assert len(response.json()["indicators"]) == 14
    assert len(many) == len(few)
    assert len(few) <= 11  # one of them: whether a recompute is pending


def test_says_when_approved_values_wait_for_their_recompute(client, computed, staff):
    from reports.models import RecomputeRequest

    RecomputeRequest.objects.create(plan=computed.plan)
    client.force_login(staff)
    assert client.get(url(computed)).json()["recompute_pending"] is True
