"""Vietnamese numbers as officials write them, and back.

Pure functions (no models) shared by the importer, the report forms and the exports.

Reading rules (`parse_number`):
- "," is the decimal mark and "." groups thousands: "5,07" = 5.07, "16.861" = 16861,
  "1.234.567,5" = 1234567.5.
- A single "." followed by exactly three digits is a thousands separator ("16.861", "1.016"), because
  that is how a Vietnamese document writes sixteen thousand. A single "." followed by any other number
  of digits is a decimal mark ("95.5", "0.25"): someone typed on an English keyboard and no Vietnamese
  reading exists. A leading group of "0" is never a thousands group, so "0.500" is 0.5.
- Both marks present: the last one is the decimal mark ("1.234,5" Vietnamese, "1,234.5" English).
- Several "," with groups of three and no "." ("1,234,567") are English thousands.
- Spaces between groups of three digits (including non-breaking and thin spaces) group thousands.
- A leading "-" or "−" makes the number negative; a trailing unit ("%", "tên miền", "triệu đồng")
  is allowed and ignored, but text before the number or digits after it mean "not a number".
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from agencies.errors import UserError


class ParseError(UserError, ValueError):
    """A cell that cannot be read as what its column needs."""


_GROUPING_SPACE = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d{3}(?!\d))")
_NUMBER_CELL = re.compile(r"^\s*(?P<sign>[-−+]?)\s*(?P<digits>\d(?:[\d.,]*\d)?)(?P<tail>\D*)$")
_THOUSANDS_DOTS = re.compile(r"^[1-9]\d{0,2}(?:\.\d{3})+$")
_THOUSANDS_COMMAS = re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+[.,]\d+$")


def number_token_to_decimal(token: str) -> Decimal | None:
    """Read one run of digits and separators ("16.861", "5,07", "1.234,5") without sign or unit."""
    token = _GROUPING_SPACE.sub("", token.strip())
    if not token or not token[0].isdigit() or not token[-1].isdigit():
        return None
    dots, commas = token.count("."), token.count(",")
    if dots and commas:
        decimal_mark = "," if token.rfind(",") > token.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        whole, _sep, fraction = token.rpartition(decimal_mark)
        pattern = _THOUSANDS_DOTS if grouping == "." else _THOUSANDS_COMMAS
        if grouping in fraction or not (pattern.match(whole) or _PLAIN.match(whole)):
            return None
        if not _PLAIN.match(fraction):
            return None
        return _decimal(whole.replace(grouping, "") + "." + fraction)
    if commas:
        if commas == 1:
            return _decimal(token.replace(",", ".")) if _DECIMAL.match(token) else None
        return _decimal(token.replace(",", "")) if _THOUSANDS_COMMAS.match(token) else None
    if dots:
        if _THOUSANDS_DOTS.match(token):
            return _decimal(token.replace(".", ""))
        if dots == 1 and _DECIMAL.match(token):
            return _decimal(token)
        return None
    return _decimal(token) if _PLAIN.match(token) else None


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_number(text: str | None) -> Decimal | None:
    """The number a cell holds ("5,07", "16.861", "95,5", "100%", "-3,2", "04 kết nối"), or None."""
    if text is None:
        return None
    text = _GROUPING_SPACE.sub("", str(text).replace("\u00a0", " ").strip())
    match = _NUMBER_CELL.match(text)
    if not match:
        return None
    value = number_token_to_decimal(match["digits"])
    if value is None:
        return None
    if match["tail"].lstrip().startswith("/"):
        return None  # a fraction ("1.016/1.095") is read by parse_fraction
    return -value if match["sign"] in {"-", "−"} else value


def parse_number_strict(text: str | None) -> Decimal:
    value = parse_number(text)
    if value is None:
        raise ParseError(_("“%(text)s” không phải là số") % {"text": (text or "").strip()})
    return value


def parse_fraction(text: str | None) -> tuple[Decimal, Decimal] | None:
    """"1.016/1.095" → (1016, 1095); None unless both sides are numbers and the denominator is not 0."""
    if not text or str(text).count("/") != 1:
        return None
    numerator_text, denominator_text = str(text).split("/")
    numerator, denominator = parse_number(numerator_text), parse_number(denominator_text)
    if numerator is None or denominator is None or denominator == 0:
        return None
    # "1.016/1.095 xã" may carry a unit on the right, never on the left.
    if not re.fullmatch(r"\s*[-−]?\s*\d[\d.,]*\s*", numerator_text):
        return None
    return numerator, denominator


def format_number(value: Decimal | int | float | str | None, decimals: int | None = None) -> str:
    """5.07 → "5,07", 16861 → "16.861", 1234567.5 → "1.234.567,5"; None → "".

    Without `decimals` the number is shown exactly, trailing zeros dropped; with it, rounded half up.
    """
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        return str(number)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding="ROUND_HALF_UP")
        text = f"{number:f}"
    else:
        text = f"{number:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    negative = text.startswith("-")
    text = text.lstrip("-")
    whole, _sep, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    result = grouped + ("," + fraction if fraction else "")
    if negative and (int(whole) or (fraction and fraction.strip("0"))):
        result = "-" + result
    return result


def format_value(value, *, empty: str = "", choices: dict | None = None) -> str:
    """Any stored value as Vietnamese people read it and would type it back: 95,5 · 16.861 · 31/03/2026,
    a choice's label (from `choices`, value → label), other text as it is; `empty` for None and "".

    The one display of values for forms, previews, history and the admin."""
    if value is None or value == "":
        return empty
    if choices is not None and value in choices:
        return str(choices[value])
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return format_number(value)
    return str(value)
