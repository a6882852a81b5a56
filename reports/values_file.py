"""Reading a spreadsheet of indicator values: the file's cells as `ValueRow`s, all text as typed.

Provincial departments and outside bodies (Cục Viễn thông, the tax office) send figures for many agencies
at once, in one of two layouts, told apart by the header row:

- long: one row per agency and indicator — "Cơ quan/Đơn vị", "Mã chỉ tiêu" (or "Chỉ tiêu" by name),
  "Giá trị" (or "Tử số" and "Mẫu số"), optionally "Ghi chú" and "Nguồn";
- wide: one row per agency, one column per indicator, the header naming the indicator by code or name
  (the layout a department usually sends: communes down, indicators across); "Ghi chú" and "Nguồn"
  columns, when present, apply to every value of their row.

Nothing here looks at the database: `reports.bulk_values.values_import` loads what was read.
"""

import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from agencies.errors import UserError
from agencies.text import fold
from indicators.importing.readers import ReadError, read_blocks
from indicators.importing.tables import RawTable

SUPPORTED_SUFFIXES = (".xlsx", ".csv", ".tsv")
HEADER_SEARCH_ROWS = 10  # title lines above the header ("BIỂU TỔNG HỢP …") are skipped

LONG = "long"
WIDE = "wide"

# Folded header text (punctuation as spaces) → column role.
_HEADER_ROLES = {
    "agency": ("co quan don vi", "co quan", "don vi", "ten co quan", "ten don vi", "co quan don vi bao cao",
               "don vi bao cao", "dia phuong", "xa phuong", "ten xa phuong", "don vi hanh chinh"),
    "indicator_code": ("ma chi tieu", "ma so chi tieu", "ma"),
    "indicator_name": ("chi tieu", "ten chi tieu", "noi dung chi tieu"),
    "value": ("gia tri", "so lieu", "ket qua", "ket qua thuc hien", "gia tri thuc hien"),
    "numerator": ("tu so",),
    "denominator": ("mau so",),
    "note": ("ghi chu", "giai trinh", "ghi chu giai trinh"),
    "source": ("nguon", "nguon so lieu"),
    "ignored": ("stt", "tt", "so tt", "so thu tu"),
}
_ROLE_BY_HEADER = {header: role for role, headers in _HEADER_ROLES.items() for header in headers}
_NON_WORD = re.compile(r"[^0-9a-z]+")


class BulkFileError(UserError):
    """A file that cannot be read as a table of values."""


def header_key(text: str) -> str:
    return _NON_WORD.sub(" ", fold(text)).strip()


@dataclass
class ValueRow:
    """One value as read from the file, all text as typed. `column` is the indicator's header in a wide sheet."""

    row_number: int
    agency: str
    indicator: str
    value: str = ""
    numerator: str = ""
    denominator: str = ""
    note: str = ""
    source: str = ""
    column: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def where(self) -> str:
        if self.column:
            return _("Dòng %(row)s, cột “%(column)s”") % {"row": self.row_number, "column": self.column}
        return _("Dòng %(row)s") % {"row": self.row_number}

    @property
    def typed(self) -> str:
        if self.numerator or self.denominator:
            return f"{self.numerator}/{self.denominator}"
        return self.value


@dataclass
class ParsedSheet:
    layout: str
    rows: list[ValueRow]
    source_name: str = ""

    @property
    def layout_label(self) -> str:
        if self.layout == LONG:
            return _("mỗi dòng một cơ quan và một chỉ tiêu")
        return _("mỗi dòng một cơ quan, mỗi cột một chỉ tiêu")


def _find_header(table: RawTable) -> int | None:
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        if any(_ROLE_BY_HEADER.get(header_key(cell)) == "agency" for cell in row):
            return index
    return None


def parse_table(table: RawTable) -> ParsedSheet:
    """A table's rows as ValueRows, in the layout its header shows. Raises BulkFileError."""
    header_index = _find_header(table)
    if header_index is None:
        raise BulkFileError(_("Không tìm thấy dòng tiêu đề có cột “Cơ quan/Đơn vị” trong %(rows)s dòng đầu của "
                              "bảng “%(name)s”.") % {"rows": HEADER_SEARCH_ROWS, "name": table.title or table.source})
    header = table.rows[header_index]
    roles: dict[str, int] = {}
    other_columns: list[int] = []
    for column, cell in enumerate(header):
        role = _ROLE_BY_HEADER.get(header_key(cell))
        if role is None or role in roles:
            if cell.strip() and role is None:
                other_columns.append(column)
            continue
        roles[role] = column
    has_indicator = "indicator_code" in roles or "indicator_name" in roles
    has_value = any(role in roles for role in ("value", "numerator", "denominator"))
    data_rows = list(zip(table.row_numbers[header_index + 1:], table.rows[header_index + 1:], strict=True))

    def cell(row: list[str], role: str) -> str:
        column = roles.get(role)
        return row[column].strip() if column is not None and column < len(row) else ""

    rows: list[ValueRow] = []
    if has_indicator and has_value:
        for number, row in data_rows:
            agency = cell(row, "agency")
            indicator = cell(row, "indicator_code") or cell(row, "indicator_name")
            values = {name: cell(row, name) for name in ("value", "numerator", "denominator", "note", "source")}
            if not agency and not indicator and not any(values.values()):
                continue
            rows.append(ValueRow(row_number=number, agency=agency, indicator=indicator, **values))
        return ParsedSheet(layout=LONG, rows=rows, source_name=table.source)
    if has_indicator or not other_columns:
        raise BulkFileError(_("Không nhận ra bố cục bảng: cần cột “Mã chỉ tiêu” (hoặc “Chỉ tiêu”) và cột “Giá trị” "
                              "(hoặc “Tử số”, “Mẫu số”), hoặc mỗi cột một chỉ tiêu với tiêu đề là mã hay tên chỉ tiêu."))
    for number, row in data_rows:
        agency = cell(row, "agency")
        note, source = cell(row, "note"), cell(row, "source")
        typed = [(column, row[column].strip()) for column in other_columns if column < len(row) and row[column].strip()]
        if not agency and not typed:
            continue
        if not typed:
            continue  # an agency with nothing to report in this file
        for column, text in typed:
            rows.append(ValueRow(row_number=number, agency=agency, indicator=header[column].strip(), value=text,
                                 note=note, source=source, column=header[column].strip()))
    return ParsedSheet(layout=WIDE, rows=rows, source_name=table.source)


def read_values_file(path: Path) -> ParsedSheet:
    """The first sheet (or the CSV) with a recognisable header. Raises BulkFileError."""
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise BulkFileError(_("Chỉ nhận tệp .xlsx hoặc .csv (tệp đã chọn: “%(name)s”).") % {"name": path.name})
    try:
        blocks = read_blocks(path)
    except ReadError as error:
        raise BulkFileError(error.message) from error
    tables = [block for block in blocks if isinstance(block, RawTable) and block.rows]
    first_error = None
    for table in tables:
        try:
            return parse_table(table)
        except BulkFileError as error:
            first_error = first_error or error
    raise first_error or BulkFileError(_("Tệp “%(name)s” không có bảng số liệu.") % {"name": path.name})


def read_uploaded_values(uploaded_file) -> ParsedSheet:
    """An uploaded file (admin) read the same way, through a temporary file with its suffix."""
    suffix = Path(uploaded_file.name or "").suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise BulkFileError(_("Chỉ nhận tệp .xlsx hoặc .csv (tệp đã chọn: “%(name)s”).") % {"name": uploaded_file.name})
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"upload{suffix}"
        with path.open("wb") as target:
            for chunk in uploaded_file.chunks():
                target.write(chunk)
        parsed = read_values_file(path)
    parsed.source_name = uploaded_file.name
    return parsed
