"""The year-end results appendix ("Kết quả thực hiện các mục tiêu, chỉ tiêu năm Y"), laid out like
Phụ lục I of a plan (seed 002): one row per indicator under its group, the target for the year, and
the result as ĐẠT / CHƯA ĐẠT followed by the figure, ready to paste into next year's plan.

Built from the progress snapshots only (run `recompute_progress` first) as an `ExportTable`, drawn by
the same xlsx and docx writers as a plan's own appendices (`indicators.exporting`).
"""

from django.utils.translation import gettext as _

from agencies.errors import UserError
from indicators.exporting.docx_writer import tables_to_docx
from indicators.exporting.layout import ExportRow, ExportTable
from indicators.exporting.xlsx_writer import tables_to_xlsx
from indicators.numbers import format_number
from indicators.rules import MILESTONE_LABELS, Status, fmt, label
from plans.models import Plan, Section
from progress.models import IndicatorProgress


class NoSnapshot(UserError):
    """No progress has been computed for this plan and year yet."""


VERDICTS = {Status.ACHIEVED: "ĐẠT", Status.NOT_ACHIEVED: "CHƯA ĐẠT"}


def _figure(row: IndicatorProgress) -> str:
    if row.milestone_state:
        return str(MILESTONE_LABELS.get(row.milestone_state, row.milestone_state))
    if row.actual is None:
        return _("Không có số liệu thống kê.")
    unit = row.indicator.unit
    text = f"{fmt(row.actual)}{unit if unit == '%' else (' ' + unit if unit else '')}"
    if row.numerator_sum is not None and row.denominator_sum:
        text += f" ({format_number(row.numerator_sum.normalize())}/{format_number(row.denominator_sum.normalize())})"
    return _("Đạt %(figure)s") % {"figure": text}


def _verdict(row: IndicatorProgress) -> str:
    if row.status in VERDICTS:
        return VERDICTS[row.status]
    if row.status == Status.NO_DATA:
        return ""
    # Exported before the year is over: say where it stands rather than pretend a verdict.
    return _("%(label)s (chưa hết năm)") % {"label": label(row.status)}


def results_table(*, plan: Plan, year: int, result_separator: str = "\n") -> ExportTable:
    """The appendix as a table: a group row wherever the indicator's top section changes, items numbered
    within their group, and the result as "ĐẠT" + `result_separator` + the figure (a new line in a
    spreadsheet cell, a space in Word, as the documents print it)."""
    rows = list(IndicatorProgress.objects.for_plan_year(plan, year))
    if not rows:
        raise NoSnapshot(_("Chưa có số liệu tiến độ năm %(year)s của kế hoạch này; hãy tính lại tiến độ trước.")
                         % {"year": year})
    sections = {s.pk: s for s in Section.objects.filter(plan=plan)}

    def group_title(section_id: int | None) -> str:
        seen = set()
        while section_id in sections and sections[section_id].parent_id in sections and section_id not in seen:
            seen.add(section_id)
            section_id = sections[section_id].parent_id
        return sections[section_id].title if section_id in sections else ""

    table_rows: list[ExportRow] = []
    group, number = None, 0
    for row in rows:
        title = group_title(row.indicator.section_id)
        if title != group:
            group, number = title, 0
            if title:
                table_rows.append(ExportRow([title, "", ""], is_section=True))
        number += 1
        result = result_separator.join(part for part in (_verdict(row), _figure(row)) if part)
        table_rows.append(ExportRow([f"{number}. {row.indicator.name}", row.target_text or "", result]))
    subtitle = (_("(Kèm theo Kế hoạch số %(number)s)") % {"number": plan.number}) if plan.number else plan.title
    return ExportTable(
        name=_("Kết quả %(year)s") % {"year": year},
        title_lines=[_("Phụ lục"), _("KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, CHỈ TIÊU NĂM %(year)s") % {"year": year},
                     subtitle],
        header=[_("Mục tiêu"), _("Mục tiêu năm %(year)s") % {"year": year}, _("Kết quả thực hiện")],
        widths=[70, 22, 70], rows=table_rows,
        footer_lines=[_("Số liệu được duyệt tính đến ngày %(day)s.") % {"day": rows[0].as_of.strftime("%d/%m/%Y")}])


FORMATS = {
    "xlsx": (lambda table: tables_to_xlsx([table]), "\n",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (lambda table: tables_to_docx([table]), " ",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def results_file(*, plan: Plan, year: int, file_format: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the results appendix in `file_format` (xlsx or docx)."""
    writer, separator, content_type = FORMATS[file_format]
    content = writer(results_table(plan=plan, year=year, result_separator=separator))
    return content, content_type, f"ket-qua-{plan.code}-{year}.{file_format}"
