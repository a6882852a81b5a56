"""Issue 14: the API's read, save and submit cost a fixed number of queries, however many entries a report
has; the set-based write of the entries keeps what it did not change and records one history row per entry;
the entries' JSON is what DRF's declared fields give."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from reports.models import IndicatorEntry, ReportEvent, SaveReceipt, TaskEntry
from reports.serializers import IndicatorEntrySerializer, TaskEntrySerializer
from reports.services import report_save
from tests.factories import IndicatorFactory, TaskFactory

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(report, action=""):
    return f"/api/v1/reports/{report.pk}/" + (f"{action}/" if action else "")


def grow(world, agency, count):
    """`count` more indicators (of each kind) and tasks for the agency, with their entries in its open report."""
    from reports.services import periods_open

    start = len(world.indicators)
    kinds = [{"value_type": "percent", "unit": "%"}, {"value_type": "count", "unit": "người", "aggregation": "sum"},
             {"value_type": "percent", "unit": "%", "aggregation": "ratio"}, {"value_type": "milestone", "unit": ""}]
    for n in range(count):
        code = f"X.{start + n}"
        world.indicators[code] = IndicatorFactory(plan=world.plan, code=code, order=100 + start + n,
                                                  **kinds[n % len(kinds)])
        world.indicators[code].lead_agencies.add(agency)
        task = TaskFactory(plan=world.plan, code=f"Y.{start + n}", order=100 + start + n)
        task.lead_agencies.add(agency)
        world.tasks[task.code] = task
    periods_open(plan=world.plan, today=dt.date(2026, 3, 1))


def full_payload(report, n):
    """A value for every entry of the report, by its indicator's kind (every other one with a note), and a
    status for every task."""
    items = []
    for index, entry in enumerate(IndicatorEntry.objects.filter(report=report).select_related("indicator")):
        indicator, item = entry.indicator, {"indicator": entry.indicator.code}
        if index % 2:
            item["note"] = f"lần {n}"
        if indicator.value_type == "milestone":
            item["milestone_state"] = "in_progress"
        elif indicator.aggregation == "ratio":
            item.update(numerator=40 + n, denominator=100)
        elif indicator.value_type == "count":
            item["value"] = 10 + n
        else:
            item["value"] = f"{90 + n},5"
        items.append(item)
    tasks = [{"task": entry.task.code, "status": "in_progress", "progress": 10 + n}
             for entry in TaskEntry.objects.filter(report=report).select_related("task")]
    return {"indicator_entries": items, "task_entries": tasks}


def counted_calls(report, user, django_assert_max_num_queries, limits):
    """Read, save (every entry), submit through the API, each within its query budget."""
    client = api(user)
    with django_assert_max_num_queries(limits["read"]):
        version = client.get(url(report)).json()["version"]
    body = {**full_payload(report, 1), "version": version}
    with django_assert_max_num_queries(limits["save"]):
        saved = client.patch(url(report), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert saved.status_code == 200, saved.json()
    with django_assert_max_num_queries(limits["submit"]):
        submitted = client.post(url(report, "submit"), {}, format="json")
    assert submitted.status_code == 200, submitted.json()
    return saved.json()


@pytest.fixture
def big_report(world, agency_a, report_a):
    """report_a with 60 more indicators and tasks (added before anything was submitted)."""
    grow(world, agency_a, 60)
    report_a.refresh_from_db()
    assert IndicatorEntry.objects.filter(report=report_a).count() == 63
    return report_a


def test_save_and_submit_query_counts_are_fixed(world, agency_a, agency_b, reporter_a, reporter_b, report_b,
                                                 big_report, django_assert_max_num_queries):
    """The same budget for a report of 1 indicator and 1 task (agency B) as for one of 63 and 61 (agency A)."""
    # read: the report and its two kinds of entries. save: the report, the caller's memberships, the report
    # locked, the caller's receipt, the two kinds of entries, the previous values, one write per kind of entry,
    # the version, the report, its history row, event and receipt, the answer's two reads of entries (+ the
    # test's savepoint and its release). submit: the report, locked, the reporting switches, the entries' return
    # reasons cleared, the version, the report, its history row and event, the answer's two reads (+ 2).
    limits = {"read": 3, "save": 18, "submit": 13}
    small = counted_calls(report_b, reporter_b, django_assert_max_num_queries, limits)
    big = counted_calls(big_report, reporter_a, django_assert_max_num_queries, limits)
    assert len(small["indicator_entries"]) == 1 and len(big["indicator_entries"]) == 63
    assert len(big["task_entries"]) == 61


def test_set_based_write_keeps_what_it_does_not_change_and_records_history(world, reporter_a, report_a):
    report_save(report=report_a, user=reporter_a, version=1, data={"indicator_entries": [
        {"indicator": "I.1", "value": "95,5", "note": "Cục Thống kê", "source": "Niên giám", "as_of": "31/03/2026"},
        {"indicator": "I.2", "numerator": "45", "denominator": "50"}],
        "task_entries": [{"task": "II.1", "status": "in_progress", "progress": 40, "done": "Lắp 20 trạm"}]})
    # each entry changes other fields: what is not sent stays as stored
    report_save(report=report_a, user=reporter_a, version=2, data={"indicator_entries": [
        {"indicator": "I.1", "note": "Sửa ghi chú"}, {"indicator": "I.2", "denominator": "60"},
        {"indicator": "I.3", "milestone_state": "completed"}],
        "task_entries": [{"task": "II.1", "next": "Lắp 10 trạm"}]})
    first, ratio, milestone = IndicatorEntry.objects.filter(report=report_a).order_by("indicator__order")
    assert (first.value, first.note, first.source, first.as_of) == (Decimal("95.5"), "Sửa ghi chú", "Niên giám",
                                                                    dt.date(2026, 3, 31))
    assert (ratio.numerator, ratio.denominator, ratio.value) == (45, 60, Decimal("75"))
    assert milestone.milestone_state == "completed"
    task = TaskEntry.objects.get(report=report_a)
    assert (task.status, task.progress, task.done, task.next_steps) == ("in_progress", 40, "Lắp 20 trạm",
                                                                       "Lắp 10 trạm")
    history = IndicatorEntry.history.filter(report_id=report_a.pk, history_type="~").order_by("history_id")
    assert [(row.indicator_id, row.note, row.history_user_id, row.history_change_reason) for row in history] == [
        (world.indicators["I.1"].pk, "Cục Thống kê", reporter_a.pk, ""),
        (world.indicators["I.2"].pk, "", reporter_a.pk, ""),
        (world.indicators["I.1"].pk, "Sửa ghi chú", reporter_a.pk, ""),
        (world.indicators["I.2"].pk, "", reporter_a.pk, ""),
        (world.indicators["I.3"].pk, "", reporter_a.pk, ""),
    ]
    assert history.last().milestone_state == "completed"
    assert [row.denominator for row in history if row.indicator_id == world.indicators["I.2"].pk] == [50, 60]
    tasks = TaskEntry.history.filter(report_id=report_a.pk, history_type="~").order_by("history_id")
    assert [(row.progress, row.next_steps) for row in tasks] == [(40, ""), (40, "Lắp 10 trạm")]


def test_set_based_write_leaves_other_reports_alone(world, reporter_a, report_a, report_b):
    before = list(IndicatorEntry.objects.filter(report=report_b).values())
    report_save(report=report_a, user=reporter_a, version=1,
                data={"indicator_entries": [{"indicator": "I.1", "value": 50}]})
    assert list(IndicatorEntry.objects.filter(report=report_b).values()) == before
    assert not IndicatorEntry.history.filter(report_id=report_b.pk, history_type="~").exists()


def test_entry_json_is_what_drfs_fields_give(world, reporter_a, report_a):
    report_save(report=report_a, user=reporter_a, version=1, data={"indicator_entries": [
        {"indicator": "I.1", "value": "95,5", "note": "Cục Thống kê", "source": "Niên giám", "as_of": "31/03/2026"},
        {"indicator": "I.2", "numerator": "1.016", "denominator": "1.095"}],
        "task_entries": [{"task": "II.1", "status": "completed", "done": "Xong", "next": "Duy trì"}]})
    entries = list(IndicatorEntry.objects.filter(report=report_a).select_related("indicator"))
    entries[2].return_reason = "Ghi nguồn"  # one still empty entry, with a return reason
    indicator_serializer = IndicatorEntrySerializer()
    for entry in entries:
        assert indicator_serializer.to_representation(entry) == indicator_serializer.generic_representation(entry)
    task_serializer = TaskEntrySerializer()
    for entry in TaskEntry.objects.filter(report__plan=world.plan).select_related("task"):
        assert task_serializer.to_representation(entry) == task_serializer.generic_representation(entry)


def test_a_repeated_key_after_an_edit_moves_its_receipt_on(world, reporter_a, report_a):
    client = api(reporter_a)
    body = {"version": 1, "indicator_entries": [{"indicator": "I.1", "value": "88"}]}
    assert client.patch(url(report_a), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 200
    edited = {"version": 1, "indicator_entries": [{"indicator": "I.1", "value": "89"}]}
    answer = client.patch(url(report_a), edited, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert answer.status_code == 200 and answer.json()["version"] == 3
    receipt = SaveReceipt.objects.get(report=report_a, idempotency_key="k-1")
    assert (receipt.from_version, receipt.version) == (2, 3)
    assert ReportEvent.objects.filter(report=report_a, action="saved").count() == 2
