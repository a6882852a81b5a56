"""Compliance per period and agency, and the on-time boundary in Asia/Ho_Chi_Minh."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.models import AgencyReport
from reports.selectors import completeness, compliance_by_agency, compliance_totals
from reports.services import report_approve, report_reopen, report_return, report_save, report_submit
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def submit_at(report, user, moment):
    with time_machine.travel(moment, tick=False):
        report_submit(report=report, user=user)


def facts(report, today=dt.date(2026, 4, 1)):
    row = AgencyReport.objects.with_compliance(today).get(pk=report.pk)
    return {name: getattr(row, name) for name in ("is_on_time", "is_late", "is_missing", "is_pending")}


@pytest.mark.parametrize("moment,on_time", [
    (dt.datetime(2026, 3, 19, 23, 59, tzinfo=VIETNAM), True),
    (dt.datetime(2026, 3, 19, 23, 59, 59, 999999, tzinfo=VIETNAM), True),
    (dt.datetime(2026, 3, 20, 0, 0, tzinfo=VIETNAM), False),
    (dt.datetime(2026, 3, 19, 16, 59, tzinfo=dt.UTC), True),  # 23:59 in Vietnam
    (dt.datetime(2026, 3, 19, 17, 0, tzinfo=dt.UTC), False),  # 00:00 on the 20th in Vietnam
])
def test_on_time_boundary(report_a, reporter_a, moment, on_time):
    submit_at(report_a, reporter_a, moment)
    assert facts(report_a) == {"is_on_time": on_time, "is_late": not on_time, "is_missing": False,
                               "is_pending": False}
    assert (report_a.submitted_at < report_a.period.due_at) is on_time


def test_missing_once_the_due_day_comes(report_a):
    assert facts(report_a, today=dt.date(2026, 3, 19))["is_pending"] is True
    assert facts(report_a, today=dt.date(2026, 3, 20))["is_missing"] is True


def test_compliance_by_agency_in_the_database(world, province, report_a, report_b, reporter_a, reporter_b, staff,
                                              django_assert_max_num_queries):
    report_save(report=report_a, user=reporter_a, version=1, data={
        "indicator_entries": [{"indicator": "I.1", "value": "90"}, {"indicator": "I.3", "milestone_state": "completed"}],
        "task_entries": [{"task": "II.1", "status": "in_progress", "progress": 30}]})
    submit_at(report_a, reporter_a, dt.datetime(2026, 3, 18, 9, tzinfo=VIETNAM))
    report_return(report=report_a, user=staff, reason="Bổ sung")
    submit_at(report_a, reporter_a, dt.datetime(2026, 3, 25, 9, tzinfo=VIETNAM))
    # a third agency that never reports
    agency_c = AgencyFactory(province=province, name="Sở Tài chính")
    world.indicators["I.1"].lead_agencies.add(agency_c)
    from reports.services import expected_reports_create

    assert expected_reports_create(period=world.period()) == 1
    MembershipFactory(user=UserFactory(), agency=agency_c)
    submit_at(report_b, reporter_b, dt.datetime(2026, 3, 21, 9, tzinfo=VIETNAM))

    period = world.period()
    with django_assert_max_num_queries(4):
        rows = {row["agency__name"]: row for row in compliance_by_agency(plan=world.plan, period=period,
                                                                        today=dt.date(2026, 4, 1))}
    assert {name: (r["expected"], r["on_time"], r["late"], r["missing"], r["returned"],
                   r["entries_filled"], r["entries_assigned"]) for name, r in rows.items()} == {
        "Sở Y tế": (1, 1, 0, 0, 1, 3, 4),
        "UBND phường Cao Lãnh": (1, 0, 1, 0, 0, 0, 2),
        "Sở Tài chính": (1, 0, 0, 1, 0, 0, 1),
    }
    totals = compliance_totals(plan=world.plan, period=world.period(), today=dt.date(2026, 4, 1))
    assert totals == {"expected": 3, "on_time": 1, "late": 1, "missing": 1, "pending": 0, "returned": 1,
                      "entries_filled": 3, "entries_assigned": 7}
    assert completeness(3, 7) == Decimal("42.9")
    assert completeness(0, 0) is None


def test_compliance_counts_a_submitted_report_once_until_it_changes(world, report_a, report_b, reporter_a, reporter_b,
                                                                    staff, django_assert_num_queries):
    period = world.period()

    def entry_counts_of(agency_id):
        row = next(row for row in compliance_by_agency(plan=world.plan, period=period,
                                                       today=dt.date(2026, 4, 1)) if row["agency_id"] == agency_id)
        return row["entries_filled"], row["entries_assigned"]

    report_save(report=report_a, user=reporter_a, version=report_a.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": "90"}]})
    report_submit(report=report_a, user=reporter_a)
    report_submit(report=report_b, user=reporter_b)
    filled, assigned = entry_counts_of(report_a.agency_id)
    assert filled == 1
    # Both reports submitted: their counts now come from the cache (the facts and the reports, no entries).
    with django_assert_num_queries(2):
        assert entry_counts_of(report_a.agency_id) == (filled, assigned)
    report_approve(report=report_a, user=staff)
    report_reopen(report=report_a, user=staff, reason="Sửa số liệu")
    report_a.refresh_from_db()
    report_save(report=report_a, user=reporter_a, version=report_a.version,
                data={"indicator_entries": [{"indicator": "I.3", "milestone_state": "completed"}]})
    assert entry_counts_of(report_a.agency_id) == (2, assigned)  # being written again: counted live
    report_submit(report=report_a, user=reporter_a)
    assert entry_counts_of(report_a.agency_id) == (2, assigned)  # a new version: counted anew


def test_compliance_across_periods_per_agency(world, agency_a):
    rows = list(compliance_by_agency(plan=world.plan, today=dt.date(2026, 12, 31)))
    row_a = next(row for row in rows if row["agency_id"] == agency_a.pk)
    # periods opened by 2026-03-01: 2026-Q1 and the annual 2026-Y
    assert (row_a["expected"], row_a["missing"], row_a["pending"]) == (2, 2, 0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset_seconds=st.integers(min_value=-3 * 86400, max_value=3 * 86400))
def test_database_and_python_agree_on_time(report_a, offset_seconds):
    """Around the deadline, the SQL annotation says "on time" exactly when the instant is before due_at."""
    moment = report_a.period.due_at + dt.timedelta(seconds=offset_seconds)
    AgencyReport.objects.filter(pk=report_a.pk).update(first_submitted_at=moment, submitted_at=moment)
    row = AgencyReport.objects.with_compliance(dt.date(2026, 4, 1)).get(pk=report_a.pk)
    assert row.is_on_time is (moment < report_a.period.due_at)
    assert row.is_late is not row.is_on_time
