"""`plan_import`: a plan document or an appendix table → plan, appendices, sections, indicators, baselines,
targets, tasks, projects and results, in one transaction or not at all.

Everything is parsed first (pure, no writes) and every error and warning collected with its line. Only
when there is no error is anything written, in one `transaction.atomic`. Re-importing the same document
updates in place: items are matched by plan code and item code, and the report says what was created,
updated, left unchanged or removed, per kind. Writes are set-based (bulk_create / bulk_update), so the
number of queries does not grow with the number of rows.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from agencies.models import Agency, Province
from agencies.text import fold
from indicators.importing import deps
from indicators.importing.aggregation import infer_aggregations, stored_aggregations
from indicators.importing.interpret import PlanOverrides, parse_blocks
from indicators.importing.parsed import Issue, ParsedPlan
from indicators.importing.textdoc import read_text_file
from indicators.models import Baseline, Indicator, Target
from plans.models import Appendix, Plan, Project, Result, Section, Task
from plans.services import plan_upsert
from plans.signals import plan_content_changed, plan_deadlines_stated

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
KIND_LABELS = {
    "plan": _("kế hoạch"), "appendices": _("phụ lục"), "sections": _("mục"), "indicators": _("chỉ tiêu"),
    "targets": _("mục tiêu năm"), "tasks": _("nhiệm vụ"), "projects": _("dự án"),
    "results": _("kết quả năm trước"), "agencies": _("cơ quan"),
}
ACTION_LABELS = {"created": _("tạo mới"), "updated": _("cập nhật"), "unchanged": _("giữ nguyên"),
                 "removed": _("xóa")}

__all__ = ["ImportReport", "PlanOverrides", "plan_import", "plan_import_table"]


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def add(self, action: str, n: int = 1) -> None:
        setattr(self, action, getattr(self, action) + n)


@dataclass
class RowReport:
    kind: str
    code: str
    line: int | None
    where: str
    action: str
    summary: str
    changes: list[str] = field(default_factory=list)  # what an update changes, in words


@dataclass
class ImportReport:
    source: str
    dry_run: bool
    plan_code: str = ""
    plan_title: str = ""
    written: bool = False
    counts: dict[str, KindCounts] = field(default_factory=lambda: defaultdict(KindCounts))
    rows: list[RowReport] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def render(self, *, verbose: bool = True) -> str:
        lines = [_("Nhập kế hoạch từ “{source}”").format(source=self.source)]
        if self.plan_code:
            lines.append(_("Kế hoạch: {code} — {title}").format(code=self.plan_code, title=self.plan_title))
        if self.errors:
            lines.append(_("KHÔNG NHẬP: có {n} lỗi; không có gì được ghi vào cơ sở dữ liệu.").format(n=len(self.errors)))
        elif self.dry_run:
            lines.append(_("CHẠY THỬ (--dry-run): không có gì được ghi vào cơ sở dữ liệu. Nếu nhập thật sẽ:"))
        else:
            lines.append(_("Đã nhập xong."))
        if self.counts and not self.errors:
            lines.append(_("Số lượng theo loại:"))
            for kind, counts in self.counts.items():
                parts = ", ".join(f"{ACTION_LABELS[a]} {getattr(counts, a)}" for a in ACTION_LABELS)
                lines.append(f"  - {KIND_LABELS.get(kind, kind)}: {parts}")
        if verbose and self.rows and not self.errors:
            lines.append(_("Từng dòng:"))
            for row in self.rows:
                place = ", ".join(p for p in [row.where, _("dòng {n}").format(n=row.line) if row.line else ""] if p)
                label = " ".join(p for p in [KIND_LABELS.get(row.kind, row.kind), row.code] if p)
                lines.append(f"  [{place}] {label} ({ACTION_LABELS[row.action]}): {row.summary}"
                             + (_(" — thay đổi: {changes}").format(changes="; ".join(row.changes))
                                if row.changes else ""))
        if self.warnings:
            lines.append(_("Cảnh báo ({n}):").format(n=len(self.warnings)))
            lines.extend(f"  - {w.render()}" for w in self.warnings)
        if self.errors:
            lines.append(_("Lỗi ({n}):").format(n=len(self.errors)))
            lines.extend(f"  - {e.render()}" for e in self.errors)
        return "\n".join(lines)


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
    return deps.read_blocks(source)


def _is_whole_document(blocks: list) -> bool:
    return any(isinstance(b, str) and fold(b) == "ke hoach" for b in blocks)


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


def _find_province(name: str) -> Province | None:
    wanted = fold(re.sub(r"^(tỉnh|thành phố|tp\.?)\s+", "", name.strip(), flags=re.IGNORECASE))
    for province in Province.objects.all():
        if fold(province.name) == wanted or province.code == slugify(wanted):
            return province
    return None


def plan_import(*, source: Path, province: Province | None = None, plan_code: str | None = None,
                overrides: PlanOverrides | None = None, create_agencies: bool = False,
                dry_run: bool = False) -> ImportReport:
    """Import a plan document (.docx, .txt/.md) or a single appendix table (.xlsx, .csv, .tsv, .md, .docx)."""
    return _import(source=Path(source), province=province, plan_code=plan_code, overrides=overrides or PlanOverrides(),
                   create_agencies=create_agencies, dry_run=dry_run, single_table=None)


def plan_import_table(*, source: Path, plan_code: str, province: Province | None = None,
                      overrides: PlanOverrides | None = None, create_agencies: bool = False,
                      dry_run: bool = False) -> ImportReport:
    """Import one appendix table file into the plan `plan_code` (created when --title and the period are given).

    Only the items of that appendix (`overrides.appendix_number`, "I" by default) are created, updated or removed.
    """
    return _import(source=Path(source), province=province, plan_code=plan_code, overrides=overrides or PlanOverrides(),
                   create_agencies=create_agencies, dry_run=dry_run, single_table=True)


def _import(*, source: Path, province, plan_code, overrides: PlanOverrides, create_agencies: bool, dry_run: bool,
            single_table: bool | None) -> ImportReport:
    report = ImportReport(source=source.name, dry_run=dry_run)
    try:
        blocks = load_blocks(source)
    except (FileNotFoundError, ValueError) as exc:
        report.errors.append(Issue(str(exc)))
        return report
    except deps.ReadError as exc:
        report.errors.append(Issue(getattr(exc, "message", str(exc))))
        return report
    if single_table is None:
        single_table = not _is_whole_document(blocks)
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
    report.plan_code = plan_code or (_plan_code(parsed) if parsed.title else "")
    report.plan_title = parsed.title
    if province is None and parsed.province_name:
        province = _find_province(parsed.province_name)
        if province is None:
            report.errors.append(Issue(_("Không có tỉnh “{name}” trong hệ thống: dùng --province với tên một tỉnh đã "
                                         "có.").format(name=parsed.province_name)))
    if report.errors:
        return report
    existing = Plan.objects.filter(code=report.plan_code).first()
    if existing is not None and existing.province_id != province.pk:
        report.errors.append(Issue(_("Mã kế hoạch “{code}” đã thuộc tỉnh khác.").format(code=report.plan_code)))
        return report
    resolver = _AgencyResolver(province, create=create_agencies)
    resolver.collect(parsed)
    report.errors.extend(resolver.errors)
    report.warnings.extend(infer_aggregations(parsed, lambda text: resolver.names(text, Issue("")),
                                              stored=stored_aggregations(report.plan_code)))
    if report.errors:
        return report
    scope = {overrides.appendix_number or "I"} if single_table else None
    writer = _Writer(parsed=parsed, province=province, code=report.plan_code, report=report, resolver=resolver,
                     dry_run=dry_run, appendix_scope=scope)
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
    report.written = True
    return report


_LISTED_COMMUNES = re.compile(r"(?:^|(?<=;))\s*các\s+(?P<kind>phường|xã)\s*:\s*(?P<names>[^;]+)", re.IGNORECASE)


def _expand_communes(match: re.Match) -> str:
    """"Các phường: Mỹ Tho, Cao Lãnh" → "UBND phường Mỹ Tho; UBND phường Cao Lãnh" (as "Các sở: …" does)."""
    kind = match.group("kind").lower()
    names = [n.strip(" .") for n in re.split(r",|\s+và\s+", match.group("names")) if n.strip(" .")]
    return "; ".join(f"UBND {kind} {name}" for name in names)


_GLUE = re.compile(r"\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][^\s]*)")


class _AgencyResolver:
    """Agency names in the document → agencies of the province (H1's directory), unknown names reported."""

    def __init__(self, province: Province, *, create: bool) -> None:
        self.province = province
        self.create = create
        self.directory = deps.AgencyDirectory(province)
        self.cache: dict[str, list] = {}
        self.unknown: dict[str, tuple[str, Issue]] = {}  # directory key → (name as written, where first seen)
        self.errors: list[Issue] = []
        self.created: dict[str, Agency] = {}

    def _resolve_text(self, text: str) -> tuple[list, list[str]]:
        text = _LISTED_COMMUNES.sub(_expand_communes, text)
        resolved = self.directory.resolve_list(text)
        agencies, unknown = list(resolved.agencies), []
        for name in resolved.unknown:
            found, rest = self._split_glued(name)
            for agency in found:
                if agency not in agencies:
                    agencies.append(agency)
            unknown.extend(rest)
        return agencies, unknown

    def _split_glued(self, name: str) -> tuple[list, list[str]]:
        """"Sở Khoa học và Công nghệ Hội Tin học": two agencies whose separator was lost in extraction."""
        for match in _GLUE.finditer(name):
            left, right = name[:match.start()], name[match.end():]
            agency = self.directory.match(left)
            if agency is not None:
                more, rest = self._resolve_text(right)
                return [agency, *more], rest
        return [], [name]

    def names(self, text: str, issue: Issue) -> list:
        """Agencies named in `text`; a name not found yet stands as ("new", key) until it is created."""
        if not text:
            return []
        if text not in self.cache:
            agencies, unknown = self._resolve_text(text)
            keys = [deps.name_key(name) for name in unknown]
            self.cache[text] = (agencies, keys)
            for key, name in zip(keys, unknown, strict=True):
                self.unknown.setdefault(key, (name, issue))
        agencies, unknown_keys = self.cache[text]
        return [*agencies, *(("new", key) for key in unknown_keys)]

    def collect(self, parsed: ParsedPlan) -> None:
        for items in parsed.items().values():
            for item in items:
                issue = Issue("", item.line, _("Phụ lục {n}").format(n=item.appendix) if item.appendix else "")
                for attribute in ("lead", "coordinating", "investors"):
                    for text in getattr(item, attribute, []):
                        self.names(text, issue)
                partner = getattr(item, "partner", None)
                if partner:
                    self.names(partner, issue)
        if self.unknown and not self.create:
            for name, issue in self.unknown.values():
                closest = ", ".join(f"“{n}”" for n in self.directory.closest(name, limit=3)) or _("(không có)")
                self.errors.append(Issue(_("Không tìm thấy cơ quan “{name}”. Gần nhất: {closest}. Thêm cơ quan "
                                           "(hoặc tên gọi khác) rồi nhập lại, hoặc dùng --create-agencies.").format(
                    name=name, closest=closest), issue.line, issue.where))

    def create_unknown(self, dry_run: bool) -> int:
        for key, (name, _where) in self.unknown.items():
            if dry_run:
                continue
            agency = deps.agency_create(province=self.province, name=name[:255], kind=_guess_kind(name))
            self.directory.add(agency)
            self.created[key] = agency
        return len(self.unknown)

    def ids(self, values: list) -> set:
        result = set()
        for value in values:
            if isinstance(value, tuple):
                agency = self.created.get(value[1])
                result.add(agency.pk if agency else value)
            else:
                result.add(value.pk)
        return result


def _guess_kind(name: str) -> str:
    folded = fold(name)
    if re.search(r"\b(xa|phuong)\b", folded) and folded.startswith(("ubnd", "uy ban")):
        return Agency.Kind.COMMUNE
    if re.search(r"\b(doanh nghiep|cong ty|tap doan|vnpt|viettel|ngan hang)\b", folded):
        return Agency.Kind.ENTERPRISE
    if folded.startswith("cac "):
        return Agency.Kind.GROUP
    return Agency.Kind.DEPARTMENT


def _fmt(value) -> str:
    if value is None:
        return ""
    return deps.format_number(value)


class _Writer:
    def __init__(self, *, parsed: ParsedPlan, province: Province, code: str, report: ImportReport,
                 resolver: _AgencyResolver, dry_run: bool, appendix_scope: set[str] | None) -> None:
        self.parsed = parsed
        self.province = province
        self.code = code
        self.report = report
        self.resolver = resolver
        self.dry_run = dry_run
        self.scope = appendix_scope

    def run(self) -> None:
        created = self.resolver.create_unknown(self.dry_run)
        if created:
            self.report.counts["agencies"].add("created", created)
            for name, issue in self.resolver.unknown.values():
                self.report.rows.append(RowReport("agencies", "", issue.line, issue.where, "created",
                                                  f"{name} ({Agency.Kind(_guess_kind(name)).label})"))
        parsed = self.parsed
        plan, action, _changed = plan_upsert(
            province=self.province, code=self.code, title=parsed.title, number=parsed.number,
            issued=parsed.issued, start_year=parsed.start_year, end_year=parsed.end_year,
            source_document=parsed.source, dry_run=self.dry_run,
            # Sở KH&CN follows every plan (DESIGN.md): the default monitoring agency.
            monitoring_agency=self.resolver.directory.match("Sở Khoa học và Công nghệ"))
        self.report.counts["plan"].add(action)
        self.plan = plan
        self.is_new = plan.pk is None
        self.appendices = self.sync_appendices()
        self.sections = self.sync_sections()
        self.task_ids = self.sync_items(Task, "tasks", parsed.tasks, self.task_values,
                                        {"lead_agencies": "lead", "coordinating_agencies": "coordinating"},
                                        self.task_summary)
        self.indicator_ids = self.sync_items(Indicator, "indicators", parsed.indicators, self.indicator_values,
                                             {"lead_agencies": "lead", "coordinating_agencies": "coordinating"},
                                             self.indicator_summary)
        self.sync_baselines_and_targets()
        self.sync_items(Project, "projects", parsed.projects, self.project_values, {"investors": "investors"},
                        self.project_summary)
        self.sync_items(Result, "results", parsed.results, self.result_values, {}, self.result_summary)

    # Appendices and sections ---------------------------------------------------------------
    def sync_appendices(self) -> dict[str, Appendix]:
        existing = {} if self.is_new else {a.number: a for a in Appendix.objects.filter(plan=self.plan)}
        to_create, to_update = [], []
        result = {}
        for parsed in self.parsed.appendices:
            appendix = existing.pop(parsed.number, None)
            wanted = {"title": parsed.title[:500], "kind": parsed.kind, "order": parsed.order}
            if appendix is None:
                appendix = Appendix(plan=self.plan, number=parsed.number, **wanted)
                to_create.append(appendix)
                self.report.counts["appendices"].add("created")
            elif any(getattr(appendix, k) != v for k, v in wanted.items()):
                if self.scope is not None:
                    wanted.pop("order")
                for k, v in wanted.items():
                    setattr(appendix, k, v)
                to_update.append(appendix)
                self.report.counts["appendices"].add("updated")
            else:
                self.report.counts["appendices"].add("unchanged")
            result[parsed.number] = appendix
        stale = [a for a in existing.values() if self.scope is None]
        self.report.counts["appendices"].add("removed", len(stale))
        if not self.dry_run:
            Appendix.objects.bulk_create(to_create)
            if to_update:
                Appendix.objects.bulk_update(to_update, ["title", "kind", "order"])
            if stale:
                Appendix.objects.filter(pk__in=[a.pk for a in stale]).delete()
        return result

    def _section_paths(self) -> dict[tuple, tuple]:
        by_key = {s.key: s for s in self.parsed.sections}
        paths = {}
        for section in self.parsed.sections:
            titles, node = [], section
            while node is not None:
                titles.append(fold(node.title))
                node = by_key.get(node.parent_key) if node.parent_key else None
            paths[section.key] = (section.appendix or "", *titles[::-1])
        return paths

    def sync_sections(self) -> dict[tuple, Section]:
        paths = self._section_paths()
        existing: dict[tuple, Section] = {}
        if not self.is_new:
            rows = list(Section.objects.filter(plan=self.plan).select_related("appendix"))
            by_id = {s.pk: s for s in rows}
            for section in rows:
                titles, node = [], section
                while node is not None:
                    titles.append(fold(node.title))
                    node = by_id.get(node.parent_id)
                number = section.appendix.number if section.appendix else ""
                if self.scope is None or number in self.scope:
                    existing[(number, *titles[::-1])] = section
        result: dict[tuple, Section] = {}
        to_update = []
        levels: dict[int, list[Section]] = defaultdict(list)
        for order, parsed in enumerate(self.parsed.sections):
            path = paths[parsed.key]
            section = existing.pop(path, None)
            appendix = self.appendices.get(parsed.appendix) if parsed.appendix else None
            parent = result.get(parsed.parent_key) if parsed.parent_key else None
            if section is None:
                section = Section(plan=self.plan, appendix=appendix, parent=parent, code=parsed.code[:20],
                                  title=parsed.title[:500], order=order)
                levels[len(path)].append(section)
                self.report.counts["sections"].add("created")
            elif section.code != parsed.code[:20] or section.order != order:
                section.code, section.order = parsed.code[:20], order
                to_update.append(section)
                self.report.counts["sections"].add("updated")
            else:
                self.report.counts["sections"].add("unchanged")
            result[parsed.key] = section
        self.report.counts["sections"].add("removed", len(existing))
        if not self.dry_run:
            for depth in sorted(levels):
                for section in levels[depth]:
                    # The parent was created at the previous level: refresh the id Django cached.
                    section.parent = section.parent
                    section.appendix = section.appendix
                Section.objects.bulk_create(levels[depth])
            if to_update:
                Section.objects.bulk_update(to_update, ["code", "order"])
            if existing:
                Section.objects.filter(pk__in=[s.pk for s in existing.values()]).delete()
        return result

    # Items ---------------------------------------------------------------------------------
    def common(self, item) -> dict:
        appendix = self.appendices.get(item.appendix) if item.appendix else None
        section = self.sections.get(item.section_key) if item.section_key else None
        return {"appendix_id": appendix.pk if appendix else None, "section_id": section.pk if section else None,
                "order": item.order, "note": item.note}

    def sync_items(self, model, kind: str, items: list, values_of, m2m: dict[str, str], summary_of) -> dict[str, int]:
        scope_filter = {}
        if self.scope is not None:
            scope_filter = {"appendix__number__in": self.scope}
            items = [i for i in items if i.appendix in self.scope]
        existing = {} if self.is_new else {o.code: o for o in model.objects.filter(plan=self.plan, **scope_filter)}
        current_m2m: dict[str, dict[int, set]] = {}
        for name in m2m:
            current_m2m[name] = defaultdict(set)
            if existing:
                through = model._meta.get_field(name).remote_field.through
                owner = f"{model._meta.model_name}_id"
                for owner_id, agency_id in through.objects.filter(
                        **{f"{owner}__in": [o.pk for o in existing.values()]}).values_list(owner, "agency_id"):
                    current_m2m[name][owner_id].add(agency_id)
        to_create, to_update, update_fields, wanted_m2m = [], [], set(), []
        for item in items:
            wanted = values_of(item)
            changes: list[str] = []
            obj = existing.pop(item.code, None)
            agencies = {name: self.resolver.ids(self._agencies(getattr(item, attribute), item))
                        for name, attribute in m2m.items()}
            if obj is None:
                obj = model(plan=self.plan, code=item.code, **wanted)
                if not self.dry_run:
                    obj.plan_id = self.plan.pk
                to_create.append(obj)
                action = "created"
            else:
                changed = [f for f, v in wanted.items() if getattr(obj, f) != v]
                m2m_changed = any(current_m2m[name].get(obj.pk, set()) != ids for name, ids in agencies.items())
                for f in changed:
                    setattr(obj, f, wanted[f])
                if changed:
                    to_update.append(obj)
                    update_fields.update(changed)
                action = "updated" if changed or m2m_changed else "unchanged"
                changes = [str(model._meta.get_field(f.removesuffix("_id")).verbose_name) for f in changed]
                changes += [str(model._meta.get_field(name).verbose_name) for name, ids in agencies.items()
                            if current_m2m[name].get(obj.pk, set()) != ids]
            item._action = action
            wanted_m2m.append((obj, agencies))
            self.report.rows.append(RowReport(kind, item.code, item.line,
                                              _("Phụ lục {n}").format(n=item.appendix) if item.appendix else "",
                                              action, summary_of(item), changes if action == "updated" else []))
        stale = list(existing.values())
        if not self.dry_run:
            model.objects.bulk_create(to_create)
            if to_update:
                model.objects.bulk_update(to_update, sorted(update_fields))
            if stale:
                try:
                    model.objects.filter(pk__in=[o.pk for o in stale]).delete()
                except ProtectedError:
                    self.report.errors.append(Issue(_("Không thể xóa {kind} đã có báo cáo: {codes}.").format(
                        kind=KIND_LABELS[kind], codes=", ".join(o.code for o in stale))))
            for name in m2m:
                through = model._meta.get_field(name).remote_field.through
                owner = f"{model._meta.model_name}_id"
                changed_objs = [(obj, agencies[name]) for obj, agencies in wanted_m2m
                                if current_m2m[name].get(obj.pk, set()) != agencies[name]]
                if not changed_objs:
                    continue
                through.objects.filter(**{f"{owner}__in": [o.pk for o, _ids in changed_objs]}).delete()
                through.objects.bulk_create([through(**{owner: obj.pk, "agency_id": agency_id})
                                             for obj, ids in changed_objs for agency_id in sorted(ids)])
        for item in items:
            self.report.counts[kind].add(item._action)
        self.report.counts[kind].add("removed", len(stale))
        return {obj.code: obj.pk for obj, _agencies in wanted_m2m}

    def _agencies(self, values, item) -> list:
        if values is None:
            return []
        if isinstance(values, str):
            values = [values]
        issue = Issue("", item.line)
        return [agency for text in values for agency in self.resolver.names(text, issue)]

    def task_values(self, task) -> dict:
        partner = self.resolver.ids(self._agencies(task.partner, task)) if task.partner else set()
        partner_id = next(iter(partner), None)
        return {**self.common(task), "content": task.content, "deadline_kind": task.deadline_kind,
                "deadline_text": task.deadline_text[:255], "start_date": task.start_date, "due_date": task.due_date,
                "expected_result": task.expected_result,
                "partner_id": partner_id if isinstance(partner_id, int) else None}

    def indicator_values(self, indicator) -> dict:
        task_id = self.task_ids.get(indicator.task_code) if indicator.task_code else None
        return {**self.common(indicator), "name": indicator.name, "unit": indicator.unit[:60],
                "value_type": indicator.value_type, "direction": indicator.direction,
                "aggregation": indicator.aggregation, "task_id": task_id}

    def project_values(self, project) -> dict:
        return {**self.common(project), "name": project.name, "total_investment": project.total_investment,
                "investment_unit": project.investment_unit[:40], "funding_source": project.funding_source[:500],
                "start_year": project.start_year, "end_year": project.end_year, "status": project.status[:255]}

    def result_values(self, result) -> dict:
        return {**self.common(result), "target_text": result.target_text, "year": result.year,
                "status": result.status, "result_text": result.result_text}

    # Baselines and targets -----------------------------------------------------------------
    def sync_baselines_and_targets(self) -> None:
        items = self.parsed.indicators
        if self.scope is not None:
            items = [i for i in items if i.appendix in self.scope]
        ids = [pk for pk in self.indicator_ids.values() if pk]
        baselines = {b.indicator_id: b for b in Baseline.objects.filter(indicator_id__in=ids)} if ids else {}
        targets = {(t.indicator_id, t.year): t for t in Target.objects.filter(indicator_id__in=ids)} if ids else {}
        new_baselines, changed_baselines, new_targets, changed_targets = [], [], [], []
        keep_baselines, keep_targets = set(), set()
        counts = self.report.counts["targets"]
        rows = {row.code: row for row in self.report.rows if row.kind == "indicators"}
        stale_years = defaultdict(list)
        wanted_years = {(self.indicator_ids.get(i.code), t.year) for i in items for t in i.targets}
        for (pk, year) in targets:
            if (pk, year) not in wanted_years:
                stale_years[pk].append(year)
        for item in items:
            pk = self.indicator_ids.get(item.code)
            touched = bool(stale_years.get(pk))
            changes = [_("bỏ mục tiêu năm {year}").format(year=year) for year in sorted(stale_years.get(pk, []))]
            if item.baseline:
                year, value, text = item.baseline
                baseline = baselines.get(pk)
                if baseline is None:
                    new_baselines.append(Baseline(indicator_id=pk, year=year, value=value, text=text))
                    touched = True
                elif (baseline.year, baseline.value, baseline.text) != (year, value, text):
                    changes.append(_("hiện trạng: {old} → {new}").format(old=baseline.text, new=text))
                    baseline.year, baseline.value, baseline.text = year, value, text
                    changed_baselines.append(baseline)
                    touched = True
                keep_baselines.add(pk)
            elif pk in baselines:
                touched = True
            for target in item.targets:
                current = targets.get((pk, target.year))
                wanted = (target.op, target.low, target.high, target.text)
                if current is None:
                    new_targets.append(Target(indicator_id=pk, year=target.year, op=target.op, low=target.low,
                                              high=target.high, text=target.text))
                    counts.add("created")
                    touched = True
                elif (current.op, current.low, current.high, current.text) != wanted:
                    changes.append(_("mục tiêu năm {year}: {old} → {new}").format(
                        year=target.year, old=_target_text(current), new=_target_text(target)))
                    current.op, current.low, current.high, current.text = wanted
                    changed_targets.append(current)
                    counts.add("updated")
                    touched = True
                else:
                    counts.add("unchanged")
                keep_targets.add((pk, target.year))
            if touched and getattr(item, "_action", "") == "unchanged":
                item._action = "updated"
                self.report.counts["indicators"].unchanged -= 1
                self.report.counts["indicators"].updated += 1
                if item.code in rows:
                    rows[item.code].action = "updated"
            if item.code in rows and changes:
                rows[item.code].action = "updated"
                rows[item.code].changes.extend(changes)
        stale_targets = [t for key, t in targets.items() if key not in keep_targets]
        stale_baselines = [b for pk, b in baselines.items() if pk not in keep_baselines]
        counts.add("removed", len(stale_targets))
        if self.dry_run:
            return
        if stale_targets:
            Target.objects.filter(pk__in=[t.pk for t in stale_targets]).delete()
        if stale_baselines:
            Baseline.objects.filter(pk__in=[b.pk for b in stale_baselines]).delete()
        Baseline.objects.bulk_create(new_baselines)
        if changed_baselines:
            Baseline.objects.bulk_update(changed_baselines, ["year", "value", "text"])
        Target.objects.bulk_create(new_targets)
        if changed_targets:
            Target.objects.bulk_update(changed_targets, ["op", "low", "high", "text"])

    # One-line summaries for the report -------------------------------------------------------
    def indicator_summary(self, item) -> str:
        targets = "; ".join(f"{t.year}: {_target_text(t)}" for t in item.targets)
        baseline = ""
        if item.baseline:
            year, value, text = item.baseline
            baseline = _("hiện trạng{year} {value}").format(year=f" {year}" if year else "",
                                                             value=_fmt(value) if value is not None else text[:40])
        parts = [item.name[:70], item.unit, baseline, targets,
                 _("chủ trì: {names}").format(names="; ".join(item.lead)) if item.lead else ""]
        return " | ".join(p for p in parts if p)

    def task_summary(self, item) -> str:
        deadline = f"{item.deadline_text} → {item.deadline_kind}"
        if item.due_date:
            deadline += f" {item.due_date:%d/%m/%Y}"
        parts = [item.content[:70], deadline, _("chủ trì: {names}").format(names="; ".join(item.lead)) if item.lead
                 else "", _("đối tác: {name}").format(name=item.partner) if item.partner else ""]
        return " | ".join(p for p in parts if p)

    def project_summary(self, item) -> str:
        money = f"{_fmt(item.total_investment)} {item.investment_unit}" if item.total_investment is not None else ""
        years = f"{item.start_year}–{item.end_year}" if item.start_year else ""
        return " | ".join(p for p in [item.name[:70], money, years, "; ".join(item.investors)] if p)

    def result_summary(self, item) -> str:
        return " | ".join(p for p in [item.target_text[:70], str(item.year), item.status] if p)


def _target_text(target) -> str:
    if target.op == "text":
        return target.text[:40]
    if target.op == "range":
        return f"{_fmt(target.low)}–{_fmt(target.high)}"
    symbol = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "maintain": _("duy trì")}[target.op]
    return f"{symbol} {_fmt(target.low if target.low is not None else target.high)}"
