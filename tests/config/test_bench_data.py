"""bench_data: the synthetic bench provinces of issue 14, at the demo scale (the others only differ in size)."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse

from agencies.models import Agency, Membership, Province
from bench.data import PASSWORD, _check_references, checksum, delete_bench_data, generate
from indicators.models import Indicator, Target
from plans.models import Plan, Task
from progress.models import AgencyIndicatorFigure, IndicatorProgress, PlanProgress
from reports.models import AgencyReport, IndicatorEntry, ReportEvent, ReportingPeriod, TaskEntry
from reports.services import _expected_items
from tests.factories import AgencyFactory, ProvinceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=False)
User = get_user_model()
Role = Membership.Role
TODAY = dt.date(2026, 12, 1)
Status = AgencyReport.Status


@pytest.fixture
def demo():
    return generate("demo", seed=1, today=TODAY)


def test_demo_counts(demo):
    province = Province.objects.get(code="bench-01")
    plan = Plan.objects.get(code="bench-01-kh", province=province)
    assert demo.province_ids == [province.pk] and demo.plan_ids == [plan.pk]
    assert (plan.start_year, plan.end_year, plan.status) == (2025, 2026, Plan.Status.ACTIVE)
    assert Agency.objects.filter(province=province).count() == 12
    reporting = Agency.objects.filter(province=province, reports__isnull=False).distinct().count()
    assert reporting == 6
    assert Indicator.objects.filter(plan=plan).count() == 10
    assert Task.objects.filter(plan=plan).count() == 4
    assert Target.objects.filter(indicator__plan=plan).count() == 20
    assert ReportingPeriod.objects.filter(plan=plan).count() == 10
    assert AgencyReport.objects.filter(plan=plan).count() == reporting * 10
    assert IndicatorEntry.objects.filter(report__plan=plan).count() == reporting * 10 * 10
    assert User.objects.filter(username__startswith="bench-01-").count() == 2 + 2 * reporting
    assert demo.counts["indicator_entries"] == 600 and demo.counts["reports"] == 60
    assert demo.counts["task_entries"] == TaskEntry.objects.filter(report__plan=plan).count() > 0
    by_status = dict(AgencyReport.objects.filter(plan=plan).values_list("status").annotate(n=Count("pk")))
    assert by_status == demo.reports_by_status
    assert set(by_status) == set(Status.values)  # every workflow state


def test_the_entries_are_those_the_application_expects(demo):
    """The lead agencies (groups, and a group of groups) give exactly the entries reports.services would open."""
    plan = Plan.objects.get(code="bench-01-kh")
    indicator_pairs, task_pairs = _expected_items(plan)
    for report in AgencyReport.objects.filter(plan=plan):
        assert set(report.indicator_entries.values_list("indicator_id", flat=True)) == {
            item for agency, item in indicator_pairs if agency == report.agency_id}
        assert set(report.task_entries.values_list("task_id", flat=True)) == {
            item for agency, item in task_pairs if agency == report.agency_id}


def test_reports_follow_the_workflow(demo):
    plan = Plan.objects.get(code="bench-01-kh")
    old = {p.pk for p in ReportingPeriod.objects.filter(plan=plan) if (TODAY - p.due_on).days > 120}
    assert old
    events = dict(ReportEvent.objects.filter(report__plan=plan).values_list("report").annotate(n=Count("pk")))
    for report in AgencyReport.objects.filter(plan=plan):
        if report.period_id in old:
            assert report.status == Status.APPROVED
        assert report.version == 1 + events.get(report.pk, 0)
        assert (report.status == Status.APPROVED) == (report.approved_at is not None) == (report.approved_by_id
                                                                                          is not None)
        submitted = report.status in {Status.SUBMITTED, Status.RETURNED, Status.APPROVED}
        assert (report.first_submitted_at is not None) == submitted == (report.submitted_at is not None)
        if submitted:
            assert report.first_submitted_at <= report.submitted_at
        if report.approved_at:
            assert report.submitted_at < report.approved_at
        assert bool(report.return_reason) == (report.status == Status.RETURNED)
        moments = list(report.events.order_by("at").values_list("at", flat=True))
        assert all(moment < dt.datetime(2026, 12, 1, tzinfo=dt.UTC) for moment in moments)
        if report.status in {Status.SUBMITTED, Status.RETURNED, Status.APPROVED, Status.AWAITING_CONFIRMATION}:
            assert not report.indicator_entries.filter(value=None, numerator=None, milestone_state="").exists()
    compliance = AgencyReport.objects.filter(plan=plan).with_compliance(TODAY)
    assert compliance.filter(is_late=True).exists() and compliance.filter(is_missing=True).exists()
    assert compliance.filter(returned_count__gt=0).exists()


def test_same_seed_same_data_other_seed_other_data():
    first = generate("demo", seed=1, today=TODAY)
    digest = checksum(first.plan_ids)
    again = generate("demo", seed=1, today=TODAY, replace=True)
    assert checksum(again.plan_ids) == digest
    assert again.reports_by_status == first.reports_by_status
    other = generate("demo", seed=2, today=TODAY, replace=True)
    assert checksum(other.plan_ids) != digest


def test_the_plan_is_recomputed_and_the_leader_sees_the_dashboards(demo, client):
    plan = Plan.objects.get(code="bench-01-kh")
    assert IndicatorProgress.objects.filter(plan=plan).count() == 10 * 2
    assert PlanProgress.objects.filter(plan=plan).count() == 2
    statuses = set(IndicatorProgress.objects.filter(plan=plan).values_list("status", flat=True))
    assert len(statuses) >= 3
    # The maintained per-agency figures were rebuilt: one per reporting agency, indicator and year with approvals.
    assert AgencyIndicatorFigure.objects.filter(plan=plan).values("agency").distinct().count() == 6
    assert AgencyIndicatorFigure.objects.filter(plan=plan).values("indicator").distinct().count() == 10
    assert client.post(reverse("login"), {"username": "bench-01-leader", "password": PASSWORD}).status_code == 302
    response = client.get(reverse("dashboards:overview"))
    assert response.status_code == 200
    assert plan.title in response.content.decode()


def test_a_bench_reporter_logs_in_and_finds_its_reports(demo, client):
    reporter = User.objects.get(username="bench-01-a001")
    agency = Membership.objects.get(user=reporter, role=Role.REPORTER).agency
    assert Membership.objects.filter(user__username="bench-01-h001", agency=agency, role=Role.AGENCY_HEAD).exists()
    assert Membership.objects.filter(user__username="bench-01-staff", role=Role.STAFF,
                                     agency__name="Sở Khoa học và Công nghệ").exists()
    assert client.post(reverse("login"), {"username": "bench-01-a001", "password": PASSWORD}).status_code == 302
    response = client.get(reverse("reports:inbox"))
    assert response.status_code == 200


def test_refuses_existing_bench_data_and_replace_touches_nothing_else(demo):
    real_province = ProvinceFactory(name="Đồng Tháp", code="dong-thap")
    real_agency = AgencyFactory(province=real_province, name="Sở Y tế")
    real_user = UserFactory(username="bench-lover")  # not a bench-NN-… name
    out = io.StringIO()
    with pytest.raises(CommandError, match="--replace"):
        call_command("bench_data", "--scale", "demo", "--today", "2026-12-01", stdout=out)
    call_command("bench_data", "--scale", "demo", "--today", "2026-12-01", "--replace", "--checksum", stdout=out)
    assert "indicator_entries: 600" in out.getvalue()
    assert checksum([Plan.objects.get(code="bench-01-kh").pk]) in out.getvalue()
    assert Province.objects.filter(code="bench-01").count() == 1
    deleted = delete_bench_data()
    assert deleted["reports_indicatorentry"] == 600
    assert not IndicatorEntry.objects.exists() and not AgencyIndicatorFigure.objects.exists()
    assert not AgencyReport.objects.exists() and not Indicator.objects.exists()
    assert not Province.objects.filter(code__startswith="bench-").exists()
    assert not User.objects.filter(username__startswith="bench-0").exists()
    assert Agency.objects.filter(pk=real_agency.pk).exists() and User.objects.filter(pk=real_user.pk).exists()


def test_years_is_a_parameter():
    data = generate("demo", seed=1, today=TODAY, years=1)
    plan = Plan.objects.get(pk=data.plan_ids[0])
    assert (plan.start_year, plan.end_year) == (2026, 2026)
    assert ReportingPeriod.objects.filter(plan=plan).count() == 5
    assert data.counts["indicator_entries"] == 6 * 10 * 5


def test_the_reference_check_finds_rows_that_point_elsewhere(demo):
    """COPY skips the per-row foreign key triggers; one join per table checks the same references after."""
    _check_references(demo)
    other = Plan.objects.create(province=ProvinceFactory(), code="khac", title="Khác", start_year=2026, end_year=2026)
    stray = Indicator.objects.create(plan=other, code="X.1", name="Chỉ tiêu của kế hoạch khác")
    entry = IndicatorEntry.objects.filter(report__plan_id__in=demo.plan_ids).order_by("pk").first()
    IndicatorEntry.objects.filter(pk=entry.pk).update(indicator=stray)
    with pytest.raises(RuntimeError, match="indicator_entries"):
        _check_references(demo)
