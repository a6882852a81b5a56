"""Sở KH&CN entering an agency's report on its behalf: compositions of `reports.services`, nothing more.

The agency's own workflow functions do the work (permissions, validation, version, history, events,
the `report_approved` signal); these only bundle the steps staff take in one go in the admin.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from reports.models import AgencyReport, ReportEvent
from reports.services import attachment_add, attachment_remove, report_approve, report_save, report_submit


def report_enter_on_behalf(*, report: AgencyReport, user, data: dict, version: int | None,
                           uploads: list | None = None, removed_attachments: list | None = None) -> AgencyReport:
    """Save what staff typed from an agency's dispatch (entries, narrative, `source_reference`) and the
    files attached or removed with it, all or nothing."""
    with transaction.atomic():
        report_save(report=report, user=user, data=data, version=version, on_behalf=True)
        for attachment in removed_attachments or []:
            attachment_remove(attachment=attachment, user=user)
        for uploaded_file in uploads or []:
            attachment_add(report=report, user=user, uploaded_file=uploaded_file)
    return report


def report_submit_and_approve(*, report: AgencyReport, user) -> AgencyReport:
    """Staff submit a report they entered on the agency's behalf and approve it in one step.

    Both events are recorded as usual (submitted, approved, by the same person at the same moment); the
    approval's reason says it was done in one step, so the audit trail does not read as a review."""
    with transaction.atomic():
        report_submit(report=report, user=user)
        report_approve(report=report, user=user)
        approval = report.events.filter(action=ReportEvent.Action.APPROVED).order_by("-at", "-pk").first()
        reason = _("Sở KH&CN nhập thay, gửi và duyệt trong một bước.")
        if report.source_reference:
            reason = f"{reason} " + _("Văn bản nguồn: %(source)s.") % {"source": report.source_reference}
        ReportEvent.objects.filter(pk=approval.pk).update(reason=reason)
    return report
