"""Reading the first sheet of an .xlsx that commands load row by row (users, the agency directory).

The file goes through the upload checks first (`agencies.uploads`: size, ratio, entries, rows, columns), is
read in streaming mode, and its header row is matched, diacritics and case aside, against each field's
accepted titles. Every problem is one Vietnamese CommandError line.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from zipfile import BadZipFile

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from agencies.text import fold
from agencies.uploads import UploadRefused, bounded_rows, open_workbook

Row = TypeVar("Row")


def read_sheet_rows(path: Path, headers: dict[str, set[str]],
                    build: Callable[[int, dict[str, str], set[str]], Row]) -> list[Row]:
    """`build(row number, {field: text}, fields found in the header)` for each row that is not empty; `build`
    is first called with row number 1 and the header's fields only to check them (it raises CommandError)."""
    try:
        workbook = open_workbook(path)
    except UploadRefused as error:
        raise CommandError(error.message) from None
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError):
        raise CommandError(_("Không đọc được tệp Excel “%(path)s”.") % {"path": path}) from None
    try:
        return list(_rows(bounded_rows(workbook.worksheets[0], name=Path(path).name), headers, build))
    except UploadRefused as error:
        raise CommandError(error.message) from None
    finally:
        workbook.close()


def _rows(rows: Iterator[tuple], headers: dict[str, set[str]], build) -> Iterator:
    header = next(rows, None) or ()
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = fold(str(title or "")).strip(" :*")
        for field, names in headers.items():
            if key in names:
                columns.setdefault(field, index)
    build(1, {}, set(columns))
    for number, values in enumerate(rows, start=2):
        cells = {}
        for field in headers:
            index = columns.get(field)
            value = values[index] if index is not None and index < len(values) else None
            cells[field] = "" if value is None else str(value).strip()
        if any(cells.values()):
            yield build(number, cells, set(columns))
