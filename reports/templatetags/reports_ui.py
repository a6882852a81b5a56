"""Template filters for the reporting screens (numbers come from indicators' `vn_numbers`)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def days_left_label(days: int | None) -> str:
    """How a deadline reads in the inbox: "còn 5 ngày", "hạn cuối hôm nay", "quá hạn 3 ngày"."""
    if days is None:
        return ""
    if days > 1:
        return ngettext("còn %(n)d ngày", "còn %(n)d ngày", days) % {"n": days}
    if days == 1:
        return _("hạn cuối hôm nay")
    overdue = 1 - days
    return ngettext("quá hạn %(n)d ngày", "quá hạn %(n)d ngày", overdue) % {"n": overdue}


@register.filter
def get_item(mapping, key):
    """dict lookup with a variable key (errors and values keyed by form field name)."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def ratio_input_labels(indicator) -> tuple[str, str]:
    """The labels of a ratio indicator's two inputs: "Tử số: Số hồ sơ …", "Mẫu số: Tổng số hồ sơ"."""
    from reports.forms import ratio_labels

    numerator, denominator = ratio_labels(indicator)
    if numerator == _("Tử số"):
        return numerator, denominator
    return f"{_('Tử số')}: {numerator}", f"{_('Mẫu số')}: {denominator}"


@register.simple_tag
def entry_input(row, field: str, label: str, widget: str = "input", choices=(), inputmode: str = "",
                placeholder: str = "") -> str:
    """One input of a report form line with its label, errors and the value someone else saved.

    Built here rather than by an included template: the form of a large agency has ~500 of them, and
    an `{% include %}` each made rendering the bulk of the page's time (issue 14)."""
    errors = row.errors.get(field) if row.errors else None
    current = row.values.get(field, "") if row.values else ""
    saved = row.conflict.get(field) if row.conflict else None
    name = f"{row.prefix}-{field}"
    invalid = format_html(' aria-invalid="true" aria-describedby="err-{}"', name) if errors else ""
    if widget == "textarea":
        control = format_html('<textarea id="id-{}" name="{}" rows="2"{}>{}</textarea>', name, name, invalid, current)
    elif widget == "select":
        options = format_html_join("", '<option value="{}"{}>{}</option>',
                                   ((value, mark_safe(" selected") if value == current else "", text)
                                    for value, text in choices))
        control = format_html('<select id="id-{}" name="{}"{}>\n    <option value="">—</option>{}</select>',
                              name, name, invalid, options)
    else:
        control = format_html('<input id="id-{}" name="{}" value="{}" autocomplete="off"{}{}{}>', name, name,
                              current, format_html(' inputmode="{}"', inputmode) if inputmode else "",
                              format_html(' placeholder="{}"', placeholder) if placeholder else "", invalid)
    parts = [format_html('<div class="field field-{}{}">\n  <label for="id-{}">{}</label>\n  {}', field,
                         " invalid" if errors else "", name, label, control)]
    if errors:
        parts.append(format_html('\n  <ul class="field-errors" id="err-{}">{}</ul>', name,
                                 format_html_join("", "<li>{}</li>", ((message,) for message in errors))))
    if saved is not None:
        parts.append(format_html('\n  <p class="conflict">{} {}</p>', _("Bản đã lưu:"), saved or _("(trống)")))
    parts.append(mark_safe("\n</div>"))  # noqa: S308 - a constant
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped by format_html
