"""The table of workflow actions: each runs its service, says what happened, and refuses whoever lacks
its permission flag (the same answer the pages, the API and the admin give)."""

import pytest

from reports.actions import ACTIONS, perform, perform_many
from reports.models import AgencyReport
from reports.selectors import ReportPermissions, report_permissions
from reports.services import ReportError, report_submit
from tests.reports.factories import ReportingPolicyFactory

pytestmark = pytest.mark.django_db

Status = AgencyReport.Status


def test_the_table_names_every_action_once_with_a_real_permission_flag():
    assert set(ACTIONS) == {"submit", "confirm", "send_back", "approve", "return", "reopen", "submit_and_approve"}
    flags = set(ReportPermissions.__dataclass_fields__)
    assert {action.permission for action in ACTIONS.values()} <= flags
    assert [action.api_name for action in ACTIONS.values() if action.in_api] == [
        "submit", "confirm", "send-back", "approve", "return", "reopen"]


@pytest.mark.parametrize("name,status_before,who,reason,status_after", [
    ("submit", Status.DRAFT, "reporter_a", "", Status.SUBMITTED),
    ("approve", Status.SUBMITTED, "staff", "", Status.APPROVED),
    ("return", Status.SUBMITTED, "staff", "Thiếu nguồn", Status.RETURNED),
])
def test_an_action_runs_its_service_only_for_who_may(report_a, request, reporter_a, name, status_before, who,
                                                     reason, status_after):
    if status_before == Status.SUBMITTED:
        report_submit(report=report_a, user=reporter_a)
    for outsider in ("reporter_b", "leader", "other_staff"):
        user = request.getfixturevalue(outsider)
        assert not getattr(report_permissions(user, report_a), ACTIONS[name].permission)
        with pytest.raises(ReportError):
            perform(name, report=report_a, user=user, reason=reason)
    user = request.getfixturevalue(who)
    assert getattr(report_permissions(user, report_a), ACTIONS[name].permission)
    message = perform(name, report=report_a, user=user, reason=reason)
    report_a.refresh_from_db()
    assert report_a.status == status_after
    assert message.startswith("Đã ")


def test_submit_says_where_the_report_went(province, report_a, reporter_a):
    ReportingPolicyFactory(province=province, require_head_confirmation=True)
    assert perform("submit", report=report_a, user=reporter_a) == "Đã gửi báo cáo cho lãnh đạo đơn vị xác nhận."


def test_bulk_approve_goes_on_after_a_refusal(report_a, report_b, reporter_a, staff):
    report_submit(report=report_a, user=reporter_a)
    outcome = perform_many("approve", reports=[report_b, report_a], user=staff)
    assert (outcome.done, outcome.message) == (1, "Đã duyệt 1 báo cáo.")
    assert outcome.refused[0].startswith("UBND phường Cao Lãnh: Không thể duyệt báo cáo")
