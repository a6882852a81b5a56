"""Every uploaded .xlsx/.docx is checked here before any parser opens it.

An .xlsx or .docx is a zip archive of XML: an 82 KB file can hold 30 MB of XML, which a full openpyxl
load turns into gigabytes. Python's zipfile never inflates an entry past the size its directory declares
(it stops and fails the CRC check), so the declared sizes read here are the most a parser will get.
Limits: the number of entries, the total uncompressed size, the size of one XML part, the compression
ratio of a large entry, then rows and columns while reading. Each refusal is a Vietnamese sentence that
names the limit. Used by the report Excel upload, the plan import, bulk values, user import and
attachments (agencies is the lowest layer, so every app may import it).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from agencies.errors import UserError

MAX_ENTRIES = 1000
MAX_TOTAL_BYTES = 100 * 1024 * 1024
# One XML part is parsed as a whole by python-docx and by openpyxl outside read-only mode.
MAX_PART_BYTES = 25 * 1024 * 1024
# Parsers that build the whole tree (openpyxl outside read-only mode, python-docx) take about 25× the
# XML in memory, so their parts are held lower; a real plan's largest part is 1–3 MB.
FULL_LOAD_MAX_PART_BYTES = 8 * 1024 * 1024
# Office XML compresses about 5–30×; a zip bomb compresses hundreds or thousands of times.
MAX_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 300
# Error lists on a page: the first ones and the count, never a 30 MB page.
ERRORS_SHOWN = 200


class UploadRefused(UserError):
    """The file breaks one of the limits; `message` is Vietnamese and names the limit."""


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",").removesuffix(",0")


def _display_name(source, name: str) -> str:
    if name:
        return name
    if isinstance(source, str | Path):
        return Path(source).name
    return getattr(source, "name", "") or _("tệp tải lên")


def check_archive(source: str | Path | IO[bytes], *, name: str = "", max_total: int = MAX_TOTAL_BYTES,
                  max_part: int = MAX_PART_BYTES) -> None:
    """Refuse an .xlsx/.docx whose archive is too big once unpacked; reads only the zip directory.

    A file that is not a zip is left alone: the parser then says, in its own words, that it cannot read it.
    A file-like source is rewound to where it was.
    """
    label = _display_name(source, name)
    position = source.tell() if hasattr(source, "tell") else None
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    finally:
        if position is not None:
            source.seek(position)
    if len(entries) > MAX_ENTRIES:
        raise UploadRefused(_("Tệp “%(name)s” có %(count)s thành phần nén, vượt giới hạn %(limit)s: không phải "
                              "tệp Office thông thường.") % {"name": label, "count": len(entries),
                                                            "limit": MAX_ENTRIES})
    total = 0
    for entry in entries:
        total += entry.file_size
        if (entry.file_size > RATIO_CHECKED_FROM_BYTES
                and entry.file_size > MAX_RATIO * max(entry.compress_size, 1)):
            raise UploadRefused(
                _("Tệp “%(name)s”: phần “%(part)s” nén hơn %(limit)s lần (%(size)s MB khi giải nén), vượt giới "
                  "hạn tỷ lệ nén %(limit)s:1 — tệp có thể là “bom nén” nên không được đọc.")
                % {"name": label, "part": entry.filename, "limit": MAX_RATIO,
                   "size": _megabytes(entry.file_size)})
        if entry.file_size > max_part and entry.filename.lower().endswith((".xml", ".rels")):
            raise UploadRefused(
                _("Tệp “%(name)s”: phần “%(part)s” khi giải nén là %(size)s MB, vượt giới hạn %(limit)s MB. "
                  "Hãy chia nhỏ tệp hoặc bỏ bớt định dạng, dòng trống.")
                % {"name": label, "part": entry.filename, "size": _megabytes(entry.file_size),
                   "limit": _megabytes(max_part)})
    if total > max_total:
        raise UploadRefused(_("Tệp “%(name)s” khi giải nén là %(size)s MB, vượt giới hạn %(limit)s MB.")
                            % {"name": label, "size": _megabytes(total), "limit": _megabytes(max_total)})


def check_sheet_size(sheet, *, name: str = "") -> None:
    """Refuse a worksheet whose declared used range is beyond the row or column limit (before reading it)."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    _check_counts(rows, columns, sheet_title=sheet.title, name=name)


def _check_counts(rows: int, columns: int, *, sheet_title: str, name: str) -> None:
    if rows > MAX_ROWS:
        raise UploadRefused(_("Tệp “%(name)s”, trang “%(sheet)s”: quá %(limit)s dòng (giới hạn số dòng). "
                              "Hãy xóa các dòng trống, định dạng thừa ở cuối trang hoặc chia nhỏ tệp.")
                            % {"name": name, "sheet": sheet_title, "limit": f"{MAX_ROWS:,}".replace(",", ".")})
    if columns > MAX_COLUMNS:
        raise UploadRefused(_("Tệp “%(name)s”, trang “%(sheet)s”: quá %(limit)s cột (giới hạn số cột).")
                            % {"name": name, "sheet": sheet_title, "limit": MAX_COLUMNS})


def open_workbook(source: str | Path | IO[bytes], *, name: str = ""):
    """A read-only (streaming) openpyxl workbook of values, after the archive check.

    openpyxl's own errors (not a workbook, broken file) pass through for the caller to word.
    Close it with `workbook.close()`.
    """
    from openpyxl import load_workbook

    check_archive(source, name=name)
    return load_workbook(source, read_only=True, data_only=True)


def bounded_rows(sheet, *, min_row: int = 1, max_col: int | None = None, name: str = "") -> Iterator[tuple]:
    """`sheet.iter_rows(values_only=True)` that stops with UploadRefused past the row limit.

    Read-only sheets fill gaps with empty rows, so a sheet declaring row 1.000.000 is refused after
    MAX_ROWS cheap rows rather than read to the end.
    """
    width = min(max_col or MAX_COLUMNS, MAX_COLUMNS)
    for number, row in enumerate(sheet.iter_rows(min_row=min_row, max_row=MAX_ROWS + 1, max_col=width,
                                                 values_only=True), start=min_row):
        if number > MAX_ROWS:
            _check_counts(number, 0, sheet_title=sheet.title, name=name or _("tệp tải lên"))
        yield row


def capped(errors: list) -> tuple[list, int]:
    """The errors a page shows (the first ERRORS_SHOWN) and how many there are in all."""
    return list(errors[:ERRORS_SHOWN]), len(errors)
