"""Plan import in the admin: upload, preview (a dry run), confirm (the real import), for Sở KH&CN staff.

The same `plan_import` service as `manage.py import_plan`: the preview is its dry-run report (counts per
kind, each row's parsed result, every warning and error with its line), and confirming runs it again on
the same uploaded file. Between the two steps the file waits in a private temporary folder, found only
through a token kept in the user's session.
"""

import re
import shutil
import tempfile
import uuid
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Province
from agencies.roles import may_import_plans, sees_everything, user_province
from indicators.importing.report import ACTION_LABELS, KIND_LABELS, ImportReport
from indicators.importing.service import MAX_BYTES, PlanOverrides, plan_import
from plans.models import Plan

ACCEPTED = (".docx", ".xlsx", ".csv", ".tsv", ".txt", ".md")
SESSION_KEY = "plan_import_uploads"
UPLOAD_ROOT = Path(tempfile.gettempdir()) / "chitieu-plan-import"


class PlanImportForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("Văn bản kế hoạch hoặc bảng phụ lục"),
        help_text=gettext_lazy("Văn bản .docx hoặc .txt/.md; một bảng phụ lục .xlsx, .csv, .tsv, .md, .docx. Tối đa 20 MB."))
    plan_code = forms.SlugField(label=gettext_lazy("Mã kế hoạch"), required=False, max_length=60,
                                help_text=gettext_lazy("Để trống: tạo từ tên kế hoạch. Bắt buộc khi nhập một bảng."))
    province = forms.ModelChoiceField(Province.objects.all(), label=gettext_lazy("Tỉnh"), required=False)
    title = forms.CharField(label=gettext_lazy("Tên kế hoạch"), required=False, max_length=500)
    start_year = forms.IntegerField(label=gettext_lazy("Từ năm"), required=False, min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=gettext_lazy("Đến năm"), required=False, min_value=2000, max_value=2100)
    appendix = forms.CharField(
        label=gettext_lazy("Số phụ lục"), required=False, max_length=20,
        help_text=gettext_lazy("Khi nhập một bảng vào kế hoạch đã có: chỉ phụ lục này được thêm hoặc cập nhật "
                               "(ví dụ: II)."))
    create_agencies = forms.BooleanField(label=gettext_lazy("Tạo các cơ quan chưa có trong danh bạ"), required=False)
    archive_missing = forms.BooleanField(
        label=gettext_lazy("Lưu trữ mục không còn trong văn bản"), required=False,
        help_text=gettext_lazy("Chỉ tiêu, nhiệm vụ đã có báo cáo mà văn bản mới không còn: giữ lại cùng lịch sử, "
                               "không đưa vào báo cáo mới (không bao giờ xóa)."))

    def __init__(self, *args, fixed_province: Province | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_province = fixed_province
        if fixed_province is not None:
            del self.fields["province"]

    def clean_document(self):
        document = self.cleaned_data["document"]
        if not document.name.lower().endswith(ACCEPTED):
            raise forms.ValidationError(_("Chỉ nhận tệp .docx, .xlsx, .csv, .tsv, .txt, .md."))
        if document.size > MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 20 MB: hãy tách phụ lục hoặc nén ảnh trước khi nhập."))
        return document

    def clean(self):
        data = super().clean()
        if (data.get("start_year") is None) != (data.get("end_year") is None):
            raise forms.ValidationError(_("Cần cả năm bắt đầu và năm kết thúc."))
        if self.fixed_province is None and not data.get("province"):
            self.add_error("province", _("Chọn tỉnh của kế hoạch."))
        return data


class PlanImportAdminMixin:
    """Adds "Nhập từ văn bản" to the plan admin (the button on the list, and its two-step page)."""

    change_list_template = "admin/plans/plan/change_list_import.html"
    change_form_template = "admin/plans/plan/change_form_import.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_document_view)
        return [path("nhap-van-ban/", view, name="plans_plan_import_document"), *super().get_urls()]

    def _check_may_import(self, request) -> Province | None:
        user = request.user
        if not may_import_plans(user):
            raise PermissionDenied
        return None if sees_everything(user) else user_province(user)

    def import_document_view(self, request):
        fixed_province = self._check_may_import(request)
        uploads = request.session.get(SESSION_KEY, {})
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Nhập kế hoạch từ văn bản")}
        if request.method == "POST" and request.POST.get("token") and request.POST.get("use_plan"):
            return self._switch_to_existing_plan(request, uploads, fixed_province, context)
        if request.method == "POST" and request.POST.get("token"):
            pending = uploads.pop(request.POST["token"], None)
            request.session[SESSION_KEY] = uploads
            if pending is None:
                messages.error(request, _("Phiên nhập đã hết hạn: hãy tải tệp lên lại."))
                return redirect("admin:plans_plan_import_document")
            report = self._run(pending, dry_run=False)
            shutil.rmtree(Path(pending["path"]).parent, ignore_errors=True)
            if report.ok:
                messages.success(request, _("Đã nhập kế hoạch “%(title)s”.") % {"title": report.plan_title})
                return redirect(f"{reverse('admin:plans_plan_changelist')}?q={report.plan_code}")
            return TemplateResponse(request, "admin/plans/plan/import_document.html",
                                    {**context, "form": PlanImportForm(fixed_province=fixed_province),
                                     "report": report, "preview": preview(report)})
        initial = {}
        if request.method == "GET" and request.GET.get("plan"):
            plan = Plan.objects.filter(code=request.GET["plan"]).first()
            if plan is not None and (fixed_province is None or plan.province_id == fixed_province.pk):
                # From a plan's page: the upload updates that plan.
                initial = {"plan_code": plan.code, "province": plan.province_id}
                context["title"] = _("Cập nhật kế hoạch “%(title)s” từ văn bản") % {"title": plan.title}
        form = PlanImportForm(request.POST or None, request.FILES or None, fixed_province=fixed_province,
                              initial=initial)
        if request.method == "POST" and form.is_valid():
            pending = self._store(form, fixed_province)
            self._preview(request, pending, uploads, context)
        return TemplateResponse(request, "admin/plans/plan/import_document.html", {**context, "form": form})

    def _preview(self, request, pending: dict, uploads: dict, context: dict) -> None:
        report = self._run(pending, dry_run=True)
        if report.ok:
            token = uuid.uuid4().hex
            uploads[token] = pending
            request.session[SESSION_KEY] = uploads
            context["token"] = token
        else:
            shutil.rmtree(Path(pending["path"]).parent, ignore_errors=True)
        context["report"] = report
        context["preview"] = preview(report)

    def _switch_to_existing_plan(self, request, uploads: dict, fixed_province, context: dict):
        """The preview found an existing plan like the upload: preview again as an update of that plan."""
        pending = uploads.pop(request.POST["token"], None)
        request.session[SESSION_KEY] = uploads
        plan = Plan.objects.filter(code=request.POST["use_plan"]).first()
        if pending is None or plan is None or plan.province_id != pending["province_id"]:
            messages.error(request, _("Phiên nhập đã hết hạn: hãy tải tệp lên lại."))
            return redirect("admin:plans_plan_import_document")
        pending["plan_code"] = plan.code
        self._preview(request, pending, uploads, context)
        form = PlanImportForm(fixed_province=fixed_province, initial={"plan_code": plan.code})
        return TemplateResponse(request, "admin/plans/plan/import_document.html", {**context, "form": form})

    @staticmethod
    def _store(form: PlanImportForm, fixed_province: Province | None) -> dict:
        document = form.cleaned_data["document"]
        folder = UPLOAD_ROOT / uuid.uuid4().hex
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = folder / Path(document.name).name
        with target.open("wb") as handle:
            for chunk in document.chunks():
                handle.write(chunk)
        province = fixed_province or form.cleaned_data["province"]
        data = form.cleaned_data
        return {"path": str(target), "province_id": province.pk, "plan_code": data.get("plan_code") or None,
                "title": data.get("title") or None, "start_year": data.get("start_year"),
                "end_year": data.get("end_year"), "create_agencies": bool(data.get("create_agencies")),
                "appendix": (data.get("appendix") or "").strip().upper() or None,
                "archive_missing": bool(data.get("archive_missing"))}

    @staticmethod
    def _run(pending: dict, *, dry_run: bool):
        return plan_import(
            source=Path(pending["path"]), province=Province.objects.get(pk=pending["province_id"]),
            plan_code=pending["plan_code"],
            overrides=PlanOverrides(title=pending["title"], start_year=pending["start_year"],
                                    end_year=pending["end_year"], appendix_number=pending.get("appendix")),
            create_agencies=pending["create_agencies"], dry_run=dry_run,
            archive_missing=pending.get("archive_missing", False))


# The command line's words in the service's messages, as the form's fields (the preview speaks to people).
_FIELDS_FOR_FLAGS = {
    "--archive-missing": gettext_lazy("ô “Lưu trữ mục không còn trong văn bản”"),
    "--create-agencies": gettext_lazy("ô “Tạo các cơ quan chưa có trong danh bạ”"),
    "--start-year": gettext_lazy("ô “Từ năm”"), "--end-year": gettext_lazy("ô “Đến năm”"),
    "--province": gettext_lazy("ô “Tỉnh”"), "--title": gettext_lazy("ô “Tên kế hoạch”"),
    "--appendix": gettext_lazy("ô “Số phụ lục”"), "--plan": gettext_lazy("ô “Mã kế hoạch”"),
    "--number": gettext_lazy("số hiệu"),
}
_FLAG = re.compile(r"\s*\((--[a-z-]+)\)|(--[a-z-]+)")


def for_people(text: str) -> str:
    """A service message without command-line words: "(--archive-missing)" goes, "--plan x" names the field."""
    def replace(match: re.Match) -> str:
        if match.group(1):
            return ""
        return str(_FIELDS_FOR_FLAGS.get(match.group(2), match.group(2)))
    return _FLAG.sub(replace, text).replace("year_range", _("khoảng năm"))


def preview(report: ImportReport) -> dict:
    """What the preview page shows: counts on top, one table per appendix, warnings beside their rows."""
    counts = [{"kind": KIND_LABELS.get(kind, kind),
               "values": [getattr(c, action) for action in ACTION_LABELS]} for kind, c in report.counts.items()]
    tables = report.appendix_tables()
    for table in tables:
        for row in table["rows"]:
            row["warnings"] = [for_people(w) for w in row["warnings"]]
    return {"actions": list(ACTION_LABELS.values()), "counts": counts if report.ok else [], "tables": tables,
            "warnings": [{"place": _place(w), "message": for_people(w.message)} for w in report.unplaced_warnings],
            "errors": [{"place": _place(e), "message": for_people(e.message)} for e in report.errors]}


def _place(issue) -> str:
    return ", ".join(p for p in [issue.where, _("dòng %(n)s") % {"n": issue.line} if issue.line else ""] if p)


def register_plan_import() -> None:
    """Give the plan admin (plans/admin.py) the import: plans sit below indicators in the layers, so the hook
    lives here and re-registers Plan with the mixin rather than plans importing upwards."""
    from django.contrib import admin

    from plans.admin import PlanAdmin
    from plans.models import Plan

    if isinstance(admin.site._registry.get(Plan), PlanImportAdminMixin):
        return

    class PlanWithImportAdmin(PlanImportAdminMixin, PlanAdmin):
        pass

    if admin.site.is_registered(Plan):
        admin.site.unregister(Plan)
    admin.site.register(Plan, PlanWithImportAdmin)


register_plan_import()
