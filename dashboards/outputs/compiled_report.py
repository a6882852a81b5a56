"""The province's compiled periodic report on a plan ("BÁO CÁO Tình hình thực hiện Kế hoạch … quý III
năm 2026"), as the Sở KH&CN writes it by hand today: national emblem lines, the issuing body, a blank
number, then I. Kết quả đạt được (indicator table, task table, the agencies' achievements under the
plan's sections), II. Tồn tại, hạn chế, III. Khó khăn, vướng mắc, IV. Đề xuất, kiến nghị, and an annex
on who reported on time, late or not at all. The annual variant adds the year-end results appendix.

Only approved reports count; the document names the reports not yet approved. Figures come from the
progress snapshots (what the recompute wrote), compliance from `reports.selectors`.

The document is first built as a list of blocks (`Heading`, `Paragraph`, `Table`, …): the .docx writer
and the HTML preview render the same blocks, so the preview shows exactly what the download holds.
"""

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from agencies.clock import local_today
from agencies.errors import UserError
from agencies.models import Agency
from dashboards.outputs.text import clean_text, paragraphs
from indicators.numbers import format_number
from indicators.rules import MILESTONE_LABELS, STATUS_LABELS, TASK_STATUS_LABELS, TaskStatus, fmt
from plans.models import Plan, Section
from progress.exports import NoSnapshot, results_table
from progress.selectors import progress_for_year
from reports.models import AgencyReport, IndicatorEntry, ReportingPeriod, TaskEntry

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
NARRATIVE_SECTIONS = ("shortcomings", "difficulties", "proposals")


class CompiledReportError(UserError):
    """An unknown plan or period: `message` is one Vietnamese line."""


# ---------------------------------------------------------------- blocks


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Heading:
    level: int
    text: str
    kind: str = "heading"


@dataclass
class Paragraph:
    runs: list[Run]
    align: str = "justify"  # justify, center, left, right
    indent: bool = True
    kind: str = "paragraph"

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class TableRow:
    cells: list[str]
    group: bool = False  # a heading row across the table (a section of the plan)


@dataclass
class Table:
    headers: list[str]
    rows: list[TableRow]
    widths_cm: list[float]  # adding up to 16 cm: A4 less the 3 cm and 2 cm margins
    kind: str = "table"


@dataclass
class Letterhead:
    """The two columns above an official report: the issuing body and the national motto."""

    parent: str
    issuer: str
    number: str
    place_date: str
    kind: str = "letterhead"


@dataclass
class Signoff:
    """Below the text: "Nơi nhận" on the left, the signer's title on the right (left blank to sign)."""

    recipients: list[str]
    signer: str
    kind: str = "signoff"


@dataclass
class PageBreak:
    kind: str = "page_break"


@dataclass
class CompiledReport:
    plan: Plan
    period: ReportingPeriod
    title: str
    subtitle: str
    blocks: list = field(default_factory=list)
    approved: list[AgencyReport] = field(default_factory=list)
    not_approved: list[AgencyReport] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return f"bao-cao-{self.plan.code}-{self.period.code}.docx"


def _p(*runs: Run | str, align: str = "justify", indent: bool = True) -> Paragraph:
    return Paragraph([r if isinstance(r, Run) else Run(r) for r in runs], align=align, indent=indent)


# ---------------------------------------------------------------- finding the plan and period


def plan_and_period(*, plan_code: str, period_code: str, plans=None) -> tuple[Plan, ReportingPeriod]:
    """The plan (among `plans`, default all) and its period, or a one-line Vietnamese error."""
    plans = Plan.objects.all() if plans is None else plans
    plan = plans.select_related("province", "monitoring_agency").filter(code=plan_code).first()
    if plan is None:
        raise CompiledReportError(_("Không có kế hoạch mã “%(code)s”.") % {"code": plan_code})
    period = ReportingPeriod.objects.filter(plan=plan, code=(period_code or "").strip().upper()).first()
    if period is None:
        raise CompiledReportError(_("Kế hoạch “%(plan)s” không có kỳ báo cáo “%(period)s” (ví dụ: 2026-Q3, 2026-Y).")
                                  % {"plan": plan.code, "period": period_code})
    return plan, period


def period_words(period: ReportingPeriod) -> str:
    """"quý III năm 2026" or "năm 2026"."""
    if period.kind == ReportingPeriod.Kind.QUARTER:
        return _("quý %(quarter)s năm %(year)s") % {"quarter": ROMAN[period.quarter], "year": period.year}
    return _("năm %(year)s") % {"year": period.year}


def _lower_first(text: str) -> str:
    """"Phát triển hạ tầng số…" reads "Kế hoạch phát triển hạ tầng số…"; an acronym ("IOC", "IPv6") stays."""
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _day(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


# ---------------------------------------------------------------- the report


def compiled_report(*, plan: Plan, period: ReportingPeriod, today: dt.date | None = None) -> CompiledReport:
    today = today or local_today()
    reports = list(AgencyReport.objects.filter(plan=plan, period=period).select_related("agency")
                   .order_by("agency__kind", "agency__name"))
    approved = [r for r in reports if r.status == AgencyReport.Status.APPROVED]
    not_approved = [r for r in reports if r.status != AgencyReport.Status.APPROVED]
    words = period_words(period)
    title = _("BÁO CÁO")
    subtitle = _("Tình hình thực hiện Kế hoạch %(title)s %(period)s") % {
        "title": _lower_first(clean_text(plan.title)), "period": words}
    report = CompiledReport(plan=plan, period=period, title=title, subtitle=subtitle, approved=approved,
                            not_approved=not_approved)
    issuer = plan.monitoring_agency.name if plan.monitoring_agency else _("Sở Khoa học và Công nghệ")
    blocks = report.blocks
    blocks.append(Letterhead(parent=_("UBND TỈNH %(province)s") % {"province": plan.province.name.upper()},
                             issuer=issuer.upper(), number=_("Số:      /BC-……"),
                             place_date=_("%(province)s, ngày …… tháng …… năm %(year)s")
                             % {"province": plan.province.name, "year": today.year}))
    blocks.append(_p(Run(title, bold=True), align="center", indent=False))
    blocks.append(_p(Run(subtitle, bold=True), align="center", indent=False))
    blocks.append(_p(Run(_("Kính gửi: Ủy ban nhân dân tỉnh %(province)s.") % {"province": plan.province.name}),
                     align="center", indent=False))
    blocks.extend(_opening(plan, period, words, issuer, approved, not_approved))

    snapshot = progress_for_year(plan=plan, year=period.year)
    blocks.append(Heading(1, _("I. KẾT QUẢ ĐẠT ĐƯỢC")))
    blocks.extend(_indicator_part(plan, snapshot))
    blocks.extend(_task_part(plan, snapshot))
    blocks.extend(_achievements_part(plan, approved))
    titles = {"shortcomings": _("II. TỒN TẠI, HẠN CHẾ"), "difficulties": _("III. KHÓ KHĂN, VƯỚNG MẮC"),
              "proposals": _("IV. ĐỀ XUẤT, KIẾN NGHỊ")}
    for name in NARRATIVE_SECTIONS:
        blocks.append(Heading(1, titles[name]))
        blocks.extend(_grouped_narratives(approved, name))
    blocks.append(_p(_("Trên đây là báo cáo tình hình thực hiện Kế hoạch %(title)s %(period)s của %(issuer)s./.")
                     % {"title": _lower_first(clean_text(plan.title)), "period": words, "issuer": issuer}))
    blocks.append(Signoff(recipients=[_("- UBND tỉnh (b/c);"), _("- Lưu: VT.")], signer=_("THỦ TRƯỞNG CƠ QUAN")))
    blocks.extend(_compliance_annex(plan, period, today, words))
    if period.kind == ReportingPeriod.Kind.ANNUAL:
        blocks.extend(_results_annex(plan, period.year))
    return report


def _opening(plan, period, words, issuer, approved, not_approved) -> list:
    number = _(" số %(number)s") % {"number": plan.number} if plan.number else ""
    issued = _(" ngày %(day)s") % {"day": _day(plan.issued)} if plan.issued else ""
    blocks = [_p(_("Thực hiện Kế hoạch%(number)s%(issued)s của Ủy ban nhân dân tỉnh về %(title)s, trên cơ sở báo "
                   "cáo của các cơ quan, đơn vị, %(issuer)s tổng hợp tình hình thực hiện %(period)s như sau:")
                 % {"number": number, "issued": issued, "title": _lower_first(clean_text(plan.title)),
                    "issuer": issuer, "period": words})]
    if approved:
        blocks.append(_p(_("Báo cáo này tổng hợp %(count)s báo cáo đã được Sở KH&CN duyệt của: %(agencies)s.")
                         % {"count": len(approved), "agencies": ", ".join(r.agency.name for r in approved)}))
    else:
        blocks.append(_p(Run(_("Kỳ này chưa có báo cáo nào của các cơ quan, đơn vị được duyệt; phần tổng hợp ý kiến "
                               "của các cơ quan để trống."), bold=True)))
    if not_approved:
        listed = "; ".join(f"{r.agency.name} ({r.get_status_display().lower()})" for r in not_approved)
        blocks.append(_p(Run(_("Báo cáo chưa được duyệt, không tổng hợp vào báo cáo này: %(reports)s.")
                             % {"reports": listed}, italic=True)))
    return blocks


def _target_words(row) -> str:
    return clean_text(row.target_text) or "—"


def _actual_words(row) -> str:
    if row.milestone_state:
        return str(MILESTONE_LABELS.get(row.milestone_state, row.milestone_state))
    if row.actual is None:
        return "—"
    unit = row.indicator.unit
    return f"{fmt(row.actual)}{unit if unit == '%' else ''}"


def _top_sections(plan: Plan) -> tuple[dict[int, Section], dict[int, Section]]:
    """Every section of the plan, and for each the top-level section it lies in."""
    sections = {s.pk: s for s in Section.objects.filter(plan=plan).select_related("appendix")}
    top = {}
    for pk, section in sections.items():
        node, seen = section, set()
        while node.parent_id in sections and node.pk not in seen:
            seen.add(node.pk)
            node = sections[node.parent_id]
        top[pk] = node
    return sections, top


def _indicator_part(plan, snapshot) -> list:
    blocks = [Heading(2, _("1. Kết quả thực hiện các chỉ tiêu"))]
    rows = snapshot.indicators
    if not rows:
        blocks.append(_p(_("Chưa có số liệu tiến độ của năm này (tiến độ chưa được tính).")))
        return blocks
    blocks.append(_p(Run(_("Số liệu đã được duyệt, tính đến ngày %(day)s.") % {"day": _day(snapshot.as_of)},
                         italic=True)))
    counts = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    summary = "; ".join(f"{str(STATUS_LABELS[s]).lower()}: {n}" for s, n in counts.items() if s in STATUS_LABELS)
    blocks.append(_p(_("Tổng số %(count)s chỉ tiêu (%(summary)s).") % {"count": len(rows), "summary": summary}))
    year = rows[0].year
    _sections, top = _top_sections(plan)
    table_rows, current = [], None
    for number, row in enumerate(rows, start=1):
        section = top.get(row.indicator.section_id)
        title = clean_text(str(section)) if section else ""
        if title and title != current:
            table_rows.append(TableRow([title], group=True))
        current = title
        percent = format_number(row.percent_of_target, 1) if row.percent_of_target is not None else "—"
        table_rows.append(TableRow([
            str(number), clean_text(row.indicator.name), clean_text(row.indicator.unit) or "—",
            _target_words(row), _actual_words(row), percent, str(STATUS_LABELS.get(row.status, row.status))]))
    blocks.append(Table(headers=[_("TT"), _("Chỉ tiêu"), _("ĐVT"), _("Mục tiêu năm %(year)s") % {"year": year},
                                 # xgettext:no-python-format
                                 _("Thực hiện đến nay"), _("% so với mục tiêu"), _("Đánh giá")],
                        rows=table_rows, widths_cm=[1.0, 5.6, 1.8, 2.2, 2.0, 1.6, 1.8]))
    return blocks


DONE = {TaskStatus.COMPLETED}
LATE = {TaskStatus.OVERDUE}


def _task_part(plan, snapshot) -> list:
    blocks = [Heading(2, _("2. Tình hình thực hiện các nhiệm vụ"))]
    rows = snapshot.tasks
    if not rows:
        blocks.append(_p(_("Kế hoạch không có nhiệm vụ hoặc tiến độ nhiệm vụ chưa được tính.")))
        return blocks
    leads = defaultdict(list)
    for task_id, name in (Agency.objects.filter(led_tasks__plan=plan).values_list("led_tasks__id", "name")
                          .order_by("name")):
        leads[task_id].append(name)
    done = sum(1 for r in rows if r.status in DONE)
    late = sum(1 for r in rows if r.status in LATE)
    blocks.append(_p(_("Tổng số %(total)s nhiệm vụ: %(done)s nhiệm vụ hoàn thành; %(on_schedule)s nhiệm vụ đang thực "
                       "hiện trong hạn; %(late)s nhiệm vụ quá hạn chưa hoàn thành.")
                     % {"total": len(rows), "done": done, "on_schedule": len(rows) - done - late, "late": late}))
    table_rows = []
    for number, row in enumerate(rows, start=1):
        task = row.task
        if row.status in DONE:
            state = _("Hoàn thành")
        elif row.status in LATE:
            state = _("Quá hạn")
        else:
            state = _("Trong hạn (%(status)s)") % {"status": str(TASK_STATUS_LABELS.get(row.status, row.status)).lower()}
        progress = f"{format_number(row.progress, 0)}%" if row.progress is not None else "—"
        table_rows.append(TableRow([str(number), clean_text(task.content), ", ".join(leads.get(task.pk, [])) or "—",
                                    clean_text(task.deadline_text) or _day(row.due), state, progress]))
    blocks.append(Table(headers=[_("TT"), _("Nhiệm vụ"), _("Cơ quan chủ trì"), _("Thời hạn"), _("Tình trạng"),
                                 _("Tiến độ")],
                        rows=table_rows, widths_cm=[1.0, 6.0, 3.0, 2.0, 2.4, 1.6]))
    return blocks


def _achievements_part(plan, approved: list[AgencyReport]) -> list:
    """Each agency's "kết quả đạt được" under the top-level section most of its report's items lie in, with
    what it did on each task of that section; agencies whose items lie in no section come last."""
    blocks = [Heading(2, _("3. Kết quả đạt được theo từng lĩnh vực"))]
    if not approved:
        blocks.append(_p(_("Chưa có báo cáo được duyệt.")))
        return blocks
    _sections, top = _top_sections(plan)
    ids = [r.pk for r in approved]
    weight = defaultdict(lambda: defaultdict(int))  # report → section key → items
    keys: dict[str, tuple] = {}  # section key → (order, title)

    def key_of(section_id):
        section = top.get(section_id)
        if section is None:
            return None
        title = clean_text(str(section))
        key = title.casefold()
        order = (section.appendix.order if section.appendix else 0, section.order)
        if key not in keys or order < keys[key][0]:
            keys[key] = (order, title)
        return key

    # Counted in the database: a province's period is 130 reports × 100 entries, a few rows once grouped.
    for report_id, section_id, items in (IndicatorEntry.objects.filter(report_id__in=ids).order_by()
                                         .values("report_id", "indicator__section_id").annotate(n=Count("pk"))
                                         .values_list("report_id", "indicator__section_id", "n")):
        weight[report_id][key_of(section_id)] += items
    task_results = defaultdict(list)  # section key → (task code, agency, text)
    # Only what is read of each entry, its task and its agency: not the reports' four narratives once per entry.
    for entry in (TaskEntry.objects.filter(report_id__in=ids).select_related("task", "report__agency")
                  .only("done", "task__code", "task__section_id", "report__agency__name")
                  .order_by("task__order", "report__agency__name")):
        key = key_of(entry.task.section_id)
        weight[entry.report_id][key] += 1
        if clean_text(entry.done):
            task_results[key].append((entry.task, entry.report.agency.name, entry.done))
    narratives = defaultdict(list)  # section key → reports
    for report in approved:
        counted = {k: n for k, n in weight[report.pk].items() if k is not None}
        # Most items first; between equal counts, the section that comes first in the plan.
        key = min(counted, key=lambda k: (-counted[k], keys[k][0])) if counted else None
        narratives[key].append(report)
    ordered = sorted((k for k in set(narratives) | set(task_results) if k is not None), key=lambda k: keys[k][0])
    if None in narratives or None in task_results:
        ordered.append(None)
    wrote = False
    for key in ordered:
        body = []
        for report in narratives.get(key, []):
            for index, line in enumerate(paragraphs(report.achievements)):
                body.append(_p(Run(f"{report.agency.name}: ", bold=True), line) if index == 0 else _p(line))
        for task, agency, text in task_results.get(key, []):
            lines = paragraphs(text)
            body.append(_p(Run(_("Nhiệm vụ %(code)s (%(agency)s): ") % {"code": task.code, "agency": agency},
                               italic=True), lines[0]))
            body.extend(_p(line) for line in lines[1:])
        if body:
            blocks.append(Heading(3, keys[key][1] if key is not None else _("Các nội dung khác")))
            blocks.extend(body)
            wrote = True
    if not wrote:
        blocks.append(_p(_("Các báo cáo được duyệt không nêu kết quả đạt được.")))
    return blocks


def _grouped_narratives(approved: list[AgencyReport], name: str) -> list:
    """One field of the approved reports, grouped by kind of agency, each text attributed to its agency."""
    by_kind = defaultdict(list)
    for report in approved:
        lines = paragraphs(getattr(report, name))
        if lines:
            by_kind[report.agency.kind].append((report.agency.name, lines))
    if not by_kind:
        return [_p(_("Các báo cáo được duyệt không nêu nội dung này."))]
    blocks = []
    labels = dict(Agency.Kind.choices)
    for kind in [k for k in Agency.Kind.values if k in by_kind]:
        blocks.append(_p(Run(str(labels[kind]), bold=True, italic=True), indent=False, align="left"))
        for agency, lines in by_kind[kind]:
            blocks.append(_p(Run(f"- {agency}: ", bold=True), lines[0]))
            blocks.extend(_p(line) for line in lines[1:])
    return blocks


def _compliance_annex(plan, period, today, words) -> list:
    blocks = [PageBreak(), Heading(1, _("PHỤ LỤC: TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ")),
              _p(Run(_("(Kỳ báo cáo %(period)s; hạn gửi trước ngày %(due)s)")
                     % {"period": words, "due": _day(period.due_on)}, italic=True), align="center", indent=False)]
    # One row per agency (one report each in a period), with only the compliance facts the annex shows:
    # naming the annotations in values() leaves `with_compliance`'s per-report entry counts out of the query.
    reports = list(AgencyReport.objects.filter(plan=plan, period=period).with_compliance(today)
                   .values("agency__name", "status", "is_on_time", "is_late", "is_missing", "is_pending",
                           "returned_count")
                   .order_by("agency__name"))
    totals = {"expected": len(reports), "on_time": sum(r["is_on_time"] for r in reports),
              "late": sum(r["is_late"] for r in reports), "missing": sum(r["is_missing"] for r in reports),
              "pending": sum(r["is_pending"] for r in reports)}
    blocks.append(_p(_("Số báo cáo phải gửi: %(expected)s; gửi đúng hạn: %(on_time)s; gửi trễ hạn: %(late)s; "
                       "chưa gửi (đã quá hạn): %(missing)s; chưa đến hạn: %(pending)s.") % totals))
    labels = dict(AgencyReport.Status.choices)
    rows = []
    for number, row in enumerate(reports, start=1):
        if row["is_on_time"]:
            sent = _("Đúng hạn")
        elif row["is_late"]:
            sent = _("Trễ hạn")
        elif row["is_missing"]:
            sent = _("Chưa gửi")
        else:
            sent = _("Chưa đến hạn")
        rows.append(TableRow([str(number), row["agency__name"], sent, str(labels.get(row["status"], "—")),
                              str(row["returned_count"] or 0)]))
    if not rows:
        blocks.append(_p(_("Kỳ này không có báo cáo nào phải gửi.")))
        return blocks
    blocks.append(Table(headers=[_("TT"), _("Cơ quan, đơn vị"), _("Gửi báo cáo"), _("Tình trạng duyệt"),
                                 _("Số lần bị trả lại")],
                        rows=rows, widths_cm=[1.0, 6.8, 2.6, 3.4, 2.2]))
    return blocks


def _results_annex(plan, year) -> list:
    """The year-end results appendix (`progress.exports.results_table`), as the annual report's last annex."""
    blocks = [PageBreak()]
    try:
        table = results_table(plan=plan, year=year, result_separator=" ")
    except NoSnapshot as error:
        blocks.append(Heading(1, _("PHỤ LỤC: KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, CHỈ TIÊU NĂM %(year)s") % {"year": year}))
        blocks.append(_p(error.message))
        return blocks
    # title_lines: "Phụ lục", the title, the "(Kèm theo Kế hoạch số …)" line.
    blocks.append(Heading(1, _("PHỤ LỤC: %(title)s") % {"title": table.title_lines[1]}))
    blocks.extend(_p(Run(line, italic=True), align="center", indent=False) for line in table.title_lines[2:])
    rows = [TableRow([clean_text(row.cells[0])], group=True) if row.is_section
            else TableRow([clean_text(cell) for cell in row.cells]) for row in table.rows]
    blocks.append(Table(headers=list(table.header), rows=rows, widths_cm=[8.0, 3.0, 5.0]))
    blocks.extend(_p(Run(line, italic=True)) for line in table.footer_lines)
    return blocks


# ---------------------------------------------------------------- .docx


def compiled_report_docx(report: CompiledReport) -> bytes:
    """The report as a Word document: Heading 1/2/3 styles, real tables, Times New Roman 13 (Nghị định
    30/2020/NĐ-CP on the presentation of official documents)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    alignments = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                  "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    for name, size in (("Normal", 13), ("Heading 1", 13), ("Heading 2", 13), ("Heading 3", 13)):
        style = document.styles[name]
        style.font.name, style.font.size = "Times New Roman", Pt(size)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), "Times New Roman")
        # The template's headings take the theme's font (Calibri Light), which wins over a named font.
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        if name != "Normal":
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.font.bold = True
            style.font.italic = name == "Heading 3"
            style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(6), Pt(3)

    def cell_text(cell, text, *, bold=False, center=False, clear=False):
        """Write into a new cell's one empty paragraph (`clear` for a merged cell, which holds several).
        Nothing is written that the style already says: each property set costs python-docx an XML search,
        and a province's report has thousands of cells."""
        if clear:
            cell.text = ""
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    for block in report.blocks:
        if isinstance(block, Letterhead):
            table = document.add_table(rows=1, cols=2)
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            left, right = table.rows[0].cells
            left.width, right.width = Cm(6.5), Cm(9.5)
            cell_text(left, block.parent, center=True)
            paragraph = left.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(block.issuer).bold = True
            left.add_paragraph(block.number).alignment = WD_ALIGN_PARAGRAPH.CENTER
            cell_text(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold=True, center=True)
            paragraph = right.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(_("Độc lập - Tự do - Hạnh phúc")).bold = True
            paragraph = right.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(block.place_date).italic = True
        elif isinstance(block, Signoff):
            table = document.add_table(rows=1, cols=2)
            left, right = table.rows[0].cells
            left.width, right.width = Cm(8), Cm(8)
            cell_text(left, _("Nơi nhận:"), bold=True)
            left.paragraphs[0].runs[0].italic = True
            for line in block.recipients:
                left.add_paragraph(line)
            cell_text(right, block.signer, bold=True, center=True)
        elif isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            paragraph = document.add_paragraph()
            paragraph.alignment = alignments[block.align]
            if block.indent:
                paragraph.paragraph_format.first_line_indent = Cm(1)
            for run in block.runs:
                added = paragraph.add_run(run.text)
                added.bold, added.italic = run.bold or None, run.italic or None
        elif isinstance(block, Table):
            table = document.add_table(rows=1, cols=len(block.headers))
            table.style = "Table Grid"
            # Word reads the cells' widths, LibreOffice the grid's: set both, and no autofit. The grid's are set
            # first: python-docx gives each added row's cells its grid widths, with no second pass over cells.
            table.autofit = False
            for column, width in zip(table.columns, block.widths_cm, strict=False):
                column.width = Cm(width)
            for cell, header, width in zip(table.rows[0].cells, block.headers, block.widths_cm, strict=True):
                cell.width = Cm(width)
                cell_text(cell, header, bold=True, center=True)
            for row in block.rows:
                cells = table.add_row().cells
                if row.group:
                    merged = cells[0].merge(cells[-1])
                    merged.width = Cm(sum(block.widths_cm))
                    cell_text(merged, row.cells[0], bold=True, clear=True)
                    continue
                for cell, text in zip(cells, row.cells, strict=True):
                    cell_text(cell, text)
        elif isinstance(block, PageBreak):
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
