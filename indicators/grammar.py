"""The target grammar of DESIGN.md, and the other cells of an appendix: baselines, money, year headers.

Pure functions: text in, frozen dataclasses out. The importer (indicators/importing), the admin and
the exports call them; nothing here touches the database.

How a target's number is stored (`low`, `high`) — as the interval the value must lie in:
  ">=" and ">"  → low = n, high = None       "Tối thiểu 96%", "Trên 95%"
  "<=" and "<"  → low = None, high = n       "Tối đa 5%", "Dưới 5%"
  "="           → low = high = n
  "range"       → low, high                  "15 - 20%"
  "maintain"    → low = n, high = None       "Duy trì 100%" (keep at least the level reached)
  "text"        → both None                  "Hoàn thành", a milestone sentence
`ParsedTarget.value` gives the single bound of the one-number ops.
"""

import functools
import html
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from indicators.numbers import (
    ParseError,
    format_number,
    number_token_to_decimal,
    parse_fraction,
    parse_number,
)

__all__ = [
    "ParseError",
    "ParsedBaseline",
    "ParsedMoney",
    "ParsedTarget",
    "clean_cell",
    "fold_keep_length",
    "format_target",
    "parse_baseline",
    "parse_money",
    "parse_target",
    "parse_year_header",
    "split_stated_target",
    "units_agree",
]

OPS = (">=", ">", "<=", "<", "=", "range", "maintain", "text")

# --- cleaning -----------------------------------------------------------------------------------

_SUPERSCRIPT_DIGITS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
# "m²", "km³": a unit's power, not a footnote.
_UNIT_POWER = re.compile(r"(?<![^\W\d_])(?:k|c|d)?m[²³](?![^\W\d_])")
# After a word, or after a space before punctuation ("cấp xã ¹⁹ ."); a cell that starts with one is a footnote.
_FOOTNOTE = re.compile(rf"(?<=[^\s{_SUPERSCRIPT_DIGITS}])(?:\s*[{_SUPERSCRIPT_DIGITS}]+)+(?:\s+(?=[.,;:]))?")
_HTML_BREAK = re.compile(r"<\s*br\s*/?\s*>|<\s*/\s*p\s*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_LATEX_COMMANDS = {
    r"\geq": "≥", r"\ge": "≥", r"\leq": "≤", r"\le": "≤", r"\neq": "≠", r"\ne": "≠",
    r"\times": "×", r"\approx": "≈", r"\pm": "±", r"\%": "%", r"\&": "&", r"\,": " ", r"\;": " ",
    r"\ ": " ", r"\cdot": "·", r"\sim": "~", r"\rightarrow": "→", r"\to": "→",
}
_LATEX_COMMAND = re.compile(r"\\(?:[a-zA-Z]+|[%&,; ])")
_LATEX_TEXT = re.compile(r"\\(?:text|mathrm|textbf|textit|mbox)\s*\{([^{}]*)\}")
_MARKDOWN_EMPHASIS = re.compile(r"\*{1,3}|(?<!\w)_{2}|_{2}(?!\w)")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+")


def clean_cell(text: object) -> str:
    """A cell as people read it: no footnote markers, HTML, markdown emphasis or LaTeX residue.

    "Tỷ lệ¹⁹ <i>dân số</i>" → "Tỷ lệ dân số"; "$\\geq 95\\%$" → "≥ 95%"; "**Trên** 90%" → "Trên 90%".
    """
    if text is None:
        return ""
    return _clean_text(text if type(text) is str else str(text))


# Pure, and the same few texts come back in every row of an appendix ("%", "Sở KH&CN", "≥ 90"): a 5,000-row
# import cleans ~100,000 cells (issue 14). Bounded, so a long-running worker does not grow.
@functools.lru_cache(maxsize=1 << 14)
def _clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = _HTML_BREAK.sub(" ", text)
    text = _HTML_TAG.sub("", text)
    text = html.unescape(text)
    if "$" in text or "\\" in text:
        text = _clean_latex(text)
    text = _MARKDOWN_EMPHASIS.sub("", text)
    protected = {}

    def protect(match: re.Match) -> str:
        key = f"\x00{len(protected)}\x00"
        protected[key] = match.group(0)
        return key

    text = _UNIT_POWER.sub(protect, text)
    text = _FOOTNOTE.sub("", text)
    for key, value in protected.items():
        text = text.replace(key, value)
    return _SPACES.sub(" ", text).strip()


def _clean_latex(text: str) -> str:
    text = _LATEX_TEXT.sub(r"\1", text)
    text = _LATEX_COMMAND.sub(lambda m: _LATEX_COMMANDS.get(m.group(0), ""), text)
    text = re.sub(r"\^\{?([^{}\s]*)\}?", r"\1", text)  # "10^{6}" residue: keep the digits
    text = text.replace("$", " ").replace("{", "").replace("}", "")
    # "≥95%" typed as "$\geq 95\%$" reads "≥ 95%": one space after a comparison sign.
    return re.sub(r"([≥≤≠≈])\s*", r"\1 ", text)


def fold_keep_length(text: str) -> str:
    """Lower case without diacritics, one character for one character (so positions still match).

    "Trên 95% dân số" → "tren 95% dan so". `text` must be NFC, as clean_cell returns it.
    """
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        base = "d" if base in "đĐ" else base.lower()
        out.append(base if len(base) == 1 else ch)
    return "".join(out)


# --- targets --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParsedTarget:
    op: str
    low: Decimal | None
    high: Decimal | None
    text: str
    unit: str = ""

    @property
    def value(self) -> Decimal | None:
        """The one number of ">=", ">", "<=", "<", "=", "maintain"; None for range and text."""
        if self.op in {">=", ">", "maintain", "="}:
            return self.low
        if self.op in {"<=", "<"}:
            return self.high
        return None

    @property
    def is_numeric(self) -> bool:
        return self.op != "text"


_NUMBER = r"\d(?:[\d.,]*\d)?"
# Folded prefixes, longest first where one begins another. Each maps to the op it states.
_PREFIXES: list[tuple[str, str]] = [
    (r"khong (?:thap|it) hon", ">="),
    (r"khong duoi", ">="),
    (r"khong (?:qua|vuot qua|vuot|cao hon|lon hon|nhieu hon)", "<="),
    (r"(?:phan dau |dat |phan dau dat |dat muc |o muc )*(?:toi thieu|it nhat)(?: la| dat| o muc)?", ">="),
    (r"(?:phan dau |dat |phan dau dat |dat muc )*(?:tren|hon|vuot|cao hon|lon hon|vuot muc)", ">"),
    (r"(?:phan dau |dat |phan dau dat )*(?:toi da|nhieu nhat)(?: la| dat| o muc)?", "<="),
    (r"(?:phan dau |dat |phan dau dat |giam )*(?:duoi|thap hon|nho hon|it hon|giam xuong duoi)", "<"),
    (r"(?:phan dau |tiep tuc )*(?:duy tri|giu vung|giu on dinh)(?: o muc| muc| dat| tren)?", "maintain"),
    # "Tăng lên 50%" reaches 50; a bare "Tăng 10%" is a growth, not a level: that one stays text.
    (r"(?:phan dau dat|phan dau|dat muc|dat|bao dam|dam bao|tang len)(?: muc| khoang| tu| o muc)?", ">="),
    (r"≥|>=|=>|⩾", ">="),
    (r"≤|<=|=<|⩽", "<="),
    (r">", ">"),
    (r"<", "<"),
    (r"=|bang", "="),
]
_PREFIX_RE = "|".join(f"(?P<p{i}>{pattern})" for i, (pattern, _op) in enumerate(_PREFIXES))
_SIGN = r"(?P<sign>[-−]\s*)?"
# A unit is short text without digits: "%", "% dân số", "tên miền", "kết nối IoT".
_UNIT = r"(?P<unit>[^\d]{0,60}?)"
_SUFFIX_OPS = [(r"tro len|tro len tren|tro di", ">="), (r"tro xuong|tro lai", "<=")]
_SUFFIX_RE = "|".join(f"(?P<s{i}>{pattern})" for i, (pattern, _op) in enumerate(_SUFFIX_OPS))

_SINGLE = re.compile(
    rf"^(?:(?:{_PREFIX_RE})\s*:?\s*)?{_SIGN}(?P<num>{_NUMBER})\s*{_UNIT}\s*(?:(?:{_SUFFIX_RE})\s*)?[.;]?$"
)
_RANGE = re.compile(
    rf"^(?:(?:tu|trong khoang|khoang|dat|dat tu|phan dau dat|phan dau)\s+)?"
    rf"(?P<low>{_NUMBER})\s*(?P<unit1>%|[^\d\-–—~]{{0,30}}?)\s*(?:-|–|—|~|den|toi|den muc)\s*"
    rf"(?P<high>{_NUMBER})\s*(?P<unit2>[^\d]{{0,60}}?)\s*[.;]?$"
)
# Words after the number that make the cell a sentence, not a unit ("95 % trong năm ...").
_SENTENCE_WORDS = re.compile(r"\b(?:nam|so voi|tro len tren|dong thoi|va|hoac|nhung|trong do)\b")


def parse_target(text: object, *, direction: str = "increase") -> ParsedTarget:
    """Read a target cell by the DESIGN.md grammar; never raises: what has no number is a text target."""
    if type(text) is str:
        return _parse_target_text(text, direction)
    return _parse_target(text, direction)


# Target cells repeat ("≥ 90", "100%", "Hoàn thành") and the result is frozen: read each text once (issue 14).
@functools.lru_cache(maxsize=1 << 14)
def _parse_target_text(text: str, direction: str) -> ParsedTarget:
    return _parse_target(text, direction)


def _parse_target(text: object, direction: str) -> ParsedTarget:
    cleaned = clean_cell(text)
    if not cleaned:
        return ParsedTarget("text", None, None, "", "")
    folded = fold_keep_length(cleaned)

    match = _RANGE.match(folded)
    if match:
        low, high = number_token_to_decimal(match["low"]), number_token_to_decimal(match["high"])
        second, first = _unit(cleaned, match, "unit2"), _unit(cleaned, match, "unit1")
        unit = second or first
        if low is not None and high is not None and None not in (first, second) and _is_unit(fold_keep_length(unit)):
            low, high = min(low, high), max(low, high)
            return ParsedTarget("range", low, high, cleaned, unit)

    match = _SINGLE.match(folded)
    if match:
        number = number_token_to_decimal(match["num"])
        unit = _unit(cleaned, match, "unit")
        if number is not None and unit is not None and _is_unit(fold_keep_length(unit)):
            if match["sign"]:
                number = -number
            op = _matched_op(match, _PREFIXES, "p") or _matched_op(match, _SUFFIX_OPS, "s")
            if op is None:
                op = "<=" if direction == "decrease" else ">="
            return _with_number(op, number, cleaned, unit)

    return ParsedTarget("text", None, None, cleaned, "")


def _matched_op(match: re.Match, table: list[tuple[str, str]], group_prefix: str) -> str | None:
    for i, (_pattern, op) in enumerate(table):
        if match.group(f"{group_prefix}{i}") is not None:
            return op
    return None


def _unit(cleaned: str, match: re.Match, group: str) -> str | None:
    """The unit after a number, or None when the words after it are not a unit.

    "7. Tỷ trọng kinh tế số" is a numbered line, not seven "Tỷ trọng": a number followed by "." or ")"
    and words is list numbering.
    """
    start, end = match.span(group)
    if start < 0:
        return ""
    raw = cleaned[start:end]
    if raw.lstrip()[:1] in {".", ")"} and raw.strip(" .);:,"):
        return None
    return raw.strip(" .;:,")


def _is_unit(folded_unit: str) -> bool:
    if not folded_unit:
        return True
    if len(folded_unit) > 40 or _SENTENCE_WORDS.search(folded_unit):
        return False
    return not any(ch in folded_unit for ch in "[]:")


def _with_number(op: str, number: Decimal, text: str, unit: str) -> ParsedTarget:
    if op in {"<=", "<"}:
        return ParsedTarget(op, None, number, text, unit)
    if op == "=":
        return ParsedTarget(op, number, number, text, unit)
    return ParsedTarget(op, number, None, text, unit)


_STATED_AT = re.compile(
    r"(?::\s*|\s(?=(?:dat|phan dau|toi thieu|it nhat|tren|duoi|toi da|khong qua|khong thap hon|duy tri|"
    r"≥|>=|>|≤|<=|<)\s*[^\s]))"
)


def split_stated_target(text: object, *, direction: str = "increase") -> tuple[str, ParsedTarget] | None:
    """A sentence that states a measurable target, split into what is measured and the target.

    "Tỷ lệ phủ sóng 5G trên địa bàn tỉnh đạt trên 95% dân số" → ("Tỷ lệ phủ sóng 5G trên địa bàn tỉnh",
    op ">" 95, unit "% dân số"); "Tốc độ băng rộng di động: 70 Mbps." → ("Tốc độ băng rộng di động",
    op ">=" 70, unit "Mbps").
    The leftmost split whose right side is a numeric target wins; None when there is none.
    """
    cleaned = clean_cell(text)
    folded = fold_keep_length(cleaned)
    for match in _STATED_AT.finditer(folded):
        name = cleaned[: match.start()].strip(" :;,.-–")
        if not name:
            continue
        target = parse_target(cleaned[match.end():], direction=direction)
        if target.is_numeric:
            return name, target
    return None


_OP_SIGNS = {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "=": "= ", "maintain": "Duy trì "}


def format_target(op: str, low: Decimal | None, high: Decimal | None, unit: str = "", text: str = "") -> str:
    """A target as officials write it: "≥ 90%", "15 - 20%", "Duy trì 100%"; a text target is its text."""
    glue = "" if unit.startswith("%") or not unit else " "
    suffix = f"{glue}{unit}" if unit else ""
    if op == "range" and low is not None and high is not None:
        return f"{format_number(low)} - {format_number(high)}{suffix}"
    number = high if op in {"<=", "<"} else low
    if op in _OP_SIGNS and number is not None:
        return f"{_OP_SIGNS[op]}{format_number(number)}{suffix}"
    return text


# --- baselines, money, headers -------------------------------------------------------------------

@dataclass(frozen=True)
class ParsedBaseline:
    value: Decimal | None
    text: str
    fraction: tuple[Decimal, Decimal] | None = None


def parse_baseline(text: object) -> ParsedBaseline:
    """"77" → 77; "5,45" → 5.45; "1.016/1.095" → value None, fraction (1016, 1095); prose → text only."""
    cleaned = clean_cell(text)
    fraction = parse_fraction(cleaned)
    if fraction is not None:
        return ParsedBaseline(None, cleaned, fraction)
    value = parse_number(cleaned)
    if value is not None:
        tail = re.sub(rf"^[-−+]?\s*{_NUMBER}", "", cleaned).strip()
        if not _is_unit(fold_keep_length(tail)):
            value = None
    return ParsedBaseline(value, cleaned, None)


@dataclass(frozen=True)
class ParsedMoney:
    amount: Decimal | None
    unit: str
    text: str = ""


_MONEY = re.compile(rf"^\s*(?P<num>{_NUMBER})\s*(?P<unit>[^\d]{{0,40}})$")


def parse_money(text: object, *, unit: str = "") -> ParsedMoney:
    """"12.500 triệu đồng" → 12500 "triệu đồng"; "1,2 tỷ đồng" → 1.2 "tỷ đồng"; "12.500" → 12500 "".

    `unit` is the column's unit ("Tổng mức đầu tư (triệu đồng)"), used when the cell states none.
    """
    cleaned = clean_cell(text)
    match = _MONEY.match(cleaned)
    if not match:
        return ParsedMoney(None, "", cleaned)
    amount = number_token_to_decimal(match["num"])
    if amount is None:
        return ParsedMoney(None, "", cleaned)
    return ParsedMoney(amount, match["unit"].strip(" .;:,()") or unit, cleaned)


def units_agree(cell_unit: str, indicator_unit: str) -> bool:
    """Whether a unit written in a target cell fits the indicator's ĐVT ("%" fits "% dân số", case and
    accents aside); a cell without a unit always fits."""
    cell, indicator = fold_keep_length(clean_cell(cell_unit)), fold_keep_length(clean_cell(indicator_unit))
    if not cell or not indicator:
        return True
    return cell in indicator or indicator in cell


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def parse_year_header(text: object) -> int | None:
    """"Năm 2026", "Mục tiêu năm 2026", "2026", "Chỉ tiêu 2026" → 2026; several years or none → None."""
    cleaned = clean_cell(text)
    if not cleaned or len(cleaned) > 80:
        return None
    years = {int(y) for y in _YEAR.findall(cleaned)}
    if len(years) != 1:
        return None
    # "2026.0" from a spreadsheet's numeric header still names the year.
    return years.pop()
