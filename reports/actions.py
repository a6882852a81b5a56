"""The workflow actions of a report, in one table: action → service → success message → who may.

The report pages, the API (/api/v1/reports/<id>/<action>/) and the admin all run an action through
`perform` (one report) or `perform_many` (bulk approve, bulk submit on behalf), so the three agree on
what happens and what people are told. Who may is the `ReportPermissions` flag named in the table
(`reports.selectors.report_permissions`, from `agencies.roles`); the service checks it again under the
report's row lock and refuses with a `ReportError` otherwise.

| action               | service                          | who may (flag)   | input                 |
|----------------------|----------------------------------|------------------|-----------------------|
| submit               | report_submit                    | can_submit       |                       |
| confirm              | report_confirm                   | can_confirm      |                       |
| send_back            | report_send_back                 | can_confirm      | reason                |
| approve              | report_approve                   | can_review       |                       |
| return               | report_return                    | can_review       | reason, entry_reasons |
| reopen               | report_reopen                    | can_reopen       | reason                |
| submit_and_approve   | report_submit_and_approve        | can_submit, staff (admin only) |         |
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.roles import AGENCY_ROLES, access
from reports import services
from reports.models import AgencyReport
from reports.services_on_behalf import report_submit_and_approve


def _submitted(report: AgencyReport, user) -> str:
    if report.status == AgencyReport.Status.AWAITING_CONFIRMATION:
        return _("Đã gửi báo cáo cho lãnh đạo đơn vị xác nhận.")
    if not access(user).in_agency(report.agency_id, *AGENCY_ROLES):
        return _("Đã gửi thay báo cáo của %(agency)s.") % {"agency": report.agency.name}
    return (_("Đã gửi báo cáo đến Sở Khoa học và Công nghệ lúc %(time)s.")
            % {"time": f"{timezone.localtime(report.submitted_at):%H:%M %d/%m/%Y}"})


@dataclass(frozen=True)
class Action:
    name: str
    service: Callable[..., AgencyReport]
    done: Callable[[AgencyReport, object], str]  # (report after the action, user) → the success message
    permission: str  # the ReportPermissions flag of who may
    takes_reason: bool = False
    takes_entry_reasons: bool = False
    in_api: bool = True

    @property
    def api_name(self) -> str:
        """The action's URL segment in the API ("send-back")."""
        return self.name.replace("_", "-")

    def run(self, *, report: AgencyReport, user, reason: str = "", entry_reasons: dict | None = None) -> str:
        """Call the service; return the success message (raises `ReportError` when refused)."""
        arguments = {"report": report, "user": user}
        if self.takes_reason:
            arguments["reason"] = reason
        if self.takes_entry_reasons:
            arguments["entry_reasons"] = entry_reasons
        self.service(**arguments)
        return self.done(report, user)


ACTIONS: dict[str, Action] = {action.name: action for action in (
    Action("submit", services.report_submit, _submitted, "can_submit"),
    Action("confirm", services.report_confirm,
           lambda report, user: _("Đã xác nhận và gửi báo cáo đến Sở Khoa học và Công nghệ."), "can_confirm"),
    Action("send_back", services.report_send_back,
           lambda report, user: _("Đã trả báo cáo cho người báo cáo của đơn vị để sửa."), "can_confirm",
           takes_reason=True),
    Action("approve", services.report_approve,
           lambda report, user: _("Đã duyệt báo cáo %(period)s của %(agency)s.")
           % {"period": report.period.label, "agency": report.agency.name}, "can_review"),
    Action("return", services.report_return,
           lambda report, user: _("Đã trả lại báo cáo cho %(agency)s.") % {"agency": report.agency.name},
           "can_review", takes_reason=True, takes_entry_reasons=True),
    Action("reopen", services.report_reopen,
           lambda report, user: _("Đã mở lại báo cáo; đơn vị có thể sửa và gửi lại."), "can_reopen",
           takes_reason=True),
    Action("submit_and_approve", report_submit_and_approve,
           lambda report, user: _("Đã gửi và duyệt báo cáo của %(agency)s trong một bước.")
           % {"agency": report.agency.name}, "can_submit", in_api=False),
)}

#: The bulk forms of an action: how many were done.
BULK_DONE = {
    "approve": lambda count: _("Đã duyệt %(count)s báo cáo.") % {"count": count},
    "submit": lambda count: _("Đã gửi %(count)s báo cáo.") % {"count": count},
    "submit_and_approve": lambda count: _("Đã gửi và duyệt %(count)s báo cáo.") % {"count": count},
}


def perform(name: str, *, report: AgencyReport, user, reason: str = "", entry_reasons: dict | None = None) -> str:
    """Run the action `name` on one report; the success message, or `ReportError` with the refusal."""
    return ACTIONS[name].run(report=report, user=user, reason=reason, entry_reasons=entry_reasons)


@dataclass
class BulkOutcome:
    done: int
    refused: list[str]  # "<agency>: <why>", one line per report refused
    message: str  # "Đã duyệt 3 báo cáo."


def perform_many(name: str, *, reports: Iterable[AgencyReport], user) -> BulkOutcome:
    """Run the action on each report on its own (one refusal does not stop the others)."""
    done, refused = 0, []
    for report in reports:
        try:
            perform(name, report=report, user=user)
        except services.ReportError as error:
            refused.append(f"{report.agency.name}: {error.message}")
        else:
            done += 1
    return BulkOutcome(done=done, refused=refused, message=BULK_DONE[name](done))
