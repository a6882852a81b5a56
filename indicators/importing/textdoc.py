"""Plan documents as text (.txt/.md, like the text extractions in fixtures/seeds) → blocks.

A line holding a tab is a table row, and so is a markdown pipe row; any other non-blank line is a
paragraph. Blank lines inside a run of table rows are page breaks of the original document: the table
goes on, and the row after the break is remembered in `RawTable.breaks`, because only there can a row be
the continuation of the row before it. Two tables separated only by footnotes, where the second starts
with the first one's header, are one table broken across a page.
"""

import re
from pathlib import Path

from agencies.text import fold
from indicators.importing.tables import Block, RawTable

_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_FOOTNOTE = re.compile(r"^\s*([¹²³⁴⁵⁶⁷⁸⁹⁰]+|\*|\(\*\))")


class Paragraph(str):
    """A paragraph of text that remembers the line it came from (for error messages)."""

    line: int = 0

    def __new__(cls, text: str, line: int = 0) -> "Paragraph":
        paragraph = super().__new__(cls, text)
        paragraph.line = line
        return paragraph


def strip_markdown(line: str) -> str:
    text = _MARKDOWN_HEADING.sub("", line)
    text = text.replace("**", "").replace("__", "")
    return text.strip()


def _split_row(line: str) -> list[str]:
    if "\t" in line:
        return [cell.strip() for cell in line.split("\t")]
    stripped = line.strip()
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|"):
        stripped = stripped[:-1]
    return [cell.strip() for cell in stripped.split("|")]


def _is_table_line(line: str) -> bool:
    return "\t" in line or (line.lstrip().startswith("|") and line.count("|") >= 2)


def read_text(text: str, *, source: str = "") -> list[Block]:
    blocks: list[Block] = []
    rows: list[list[str]] = []
    numbers: list[int] = []
    breaks: set[int] = set()
    pending_break = False

    def flush() -> None:
        nonlocal rows, numbers, breaks, pending_break
        if rows:
            blocks.append(RawTable(rows=rows, row_numbers=numbers, source=source, breaks=breaks))
        rows, numbers, breaks, pending_break = [], [], set(), False

    for line_no, line in enumerate(text.splitlines(), start=1):
        if _is_table_line(line):
            if _PIPE_SEPARATOR.match(line.strip()):
                continue
            if rows and pending_break:
                breaks.add(len(rows))
            pending_break = False
            rows.append(_split_row(line))
            numbers.append(line_no)
        elif not line.strip():
            if rows:
                pending_break = True
        else:
            flush()
            paragraph = strip_markdown(line)
            if paragraph:
                blocks.append(Paragraph(paragraph, line_no))
    flush()
    return join_broken_tables(blocks)


def _header_key(row: list[str]) -> str:
    return "|".join(fold(cell) for cell in row).rstrip("|")


def join_broken_tables(blocks: list[Block]) -> list[Block]:
    """Join a table to the previous one when only footnotes lie between and it repeats its header."""
    joined: list[Block] = []
    last_table_at: int | None = None
    for block in blocks:
        if isinstance(block, RawTable):
            previous = joined[last_table_at] if last_table_at is not None else None
            between = joined[last_table_at + 1:] if last_table_at is not None else []
            if (isinstance(previous, RawTable) and block.rows and previous.rows
                    and all(_FOOTNOTE.match(p) for p in between)
                    and _header_key(block.rows[0]) == _header_key(previous.rows[0])):
                offset = len(previous.rows)
                previous.rows.extend(block.rows)
                previous.row_numbers.extend(block.row_numbers)
                previous.breaks.add(offset)
                previous.breaks.update(offset + b for b in block.breaks)
                previous.merged.update((offset + r, c) for r, c in block.merged)
                # The footnotes stay in the text, after the table.
                continue
            joined.append(block)
            last_table_at = len(joined) - 1
        else:
            joined.append(block)
    return joined


def read_text_file(path: Path) -> list[Block]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1258", errors="replace")
    return read_text(text, source=path.name)
