"""`plan_import`: a plan document or an appendix table → plan, appendices, sections, indicators, baselines,
targets, tasks, projects and results, in one transaction or not at all.

Everything is parsed first (pure, no writes) and every error and warning collected with its line. Only
when there is no error is anything written, in one `transaction.atomic`. Re-importing the same document
updates in place: items are matched by plan code and item code, and the report says what was created,
updated, left unchanged or removed, per kind. Writes are set-based (bulk_create / bulk_update), so the
number of queries does not grow with the number of rows.
"""

from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from agencies.memory import collector_paused
from agencies.models import Province
from agencies.provinces import PROVINCE_SUCCESSORS, province_key
from agencies.text import fold
from indicators.importing.agencies import AgencyResolver
from indicators.importing.aggregation import infer_aggregations, stored_aggregations
from indicators.importing.interpret import PlanOverrides, document_kind, parse_blocks
from indicators.importing.parsed import Issue, ParsedPlan
from indicators.importing.readers import ReadError, read_blocks
from indicators.importing.report import ImportReport
from indicators.importing.textdoc import read_text_file
from indicators.importing.writer import PlanWriter
from plans.models import Plan
from plans.signals import plan_content_changed, plan_deadlines_stated

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".markdown"}

__all__ = ["ImportReport", "PlanOverrides", "plan_import", "plan_import_table"]


class _Abort(Exception):
    """Raised inside the transaction to roll it back when writing meets an error."""


def load_blocks(source: Path) -> list:
    if not source.exists():
        raise FileNotFoundError(_("Không tìm thấy tệp “{name}”.").format(name=source))
    if source.stat().st_size > MAX_BYTES:
        raise ValueError(_("Tệp “{name}” lớn hơn 20 MB: hãy tách phụ lục hoặc nén ảnh trước khi nhập.").format(
            name=source.name))
    if source.suffix.lower() in TEXT_SUFFIXES:
        return read_text_file(source)
    return read_blocks(source)


def _is_whole_document(blocks: list) -> bool:
    """A document with a heading of its kind ("KẾ HOẠCH", "NGHỊ QUYẾT" …), or with paragraphs around its tables."""
    paragraphs = [b for b in blocks if isinstance(b, str)]
    return any(document_kind(b) for b in paragraphs) or len(paragraphs) >= 5


_CODE_FILLERS = {"tren", "dia", "ban", "tinh", "thanh", "pho", "giai", "doan", "nam", "den", "cua", "ve", "va",
                 "voi", "thuc", "hien"}


def _plan_code(parsed: ParsedPlan) -> str:
    """A short, stable code from the title: "Phát triển hạ tầng số trên địa bàn tỉnh Đồng Tháp giai đoạn
    2026 - 2030" → "phat-trien-ha-tang-so-2026-2030" (filler words and the province's name dropped)."""
    province_words = set(slugify(fold(parsed.province_name)).split("-"))
    words = [w for w in slugify(fold(parsed.title)).split("-")
             if w and w not in _CODE_FILLERS and w not in province_words]
    code = "-".join(words)
    if len(code) > 60:
        years = [w for w in words if w.isdigit()]
        head = "-".join(w for w in words if not w.isdigit())
        tail = "-".join(years)
        code = f"{head[:60 - len(tail) - 1].rstrip('-')}-{tail}" if tail else head[:60].rstrip("-")
    return code or slugify(fold(Path(parsed.source).stem))[:60] or "ke-hoach"


def _find_province(name: str) -> tuple[Province | None, str]:
    """The province named, or the one it merged into (with a warning to say so)."""
    wanted = province_key(name)
    provinces = list(Province.objects.all())
    for province in provinces:
        if province_key(province.name) == wanted or province.code == slugify(wanted):
            return province, ""
    successor = PROVINCE_SUCCESSORS.get(wanted)
    if successor:
        for province in provinces:
            if province_key(province.name) == province_key(successor):
                return province, _("Văn bản là của tỉnh {old}, nay đã hợp nhất vào {new}: kế hoạch được nhập vào "
                                   "{new}.").format(old=name, new=province.name)
    return None, ""


def _similar_plan(province: Province, parsed: ParsedPlan) -> Plan | None:
    """An existing plan of the province with the same number or title: the upload is likely an update of it."""
    plans = Plan.objects.filter(province=province)
    if parsed.number and len(parsed.number) > 4:
        found = plans.filter(number__iexact=parsed.number).first()
        if found:
            return found
    title = fold(parsed.title)
    return next((p for p in plans.only("code", "title") if title and fold(p.title) == title), None)


def _automatic_code(parsed: ParsedPlan, province: Province) -> str:
    """The title's code with the province's in front, so two provinces' plans of the same title do not clash; a plan
    imported before codes carried the province keeps its code."""
    bare = _plan_code(parsed)
    if Plan.objects.filter(code=bare, province=province).exists():
        return bare
    prefix = f"{province.code}-"
    if bare.startswith(prefix):
        return bare
    return (prefix + bare)[:60].rstrip("-")


def plan_import(*, source: Path, province: Province | None = None, plan_code: str | None = None,
                overrides: PlanOverrides | None = None, create_agencies: bool = False,
                dry_run: bool = False, archive_missing: bool = False) -> ImportReport:
    """Import a plan document (.docx, .txt/.md) or a single appendix table (.xlsx, .csv, .tsv, .md, .docx).

    Items of the plan the document no longer lists are deleted, except those with reported values or progress:
    those are an error, or archived when `archive_missing` is given."""
    return _import(source=Path(source), province=province, plan_code=plan_code, overrides=overrides or PlanOverrides(),
                   create_agencies=create_agencies, dry_run=dry_run, single_table=None,
                   archive_missing=archive_missing)


def plan_import_table(*, source: Path, plan_code: str, province: Province | None = None,
                      overrides: PlanOverrides | None = None, create_agencies: bool = False,
                      dry_run: bool = False, archive_missing: bool = False) -> ImportReport:
    """Import one appendix table file into the plan `plan_code` (created when --title and the period are given).

    Only the items of that appendix (`overrides.appendix_number`, "I" by default) are created, updated or removed.
    """
    return _import(source=Path(source), province=province, plan_code=plan_code, overrides=overrides or PlanOverrides(),
                   create_agencies=create_agencies, dry_run=dry_run, single_table=True,
                   archive_missing=archive_missing)


def _import(**arguments) -> ImportReport:
    # Reading and writing 5,000 rows allocates millions of short-lived objects: see agencies.memory.
    with collector_paused():
        return _import_paused(**arguments)


def _import_paused(*, source: Path, province, plan_code, overrides: PlanOverrides, create_agencies: bool,
                   dry_run: bool, single_table: bool | None, archive_missing: bool = False) -> ImportReport:
    report = ImportReport(source=source.name, dry_run=dry_run)
    try:
        blocks = load_blocks(source)
    except (FileNotFoundError, ValueError) as exc:
        report.errors.append(Issue(str(exc)))
        return report
    except ReadError as exc:
        report.errors.append(Issue(getattr(exc, "message", str(exc))))
        return report
    if single_table is None:
        # An appendix number given: one table for that appendix, whatever else the file holds, so the plan's
        # other appendices are never touched.
        single_table = bool(overrides.appendix_number) or not _is_whole_document(blocks)
    existing_plan = Plan.objects.select_related("province").filter(code=plan_code).first() if plan_code else None
    if single_table and existing_plan is not None:
        overrides = PlanOverrides(
            title=overrides.title or existing_plan.title, number=overrides.number or existing_plan.number,
            province_name=overrides.province_name or existing_plan.province.name,
            start_year=overrides.start_year or existing_plan.start_year,
            end_year=overrides.end_year or existing_plan.end_year, appendix_number=overrides.appendix_number)
        province = province or existing_plan.province
    if province is not None and not overrides.province_name:
        overrides.province_name = province.name
    if single_table and plan_code is None:
        report.errors.append(Issue(_("Nhập một bảng phụ lục cần mã kế hoạch: dùng --plan (và --title, --start-year, "
                                     "--end-year nếu kế hoạch chưa có).")))
        return report
    parsed = parse_blocks(blocks, source=source.name, overrides=overrides, single_table=single_table)
    report.warnings.extend(parsed.warnings)
    report.errors.extend(parsed.errors)
    report.plan_title = parsed.title
    report.plan_kind = parsed.kind
    report.issuer = parsed.issuer
    if province is None and parsed.province_name:
        province, note = _find_province(parsed.province_name)
        if note:
            report.warnings.append(Issue(note))
        if province is None:
            report.errors.append(Issue(_("Không có tỉnh “{name}” trong hệ thống: dùng --province với tên một tỉnh đã "
                                         "có.").format(name=parsed.province_name)))
    if report.errors:
        return report
    report.plan_code = plan_code or _automatic_code(parsed, province)
    existing = Plan.objects.filter(code=report.plan_code).first()
    if existing is not None and existing.province_id != province.pk:
        report.errors.append(Issue(_("Mã kế hoạch “{code}” đã thuộc tỉnh {other}: dùng --plan với một mã khác, ví dụ "
                                     "“{suggestion}”.").format(code=report.plan_code, other=existing.province.name,
                                                             suggestion=f"{province.code}-{report.plan_code}"[:60])))
        return report
    if plan_code is None and existing is None and (similar := _similar_plan(province, parsed)) is not None:
        report.similar_plan = (similar.code, similar.title)
        report.warnings.append(Issue(_("Đã có kế hoạch “{title}” (mã {code}) cùng số hiệu hoặc tên: nhập sẽ tạo một kế "
                                       "hoạch mới. Để cập nhật kế hoạch đã có, dùng --plan {code}.").format(
            title=similar.title, code=similar.code)))
    resolver = AgencyResolver(province, create=create_agencies)
    resolver.collect(parsed)
    report.errors.extend(resolver.errors)
    report.warnings.extend(resolver.warnings)
    report.warnings.extend(infer_aggregations(parsed, lambda text: resolver.names(text, Issue("")),
                                              stored=stored_aggregations(report.plan_code)))
    if report.errors:
        return report
    scope = {overrides.appendix_number or "I"} if single_table else None
    writer = PlanWriter(parsed=parsed, province=province, code=report.plan_code, report=report, resolver=resolver,
                     dry_run=dry_run, appendix_scope=scope, archive_missing=archive_missing)
    if dry_run:
        writer.run()
        return report
    try:
        with transaction.atomic():
            writer.run()
            if report.errors:
                raise _Abort
            if parsed.reporting_deadlines and scope is None:
                plan_deadlines_stated.send(sender=Plan, plan_id=writer.plan.pk, deadlines=parsed.reporting_deadlines)
            if writer.plan.status == Plan.Status.ACTIVE:
                plan_content_changed.send(sender=Plan, plan_id=writer.plan.pk)
    except _Abort:
        report.counts.clear()
        report.rows.clear()
        return report
    except IntegrityError as exc:
        # A rule of the database the parser did not foresee: say which, write nothing, never a traceback.
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "") or str(exc).splitlines()[0]
        report.counts.clear()
        report.rows.clear()
        report.errors.append(Issue(_("Không ghi được kế hoạch: dữ liệu vi phạm quy tắc “{rule}” (thường là hai mục "
                                     "cùng mã trong một kế hoạch). Không có gì được ghi; hãy sửa văn bản hoặc nhập "
                                     "bảng vào một phụ lục khác.").format(rule=constraint)))
        return report
    report.written = True
    return report
