"""Template filters for the reporting screens (numbers come from indicators' `vn_numbers`)."""

from django import template
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
