"""One permission matrix: every URL name the resolver knows × every role, with the status each must get.

Adding a URL without its row here fails `test_every_url_has_a_row`, naming the URL. To add one: a `Row`
in ROWS (site and API) with the URL name, how to build its arguments from the world below, the method,
and the expected status for each role in ROLES order; an admin URL: its line in ADMIN_ROWS.
Each cell runs in a savepoint rolled back after the request, so a POST that succeeds changes nothing
for the next cell.

Codes: a number is that HTTP status; LOGIN is a redirect to the login page (site or admin); REDIRECT is
any other redirect (a POST that did its work or was refused with a message, a page that sends on).
A role without access to a page answers 403; an object of another agency or province answers 404 (never
403), so that its existence is not revealed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from axes.models import AccessLog
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from plans.models import Plan
from reports.services import attachment_add, report_save
from tests.reports.factories import reporting_plan

pytestmark = pytest.mark.django_db

ROLES = ("staff", "reporter_a", "reporter_b", "head_a", "leader", "other_staff", "anonymous")
LOGIN, REDIRECT = "login", "redirect"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class Row:
    name: str
    expected: tuple  # one code per role, in ROLES order
    kwargs: Callable[[dict], dict] = field(default=lambda w: {})
    method: str = "get"
    data: dict | None = None


def plan(w):
    return {"code": w["plan"].code}


def report(w):
    return {"pk": w["report"].pk}


def _(*codes):
    assert len(codes) == len(ROLES)
    return codes


# staff, reporter_a, reporter_b, head_a, leader, other_staff, anonymous
ROWS = [
    Row("home", _(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, LOGIN)),
    Row("login", _(200, 200, 200, 200, 200, 200, 200)),
    Row("logout", _(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN), method="post"),
    Row("password_change", _(200, 200, 200, 200, 200, 200, LOGIN)),
    Row("password_change_done", _(200, 200, 200, 200, 200, 200, LOGIN)),
    Row("password_reset", _(200, 200, 200, 200, 200, 200, 200)),
    Row("password_reset_done", _(200, 200, 200, 200, 200, 200, 200)),
    Row("password_reset_confirm", _(200, 200, 200, 200, 200, 200, 200),
        kwargs=lambda w: {"uidb64": "MA", "token": "khong-hop-le"}),
    Row("password_reset_complete", _(200, 200, 200, 200, 200, 200, 200)),
    Row("no_role", _(403, 403, 403, 403, 403, 403, LOGIN)),
    Row("set_language", _(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT), method="post",
        data={"language": "vi"}),
    Row("plans:list", _(200, 403, 403, 403, 200, 200, LOGIN)),
    Row("plans:detail", _(200, 403, 403, 403, 200, 404, LOGIN), kwargs=plan),
    Row("plans:export", _(200, 403, 403, 403, 403, 404, LOGIN), kwargs=lambda w: {**plan(w), "file_format": "xlsx"}),
    Row("reports:inbox", _(403, 200, 200, 200, 403, 403, LOGIN)),
    Row("reports:report", _(200, 200, 404, 200, 200, 404, LOGIN), kwargs=report),
    Row("reports:approve", _(REDIRECT, REDIRECT, 404, REDIRECT, REDIRECT, 404, LOGIN), kwargs=report, method="post"),
    Row("reports:return", _(REDIRECT, REDIRECT, 404, REDIRECT, REDIRECT, 404, LOGIN), kwargs=report, method="post"),
    Row("reports:reopen", _(REDIRECT, REDIRECT, 404, REDIRECT, REDIRECT, 404, LOGIN), kwargs=report, method="post"),
    Row("reports:confirm", _(REDIRECT, REDIRECT, 404, REDIRECT, REDIRECT, 404, LOGIN), kwargs=report, method="post"),
    Row("reports:send_back", _(REDIRECT, REDIRECT, 404, REDIRECT, REDIRECT, 404, LOGIN), kwargs=report, method="post"),
    Row("reports:attachment_upload", _(REDIRECT, REDIRECT, 404, REDIRECT, REDIRECT, 404, LOGIN), kwargs=report,
        method="post"),
    Row("reports:excel_download", _(200, 200, 404, 200, 200, 404, LOGIN), kwargs=report),
    Row("reports:excel_upload", _(REDIRECT, REDIRECT, 404, REDIRECT, REDIRECT, 404, LOGIN), kwargs=report,
        method="post"),
    Row("reports:excel_confirm", _(REDIRECT, REDIRECT, 404, REDIRECT, REDIRECT, 404, LOGIN), kwargs=report,
        method="post"),
    Row("reports:attachment", _(200, 200, 404, 200, 200, 404, LOGIN), kwargs=lambda w: {"pk": w["attachment"].pk}),
    Row("reports:attachment_delete", _(REDIRECT, REDIRECT, 404, REDIRECT, REDIRECT, 404, LOGIN),
        kwargs=lambda w: {"pk": w["attachment"].pk}, method="post"),
    Row("reports:submit", _(REDIRECT, 200, 404, 200, REDIRECT, 404, LOGIN), kwargs=report),
    Row("favicon", _(200, 200, 200, 200, 200, 200, 200)),
    Row("reports:review_queue", _(200, 403, 403, 403, 403, 200, LOGIN)),
    Row("reports:bulk_approve", _(REDIRECT, 403, 403, 403, 403, REDIRECT, LOGIN), method="post"),
    Row("reports:compliance", _(200, 403, 403, 403, 403, 200, LOGIN)),
    Row("progress:export_results", _(409, 403, 403, 403, 403, 404, LOGIN),
        kwargs=lambda w: {**plan(w), "year": 2026}),
    Row("admin_audit", _(200, LOGIN, LOGIN, LOGIN, LOGIN, 200, LOGIN)),
    Row("dashboards:overview", _(200, 403, 403, 403, 200, 200, LOGIN)),
    Row("dashboards:indicator", _(200, 200, 404, 200, 200, 404, LOGIN), kwargs=lambda w: {"pk": w["indicator"].pk}),
    Row("dashboards:agency", _(200, 200, 404, 200, 200, 404, LOGIN), kwargs=lambda w: {"pk": w["agency"].pk}),
    Row("dashboards:recompute", _(REDIRECT, 403, 403, 403, 403, 404, LOGIN), kwargs=plan, method="post"),
    # The world's plan is not published: the public page answers 404 to everyone.
    Row("public:progress", _(404, 404, 404, 404, 404, 404, 404), kwargs=plan),
    Row("outputs:compiled_report", _(200, 403, 403, 403, 403, 200, LOGIN)),
    Row("outputs:compiled_report_docx", _(404, 403, 403, 403, 403, 404, LOGIN)),
    Row("outputs:open_data_zip", _(200, 403, 403, 403, 200, 404, LOGIN), kwargs=plan),
    Row("dashboards:home", _(200, 403, 403, 403, 200, 200, LOGIN)),
    # The API: 401 or 403 without credentials (401 where the token is tried first), 404 for what a caller
    # may not see, 403 for an action the caller's role may not take on a report it sees.
    Row("api-token", _(400, 400, 400, 400, 400, 400, 400), method="post"),
    Row("api-plans", _(200, 200, 200, 200, 200, 200, 401)),
    Row("api-plan", _(200, 200, 200, 200, 200, 404, 401), kwargs=plan),
    Row("api-plan-progress", _(200, 200, 200, 200, 200, 404, 403), kwargs=plan),
    Row("api-plan-open-data", _(200, 404, 404, 404, 200, 404, 401), kwargs=plan),
    Row("api-plan-compliance", _(200, 404, 404, 404, 200, 404, 403), kwargs=plan),
    Row("api-reports", _(200, 200, 200, 200, 200, 200, 403)),
    Row("api-report", _(200, 200, 404, 200, 200, 404, 403), kwargs=report),
    Row("api-report-submit", _(403, 200, 404, 200, 403, 404, 403), kwargs=report, method="post"),
    Row("api-report-confirm", _(403, 403, 404, 403, 403, 404, 403), kwargs=report, method="post"),
    Row("api-report-send-back", _(403, 403, 404, 403, 403, 404, 403), kwargs=report, method="post"),
    Row("api-report-approve", _(403, 403, 404, 403, 403, 404, 403), kwargs=report, method="post"),
    Row("api-report-return", _(403, 403, 404, 403, 403, 404, 403), kwargs=report, method="post"),
    Row("api-report-reopen", _(403, 403, 404, 403, 403, 404, 403), kwargs=report, method="post"),
]

# Admin URLs: only staff (is_staff, in the "Sở KH&CN" group) get in; every other signed-in role and
# anonymous are sent to the admin login. Staff of another province open the changelists (without this
# province's rows) but not this province's objects (REDIRECT: "does not exist"). A model admin added
# later needs its rows here (changelist, add, change, delete, history).
STAFF = _(200, LOGIN, LOGIN, LOGIN, LOGIN, 200, LOGIN)
OWN_PROVINCE = _(200, LOGIN, LOGIN, LOGIN, LOGIN, REDIRECT, LOGIN)
FORBIDDEN = _(403, LOGIN, LOGIN, LOGIN, LOGIN, 403, LOGIN)
NO_OBJECT = _(REDIRECT, LOGIN, LOGIN, LOGIN, LOGIN, REDIRECT, LOGIN)  # the object does not exist
ADMIN_ROWS = {
    "admin:agencies_agency_add": STAFF,
    "admin:agencies_agency_change": OWN_PROVINCE,
    "admin:agencies_agency_changelist": STAFF,
    "admin:agencies_agency_delete": FORBIDDEN,
    "admin:agencies_agency_history": OWN_PROVINCE,
    "admin:agencies_membership_add": STAFF,
    "admin:agencies_membership_change": OWN_PROVINCE,
    "admin:agencies_membership_changelist": STAFF,
    "admin:agencies_membership_delete": OWN_PROVINCE,
    "admin:agencies_membership_history": OWN_PROVINCE,
    "admin:agencies_province_add": FORBIDDEN,
    "admin:agencies_province_change": OWN_PROVINCE,
    "admin:agencies_province_changelist": STAFF,
    "admin:agencies_province_delete": FORBIDDEN,
    "admin:agencies_province_history": OWN_PROVINCE,
    "admin:app_list": STAFF,
    "admin:auth_group_add": FORBIDDEN,
    "admin:auth_group_change": FORBIDDEN,
    "admin:auth_group_changelist": FORBIDDEN,
    "admin:auth_group_delete": FORBIDDEN,
    "admin:auth_group_history": FORBIDDEN,
    "admin:auth_user_add": FORBIDDEN,
    "admin:auth_user_change": FORBIDDEN,
    "admin:auth_user_changelist": FORBIDDEN,
    "admin:auth_user_delete": FORBIDDEN,
    "admin:auth_user_history": FORBIDDEN,
    "admin:auth_user_password_change": FORBIDDEN,
    "admin:authtoken_tokenproxy_add": FORBIDDEN,
    "admin:authtoken_tokenproxy_change": FORBIDDEN,
    "admin:authtoken_tokenproxy_changelist": FORBIDDEN,
    "admin:authtoken_tokenproxy_delete": FORBIDDEN,
    "admin:authtoken_tokenproxy_history": NO_OBJECT,
    "admin:autocomplete": FORBIDDEN,
    "admin:axes_accessattempt_add": FORBIDDEN,
    "admin:axes_accessattempt_change": NO_OBJECT,
    "admin:axes_accessattempt_changelist": STAFF,
    "admin:axes_accessattempt_delete": NO_OBJECT,
    "admin:axes_accessattempt_history": NO_OBJECT,
    "admin:axes_accessfailurelog_add": FORBIDDEN,
    "admin:axes_accessfailurelog_change": FORBIDDEN,
    "admin:axes_accessfailurelog_changelist": FORBIDDEN,
    "admin:axes_accessfailurelog_delete": FORBIDDEN,
    "admin:axes_accessfailurelog_history": NO_OBJECT,
    "admin:axes_accesslog_add": FORBIDDEN,
    "admin:axes_accesslog_change": FORBIDDEN,
    "admin:axes_accesslog_changelist": FORBIDDEN,
    "admin:axes_accesslog_delete": FORBIDDEN,
    "admin:axes_accesslog_history": FORBIDDEN,
    "admin:index": STAFF,
    "admin:indicators_indicator_add": STAFF,
    "admin:indicators_indicator_change": OWN_PROVINCE,
    "admin:indicators_indicator_changelist": STAFF,
    "admin:indicators_indicator_delete": OWN_PROVINCE,
    "admin:indicators_indicator_export": STAFF,
    "admin:indicators_indicator_history": OWN_PROVINCE,
    "admin:jsi18n": STAFF,
    "admin:login": _(REDIRECT, 200, 200, 200, 200, REDIRECT, 200),
    "admin:logout": _(405, REDIRECT, REDIRECT, REDIRECT, REDIRECT, 405, REDIRECT),
    "admin:password_change": STAFF,
    "admin:password_change_done": STAFF,
    "admin:plans_plan_add": STAFF,
    "admin:plans_plan_change": OWN_PROVINCE,
    "admin:plans_plan_changelist": STAFF,
    "admin:plans_plan_delete": OWN_PROVINCE,
    "admin:plans_plan_history": OWN_PROVINCE,
    "admin:plans_plan_import_document": STAFF,
    "admin:plans_project_add": STAFF,
    "admin:plans_project_change": NO_OBJECT,
    "admin:plans_project_changelist": STAFF,
    "admin:plans_project_delete": NO_OBJECT,
    "admin:plans_project_history": NO_OBJECT,
    "admin:plans_result_add": STAFF,
    "admin:plans_result_change": NO_OBJECT,
    "admin:plans_result_changelist": STAFF,
    "admin:plans_result_delete": NO_OBJECT,
    "admin:plans_result_history": NO_OBJECT,
    "admin:plans_section_add": STAFF,
    "admin:plans_section_change": NO_OBJECT,
    "admin:plans_section_changelist": STAFF,
    "admin:plans_section_delete": NO_OBJECT,
    "admin:plans_section_history": NO_OBJECT,
    "admin:plans_task_add": STAFF,
    "admin:plans_task_change": OWN_PROVINCE,
    "admin:plans_task_changelist": STAFF,
    "admin:plans_task_delete": OWN_PROVINCE,
    "admin:plans_task_export": STAFF,
    "admin:plans_task_history": OWN_PROVINCE,
    "admin:reports_agencyreport_add": FORBIDDEN,
    "admin:reports_agencyreport_change": OWN_PROVINCE,
    "admin:reports_agencyreport_changelist": STAFF,
    "admin:reports_agencyreport_delete": FORBIDDEN,
    "admin:reports_agencyreport_history": _(200, LOGIN, LOGIN, LOGIN, LOGIN, 403, LOGIN),
    "admin:reports_agencyreport_import_values": STAFF,
    "admin:reports_agencyreport_simple_history": _(200, LOGIN, LOGIN, LOGIN, LOGIN, 403, LOGIN),
    "admin:reports_agencyreport_workflow": _(405, LOGIN, LOGIN, LOGIN, LOGIN, 405, LOGIN),
    "admin:reports_deadlinechange_add": FORBIDDEN,
    "admin:reports_deadlinechange_change": NO_OBJECT,
    "admin:reports_deadlinechange_changelist": STAFF,
    "admin:reports_deadlinechange_delete": FORBIDDEN,
    "admin:reports_deadlinechange_history": NO_OBJECT,
    "admin:reports_planreportingpolicy_add": STAFF,
    "admin:reports_planreportingpolicy_change": NO_OBJECT,
    "admin:reports_planreportingpolicy_changelist": STAFF,
    "admin:reports_planreportingpolicy_delete": NO_OBJECT,
    "admin:reports_planreportingpolicy_history": NO_OBJECT,
    "admin:reports_reminderlog_add": FORBIDDEN,
    "admin:reports_reminderlog_change": FORBIDDEN,
    "admin:reports_reminderlog_changelist": FORBIDDEN,
    "admin:reports_reminderlog_delete": FORBIDDEN,
    "admin:reports_reminderlog_history": NO_OBJECT,
    "admin:reports_reportevent_add": FORBIDDEN,
    "admin:reports_reportevent_change": FORBIDDEN,
    "admin:reports_reportevent_changelist": FORBIDDEN,
    "admin:reports_reportevent_delete": FORBIDDEN,
    "admin:reports_reportevent_history": FORBIDDEN,
    "admin:reports_reportingperiod_add": FORBIDDEN,
    "admin:reports_reportingperiod_change": FORBIDDEN,
    "admin:reports_reportingperiod_changelist": FORBIDDEN,
    "admin:reports_reportingperiod_delete": FORBIDDEN,
    "admin:reports_reportingperiod_history": FORBIDDEN,
    "admin:reports_reportingpolicy_add": STAFF,
    "admin:reports_reportingpolicy_change": NO_OBJECT,
    "admin:reports_reportingpolicy_changelist": STAFF,
    "admin:reports_reportingpolicy_delete": FORBIDDEN,
    "admin:reports_reportingpolicy_history": NO_OBJECT,
    "admin:reports_reviewdigestlog_add": FORBIDDEN,
    "admin:reports_reviewdigestlog_change": FORBIDDEN,
    "admin:reports_reviewdigestlog_changelist": FORBIDDEN,
    "admin:reports_reviewdigestlog_delete": FORBIDDEN,
    "admin:reports_reviewdigestlog_history": NO_OBJECT,
    "admin:view_on_site": _(404, LOGIN, LOGIN, LOGIN, LOGIN, 404, LOGIN),
}


def admin_kwargs(name: str, w: dict):
    """Arguments for an admin URL: the world's object of that model, or id 0 (never a row) where it has none."""
    if name == "admin:app_list":
        return {"app_label": "plans"}
    if name == "admin:view_on_site":
        return {"content_type_id": 0, "object_id": 0}
    if name == "admin:auth_user_password_change":
        return {"id": "0"}
    if name == "admin:reports_agencyreport_workflow":
        return {"pk": w["report"].pk}
    if match := re.fullmatch(r"admin:(\w+?)_(\w+)_simple_history", name):
        obj = w["admin_objects"][f"{match[1]}_{match[2]}"]
        return [obj.pk, obj.history.first().history_id]  # positional in django-simple-history's pattern
    if match := re.fullmatch(r"admin:(\w+?)_(\w+)_(change|delete|history)", name):
        obj = w["admin_objects"].get(f"{match[1]}_{match[2]}")
        return {"object_id": obj.pk if obj is not None else "0"}
    return {}


def url_names() -> list[str]:
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                yield from walk(pattern.url_patterns,
                                f"{namespace}:{inner}" if namespace and inner else inner or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name
    return sorted(set(walk(get_resolver().url_patterns)))


@pytest.fixture
def world(province, agency_a, agency_b, reporter_a, staff_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b, today=dt.date(2026, 3, 1))
    Plan.objects.filter(pk=w.plan.pk).update(code="ha-tang-so")
    w.plan.refresh_from_db()
    report_a = report_save(report=w.report(agency_a), user=reporter_a, version=1,
                           data={"narrative": {"achievements": "Đã lắp 12 trạm"}})
    attachment = attachment_add(report=report_a, user=reporter_a,
                                uploaded_file=SimpleUploadedFile("cong-van.pdf", PDF))
    section = w.plan.sections.first()
    return {
        "plan": w.plan, "report": report_a, "attachment": attachment, "indicator": w.indicators["I.1"],
        "agency": agency_a,
        "admin_objects": {
            "plans_plan": w.plan, "reports_agencyreport": report_a, "indicators_indicator": w.indicators["I.1"],
            "plans_task": w.tasks["II.1"], "agencies_agency": agency_a, "agencies_province": province,
            "agencies_membership": reporter_a.memberships.get(), "reports_reportingperiod": w.period(),
            **({"plans_section": section} if section else {}),
            # Models staff may not open: real rows, so the gate (403) is what answers, not "not found".
            "auth_group": Group.objects.get(name="Sở KH&CN"), "auth_user": reporter_a,
            "reports_reportevent": report_a.events.first(),
            "axes_accesslog": AccessLog.objects.create(username="ai-do", ip_address="127.0.0.1", user_agent="t",
                                                       http_accept="*/*", path_info="/dang-nhap/"),
        },
    }


@pytest.fixture
def clients(staff_admin, reporter_a, reporter_b, head_a, leader, other_staff_admin) -> dict[str, Client]:
    users = {"staff": staff_admin, "reporter_a": reporter_a, "reporter_b": reporter_b, "head_a": head_a,
             "leader": leader, "other_staff": other_staff_admin}
    clients = {}
    for role in ROLES:
        client = Client()
        if role in users:
            client.force_login(users[role])
        clients[role] = client
    return clients


def outcome(response) -> str | int:
    if response.status_code in (301, 302):
        location = response["Location"]
        return LOGIN if location.startswith((reverse("login"), reverse("admin:login"))) else REDIRECT
    return response.status_code


def test_every_url_has_a_row():
    rows = {row.name for row in ROWS}
    missing = [name for name in url_names() if name not in rows and name not in ADMIN_ROWS]
    assert not missing, ("URL names without a row in tests/config/test_permission_matrix.py (add a Row with the "
                         "expected status per role): " + ", ".join(missing))
    stale = (rows | set(ADMIN_ROWS)) - set(url_names())
    assert not stale, f"Rows for URL names that no longer exist: {', '.join(sorted(stale))}"


def test_permission_matrix(world, clients):
    cells = [(row.name, row.kwargs(world), row.method, row.data, row.expected) for row in ROWS]
    cells += [(name, admin_kwargs(name, world), "get", None, expected) for name, expected in ADMIN_ROWS.items()]
    wrong = []
    for name, kwargs, method, data, expected in cells:
        path = reverse(name, args=kwargs) if isinstance(kwargs, list) else reverse(name, kwargs=kwargs)
        for role, want in zip(ROLES, expected, strict=True):
            client = clients[role]
            cookies = SimpleCookie(client.cookies)  # a logout or a language switch must not last
            with transaction.atomic():
                response = getattr(client, method)(path, data or {})
                got = outcome(response)
                transaction.set_rollback(True)
            client.cookies = cookies
            if got != want:
                wrong.append(f"{name} {method.upper()} {path} as {role}: expected {want}, got {got}")
    assert not wrong, f"{len(wrong)} cells differ:\n" + "\n".join(wrong)

