"""Form fields that read numbers the way officials type them."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from indicators.numbers import format_number, parse_number

_NUMBER_INPUT = re.compile(r"^[-−+]?\s*\d[\d.,\s\u00a0]*%?$")


class VietnameseDecimalField(forms.DecimalField):
    """A DecimalField that accepts "95,5", "16.861", "1.234,5" and, unambiguously, "95.5".

    Shows its value back in the same format ("95,5"), so a form that fails validation keeps what the
    user meant.
    """

    default_error_messages = {"invalid": _("Vui lòng nhập một số, ví dụ 95,5 hoặc 16.861.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int | float):
            return super().to_python(value)
        text = str(value).strip()
        # Only a number (and an optional "%"): a form field must not read a word as a unit.
        number = parse_number(text) if _NUMBER_INPUT.match(text) else None
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(number)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float):
            return format_number(value)
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A text input with a decimal keyboard: a number input would refuse "95,5" in most browsers.
        attrs.pop("step", None)
        attrs.setdefault("inputmode", "decimal")
        return attrs

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(**kwargs)
