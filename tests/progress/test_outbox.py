"""The recompute outbox: requests written with the approval, served once, idempotent under redelivery."""

from decimal import Decimal as D

import pytest
from django.db import transaction

from progress.models import IndicatorProgress
from progress.selectors import is_recompute_pending, plans_with_pending_recompute
from progress.services import pending_recompute_run
from progress.tasks import recompute_pending
from reports.models import RecomputeRequest
from reports.services import report_approve, report_reopen
from tests.factories import PlanFactory
from tests.progress.factories import approve_report


def test_the_request_commits_with_the_approval_or_not_at_all(world, agency_a, reporter_a, staff):
    report = approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff,
                            indicators={"I.1": {"value": "60"}})
    request = RecomputeRequest.objects.get()
    assert (request.plan_id, request.indicator_ids, request.from_year) == (
        world.plan.pk, [world.indicators["I.1"].pk, world.indicators["I.2"].pk, world.indicators["I.3"].pk], 2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        report_reopen(report=report, user=staff, reason="Sai số liệu")
        raise RuntimeError("the reopening's transaction fails after the service")
    assert RecomputeRequest.objects.count() == 1  # the failed reopening left no request behind


def test_served_once_then_a_redelivered_task_does_nothing(world, agency_a, reporter_a, staff, eager_celery):
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
    assert is_recompute_pending(world.plan.pk)
    result = pending_recompute_run(plan_id=world.plan.pk)
    assert result is not None and result.indicators == 3  # the report's indicators only
    assert IndicatorProgress.objects.get(indicator=world.indicators["I.1"], year=2026).actual == D(60)
    assert not is_recompute_pending(world.plan.pk)
    assert pending_recompute_run(plan_id=world.plan.pk) is None
    assert recompute_pending.apply(args=[world.plan.pk]).get() == 0  # the same task delivered again


def test_requests_are_merged_and_a_whole_plan_request_wins(world, province):
    indicator_ids = [world.indicators["I.1"].pk, world.indicators["I.4"].pk]
    RecomputeRequest.objects.create(plan=world.plan, indicator_ids=indicator_ids[:1], from_year=2027)
    RecomputeRequest.objects.create(plan=world.plan, indicator_ids=indicator_ids[1:], from_year=2026)
    result = pending_recompute_run(plan_id=world.plan.pk)
    assert result.indicators == 2
    assert set(IndicatorProgress.objects.filter(year=2026).values_list("indicator_id", flat=True)) == set(indicator_ids)
    RecomputeRequest.objects.create(plan=world.plan, indicator_ids=indicator_ids[:1], from_year=2026)
    RecomputeRequest.objects.create(plan=world.plan, indicator_ids=[], from_year=None)
    assert pending_recompute_run(plan_id=world.plan.pk).indicators == len(world.indicators)
    other = PlanFactory(province=province)
    RecomputeRequest.objects.create(plan=other)
    assert plans_with_pending_recompute([world.plan.pk, other.pk]) == {other.pk}


def test_approving_again_after_a_reopening_adds_a_request(world, agency_a, reporter_a, staff):
    report = approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff,
                            indicators={"I.1": {"value": "60"}})
    report_reopen(report=report, user=staff, reason="Sai số liệu")
    from reports.services import report_submit

    report.refresh_from_db()
    report_submit(report=report, user=reporter_a)
    report_approve(report=report, user=staff)
    assert RecomputeRequest.objects.filter(plan=world.plan).count() == 3


def test_a_full_recompute_today_serves_the_waiting_requests(world, agency_a, reporter_a, staff):
    from progress.services import plan_recompute

    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff, indicators={"I.1": {"value": "60"}})
    plan_recompute(plan=world.plan, indicator_ids=[world.indicators["I.1"].pk])
    assert is_recompute_pending(world.plan.pk)  # a partial recompute is not what the request asked for
    plan_recompute(plan=world.plan)
    assert not is_recompute_pending(world.plan.pk)
