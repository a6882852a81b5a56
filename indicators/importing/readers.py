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
- `.xlsx` and `.docx` list in `bold` the rows whose text is all bold (cell fonts; runs, directly or by style),
  for the layout step to tell a section row marked by bold alone.
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
from agencies.uploads import FULL_LOAD_MAX_PART_BYTES, UploadRefused, check_archive, check_sheet_size
from indicators.importing.tables import Block, RawTable
from indicators.numbers import format_number

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
    if suffix in {".xlsx", ".docx"}:
        try:
            check_archive(path, max_part=FULL_LOAD_MAX_PART_BYTES)
        except UploadRefused as error:
            raise ReadError(error.message) from error
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
        if "#,##0" in (number_format or ""):
            # Shown grouped (16.861, 11.984,5): read as shown, as the plan's own export writes it.
            return format_number(Decimal(f"{value:.15g}") if isinstance(value, float) else value)
        return number_to_text(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _compact(grid: list[list[str]], numbers: list[int], merged: set[tuple[int, int]], *, source: str,
             title: str, bold: set[int] | None = None) -> RawTable | None:
    """Drop fully empty rows and trailing empty columns; re-index `merged` and `bold` to the kept rows."""
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
        bold={new_index[r] for r in bold or () if r in new_index},
    )


# --- .xlsx ----------------------------------------------------------------------------------------------

def read_xlsx(path: Path) -> list[Block]:
    from openpyxl.utils.exceptions import InvalidFileException

    errors = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError)
    unreadable = _("Không đọc được tệp Excel “%(name)s”: tệp bị hỏng hoặc không phải định dạng .xlsx.") % {
        "name": path.name}
    try:
        # Read-only: the workbook's styles and shared strings are loaded, the sheets are streamed by `_sheet_cells`
        # (a full load made a Cell object per cell: a fifth of a 5,000-row import, issue 14).
        workbook = _load_workbook(path)
    except errors as error:
        raise ReadError(unreadable) from error
    tables: list[Block] = []
    try:
        for sheet in workbook.worksheets:
            try:
                cells, ranges = _sheet_cells(sheet)
            except errors as error:
                raise ReadError(unreadable) from error
            used = _UsedRange(sheet.title, cells)
            try:
                check_sheet_size(used, name=path.name)
            except UploadRefused as error:
                raise ReadError(error.message) from error
            table = _read_sheet(cells, ranges, workbook, used=used, source=path.name)
            if table is not None:
                tables.append(table)
    finally:
        workbook.close()
    return tables


def _load_workbook(path: Path):
    """openpyxl's read-only load, except that a sheet is not read once more just for the size it declares: a sheet
    without that declaration (the workbooks openpyxl streams, as the bench's) was parsed twice. `_UsedRange`
    measures each sheet from its cells, as a full load did."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            """Not read: see `_UsedRange`."""

    class Reader(ExcelReader):
        def read_worksheets(self) -> None:
            # openpyxl's own loop, read-only branch, with `Sheet`.
            from openpyxl.packaging.relationship import get_dependents, get_rels_path

            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    continue
                rels_path = get_rels_path(rel.target)
                if rels_path in self.valid_files:
                    get_dependents(self.archive, rels_path)
                worksheet = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                worksheet.sheet_state = sheet.state
                self.wb._sheets.append(worksheet)

    reader = Reader(path, read_only=True, data_only=True)
    reader.read()
    return reader.wb


class _UsedRange:
    """A sheet's size as a full load of it measured it: up to its last cell, a merged cell included."""

    def __init__(self, title: str, cells: dict) -> None:
        self.title = title
        self.max_row = max((r for r, _c in cells), default=1)
        self.max_column = max((c for _r, c in cells), default=1)


_MERGED = (None, 0)  # a position inside a merged range, other than its top-left cell: no value of its own


def _sheet_parser():
    from openpyxl.utils import coordinate_to_tuple
    from openpyxl.worksheet._reader import INLINE_STRING, WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    text_tag = f"{{{SHEET_MAIN_NS}}}t"

    class SheetParser(WorkSheetParser):
        """openpyxl's parser, with a short path for the usual inline string (`<is><t>…</t></is>`, what generated
        workbooks write for every text cell): its text without building openpyxl's rich-text objects. Any other
        inline string (runs, phonetics, attributes) goes the parser's own way, so every value is the same."""

        def parse_cell(self, element):
            if element.get("t") != "inlineStr" or not self.data_only:
                return super().parse_cell(element)
            child = element.find(INLINE_STRING)
            if child is None or child.attrib or any(part.tag != text_tag for part in child):
                return super().parse_cell(element)
            text = child[-1].text if len(child) else None
            style_id = element.get("s", 0)
            if style_id:
                style_id = int(style_id)
            coordinate = element.get("r")
            if coordinate:
                row, column = coordinate_to_tuple(coordinate)
                self.col_counter = column
            else:
                self.col_counter += 1
                row, column = self.row_counter, self.col_counter
            return {"row": row, "column": column, "value": "" if text is None else text, "data_type": "s",
                    "style_id": style_id}

    return SheetParser


def _sheet_cells(sheet) -> tuple[dict[tuple[int, int], tuple[object, int]], list]:
    """{(row, column): (value, style id)} of a read-only sheet as a full load binds them, and its merged ranges.

    As in a full load: positions inside a merged range other than its top-left lose their value, and every
    position of a merged range counts in the sheet's size."""
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    workbook = sheet.parent
    cells: dict[tuple[int, int], tuple[object, int]] = {}
    with sheet._get_source() as source:
        parser = _sheet_parser()(source, sheet._shared_strings, data_only=workbook.data_only, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        for _index, row in parser.parse():
            for cell in row:
                workbook._cell_styles[cell["style_id"]]  # noqa: B018  (an unknown style fails as in a full load)
                cells[cell["row"], cell["column"]] = (cell["value"], cell["style_id"])
    ranges = []
    for merge in parser.merged_cells.mergeCell if parser.merged_cells else ():
        cell_range = CellRange(merge.ref)
        positions = cell_range.cells
        cells.setdefault(next(positions), _MERGED)
        for position in positions:
            cells[position] = _MERGED
        ranges.append(cell_range)
    return cells, list(MultiCellRange(ranges))


def _read_sheet(cells: dict, ranges: list, workbook, *, used: _UsedRange, source: str) -> RawTable | None:
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    max_row, max_col = used.max_row, used.max_column
    formats: dict[int, str] = {}
    bold_styles: dict[int, bool] = {}

    def number_format(style_id: int) -> str:
        """A cell style's number format, as openpyxl's cells give it."""
        if style_id not in formats:
            fmt_id = workbook._cell_styles[style_id].numFmtId
            formats[style_id] = (BUILTIN_FORMATS.get(fmt_id, "General") if fmt_id < BUILTIN_FORMATS_MAX_SIZE
                                 else workbook._number_formats[fmt_id - BUILTIN_FORMATS_MAX_SIZE])
        return formats[style_id]

    def is_bold(style_id: int) -> bool:
        if style_id not in bold_styles:
            bold_styles[style_id] = bool(workbook._fonts[workbook._cell_styles[style_id].fontId].b)
        return bold_styles[style_id]

    grid: list[list[str]] = []
    bold: set[int] = set()
    for r in range(1, max_row + 1):
        texts = []
        seen_bold, all_bold = False, True
        for c in range(1, max_col + 1):
            value, style_id = cells.get((r, c), _MERGED)
            text = cell_to_text(value, number_format(style_id)) if value is not None else ""
            texts.append(text)
            if text and all_bold:
                # Every cell with text bold, and at least one: stops at the first plain one, as before.
                all_bold, seen_bold = is_bold(style_id), True
        grid.append(texts)
        if seen_bold and all_bold:
            bold.add(r - 1)
    merged: set[tuple[int, int]] = set()
    for cell_range in ranges:
        top, left = cell_range.min_row - 1, cell_range.min_col - 1
        if top >= len(grid) or left >= max_col:
            continue
        value = grid[top][left]
        for r in range(top, min(cell_range.max_row, len(grid))):
            for c in range(left, min(cell_range.max_col, max_col)):
                if (r, c) != (top, left):
                    grid[r][c] = value
                    merged.add((r, c))
    return _compact(grid, list(range(1, len(grid) + 1)), merged, source=source, title=used.title, bold=bold)


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
    bold_styles = _bold_styles(document)
    for element in _body_elements(document.element.body):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = _paragraph_text(element)
            if text:
                blocks.append(text)
        elif tag == "tbl":
            table_count += 1
            table = _read_word_table(element, source=path.name, title=_("Bảng %(n)s") % {"n": table_count},
                                     bold_styles=bold_styles)
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


def _switched_on(element) -> bool:
    """A toggle property (<w:b/>, <w:b w:val="0"/>) is on unless its value says off."""
    return element.get(_w("val"), "true").lower() not in {"0", "false", "off"}


def _bold_styles(document) -> set[str]:
    """Ids of the styles (paragraph or character) that make text bold, following `basedOn`."""
    by_id = {style.get(_w("styleId")): style for style in document.styles.element.iterchildren(_w("style"))}

    def bold(style_id: str | None, depth: int = 0) -> bool:
        style = by_id.get(style_id)
        if style is None or depth > 10:
            return False
        properties = style.find(_w("rPr"))
        own = properties.find(_w("b")) if properties is not None else None
        if own is not None:
            return _switched_on(own)
        based = style.find(_w("basedOn"))
        return based is not None and bold(based.get(_w("val")), depth + 1)

    return {style_id for style_id in by_id if bold(style_id)}


def _row_bold(tr, bold_styles: set[str]) -> bool:
    """Every run with text in the row is bold (directly, by its character style or its paragraph's style)."""
    seen = False
    for p in tr.iter(_w("p")):
        paragraph_properties = p.find(_w("pPr"))
        paragraph_style = paragraph_properties.find(_w("pStyle")) if paragraph_properties is not None else None
        paragraph_bold = paragraph_style is not None and paragraph_style.get(_w("val")) in bold_styles
        for run in p.iter(_w("r")):
            if not "".join(t.text or "" for t in run.iterchildren(_w("t"))).strip():
                continue
            properties = run.find(_w("rPr"))
            direct = properties.find(_w("b")) if properties is not None else None
            run_style = properties.find(_w("rStyle")) if properties is not None else None
            if direct is not None:
                bold = _switched_on(direct)
            elif run_style is not None and run_style.get(_w("val")) in bold_styles:
                bold = True
            else:
                bold = paragraph_bold
            if not bold:
                return False
            seen = True
    return seen


def _read_word_table(tbl, *, source: str, title: str, bold_styles: set[str] = frozenset()) -> RawTable | None:
    grid: list[list[str]] = []
    merged: set[tuple[int, int]] = set()
    bold: set[int] = set()
    for r, tr in enumerate(tbl.iterchildren(_w("tr"))):
        if _row_bold(tr, bold_styles):
            bold.add(r)
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
    return _compact(grid, list(range(1, len(grid) + 1)), merged, source=source, title=title, bold=bold)


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
