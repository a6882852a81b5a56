"""`{{ value|vn_number }}` and `{{ value|vn_number:2 }}`: 5,07 · 16.861 · 86,58 in templates."""

from decimal import Decimal, InvalidOperation

from django import template

from indicators.numbers import format_number

register = template.Library()


@register.filter
def vn_number(value, decimals=None) -> str:
    if value is None or value == "":
        return ""
    try:
        places = None if decimals in (None, "") else int(decimals)
        return format_number(value if isinstance(value, Decimal) else Decimal(str(value)), places)
    except (InvalidOperation, ValueError, TypeError):
        # A template must not break on a value that is not a number: show it as it is.
        return str(value)
