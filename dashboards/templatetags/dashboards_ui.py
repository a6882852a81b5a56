"""Template helpers of the dashboards: a table cell by its column's kind, a status badge, dates."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join

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
    if isinstance(value, bool) or column.kind in (YEAR, "text"):
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
    """This page's URL with its filters and ?xuat=<key>: the table as an .xlsx download."""
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
