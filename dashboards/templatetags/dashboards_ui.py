"""Template helpers of the dashboards: a table cell by its column's kind, a status badge, dates."""

import datetime as dt
import html
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from dashboards import palette
from dashboards.tables import DATE, PERCENT, YEAR, Badge, Link
from indicators.numbers import format_number

register = template.Library()


def _number(value, decimals: int | None = None) -> str:
    return format_number(value, decimals)


@register.simple_tag
def badge(key: str, note: str = "", label: str = ""):
    swatch = palette.swatch(key)
    return format_html('<span class="badge st-{}" title="{}">{}</span>', key, note, label or swatch.label)


@register.filter
def cell(value, column):
    """One table cell's content, escaped: numbers the Vietnamese way, a status as its badge with the
    explanation on hover, links as links."""
    if value is None or value == "":
        return "—" if column.kind != "text" else ""
    if isinstance(value, Badge):
        return badge(value.key, value.note)
    if isinstance(value, Link):
        return format_html('<a href="{}">{}</a>', value.href, value.text)
    if isinstance(value, list):
        return format_html_join(", ", '<a href="{}">{}</a>', ((v.href, v.text) for v in value)) if value else "—"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool) or (column.kind in (YEAR, "text") and not isinstance(value, str)):
        return str(value)
    if isinstance(value, int) and column.kind != PERCENT:
        return _number(value)
    if isinstance(value, int | float | Decimal):
        return _number(value, 1 if column.kind == PERCENT else None)
    return str(value)


@register.filter
def is_numeric(column) -> bool:
    return column.kind in ("number", "percent", YEAR, DATE)


@register.filter
def vn_datetime(value) -> str:
    if not value:
        return ""
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


@register.filter
def vn_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def export_href(context, key: str) -> str:
    """This page's URL with its filters and ?xuat=<key>: the table as an .xlsx download. A cached fragment
    has no request: it passes its filters as `export_query`, so what it holds never echoes a reader's URL."""
    if "export_query" in context:
        return "?" + urlencode({**context["export_query"], "xuat": key})
    query = context["request"].GET.copy()
    query["xuat"] = key
    return "?" + query.urlencode()


@register.filter
def sort_value(value) -> str:
    """A machine-readable value for sorting a column in the browser."""
    if isinstance(value, Badge):
        return value.key
    if isinstance(value, Link):
        return value.text
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@register.filter
def meter_value(value) -> str:
    return "" if value is None else str(value)


@register.filter
def zip_columns(row, columns):
    return list(zip(columns, row, strict=False))


@register.simple_tag(takes_context=True)
def data_table(context, table, sortable=False):
    """A DataTable as an HTML <table> with its caption, column headers (scope="col"), the first cell of each
    row as its header (scope="row") and an .xlsx link. Built in Python rather than with template loops: a
    province's scorecard and heatmap tables have thousands of cells."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext as _

    numeric = [is_numeric(column) for column in table.columns]
    badges: dict[Badge, str] = {}
    # The wrapper scrolls sideways on a phone: a focusable, named region, so the keyboard can scroll it too.
    parts = [format_html('<div class="scroll table-wrap" tabindex="0" role="region" aria-label="{}">'
                         '<table class="grid data"{} id="bang-{}"><caption>{}',
                         table.caption, mark_safe(" data-sortable") if sortable else "", table.key, table.caption)]
    if table.rows:
        parts.append(format_html(' <a class="xlsx no-print" href="{}" download>{}</a>',
                                 export_href(context, table.key), _("Tải Excel")))
    parts.append("</caption><thead><tr>")
    for n, column in enumerate(table.columns):
        label = (format_html('<button type="button" class="sort" data-column="{}">{}</button>', n, column.label)
                 if sortable else conditional_escape(column.label))
        parts.append(format_html('<th scope="col"{}>{}</th>', mark_safe(' class="num"') if numeric[n] else "", label))
    parts.append("</tr></thead><tbody>")
    for row in table.rows:
        parts.append("<tr>")
        for n, (column, value) in enumerate(zip(table.columns, row, strict=False)):
            tag = "th" if n == 0 else "td"
            attrs = ' scope="row"' if n == 0 else (' class="num"' if numeric[n] else "")
            if sortable:
                attrs += f' data-sort="{_escaped(sort_value(value))}"'
            if isinstance(value, Badge):  # a heatmap repeats a few badges hundreds of times: draw each once
                content = badges.get(value) or badges.setdefault(value, cell(value, column))
            else:
                content = cell(value, column)
            if column.kind == PERCENT and value is not None:
                content = format_html('{} <meter min="0" max="100" value="{}" aria-hidden="true"></meter>',
                                      content, meter_value(value))
            parts.append(f"<{tag}{attrs}>{_escaped(content)}</{tag}>")
        parts.append("</tr>")
    if not table.rows:
        parts.append(format_html('<tr><td colspan="{}" class="muted">{}</td></tr>', len(table.columns), table.empty))
    parts.append("</tbody></table></div>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped or built by format_html


def _escaped(value) -> str:
    """As autoescape writes a value (a safe string kept as it is), without conditional_escape's lazy wrappers."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _paragraph_html(block) -> str:
    runs = []
    for run in block.runs:
        text = _escaped(run.text)
        if run.bold and run.italic:
            runs.append(f"<strong><em>{text}</em></strong>")
        elif run.bold:
            runs.append(f"<strong>{text}</strong>")
        elif run.italic:
            runs.append(f"<em>{text}</em>")
        else:
            runs.append(text)
    return f'<p class="align-{_escaped(block.align)}{" indent" if block.indent else ""}">{"".join(runs)}</p>'


def _table_html(block) -> str:
    headers = "".join(f'<th scope="col">{_escaped(header)}</th>' for header in block.headers)
    rows = []
    for row in block.rows:
        if row.group:
            rows.append(f'<tr class="group"><th scope="rowgroup" colspan="{len(block.headers)}">'
                        f'{_escaped(row.cells[0] if row.cells else "")}</th></tr>')
        else:
            rows.append("<tr>" + "".join(f"<td>{_escaped(cell)}</td>" for cell in row.cells) + "</tr>")
    return (f'<div class="scroll"><table class="grid">\n    <thead><tr>{headers}</tr></thead>\n'
            f'    <tbody>{"".join(rows)}</tbody>\n  </table></div>')


@register.simple_tag
def official_report_blocks(blocks):
    """The compiled report's preview: its blocks (letterhead, headings, paragraphs, tables, sign-off) as HTML.
    Drawn in Python rather than with template loops: a province's report has hundreds of table cells and
    paragraphs, and the loops were a third of the page's time (issue 14)."""
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext as _

    parts = []
    for block in blocks:
        kind = block.kind
        if kind == "letterhead":
            parts.append(
                f'<div class="letterhead">\n    <div><p>{_escaped(block.parent)}</p><p><strong>{_escaped(block.issuer)}'
                f'</strong></p><p>{_escaped(block.number)}</p></div>\n'
                f'    <div><p><strong>{_escaped(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))}</strong></p><p><strong>'
                f'{_escaped(_("Độc lập - Tự do - Hạnh phúc"))}</strong></p><p><em>{_escaped(block.place_date)}'
                f'</em></p></div>\n  </div>')
        elif kind == "signoff":
            recipients = "".join(f"<p>{_escaped(line)}</p>" for line in block.recipients)
            parts.append(f'<div class="signoff">\n    <div><p><strong><em>{_escaped(_("Nơi nhận:"))}</em></strong></p>'
                         f'{recipients}</div>\n    <div><p><strong>{_escaped(block.signer)}</strong></p></div>\n  </div>')
        elif kind == "heading":
            tag = {1: "h2", 2: "h3"}.get(block.level, "h4")
            parts.append(f"<{tag}>{_escaped(block.text)}</{tag}>")
        elif kind == "paragraph":
            parts.append(_paragraph_html(block))
        elif kind == "table":
            parts.append(_table_html(block))
        elif kind == "page_break":
            parts.append('<hr class="page-break">')
    return mark_safe("\n  ".join(parts))  # noqa: S308 - every value above is escaped
