"""Every write of the reports layer. Views, the API, the admin, Celery tasks and commands call these.

Each function takes keyword arguments only, runs in one transaction and raises `ReportError` (or a
subclass) with a Vietnamese message when the write is refused; nothing is written then.

Workflow: draft → (awaiting_confirmation →) submitted → approved, or submitted → returned → submitted …;
approved → draft again only by `report_reopen` with a reason.
"""

import datetime as dt
import hashlib
import io
import json
import logging
import zipfile
from collections import defaultdict

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from agencies.clock import local_today
from agencies.errors import UserError
from agencies.models import Agency, Membership
from agencies.roles import Role, access
from agencies.uploads import UploadRefused, check_archive
from indicators.models import Indicator
from plans.models import Plan, Task
from reports.models import (
    AgencyReport,
    Attachment,
    DeadlineChange,
    IndicatorEntry,
    RecomputeRequest,
    ReminderLog,
    ReportEvent,
    ReportingPeriod,
    ReportingPolicy,
    ReviewDigestLog,
    SaveReceipt,
    TaskEntry,
)
from reports.selectors import (
    empty_entries,
    report_permissions,
    reporting_settings,
    staff_of_province,
)
from reports.signals import approved_values_changed, report_approved, report_reopened
from reports.validation import validate_report_data

logger = logging.getLogger(__name__)

Status = AgencyReport.Status
Action = ReportEvent.Action

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
# Fields of a report's data only the Sở writes, when it enters a paper report on an agency's behalf.
STAFF_ONLY_FIELDS = ("source_reference", "entered_on_behalf", "on_behalf", "entered_by")
# Detected extension → stored content type. DOCX and XLSX are zip files told apart by their parts.
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
HEAD_ESCALATION_DAYS = 3  # after the due day, reporters are told first; the agency head this many days later
REMINDER_HORIZON_DAYS = 30  # older misses are dashboard business, not e-mail


class ReportError(UserError):
    """A refused write of the reports layer."""


class ReportNotAllowed(ReportError):
    """The user may not do this with this report (or the report's status does not allow it)."""

    http_status = 403


class ReportVersionConflict(ReportError):
    """Someone saved the report after the caller read it (HTTP 409)."""

    http_status = 409

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version

    @property
    def details(self) -> dict:
        return {"current_version": self.current_version}


class ReportIncomplete(ReportError):
    """The plan or province requires every assigned item before submission, and some are empty."""

    def __init__(self, empty: dict) -> None:
        shown = ", ".join(empty["items"][:20]) + (" …" if len(empty["items"]) > 20 else "")
        super().__init__(_("Chưa gửi được: còn %(empty)s/%(assigned)s mục chưa nhập (%(items)s). Kế hoạch này yêu cầu "
                           "nhập đủ mọi chỉ tiêu, nhiệm vụ được giao trước khi gửi.")
                         % {"empty": empty["empty"], "assigned": empty["assigned"], "items": shown})
        self.empty = empty


class ReportDataInvalid(ReportError, ValidationError):
    """The data did not validate; `errors` mirrors the data (see reports.validation)."""

    def __init__(self, errors: dict) -> None:
        ReportError.__init__(self, _("Dữ liệu chưa hợp lệ, vui lòng xem lỗi bên cạnh từng ô."))
        ValidationError.__init__(self, self.message)
        self.errors = errors

    @property
    def details(self) -> dict:
        return self.errors


# ---------------------------------------------------------------- periods and expected reports


def period_calendar(*, plan: Plan, year: int, quarter: int | None) -> dict:
    """Dates of one period of `plan` (pure: no database).

    Quarterly: due before `plan.quarterly_due_day` of the quarter's last month; annual: before
    `annual_due_day/annual_due_month`. Data cut-off (Nghị định 09/2019/NĐ-CP): the 15th of the month
    before the period to the 14th of its last month.
    """
    if quarter is None:
        first_month, last_month = 1, 12
        code, kind = f"{year}-Y", ReportingPeriod.Kind.ANNUAL
        due_on = dt.date(year, plan.annual_due_month, plan.annual_due_day)
    else:
        first_month, last_month = 3 * quarter - 2, 3 * quarter
        code, kind = f"{year}-Q{quarter}", ReportingPeriod.Kind.QUARTER
        due_on = dt.date(year, last_month, plan.quarterly_due_day)
    starts_on = dt.date(year, first_month, 1)
    next_month_first = dt.date(year + last_month // 12, last_month % 12 + 1, 1)
    data_from = (starts_on - dt.timedelta(days=1)).replace(day=15)
    return {
        "plan": plan, "code": code, "kind": kind, "year": year, "quarter": quarter,
        "starts_on": starts_on, "ends_on": next_month_first - dt.timedelta(days=1),
        "data_from": data_from, "data_to": dt.date(year, last_month, 14), "due_on": due_on,
    }


def periods_open(*, plan: Plan, today: dt.date | None = None) -> int:
    """Create the plan's periods (Q1–Q4 and the annual one for every year of the plan) and the expected
    reports of every period that has started by `today`. Idempotent. Returns the number of periods created."""
    today = today or local_today()
    with transaction.atomic():
        existing = set(ReportingPeriod.objects.filter(plan=plan).values_list("code", flat=True))
        new_periods = [ReportingPeriod(**calendar)
                       for year in plan.years for quarter in (1, 2, 3, 4, None)
                       if (calendar := period_calendar(plan=plan, year=year, quarter=quarter))["code"] not in existing]
        ReportingPeriod.objects.bulk_create(new_periods, ignore_conflicts=True)
        open_periods = list(ReportingPeriod.objects.filter(plan=plan).open(today))
        if open_periods:
            expected_items = _expected_items(plan)  # once per plan, not once per period
            for period in open_periods:
                _expected_reports_write(period, *expected_items)
    return len(new_periods)


DEADLINE_FIELDS = ("quarterly_due_day", "annual_due_month", "annual_due_day")


def _move_periods(plan: Plan, today: dt.date) -> int:
    """Re-date the plan's periods not yet due to its deadlines; a due day already come stays (compliance
    was judged by it), and a new due day never falls on or before today."""
    moved = []
    for period in ReportingPeriod.objects.select_for_update().filter(plan=plan, due_on__gt=today):
        due_on = period_calendar(plan=plan, year=period.year, quarter=period.quarter)["due_on"]
        if due_on != period.due_on and due_on > today:
            period.due_on = due_on
            moved.append(period)
    ReportingPeriod.objects.bulk_update(moved, ["due_on"])
    return len(moved)


def plan_deadlines_set(*, plan: Plan, quarterly_due_day: int | None = None, annual_due_month: int | None = None,
                       annual_due_day: int | None = None, user=None, reason: str = "",
                       today: dt.date | None = None) -> Plan:
    """Give a plan its own reporting deadlines (seed 001: the annual report before 15/12) and move the due day
    of its periods (so of their expected reports) not yet due. Recorded as a DeadlineChange. Reminders already
    sent stay sent and are not sent again (one ReminderLog per report and kind)."""
    wanted = {"quarterly_due_day": quarterly_due_day, "annual_due_month": annual_due_month,
              "annual_due_day": annual_due_day}
    with transaction.atomic():
        _plan_deadlines_write(plan, wanted, user=user, reason=reason, today=today or local_today())
    return plan


def _plan_deadlines_write(plan: Plan, wanted: dict, *, user, reason: str, today: dt.date) -> int:
    """Set the deadlines `wanted` names (None: unchanged) and move the periods; returns how many moved."""
    changed = [name for name, value in wanted.items() if value is not None and getattr(plan, name) != value]
    if not changed:
        return 0
    before = {name: getattr(plan, name) for name in DEADLINE_FIELDS}
    for name in changed:
        setattr(plan, name, wanted[name])
    try:  # days stop at 28, so every month has the day
        plan.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError:
        for name, value in before.items():
            setattr(plan, name, value)
        raise
    plan.save(update_fields=[*changed, "updated_at"])
    moved = _move_periods(plan, today)
    DeadlineChange.objects.create(province_id=plan.province_id, plan=plan, changed_by=user, before=before,
                                  after={name: getattr(plan, name) for name in DEADLINE_FIELDS},
                                  periods_moved=moved, reason=reason[:255])
    return moved


def province_deadlines_set(*, province, quarterly_due_day: int | None = None, annual_due_month: int | None = None,
                           annual_due_day: int | None = None, user=None, today: dt.date | None = None):
    """Change the province's reporting deadlines. Every plan of the province that followed them (its deadlines
    were the province's) follows the new ones, its periods not yet due moved; a plan with deadlines of its
    own keeps them. Recorded as a DeadlineChange of the province (and one per plan moved)."""
    today = today or local_today()
    wanted = {"quarterly_due_day": quarterly_due_day, "annual_due_month": annual_due_month,
              "annual_due_day": annual_due_day}
    with transaction.atomic():
        policy, _created = ReportingPolicy.objects.select_for_update().get_or_create(province=province)
        before = {name: getattr(policy, name) for name in DEADLINE_FIELDS}
        changed = [name for name, value in wanted.items() if value is not None and before[name] != value]
        if not changed:
            return policy
        for name in changed:
            setattr(policy, name, wanted[name])
        policy.full_clean(validate_unique=False, validate_constraints=False)
        policy.save(update_fields=changed)
        after = {name: getattr(policy, name) for name in DEADLINE_FIELDS}
        moved = sum(_plan_deadlines_write(plan, after, user=user, reason=_("theo hạn báo cáo của tỉnh"), today=today)
                    for plan in Plan.objects.select_for_update().filter(province=province, **before))
        DeadlineChange.objects.create(province=province, changed_by=user, before=before, after=after,
                                      periods_moved=moved)
    return policy


def _reporting_agency_map(agency_ids: set[int], province_id: int) -> dict[int, set[int]]:
    """Each lead agency id → the agencies that actually report for it.

    Groups ("Các sở, ban, ngành") stand for their members; an inactive agency hands over to its
    successor (followed along the chain, so a merger of a merger still lands somewhere).
    """
    agencies = {a.pk: a for a in Agency.objects.filter(province_id=province_id)}
    members: dict[int, set[int]] = defaultdict(set)
    for group_id, member_id in Agency.members.through.objects.filter(
            from_agency_id__in=[pk for pk, a in agencies.items() if a.kind == Agency.Kind.GROUP]
    ).values_list("from_agency_id", "to_agency_id"):
        members[group_id].add(member_id)

    def successor(agency_id: int) -> int | None:
        seen = set()
        while agency_id is not None and agency_id in agencies and not agencies[agency_id].active:
            if agency_id in seen:
                return None
            seen.add(agency_id)
            agency_id = agencies[agency_id].successor_id
        return agency_id if agency_id in agencies else None

    def reporters(agency_id: int, depth: int = 0) -> set[int]:
        agency = agencies.get(agency_id)
        if agency is None or depth > 5:
            return set()
        if agency.kind == Agency.Kind.GROUP:
            return set().union(*(reporters(member, depth + 1) for member in members[agency_id]))
        current = successor(agency_id)
        if current is None:
            return set()
        if agencies[current].kind == Agency.Kind.GROUP:
            return reporters(current, depth + 1)
        return {current}

    return {agency_id: reporters(agency_id) for agency_id in agency_ids}


def _expected_items(plan: Plan) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(reporting agency id, indicator id) and (reporting agency id, task id) pairs of the plan."""
    # Archived items (no longer in the plan's document, kept for their history) get no new entries.
    indicator_leads = list(Indicator.lead_agencies.through.objects
                           .filter(indicator__plan=plan, indicator__archived_at__isnull=True)
                           .values_list("indicator_id", "agency_id"))
    task_leads = list(Task.lead_agencies.through.objects.filter(task__plan=plan, task__archived_at__isnull=True)
                      .values_list("task_id", "agency_id"))
    mapping = _reporting_agency_map({agency for _item, agency in indicator_leads + task_leads}, plan.province_id)
    return ({(reporter, item) for item, agency in indicator_leads for reporter in mapping[agency]},
            {(reporter, item) for item, agency in task_leads for reporter in mapping[agency]})


def _expected_reports_write(period: ReportingPeriod, indicator_pairs: set, task_pairs: set) -> int:
    agency_ids = {agency for agency, _item in indicator_pairs | task_pairs}
    before = AgencyReport.objects.filter(period=period).count()
    AgencyReport.objects.bulk_create(
        [AgencyReport(agency_id=agency_id, plan_id=period.plan_id, period=period) for agency_id in sorted(agency_ids)],
        ignore_conflicts=True)
    report_ids = dict(AgencyReport.objects.filter(period=period, status__in=AgencyReport.EDITABLE_STATUSES)
                      .values_list("agency_id", "pk"))
    IndicatorEntry.objects.bulk_create(
        [IndicatorEntry(report_id=report_ids[agency], indicator_id=item)
         for agency, item in sorted(indicator_pairs) if agency in report_ids],
        ignore_conflicts=True)
    TaskEntry.objects.bulk_create(
        [TaskEntry(report_id=report_ids[agency], task_id=item)
         for agency, item in sorted(task_pairs) if agency in report_ids],
        ignore_conflicts=True)
    return AgencyReport.objects.filter(period=period).count() - before


def expected_reports_create(*, period: ReportingPeriod) -> int:
    """One report per agency that leads an indicator or a task of the plan, with one entry per item it
    leads. Set-based and idempotent: existing reports and entries are kept, new items are added to
    reports still being written (never to one under review or approved). Returns the number of reports
    created."""
    with transaction.atomic():
        return _expected_reports_write(period, *_expected_items(period.plan))


# ---------------------------------------------------------------- the workflow


def _locked(report: AgencyReport) -> AgencyReport:
    """The report row, locked for the rest of the transaction, with what permissions need."""
    return AgencyReport.objects.select_for_update(of=("self",)).select_related("plan", "period", "agency").get(
        pk=report.pk)


def _refuse(report: AgencyReport, action: str) -> ReportNotAllowed:
    return ReportNotAllowed(
        _("Không thể %(action)s: báo cáo đang ở trạng thái “%(status)s” hoặc bạn không có quyền.")
        % {"action": action, "status": report.get_status_display()})


def _record(report: AgencyReport, *, user, action: str, reason: str = "", fields: list[str]) -> None:
    """Write the report's changed fields, bump its version and log the event.

    The version moves by a conditional UPDATE, so two writers that read the same version cannot both
    win even where the database has no row locks (SQLite)."""
    bumped = AgencyReport.objects.filter(pk=report.pk, version=report.version).update(version=F("version") + 1)
    if not bumped:
        current = AgencyReport.objects.values_list("version", flat=True).get(pk=report.pk)
        raise ReportVersionConflict(_("Báo cáo vừa được người khác thay đổi; vui lòng tải lại."),
                                    current_version=current)
    report.version += 1
    report._history_user = user
    report.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])
    ReportEvent.objects.create(report=report, action=action, actor=user, reason=reason)


def _sync_caller(report: AgencyReport, locked: AgencyReport) -> AgencyReport:
    """Copy the written state back onto the caller's object, so it is not stale after the call."""
    for field in locked._meta.concrete_fields:
        setattr(report, field.attname, getattr(locked, field.attname))
    return report


SAVE_RECEIPTS_KEPT = 50  # versions back: a save sent again later than that is judged as a new one


def save_fingerprint(content, *, on_behalf: bool = False) -> str:
    """A digest of what a save sent (JSON-shaped), so the same request sent again is recognised."""
    text = json.dumps([content, on_behalf], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _earlier_save(locked: AgencyReport, user, *, key: str, fingerprint: str, version: int | None):
    """The user's own earlier save this one repeats, if any.

    With a key: the save that carried it (same user, same report; another user's key is never theirs).
    Else: a save by the same user of the same content from the same version, that nobody's save
    has followed (what a resend after a lost reply looks like).
    """
    mine = SaveReceipt.objects.filter(report=locked, user=user)
    if key and (keyed := mine.filter(idempotency_key=key).first()) is not None:
        return keyed
    if version is not None and version != locked.version:
        return mine.filter(from_version=version, version=locked.version, digest=fingerprint).first()
    return None


def report_save(*, report: AgencyReport, user, data: dict, version: int | None, on_behalf: bool = False,
                idempotency_key: str = "", content=None) -> AgencyReport:
    """Save a draft: validate `data` (see reports.validation), write the entries that changed (every
    change kept by django-simple-history) and bump the version.

    `version` is the one the caller read; if someone saved in between, `ReportVersionConflict`.
    `on_behalf=True` is staff typing in an agency's paper report (its `source_reference` names the letter).

    A save sent again is not a conflict with itself (issue 14: a reply lost on a slow link, then "Lưu"
    again). `idempotency_key` names one save request (the API's Idempotency-Key header, the form's
    `idempotency_key` field, new on every rendering of the form); `content` is what the caller sent, for
    recognising it (default `data`; the form passes its posted fields, since its `data` holds only what
    differs from the stored report). The same user's save with the key of their earlier save, or with
    the same content from the version that save started at, is answered as saved and writes nothing. A
    key whose save is still the last one, sent with other content (the same page, edited after its save),
    saves on top of it: nobody else's save lies between. See docs/decisions.md.
    """
    fingerprint = save_fingerprint(data if content is None else content, on_behalf=on_behalf)
    version = None if version is None else int(version)
    with transaction.atomic():
        locked = _locked(report)
        permissions = report_permissions(user, locked)
        if not (permissions.can_enter_on_behalf if on_behalf else permissions.can_edit):
            raise _refuse(locked, _("lưu báo cáo"))
        earlier = _earlier_save(locked, user, key=idempotency_key, fingerprint=fingerprint, version=version)
        if earlier is not None and earlier.digest == fingerprint:
            return _sync_caller(report, locked)
        if earlier is not None and earlier.version == locked.version:
            version = locked.version
        from_version = locked.version
        if version is not None and version != locked.version:
            raise ReportVersionConflict(
                _("Báo cáo vừa được người khác lưu (phiên bản %(current)s, bạn đang sửa phiên bản %(yours)s). "
                  "Vui lòng tải lại để xem thay đổi rồi nhập lại.") % {"current": locked.version, "yours": version},
                current_version=locked.version)
        if not on_behalf and (refused := [name for name in STAFF_ONLY_FIELDS if name in data]):
            # Every entry path (form, Excel, API) ends here: a reporter cannot name a dispatch or flag
            # its own report as entered by the Sở.
            raise ReportDataInvalid({name: [_("Chỉ cán bộ Sở KH&CN nhập thay mới được ghi trường này.")]
                                     for name in refused})
        cleaned, errors = validate_report_data(locked, data)
        if errors:
            raise ReportDataInvalid(errors)

        for model, key in ((IndicatorEntry, "indicator_entries"), (TaskEntry, "task_entries")):
            if cleaned[key]:
                _entries_write(model, locked, cleaned[key], user=user,
                               change_reason="on_behalf" if on_behalf else "")

        fields = list(cleaned["report"])
        for field, value in cleaned["report"].items():
            setattr(locked, field, value)
        locked.entered_by = user
        if on_behalf:
            locked.entered_on_behalf = True
        _record(locked, user=user, action=Action.ENTERED_ON_BEHALF if on_behalf else Action.SAVED,
                fields=[*fields, "entered_by", "entered_on_behalf"])
        keyed = earlier if idempotency_key and earlier is not None and earlier.idempotency_key == idempotency_key \
            else None
        _receipt_write(locked, user, key=idempotency_key, fingerprint=fingerprint, from_version=from_version,
                       keyed=keyed)
    return _sync_caller(report, locked)


def _entries_write(model, report: AgencyReport, changes: dict[int, dict], *, user, change_reason: str) -> None:
    """Write `changes` ({entry id: {field: value}}) to the report's entries and record each changed entry's
    history row (django-simple-history's "~" row, as `bulk_update_with_history` writes it).

    On PostgreSQL one statement does both: an UPDATE … FROM unnest(…) of every entry, whose RETURNING feeds
    the INSERT of the history rows. A field an entry does not change keeps its stored value (a flag per
    entry and field says which), so no value is overwritten as a side effect. Building Django's
    CASE WHEN per entry and field (`bulk_update`) cost most of a save's CPU."""
    if connection.vendor != "postgresql":
        entries = list(model.objects.filter(report=report, pk__in=changes))
        for entry in entries:
            for field, value in changes[entry.pk].items():
                setattr(entry, field, value)
        fields = sorted({field for entry_changes in changes.values() for field in entry_changes})
        bulk_update_with_history(entries, model, fields, default_user=user, default_change_reason=change_reason)
        return
    ids = sorted(changes)
    fields = [model._meta.get_field(name)
              for name in sorted({field for entry_changes in changes.values() for field in entry_changes})]
    table, quote = model._meta.db_table, connection.ops.quote_name
    arrays, params, columns, assignments = ["%s::bigint[]"], [ids], ["id"], []
    for field in fields:
        column = quote(field.column)
        arrays += [f"%s::{field.db_type(connection)}[]", "%s::boolean[]"]
        params += [[field.get_db_prep_save(changes[pk].get(field.name), connection) for pk in ids],
                   [field.name in changes[pk] for pk in ids]]
        columns += [f"new_{field.column}", f"set_{field.column}"]
        assignments.append(f"{column} = CASE WHEN changes.{quote('set_' + field.column)} "
                           f"THEN changes.{quote('new_' + field.column)} ELSE entry.{column} END")
    history = model.history.model
    tracked = [quote(field.column) for field in history.tracked_fields]
    history_columns = [*tracked, "history_date", "history_change_reason", "history_type", "history_user_id"]
    sql = (f"WITH changed AS (UPDATE {quote(table)} AS entry SET {', '.join(assignments)} "
           f"FROM unnest({', '.join(arrays)}) AS changes({', '.join(quote(c) for c in columns)}) "
           f"WHERE entry.id = changes.id AND entry.report_id = %s RETURNING entry.*) "
           f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(history_columns)}) "
           f"SELECT {', '.join(tracked)}, %s, %s, '~', %s FROM changed")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, report.pk, timezone.now(), change_reason, getattr(user, "pk", None)])


def _receipt_write(report: AgencyReport, user, *, key: str, fingerprint: str, from_version: int,
                   keyed: SaveReceipt | None) -> None:
    """Record the save. `keyed` is the user's receipt with this key, as `_earlier_save` found it under the
    report's lock (so nobody wrote one since): it is moved on; else a receipt is created."""
    receipt = {"digest": fingerprint, "from_version": from_version, "version": report.version, "at": timezone.now()}
    if keyed is not None:
        SaveReceipt.objects.filter(pk=keyed.pk).update(**receipt)
    else:
        SaveReceipt.objects.create(report=report, user=user, idempotency_key=key, **receipt)
    if report.version > SAVE_RECEIPTS_KEPT:  # else no receipt is that old
        SaveReceipt.objects.filter(report=report, version__lte=report.version - SAVE_RECEIPTS_KEPT).delete()


def _clear_entry_return_reasons(report: AgencyReport) -> None:
    IndicatorEntry.objects.filter(report=report).exclude(return_reason="").update(return_reason="")
    TaskEntry.objects.filter(report=report).exclude(return_reason="").update(return_reason="")


def _mark_submitted(report: AgencyReport) -> None:
    now = timezone.now()
    report.status = Status.SUBMITTED
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now
    report.return_reason = ""


def report_submit(*, report: AgencyReport, user) -> AgencyReport:
    """Send the report to Sở KH&CN; where the province requires it, a reporter's submission waits for
    the agency head's confirmation first (a head's own submission counts as confirmed)."""
    with transaction.atomic():
        locked = _locked(report)
        if not report_permissions(user, locked).can_submit:
            raise _refuse(locked, _("gửi báo cáo"))
        rules = reporting_settings(province_id=locked.plan.province_id, plan_id=locked.plan_id)
        if rules["require_complete"]:
            empty = empty_entries(locked)
            if empty["empty"]:
                raise ReportIncomplete(empty)
        is_head = access(user).in_agency(locked.agency_id, Role.AGENCY_HEAD)
        locked.submitted_by = user
        fields = ["status", "submitted_by", "submitted_at", "first_submitted_at", "return_reason"]
        if (rules["require_head_confirmation"] and not is_head
                and not locked.entered_on_behalf):
            locked.status = Status.AWAITING_CONFIRMATION
        else:
            _mark_submitted(locked)
            if is_head:
                locked.confirmed_by = user
                fields.append("confirmed_by")
        _clear_entry_return_reasons(locked)
        _record(locked, user=user, action=Action.SUBMITTED, fields=fields)
    return _sync_caller(report, locked)


def report_confirm(*, report: AgencyReport, user) -> AgencyReport:
    """The agency head confirms a reporter's submission: it reaches Sở KH&CN now (and is timed now)."""
    with transaction.atomic():
        locked = _locked(report)
        if not report_permissions(user, locked).can_confirm:
            raise _refuse(locked, _("xác nhận báo cáo"))
        _mark_submitted(locked)
        locked.confirmed_by = user
        _record(locked, user=user, action=Action.CONFIRMED,
                fields=["status", "submitted_at", "first_submitted_at", "return_reason", "confirmed_by"])
    return _sync_caller(report, locked)


def report_send_back(*, report: AgencyReport, user, reason: str) -> AgencyReport:
    """The agency head does not confirm: the report goes back to its reporters as a draft, with a reason.
    (Not a return by Sở KH&CN: it does not count as rework in compliance.)"""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _locked(report)
        if not report_permissions(user, locked).can_confirm:
            raise _refuse(locked, _("trả báo cáo cho người báo cáo"))
        if not reason:
            raise ReportError(_("Vui lòng nêu điều cần sửa để người báo cáo biết."))
        locked.status = Status.DRAFT
        locked.return_reason = reason
        _record(locked, user=user, action=Action.SENT_BACK, reason=reason, fields=["status", "return_reason"])
    return _sync_caller(report, locked)


def _touched_indicator_ids(report: AgencyReport) -> list[int]:
    # order_by(): sorted here, so the entries' default ordering (a join on the indicators) is not needed
    return sorted(IndicatorEntry.objects.filter(report=report).order_by().values_list("indicator_id", flat=True))


def _approved_values_changed(report: AgencyReport) -> list[int]:
    """Record, in the caller's transaction, that this report's approved values changed (the outbox the progress
    layer drains), so a broker that is down at commit loses nothing; returns the indicators touched.

    The progress layer's per-agency figures follow in the same transaction (`approved_values_changed`): every
    path that approves or reopens a report comes through here."""
    approved_values_changed.send(sender=AgencyReport, report_ids=[report.pk])
    indicator_ids = _touched_indicator_ids(report)
    RecomputeRequest.objects.create(plan_id=report.plan_id, indicator_ids=indicator_ids,
                                    from_year=report.period.year, report_ids=[report.pk])
    return indicator_ids


def report_approve(*, report: AgencyReport, user) -> AgencyReport:
    """Sở KH&CN approves: the values count for progress (report_approved tells the progress layer)."""
    with transaction.atomic():
        locked = _locked(report)
        if not report_permissions(user, locked).can_review:
            raise _refuse(locked, _("duyệt báo cáo"))
        locked.status = Status.APPROVED
        locked.approved_at = timezone.now()
        locked.approved_by = user
        locked.reopened_reason = ""
        _record(locked, user=user, action=Action.APPROVED,
                fields=["status", "approved_at", "approved_by", "reopened_reason"])
        report_approved.send(sender=AgencyReport, report_id=locked.pk, plan_id=locked.plan_id,
                             indicator_ids=_approved_values_changed(locked))
    return _sync_caller(report, locked)


def report_return(*, report: AgencyReport, user, reason: str, entry_reasons: dict | None = None) -> AgencyReport:
    """Send a submitted report back for rework, with a reason for the report and/or per entry.

    `entry_reasons` = {"indicator_entries": {<indicator code>: reason}, "task_entries": {<task code>: reason}}.
    """
    reason = (reason or "").strip()
    entry_reasons = entry_reasons or {}
    with transaction.atomic():
        locked = _locked(report)
        if not report_permissions(user, locked).can_review:
            raise _refuse(locked, _("trả lại báo cáo"))
        lines = []
        for model, key, code_field in ((IndicatorEntry, "indicator_entries", "indicator__code"),
                                       (TaskEntry, "task_entries", "task__code")):
            reasons = {str(code): (text or "").strip() for code, text in (entry_reasons.get(key) or {}).items()}
            reasons = {code: text for code, text in reasons.items() if text}
            if not reasons:
                continue
            entries = list(model.objects.filter(report=locked, **{f"{code_field}__in": reasons})
                           .select_related(code_field.split("__")[0]))
            found = {getattr(entry, code_field.split("__")[0]).code: entry for entry in entries}
            unknown = sorted(set(reasons) - set(found))
            if unknown:
                raise ReportError(_("Không có mục %(codes)s trong báo cáo này.") % {"codes": ", ".join(unknown)})
            for code, entry in found.items():
                entry.return_reason = reasons[code]
                lines.append(f"{code}: {reasons[code]}")
            bulk_update_with_history(entries, model, ["return_reason"], default_user=user)
        if not reason and not lines:
            raise ReportError(_("Vui lòng nêu lý do trả lại (cho cả báo cáo hoặc cho từng mục)."))
        locked.status = Status.RETURNED
        locked.return_reason = reason
        _record(locked, user=user, action=Action.RETURNED, reason="\n".join([reason, *lines]).strip(),
                fields=["status", "return_reason"])
    return _sync_caller(report, locked)


def report_reopen(*, report: AgencyReport, user, reason: str) -> AgencyReport:
    """Staff reopen an approved report (only with a reason): it is a draft again and its values stop
    counting until it is approved again (report_reopened tells the progress layer)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _locked(report)
        if not report_permissions(user, locked).can_reopen:
            raise _refuse(locked, _("mở lại báo cáo"))
        if not reason:
            raise ReportError(_("Vui lòng nêu lý do mở lại báo cáo đã duyệt."))
        locked.status = Status.DRAFT
        locked.reopened_reason = reason
        locked.approved_at = None
        locked.approved_by = None
        _record(locked, user=user, action=Action.REOPENED, reason=reason,
                fields=["status", "reopened_reason", "approved_at", "approved_by"])
        report_reopened.send(sender=AgencyReport, report_id=locked.pk, plan_id=locked.plan_id,
                             indicator_ids=_approved_values_changed(locked))
    return _sync_caller(report, locked)


# ---------------------------------------------------------------- attachments


def _detect_attachment_type(uploaded_file: UploadedFile) -> str | None:
    """The real type by content (never by name): pdf, docx, xlsx, jpg, png, or None."""
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    kind = filetype.guess(head)
    extension = kind.extension if kind else None
    if extension in {"zip", "docx", "xlsx"}:
        uploaded_file.seek(0)
        try:
            with zipfile.ZipFile(io.BytesIO(uploaded_file.read())) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        uploaded_file.seek(0)
        # Stored, not parsed, but staff open it later: a zip bomb is refused here.
        check_archive(uploaded_file, name=uploaded_file.name)
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            extension = "docx"
        elif "xl/workbook.xml" in names:
            extension = "xlsx"
        else:
            return None
    uploaded_file.seek(0)
    return extension if extension in ATTACHMENT_TYPES else None


def attachment_add(*, report: AgencyReport, user, uploaded_file: UploadedFile) -> Attachment:
    """Attach a PDF, DOCX, XLSX, JPG or PNG (≤ 20 MB, type checked by content) to a report being written."""
    permissions = report_permissions(user, report)
    if not (permissions.can_edit or permissions.can_enter_on_behalf):
        raise _refuse(report, _("đính kèm tệp"))
    if uploaded_file.size > ATTACHMENT_MAX_BYTES:
        raise ReportError(_("Tệp “%(name)s” lớn hơn 20 MB.") % {"name": uploaded_file.name})
    try:
        extension = _detect_attachment_type(uploaded_file)
    except UploadRefused as error:
        raise ReportError(error.message) from error
    if extension is None:
        raise ReportError(_("Tệp “%(name)s” không phải PDF, DOCX, XLSX, JPG hoặc PNG (kiểm tra theo nội dung tệp).")
                          % {"name": uploaded_file.name})
    original_name = (uploaded_file.name or "tep").rsplit("/", 1)[-1][:255]
    with transaction.atomic():
        attachment = Attachment(report=report, original_name=original_name,
                                content_type=ATTACHMENT_TYPES[extension], size=uploaded_file.size,
                                uploaded_by=user)
        # The stored name is ours (random-ish, right extension); the user's name is kept for download.
        attachment.file.save(f"{report.pk}-{timezone.now():%Y%m%d%H%M%S%f}.{extension}", uploaded_file, save=False)
        stored_name = attachment.file.name
        try:
            attachment.save()
        except Exception:
            attachment.file.storage.delete(stored_name)
            raise
    return attachment


def attachment_remove(*, attachment: Attachment, user) -> None:
    permissions = report_permissions(user, attachment.report)
    if not (permissions.can_edit or permissions.can_enter_on_behalf):
        raise _refuse(attachment.report, _("xóa tệp đính kèm"))
    with transaction.atomic():
        storage, name = attachment.file.storage, attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))


# ---------------------------------------------------------------- reminders


def _reminder_windows(today: dt.date) -> list[tuple[str, Q]]:
    """Which reminder is due for a report whose period is due on `due_on`, as database conditions."""
    day = dt.timedelta
    return [
        (ReminderLog.Kind.DUE_IN_7_DAYS, Q(period__due_on__gt=today + day(3), period__due_on__lte=today + day(7))),
        (ReminderLog.Kind.DUE_IN_3_DAYS, Q(period__due_on__gt=today, period__due_on__lte=today + day(3))),
        (ReminderLog.Kind.OVERDUE, Q(period__due_on__lte=today,
                                     period__due_on__gt=today - day(HEAD_ESCALATION_DAYS))),
        (ReminderLog.Kind.OVERDUE_HEAD, Q(period__due_on__lte=today - day(HEAD_ESCALATION_DAYS),
                                          period__due_on__gt=today - day(REMINDER_HORIZON_DAYS))),
    ]


def _reminder_message(report: AgencyReport, kind: str, recipients: list[str], today: dt.date) -> EmailMessage:
    period, due = report.period, report.period.due_on.strftime("%d/%m/%Y")
    facts = {"period": period.label, "plan": report.plan.title, "agency": report.agency.name, "due": due,
             "days": period.days_left(today)}
    if kind in (ReminderLog.Kind.DUE_IN_7_DAYS, ReminderLog.Kind.DUE_IN_3_DAYS):
        subject = _("[Chỉ tiêu] Còn %(days)s ngày đến hạn báo cáo %(period)s") % facts
        opening = _("Báo cáo %(period)s của %(agency)s về kế hoạch “%(plan)s” cần gửi trước ngày %(due)s "
                    "(còn %(days)s ngày).") % facts
    else:
        subject = _("[Chỉ tiêu] Báo cáo %(period)s đã quá hạn") % facts
        opening = _("Báo cáo %(period)s của %(agency)s về kế hoạch “%(plan)s” đã quá hạn nộp (trước ngày "
                    "%(due)s) mà chưa được gửi đến Sở Khoa học và Công nghệ.") % facts
    body = "\n\n".join([
        _("Kính gửi đồng chí,"), opening,
        _("Vui lòng đăng nhập hệ thống Chỉ tiêu, mục Báo cáo, để hoàn thành và gửi báo cáo."),
        _("Thư này được gửi tự động; vui lòng không trả lời."),
    ])
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients)


def reminders_send(*, today: dt.date | None = None) -> int:
    """E-mail the reporters of every agency whose report is not yet submitted, 7 and 3 days before the
    due day and on the day it is missed; then its head. Each (report, kind) is sent exactly once:
    the ReminderLog row is inserted first (the unique constraint makes the insert a claim) and rolled
    back if sending fails, so a later run retries. Returns the number of e-mails sent."""
    today = today or local_today()
    sent = 0
    pending = (AgencyReport.objects.not_submitted().filter(plan__status=Plan.Status.ACTIVE)
               .select_related("period", "plan", "agency"))
    for kind, window in _reminder_windows(today):
        role = Role.AGENCY_HEAD if kind == ReminderLog.Kind.OVERDUE_HEAD else Role.REPORTER
        candidates = list(pending.filter(window).exclude(reminders__kind=kind))
        addresses: dict[int, list[str]] = defaultdict(list)
        for agency_id, email in Membership.objects.filter(
                agency_id__in={report.agency_id for report in candidates}, role=role,
                user__is_active=True).exclude(user__email="").values_list("agency_id", "user__email").distinct():
            addresses[agency_id].append(email)
        for report in candidates:
            recipients = sorted(addresses.get(report.agency_id, []))
            if not recipients:
                continue  # nobody to tell yet: not claimed, so a reporter added later still hears
            try:
                with transaction.atomic():
                    ReminderLog.objects.create(report=report, kind=kind)
                    _reminder_message(report, kind, recipients, today).send()
            except IntegrityError:
                continue  # another worker claimed it
            except Exception:
                logger.exception("reminder %s for report %s failed; will retry", kind, report.pk)
                continue
            sent += 1
    return sent


def review_digest_send(*, today: dt.date | None = None) -> int:
    """Once a day, e-mail each province's staff the reports waiting for their review. Returns e-mails sent."""
    today = today or local_today()
    waiting = (AgencyReport.objects.awaiting_review().select_related("plan__province", "period", "agency")
               .order_by("plan__province_id", "plan__title", "period__starts_on", "agency__name"))
    by_province: dict = defaultdict(list)
    for report in waiting:
        by_province[report.plan.province].append(report)
    sent = 0
    for province, reports in by_province.items():
        recipients = sorted(set(staff_of_province(province).exclude(email="").values_list("email", flat=True)))
        if not recipients:
            continue
        lines = [f"- {report.plan.title} · {report.period.label} · {report.agency.name} "
                 f"({_('gửi lúc')} {timezone.localtime(report.submitted_at):%H:%M %d/%m/%Y})" for report in reports]
        body = "\n".join([
            _("Kính gửi Sở Khoa học và Công nghệ,"), "",
            _("Có %(count)s báo cáo đang chờ duyệt:") % {"count": len(reports)}, "", *lines, "",
            _("Thư này được gửi tự động mỗi ngày; vui lòng không trả lời."),
        ])
        message = EmailMessage(
            subject=_("[Chỉ tiêu] %(count)s báo cáo chờ duyệt ngày %(day)s")
            % {"count": len(reports), "day": today.strftime("%d/%m/%Y")},
            body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients)
        try:
            with transaction.atomic():
                ReviewDigestLog.objects.create(province=province, day=today)
                message.send()
        except IntegrityError:
            continue
        except Exception:
            logger.exception("review digest for province %s failed; will retry", province.pk)
            continue
        sent += 1
    return sent
