"""The shape every reader produces and the importer consumes.

Import and export of appendix tables live in `indicators/` rather than `plans/` (as DESIGN.md first
said) because an appendix creates indicators as well as tasks and projects, and the layers only import
downwards: agencies ← plans ← indicators.

A document is a sequence of blocks: paragraphs (str) and tables (RawTable), in reading order. A
single-table file (.xlsx, .csv, .tsv, a markdown pipe table) is a document of one or more tables.
"""

from dataclasses import dataclass, field


@dataclass
class RawTable:
    """A table as read from a file, before any interpretation.

    `rows` holds every cell as text, stripped of surrounding whitespace. Cells that lie inside a
    vertical or horizontal merge (Word or Excel) are filled with the merge's top-left value and their
    positions are listed in `merged`, so "same as above" is explicit and the importer can tell a merged
    cell from an empty one. `row_numbers` gives, for each row, the line (text files) or row number
    (spreadsheets) it came from, for error messages.
    """

    rows: list[list[str]]
    row_numbers: list[int]
    source: str = ""
    title: str = ""
    merged: set[tuple[int, int]] = field(default_factory=set)
    # Rows (indices) that follow a page break in the source: only such a row may continue the row
    # before it (text extractions). Readers of files without page breaks leave it empty.
    breaks: set[int] = field(default_factory=set)
    # Rows (indices) whose text is all bold (.docx runs, .xlsx cell fonts): officials mark a section row by
    # bold alone as often as by a number. Readers that cannot see formatting leave it empty.
    bold: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        if len(self.rows) != len(self.row_numbers):
            raise ValueError("rows and row_numbers must have the same length")


Block = str | RawTable
