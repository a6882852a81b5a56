"""The read side's pages: overview, indicator, agency, the plan pages, the public progress page.

Who may read is asked of `agencies.roles.access` and `Plan.objects.visible_to` only; an object the reader
may not see is a 404, an anonymous reader goes to the login page (except the public page). Pages read
snapshots through `dashboards.selectors` and never compute a status.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.models import Agency
from agencies.roles import AGENCY_ROLES, PROVINCE_READER_ROLES, Role, access, may_import_plans, role_required
from dashboards import content, selectors
from dashboards.fragments import cached_fragment, fragment_key
from dashboards.tables import xlsx_response
from plans.models import Plan
from progress.models import PlanProgress
from reports.models import local_today


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _export(request, tables: dict, *, filename: str, title_lines: list[str]):
    """?xuat=<table key>: that table as an .xlsx workbook."""
    wanted = request.GET.get("xuat")
    table = tables.get(wanted)
    if table is None:
        raise Http404(_("Không có bảng này."))
    return xlsx_response(table, filename=f"{filename}-{wanted}.xlsx", title_lines=title_lines)


def _page(request, template: str, context: dict, *, tables: dict, filename: str, title_lines: list[str]):
    """Render the page, or with ?xuat=<table key> answer that table as an .xlsx workbook."""
    if request.GET.get("xuat"):
        return _export(request, tables, filename=filename, title_lines=title_lines)
    has_charts = bool((context.get("page") or {}).get("charts"))
    return render(request, template, {**context, "tables": tables, "has_charts": has_charts})


def _cached_body(kind: str, template: str, build, **key_parts) -> dict:
    """The page's heavy part (`template`, drawn from `build()`'s context) from the fragment cache: its HTML and
    whether it has charts. `key_parts` are everything the drawing depends on besides the language."""
    def render_body() -> dict:
        context = build()
        return {"html": render_to_string(template, context),
                "has_charts": bool((context.get("page") or {}).get("charts"))}

    return cached_fragment(fragment_key(kind, **key_parts), render_body)


def _stamp(moment) -> str | None:
    return moment.isoformat() if moment else None


def _snapshot_stamp(row) -> tuple | None:
    """A snapshot row as a cache key part: a recompute writes a new row or a new `computed_at`."""
    return (row.pk, _stamp(row.computed_at), _stamp(row.as_of)) if row else None


def _title_lines(plan: Plan, year: int, fresh: selectors.Freshness) -> list[str]:
    lines = [plan.title + (f" ({plan.number})" if plan.number else ""), _("Năm %(year)s") % {"year": year}]
    if fresh.as_of:
        lines.append(_("Số liệu tính đến ngày %(day)s") % {"day": fresh.as_of.strftime("%d/%m/%Y")})
    return lines


@role_required(*PROVINCE_READER_ROLES)
def overview(request):
    """/tong-quan/?plan=CODE&year=YYYY: where the plan stands; without a plan, every plan of the province."""
    plans = list(Plan.objects.visible_to(request.user, *PROVINCE_READER_ROLES).order_by("-start_year", "title"))
    code = request.GET.get("plan", "")
    if not code:
        year = _int(request.GET.get("year"))
        headlines = selectors.plans_headlines(plans, year)
        tables = {"ke-hoach": content.plans_table(headlines)}
        return _page(request, "dashboards/overview_all.html", {"plans": plans, "headlines": headlines},
                     tables=tables, filename="tong-quan", title_lines=[_("Tất cả kế hoạch")])
    plan = next((p for p in plans if p.code == code), None)
    if plan is None:
        raise Http404(_("Không có kế hoạch này."))
    year = selectors.plan_year(plan, request.GET.get("year"))
    section_id, agency_id = _int(request.GET.get("muc")), _int(request.GET.get("co_quan"))
    today = local_today()
    rollup = selectors.plan_rollup(plan, year)
    fresh = selectors.freshness(plan=plan, year=year, rollup=rollup or PlanProgress())

    def build() -> dict:
        data = selectors.overview(plan=plan, year=year, rollup=rollup, section_id=section_id, agency_id=agency_id,
                                  today=today)
        page = content.overview_content(data, today=today)
        return {"data": data, "page": page, "tables": page["tables"], "plan": plan, "year": year,
                "section_id": section_id, "agency_id": agency_id,
                "export_query": {k: v for k, v in filters.items() if v is not None}}

    filters = {"plan": plan.code, "year": year, "muc": section_id, "co_quan": agency_id}
    if request.GET.get("xuat"):
        return _export(request, build()["tables"], filename=f"{plan.code}-{year}",
                       title_lines=_title_lines(plan, year, fresh))
    body = _cached_body("overview", "dashboards/_overview_body.html", build, **filters, plan_id=plan.pk,
                        plan_changed=_stamp(plan.updated_at), today=today.isoformat(),
                        snapshot=_snapshot_stamp(rollup), reports=selectors.reports_stamp(plan))
    return render(request, "dashboards/overview.html", {
        "plans": plans, "plan": plan, "year": year, "fresh": fresh, "body": body, "has_charts": body["has_charts"],
        "may_recompute": plan.is_visible_to(request.user, Role.STAFF),
    })


def _readable_plan(user, plan: Plan) -> bool:
    return plan.is_visible_to(user, *PROVINCE_READER_ROLES)


@login_required
def indicator_detail(request, pk: int):
    indicator = selectors.indicator_or_404(pk)
    plan = indicator.plan
    user_access = access(request.user)
    lead_ids = {a.pk for a in indicator.lead_agencies.all()}
    own = user_access.agency_ids(*AGENCY_ROLES) & lead_ids
    province_reader = _readable_plan(request.user, plan)
    if not province_reader and not own:
        raise Http404(_("Không có chỉ tiêu này."))
    year = selectors.plan_year(plan, request.GET.get("year"))
    scope = None if province_reader else own
    snapshots = selectors.indicator_snapshots(indicator)
    current = next((row for row in snapshots if row.year == year), None)
    fresh = selectors.freshness(plan=plan, year=year, rollup=current or PlanProgress())

    def build() -> dict:
        data = selectors.indicator_page(indicator=indicator, year=year, snapshots=snapshots, entry_agency_ids=scope)
        page = content.indicator_content(data, evidence_url=lambda pk: reverse("reports:attachment", args=[pk]))
        return {"plan": plan, "year": year, "indicator": indicator, "data": data, "page": page,
                "tables": page["tables"], "export_query": {"year": year}}

    if request.GET.get("xuat"):
        return _export(request, build()["tables"], filename=f"{plan.code}-chi-tieu-{indicator.code}-{year}",
                       title_lines=[f"{indicator.code}. {indicator.name}", *_title_lines(plan, year, fresh)])
    # Whose approved values are listed is part of the key: a reporter's page never shows another agency's.
    body = _cached_body("indicator", "dashboards/_indicator_body.html", build, indicator_id=indicator.pk, year=year,
                        scope=sorted(scope) if scope is not None else "province", plan_changed=_stamp(plan.updated_at),
                        snapshots=[_snapshot_stamp(row) for row in snapshots],
                        reports=selectors.reports_stamp(plan))
    return render(request, "dashboards/indicator.html", {
        "plan": plan, "year": year, "indicator": indicator, "fresh": fresh, "body": body,
        "has_charts": body["has_charts"], "may_recompute": plan.is_visible_to(request.user, Role.STAFF),
        "province_reader": province_reader,
    })


@login_required
def agency_detail(request, pk: int):
    agency = Agency.objects.filter(pk=pk).select_related("province").first()
    user_access = access(request.user)
    if agency is None or not (user_access.in_province(agency.province_id, *PROVINCE_READER_ROLES)
                              or pk in user_access.agency_ids(*AGENCY_ROLES)):
        raise Http404(_("Không có cơ quan này."))
    plans = selectors.agency_plans(agency)
    code = request.GET.get("plan", "")
    plan = next((p for p in plans if p.code == code), None) if code else (plans[0] if plans else None)
    if code and plan is None:
        raise Http404(_("Không có kế hoạch này."))
    if plan is None:
        return render(request, "dashboards/agency_empty.html", {"agency": agency})
    year = selectors.plan_year(plan, request.GET.get("year"))
    data = selectors.agency_page(agency=agency, plan=plan, year=year)
    page = content.agency_content(data)
    return _page(request, "dashboards/agency.html", {
        "agency": agency, "plans": plans, "plan": plan, "year": year, "data": data, "page": page,
        "fresh": data.freshness, "may_recompute": plan.is_visible_to(request.user, Role.STAFF),
        "province_reader": user_access.in_province(agency.province_id, *PROVINCE_READER_ROLES),
    }, tables=page["tables"], filename=f"{plan.code}-co-quan-{agency.pk}-{year}",
        title_lines=[agency.name, *_title_lines(plan, year, data.freshness)])


@role_required(*PROVINCE_READER_ROLES)
def plan_list(request):
    plans = (Plan.objects.visible_to(request.user, *PROVINCE_READER_ROLES).select_related("province")
             .annotate(indicator_count=Count("indicators", distinct=True), task_count=Count("tasks", distinct=True)))
    return render(request, "dashboards/plan_list.html", {"plans": plans})


@role_required(*PROVINCE_READER_ROLES)
def plan_detail(request, code: str):
    plan = get_object_or_404(Plan.objects.visible_to(request.user, *PROVINCE_READER_ROLES), code=code)
    year = selectors.plan_year(plan, request.GET.get("year"))
    status = request.GET.get("trang_thai", "")
    data = selectors.plan_page(plan=plan, year=year, status=status)
    page = content.plan_content(plan, data, year)
    user = request.user
    this_year = timezone.localdate().year
    return _page(request, "dashboards/plan_detail.html", {
        "plan": plan, "year": year, "data": data, "page": page, "fresh": data.freshness, "status": status,
        "years": list(plan.years),
        # The year-end results appendix exists for the years that have begun, newest first.
        "result_years": [y for y in reversed(plan.years) if y <= this_year],
        "may_import": may_import_plans(user),
        "may_recompute": plan.is_visible_to(user, Role.STAFF),
        "may_download_results": plan.is_visible_to(user, Role.STAFF),
    }, tables=page["tables"], filename=f"{plan.code}-{year}", title_lines=_title_lines(plan, year, data.freshness))


@require_POST
@role_required(Role.STAFF)
def recompute(request, code: str):
    """Staff queue a recompute of the plan's snapshots (after commit); the pages say "đang cập nhật"."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user, Role.STAFF), code=code)
    from progress.tasks import recompute_plan

    plan_id = plan.pk
    transaction.on_commit(lambda: recompute_plan.delay(plan_id))
    selectors.recompute_queued_mark(plan=plan)
    messages.success(request, _("Đã xếp lịch tính lại tiến độ của kế hoạch; số liệu sẽ cập nhật sau ít phút."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("plans:detail", args=[plan.code])
    return redirect(target)


def public_progress(request, code: str):
    """/cong-khai/<code>/: indicators, targets, latest approved province figures and statuses; no login."""
    plan = Plan.objects.filter(code=code, public_progress=True).first()
    if plan is None:
        raise Http404(_("Không có trang công khai của kế hoạch này."))
    year = selectors.plan_year(plan, request.GET.get("year"))
    rows = selectors.public_rows(plan=plan, year=year)
    fresh = selectors.freshness(plan=plan, year=year, rollup=rows[0] if rows else None, queued=False)
    page = content.public_content(rows)
    return _page(request, "dashboards/public.html", {
        "plan": plan, "year": year, "years": list(plan.years), "page": page, "fresh": fresh, "rows": rows,
    }, tables=page["tables"], filename=f"{plan.code}-cong-khai-{year}", title_lines=_title_lines(plan, year, fresh))
