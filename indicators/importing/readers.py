"""Files → blocks (paragraphs and RawTables, see tables.py), before any interpretation.

What each reader guarantees:
- `.xlsx`: every sheet with data is one RawTable titled by the sheet name; `row_numbers` are Excel's
  row numbers. Merged ranges are filled with their top-left value and every filled position (not the
  top-left cell itself) is listed in `merged`. Cell values become text the importer's Vietnamese
  parser reads back exactly: integers plainly ("16861", no grouping: a grouped "16.861" is what a
  person types, a number cell has no grouping), other numbers as the exact decimal with "," as the
  decimal mark ("5,07"; at most 15 significant digits, as Excel keeps), cells formatted as a
  percentage as the percentage ("95%" for 0.95), dates as dd/mm/yyyy ("30/06/2026").
- `.docx`: paragraphs and tables in document order. Cells spanning columns (`gridSpan`) or rows
  (`vMerge`) are filled and listed in `merged` the same way; `row_numbers` = table row index + 1.
  Superscript digits typed as formatted runs become ¹²³, so clean_cell drops them as footnotes.
- `.csv` / `.tsv`: decoded as UTF-8 (with or without BOM), or UTF-16 when the file starts with its
  BOM (Excel's "Unicode text"), otherwise as Windows-1258 (Vietnamese Windows), which can decode any
  byte; the text is then NFC-normalised. The delimiter of a .csv is sniffed among ";", tab and ","
  (Excel in Vietnamese saves ";" because "," is the decimal mark); a .tsv is tab-separated.
  `row_numbers` are the file's line numbers.
- `.md` / `.txt`: a whole plan document as text is read by `textdoc` (the document parser); a lone
  markdown pipe table can be read with `read_pipe_table`.
Fully empty rows are dropped (their numbers simply do not appear in `row_numbers`).
"""

import csv
import datetime as dt
import functools
import io
import re
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from agencies.errors import UserError
from indicators.importing.tables import Block, RawTable

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SUPPORTED_SUFFIXES = (".xlsx", ".docx", ".csv", ".tsv", ".md", ".txt")


class ReadError(UserError):
    """A file that cannot be read at all; `message` is Vietnamese, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_blocks(path: Path) -> list[Block]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        hint = _(" Hãy lưu lại dưới dạng .docx hoặc .xlsx.") if suffix in {".doc", ".xls", ".pdf"} else ""
        raise ReadError(
            _("Không đọc được tệp “%(name)s”: định dạng %(suffix)s chưa được hỗ trợ (hỗ trợ: %(supported)s).")
            % {"name": path.name, "suffix": suffix or _("không có đuôi"), "supported": ", ".join(SUPPORTED_SUFFIXES)}
            + hint
        )
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ReadError(_("Không mở được tệp “%(name)s”.") % {"name": path.name}) from error
    if size == 0:
        raise ReadError(_("Tệp “%(name)s” rỗng.") % {"name": path.name})
    if size > MAX_UPLOAD_BYTES:
        raise ReadError(
            _("Tệp “%(name)s” dung lượng %(size)s MB, vượt quá giới hạn %(limit)s MB.")
            % {"name": path.name, "size": f"{size / 1024 / 1024:.1f}".replace(".", ","),
               "limit": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    if suffix == ".xlsx":
        blocks = read_xlsx(path)
    elif suffix == ".docx":
        blocks = read_docx(path)
    elif suffix in {".csv", ".tsv"}:
        blocks = [read_delimited(path, delimiter="\t" if suffix == ".tsv" else None)]
    else:
        from indicators.importing.textdoc import read_text

        blocks = read_text(decode_text(path.read_bytes()), source=path.name)
    if not any(isinstance(b, RawTable) and b.rows or isinstance(b, str) and b.strip() for b in blocks):
        raise ReadError(_("Tệp “%(name)s” không có dữ liệu.") % {"name": path.name})
    return blocks


# --- text encodings ---------------------------------------------------------------------------------

def decode_text(raw: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1258; NFC-normalised."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1258", errors="replace")
    return unicodedata.normalize("NFC", text)


# --- spreadsheet cells as text --------------------------------------------------------------------------

def number_to_text(value: int | float | Decimal) -> str:
    """A numeric cell as text the Vietnamese parser reads back exactly: 16861 → "16861", 5.07 → "5,07"."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    number = Decimal(f"{value:.15g}") if isinstance(value, float) else value
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in {"-0", ""}:
        text = "0"
    return text.replace(".", ",")


def cell_to_text(value: object, number_format: str = "General") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if "%" in (number_format or ""):
            number = Decimal(f"{value:.15g}") * 100 if isinstance(value, float) else Decimal(value) * 100
            return number_to_text(number) + "%"
        return number_to_text(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _compact(grid: list[list[str]], numbers: list[int], merged: set[tuple[int, int]], *, source: str,
             title: str) -> RawTable | None:
    """Drop fully empty rows and trailing empty columns; re-index `merged` to the kept rows."""
    kept = [i for i, row in enumerate(grid) if any(cell for cell in row)]
    if not kept:
        return None
    width = max(max((c + 1 for c, cell in enumerate(grid[i]) if cell), default=0) for i in kept)
    new_index = {old: new for new, old in enumerate(kept)}
    rows = [(grid[i] + [""] * width)[:width] for i in kept]
    return RawTable(
        rows=rows,
        row_numbers=[numbers[i] for i in kept],
        source=source,
        title=title,
        merged={(new_index[r], c) for r, c in merged if r in new_index and c < width},
    )


# --- .xlsx ----------------------------------------------------------------------------------------------

def read_xlsx(path: Path) -> list[Block]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # Not read_only: read-only worksheets do not expose their merged ranges.
        workbook = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError) as error:
        raise ReadError(
            _("Không đọc được tệp Excel “%(name)s”: tệp bị hỏng hoặc không phải định dạng .xlsx.")
            % {"name": path.name}
        ) from error
    tables: list[Block] = []
    try:
        for sheet in workbook.worksheets:
            table = _read_sheet(sheet, source=path.name)
            if table is not None:
                tables.append(table)
    finally:
        workbook.close()
    return tables


def _read_sheet(sheet, *, source: str) -> RawTable | None:
    max_row, max_col = sheet.max_row, sheet.max_column
    if not max_row or not max_col:
        return None
    grid: list[list[str]] = []
    for row in sheet.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
        grid.append([cell_to_text(cell.value, cell.number_format) for cell in row])
    merged: set[tuple[int, int]] = set()
    for cell_range in sheet.merged_cells.ranges:
        top, left = cell_range.min_row - 1, cell_range.min_col - 1
        if top >= len(grid) or left >= max_col:
            continue
        value = grid[top][left]
        for r in range(top, min(cell_range.max_row, len(grid))):
            for c in range(left, min(cell_range.max_col, max_col)):
                if (r, c) != (top, left):
                    grid[r][c] = value
                    merged.add((r, c))
    return _compact(grid, list(range(1, len(grid) + 1)), merged, source=source, title=sheet.title)


# --- .docx ----------------------------------------------------------------------------------------------

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def read_docx(path: Path) -> list[Block]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ReadError(
            _("Không đọc được tệp Word “%(name)s”: tệp bị hỏng hoặc không phải định dạng .docx.")
            % {"name": path.name}
        ) from error
    blocks: list[Block] = []
    table_count = 0
    for element in _body_elements(document.element.body):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = _paragraph_text(element)
            if text:
                blocks.append(text)
        elif tag == "tbl":
            table_count += 1
            table = _read_word_table(element, source=path.name, title=_("Bảng %(n)s") % {"n": table_count})
            if table is not None:
                blocks.append(table)
    return blocks


def _body_elements(body):
    """Paragraphs and tables in reading order, including those inside content controls (w:sdt)."""
    for element in body.iterchildren():
        if element.tag == _w("sdt"):
            content = element.find(_w("sdtContent"))
            if content is not None:
                yield from _body_elements(content)
        else:
            yield element


@functools.cache
def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _paragraph_text(p) -> str:
    """A paragraph's text; digits in superscript runs become ¹²³ (footnote markers)."""
    parts: list[str] = []
    for node in p.iter(_w("r")):
        superscript = False
        properties = node.find(_w("rPr"))
        if properties is not None:
            align = properties.find(_w("vertAlign"))
            superscript = align is not None and align.get(_w("val")) == "superscript"
        for child in node:
            name = child.tag.rsplit("}", 1)[-1]
            if name == "t":
                text = child.text or ""
                parts.append(text.translate(_SUPERSCRIPT) if superscript and text.strip().isdigit() else text)
            elif name == "tab":
                parts.append("\t")
            elif name in {"br", "cr"}:
                parts.append("\n")
    return unicodedata.normalize("NFC", "".join(parts)).strip()


def _cell_text(tc) -> str:
    # Only the cell's own paragraphs: a nested table's text is still part of the cell, in order.
    paragraphs = [_paragraph_text(p) for p in tc.iter(_w("p"))]
    return "\n".join(p for p in paragraphs if p)


def _read_word_table(tbl, *, source: str, title: str) -> RawTable | None:
    grid: list[list[str]] = []
    merged: set[tuple[int, int]] = set()
    for r, tr in enumerate(tbl.iterchildren(_w("tr"))):
        row: list[str] = []
        properties = tr.find(_w("trPr"))
        before = properties.find(_w("gridBefore")) if properties is not None else None
        if before is not None:
            row.extend([""] * int(before.get(_w("val"), "0") or 0))
        for tc in tr.iterchildren(_w("tc")):
            cell_properties = tc.find(_w("tcPr"))
            span, continues = 1, False
            if cell_properties is not None:
                grid_span = cell_properties.find(_w("gridSpan"))
                if grid_span is not None:
                    span = max(1, int(grid_span.get(_w("val"), "1") or 1))
                v_merge = cell_properties.find(_w("vMerge"))
                # <w:vMerge/> or val="continue" continues the cell above; val="restart" starts a merge.
                continues = v_merge is not None and v_merge.get(_w("val"), "continue") == "continue"
            c = len(row)
            if continues and r > 0 and c < len(grid[r - 1]):
                text = grid[r - 1][c]
                merged.update((r, c + k) for k in range(span))
            else:
                text = _cell_text(tc)
                merged.update((r, c + k) for k in range(1, span))
            row.extend([text] * span)
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    grid = [row + [""] * (width - len(row)) for row in grid]
    return _compact(grid, list(range(1, len(grid) + 1)), merged, source=source, title=title)


# --- .csv / .tsv ----------------------------------------------------------------------------------------

_DELIMITERS = (";", "\t", ",")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most, and most regular, columns."""
    sample = [line for line in text.splitlines()[:30] if line.strip()]
    best, best_score = ";", (0, 0)
    for delimiter in _DELIMITERS:
        widths = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        if not widths:
            continue
        most_common = max(set(widths), key=widths.count)
        score = (widths.count(most_common) if most_common > 1 else 0, most_common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_delimited(path: Path, *, delimiter: str | None = None) -> RawTable:
    text = decode_text(path.read_bytes())
    try:
        table = read_delimited_text(text, delimiter=delimiter, source=path.name)
    except csv.Error as error:
        raise ReadError(
            _("Không đọc được tệp “%(name)s”: %(error)s") % {"name": path.name, "error": error}
        ) from error
    if table is None:
        raise ReadError(_("Tệp “%(name)s” không có dữ liệu.") % {"name": path.name})
    return table


def read_delimited_text(text: str, *, delimiter: str | None = None, source: str = "") -> RawTable | None:
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid: list[list[str]] = []
    numbers: list[int] = []
    line = 0
    for row in reader:
        numbers.append(line + 1)  # a quoted cell may span lines: the row starts after the previous one
        line = reader.line_num
        grid.append([unicodedata.normalize("NFC", cell).strip() for cell in row])
    width = max((len(row) for row in grid), default=0)
    grid = [row + [""] * (width - len(row)) for row in grid]
    return _compact(grid, numbers, set(), source=source, title=Path(source).stem if source else "")


# --- markdown pipe tables -------------------------------------------------------------------------------

_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def read_pipe_table(text: str, *, source: str = "", first_line: int = 1) -> RawTable:
    """The first markdown pipe table of `text` (`| a | b |` rows, the `|---|` line skipped).

    `first_line` is the line number of `text`'s first line in its file, for `row_numbers`.
    """
    rows: list[list[str]] = []
    numbers: list[int] = []
    for offset, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2:
            if _PIPE_SEPARATOR.match(stripped):
                continue
            inner = stripped[1:-1] if stripped.endswith("|") and not stripped.endswith("\\|") else stripped[1:]
            rows.append([cell.strip().replace("\\|", "|") for cell in _UNESCAPED_PIPE.split(inner)])
            numbers.append(first_line + offset)
        elif rows and stripped:
            break  # the table ended
    if not rows:
        raise ReadError(_("Không tìm thấy bảng (dạng | ô | ô |) trong văn bản."))
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    table = _compact(rows, numbers, set(), source=source, title="")
    if table is None:
        raise ReadError(_("Bảng trong văn bản không có dữ liệu."))
    return table
