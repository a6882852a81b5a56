"""Every workflow transition of a report, the refused ones, the audit trail and the signals."""

import datetime as dt

import pytest
import time_machine

from reports.models import AgencyReport, ReportEvent
from reports.selectors import report_entry_history, report_permissions
from reports.services import (
    ReportError,
    ReportNotAllowed,
    ReportVersionConflict,
    report_approve,
    report_confirm,
    report_reopen,
    report_return,
    report_save,
    report_submit,
)
from reports.signals import report_approved, report_reopened
from tests.reports.factories import ReportingPolicyFactory

pytestmark = pytest.mark.django_db
Status = AgencyReport.Status


def save(report, user, data, **kwargs):
    return report_save(report=report, user=user, data=data, version=report.version, **kwargs)


def events(report):
    return list(report.events.values_list("action", flat=True))


@pytest.fixture
def submitted_a(report_a, reporter_a):
    save(report_a, reporter_a, {"indicator_entries": [{"indicator": "I.1", "value": "95,5"}]})
    return report_submit(report=report_a, user=reporter_a)


@pytest.fixture
def signals_received():
    received = []

    def receiver(signal, **kwargs):
        received.append((signal, kwargs["report_id"], kwargs["indicator_ids"]))

    report_approved.connect(receiver)
    report_reopened.connect(receiver)
    yield received
    report_approved.disconnect(receiver)
    report_reopened.disconnect(receiver)


def test_draft_saved_by_reporter_bumps_version_and_logs(report_a, reporter_a):
    assert report_a.version == 1
    save(report_a, reporter_a, {"narrative": {"achievements": "Hoàn thành 95% hạ tầng"}})
    assert report_a.version == 2
    assert report_a.achievements == "Hoàn thành 95% hạ tầng"
    assert report_a.entered_by == reporter_a
    assert events(report_a) == [ReportEvent.Action.SAVED]


def test_stale_version_is_a_conflict_and_nothing_is_saved(report_a, reporter_a, head_a):
    read_version = report_a.version
    report_save(report=report_a, user=head_a, data={"narrative": {"achievements": "Của lãnh đạo"}},
                version=read_version)
    stale = AgencyReport.objects.get(pk=report_a.pk)
    stale.version = read_version
    with pytest.raises(ReportVersionConflict) as caught:
        report_save(report=stale, user=reporter_a, data={"narrative": {"achievements": "Của chuyên viên"}},
                    version=read_version)
    assert caught.value.current_version == read_version + 1
    assert "vừa được người khác lưu" in caught.value.message
    assert AgencyReport.objects.get(pk=report_a.pk).achievements == "Của lãnh đạo"


def test_submit_then_approve(submitted_a, staff, signals_received, django_capture_on_commit_callbacks):
    assert submitted_a.status == Status.SUBMITTED
    assert submitted_a.submitted_at is not None
    assert submitted_a.first_submitted_at == submitted_a.submitted_at
    report_approve(report=submitted_a, user=staff)
    assert submitted_a.status == Status.APPROVED
    assert submitted_a.approved_by == staff
    assert events(submitted_a) == ["saved", "submitted", "approved"]
    (signal, report_id, indicator_ids), = signals_received
    assert signal is report_approved
    assert report_id == submitted_a.pk
    assert len(indicator_ids) == 3


def test_return_with_reasons_then_resubmit(submitted_a, staff, reporter_a):
    with time_machine.travel(dt.datetime(2026, 3, 25, 3, tzinfo=dt.UTC)):
        report_return(report=submitted_a, user=staff, reason="Bổ sung số liệu",
                      entry_reasons={"indicator_entries": {"I.1": "Ghi rõ nguồn số liệu"},
                                     "task_entries": {"II.1": "Nêu kết quả cụ thể"}})
    assert submitted_a.status == Status.RETURNED
    assert submitted_a.return_reason == "Bổ sung số liệu"
    assert submitted_a.indicator_entries.get(indicator__code="I.1").return_reason == "Ghi rõ nguồn số liệu"
    returned = submitted_a.events.get(action="returned")
    assert "I.1: Ghi rõ nguồn số liệu" in returned.reason and "II.1: Nêu kết quả cụ thể" in returned.reason
    first = submitted_a.first_submitted_at

    save(submitted_a, reporter_a, {"indicator_entries": [{"indicator": "I.1", "source": "Cục Thống kê"}]})
    with time_machine.travel(dt.datetime(2026, 3, 26, 3, tzinfo=dt.UTC)):
        report_submit(report=submitted_a, user=reporter_a)
    assert submitted_a.status == Status.SUBMITTED
    assert submitted_a.first_submitted_at == first  # rework does not make it late
    assert submitted_a.return_reason == ""
    assert submitted_a.indicator_entries.get(indicator__code="I.1").return_reason == ""


def test_return_needs_a_reason(submitted_a, staff):
    with pytest.raises(ReportError, match="nêu lý do trả lại"):
        report_return(report=submitted_a, user=staff, reason="  ")
    with pytest.raises(ReportError, match="Không có mục X.9"):
        report_return(report=submitted_a, user=staff, reason="", entry_reasons={"indicator_entries": {"X.9": "?"}})
    submitted_a.refresh_from_db()
    assert submitted_a.status == Status.SUBMITTED


def test_approved_is_read_only_until_reopened_with_reason(submitted_a, staff, reporter_a, signals_received):
    report_approve(report=submitted_a, user=staff)
    with pytest.raises(ReportNotAllowed, match="Đã duyệt"):
        save(submitted_a, reporter_a, {"narrative": {"achievements": "sửa"}})
    with pytest.raises(ReportNotAllowed):
        save(submitted_a, staff, {"narrative": {"achievements": "sửa"}}, on_behalf=True)
    with pytest.raises(ReportError, match="lý do mở lại"):
        report_reopen(report=submitted_a, user=staff, reason="")
    report_reopen(report=submitted_a, user=staff, reason="Sai số liệu quý")
    assert submitted_a.status == Status.DRAFT
    assert submitted_a.reopened_reason == "Sai số liệu quý"
    assert submitted_a.approved_at is None
    assert [signal for signal, *_rest in signals_received] == [report_approved, report_reopened]
    save(submitted_a, reporter_a, {"narrative": {"achievements": "đã sửa"}})


@pytest.mark.parametrize("who", ["reporter_b", "leader", "other_staff", "outsider", "head_a"])
def test_who_may_not_approve(submitted_a, request, who):
    with pytest.raises(ReportNotAllowed):
        report_approve(report=submitted_a, user=request.getfixturevalue(who))
    submitted_a.refresh_from_db()
    assert submitted_a.status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["reporter_b", "leader", "other_staff", "outsider", "staff"])
def test_who_may_not_save_or_submit_an_agency_draft(report_a, request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(ReportNotAllowed):
        save(report_a, user, {"narrative": {"achievements": "x"}})
    with pytest.raises(ReportNotAllowed):
        report_submit(report=report_a, user=user)
    assert AgencyReport.objects.get(pk=report_a.pk).status == Status.DRAFT


def test_refused_transitions_by_status(report_a, reporter_a, staff):
    with pytest.raises(ReportNotAllowed):
        report_approve(report=report_a, user=staff)  # a draft
    with pytest.raises(ReportNotAllowed):
        report_return(report=report_a, user=staff, reason="x")
    with pytest.raises(ReportNotAllowed):
        report_reopen(report=report_a, user=staff, reason="x")  # not approved
    with pytest.raises(ReportNotAllowed):
        report_confirm(report=report_a, user=reporter_a)
    report_submit(report=report_a, user=reporter_a)
    with pytest.raises(ReportNotAllowed, match="Đã gửi"):
        report_submit(report=report_a, user=reporter_a)  # already submitted
    with pytest.raises(ReportNotAllowed):
        save(report_a, reporter_a, {"narrative": {"achievements": "x"}})


def test_head_confirmation_when_the_province_requires_it(province, report_a, reporter_a, head_a, staff):
    ReportingPolicyFactory(province=province, require_head_confirmation=True)
    report_submit(report=report_a, user=reporter_a)
    assert report_a.status == Status.AWAITING_CONFIRMATION
    assert report_a.submitted_at is None
    with pytest.raises(ReportNotAllowed):
        report_approve(report=report_a, user=staff)
    with pytest.raises(ReportNotAllowed):
        report_confirm(report=report_a, user=reporter_a)
    report_confirm(report=report_a, user=head_a)
    assert report_a.status == Status.SUBMITTED
    assert report_a.confirmed_by == head_a
    assert report_a.submitted_at is not None
    assert events(report_a) == ["submitted", "confirmed"]


def test_head_submits_directly_even_with_confirmation(province, report_a, head_a):
    ReportingPolicyFactory(province=province, require_head_confirmation=True)
    report_submit(report=report_a, user=head_a)
    assert report_a.status == Status.SUBMITTED
    assert report_a.confirmed_by == head_a


def test_staff_enter_on_behalf_and_submit(report_a, staff):
    report_save(report=report_a, user=staff, version=report_a.version, on_behalf=True,
                data={"source_reference": "Công văn số 123/STTTT-BCVT ngày 05/10/2026",
                      "indicator_entries": [{"indicator": "I.1", "value": 91}]})
    assert report_a.entered_on_behalf
    assert report_a.source_reference.startswith("Công văn số 123")
    assert events(report_a) == ["entered_on_behalf"]
    report_submit(report=report_a, user=staff)
    assert report_a.status == Status.SUBMITTED


def test_other_province_staff_cannot_enter_on_behalf(report_a, other_staff):
    with pytest.raises(ReportNotAllowed):
        report_save(report=report_a, user=other_staff, version=report_a.version, on_behalf=True, data={})


def test_every_entry_change_is_kept(report_a, reporter_a, head_a):
    save(report_a, reporter_a, {"indicator_entries": [{"indicator": "I.1", "value": "80"}]})
    save(report_a, head_a, {"indicator_entries": [{"indicator": "I.1", "value": "85,5"}],
                            "task_entries": [{"task": "II.1", "status": "in_progress", "progress": 40}]})
    entry = report_a.indicator_entries.get(indicator__code="I.1")
    values = [(row.value, row.history_user) for row in entry.history.order_by("history_date")]
    assert [value for value, _user in values if value is not None] == [80, 85.5]
    assert values[-1][1] == head_a
    rows = report_entry_history(report_a)
    assert any(getattr(row, "task", None) and row.progress == 40 for row in rows)
    assert rows[0].history_date >= rows[-1].history_date


def test_permissions_follow_status(report_a, reporter_a, staff, leader, reporter_b):
    assert report_permissions(reporter_a, report_a).can_edit
    assert not report_permissions(reporter_a, report_a).can_review
    assert report_permissions(leader, report_a).can_view
    assert not report_permissions(leader, report_a).can_edit
    assert not report_permissions(reporter_b, report_a).can_view
    report_submit(report=report_a, user=reporter_a)
    reporter_a_fresh = type(reporter_a).objects.get(pk=reporter_a.pk)
    assert not report_permissions(reporter_a_fresh, report_a).can_edit
    assert report_permissions(staff, report_a).can_review


def test_head_sends_back_instead_of_confirming(province, report_a, reporter_a, head_a, reporter_b):
    from reports.services import report_send_back

    ReportingPolicyFactory(province=province, require_head_confirmation=True)
    report_submit(report=report_a, user=reporter_a)
    with pytest.raises(ReportNotAllowed):
        report_send_back(report=report_a, user=reporter_a, reason="x")
    with pytest.raises(ReportError, match="nêu điều cần sửa"):
        report_send_back(report=report_a, user=head_a, reason=" ")
    report_send_back(report=report_a, user=head_a, reason="Bổ sung số liệu tháng 3")
    assert report_a.status == Status.DRAFT
    assert report_a.return_reason == "Bổ sung số liệu tháng 3"
    assert events(report_a) == ["submitted", "sent_back"]
    save(report_a, reporter_a, {"narrative": {"achievements": "Đã bổ sung"}})
    assert AgencyReport.objects.with_compliance().get(pk=report_a.pk).returned_count == 0
