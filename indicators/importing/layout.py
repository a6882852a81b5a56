"""From a RawTable to logical rows: which kind of table, which column means what, which rows are
section headings, which lines continue the row before them, and each item's stable code.

Pure: no database. The rules follow the documents officials actually have (see fixtures/seeds):
repeated header rows at page breaks, two-row headers, rows whose cells continue after a page break,
vertically merged cells ("same as above"), rows with fewer cells than the header, numbering that
restarts per section.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from agencies.errors import UserError
from agencies.text import fold
from indicators.grammar import clean_cell
from indicators.importing.tables import RawTable

INDICATORS, TASKS, PROJECTS, RESULTS, COOPERATION = "indicators", "tasks", "projects", "results", "cooperation"

_YEAR = re.compile(r"\b(?:nam|den nam)\s+(\d{4})\b")
_ROMAN = re.compile(r"^[IVXL]+$")
_LETTER = re.compile(r"^[A-DĐ]$")
_DOTTED = re.compile(r"^[IVXL]+\.\d+$")
_HEADING_IN_CELL = re.compile(r"^(?P<code>[IVXL]+|[A-DĐ])[.)]\s+(?P<title>\S.*)$")
_NUMBERED_NAME = re.compile(r"^(?P<number>\d{1,3})[.)]\s+(?P<rest>\S.*)$")
_ITEM_NUMBER = re.compile(r"^\d{1,4}[.)]?$")
_BARE_YEAR = re.compile(r"^(?:năm\s+)?(19|20|21)\d{2}$", re.IGNORECASE)
_GROUP_YEAR = re.compile(r"^(?:giai đoạn\s+|mục tiêu\s+|chỉ tiêu\s+)?(?:đến|tới)\s+năm\s+(\d{4})\s*:?$|^năm\s+(\d{4})\s*:?$",
                         re.IGNORECASE)
_UNIT_ROW = re.compile(r"^\(?\s*(?:đơn vị tính|đvt|đơn vị)\s*:\s*(?P<unit>[^)]+)\)?$", re.IGNORECASE)
_NOTE_ROW = re.compile(r"^(?:\*|ghi chú|lưu ý|nguồn|chú thích|ghi chu)", re.IGNORECASE)


class LayoutError(UserError, ValueError):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Column:
    index: int
    label: str
    role: str
    year: int | None = None
    horizon: bool = False  # "Mục tiêu đến năm 2030": a long-term target, not a yearly one


@dataclass
class SectionRef:
    key: tuple  # unique within the table: the path of codes/ordinals
    code: str
    title: str
    kind: str  # roman, letter, dotted, numbered, plain, group, field
    parent: "SectionRef | None" = None

    def path(self) -> list[str]:
        titles, node = [], self
        while node is not None:
            titles.append(node.title)
            node = node.parent
        return titles[::-1]


@dataclass
class LogicalRow:
    line: int
    values: dict[str, str]
    years: dict[int, str]
    horizon_years: dict[int, str]
    section: SectionRef | None
    number: str
    code: str = ""
    merged_roles: set[str] = field(default_factory=set)
    merged_years: set[int] = field(default_factory=set)
    is_total: bool = False
    group_year: int | None = None  # "Đến năm 2030" on a group row above this one: the year of a single target column
    notes: list[str] = field(default_factory=list)  # layout warnings for this row


@dataclass
class TableLayout:
    kind: str
    columns: list[Column]
    rows: list[LogicalRow]
    sections: list[SectionRef]
    first_line: int
    warnings: list[tuple[int, str]] = field(default_factory=list)
    unit_hint: str = ""  # "Đơn vị tính: triệu đồng" on a line above the header

    def years(self) -> list[int]:
        return sorted({c.year for c in self.columns if c.role == "target" and not c.horizon and c.year})

    def baseline_year(self) -> int | None:
        return next((c.year for c in self.columns if c.role == "baseline"), None)


def column_role(label: str) -> tuple[str, int | None, bool]:
    """The meaning of a header cell (folded comparisons: headers come in any case and accent)."""
    f = fold(clean_cell(label))
    year_match = _YEAR.search(f)
    year = int(year_match.group(1)) if year_match else None
    if not f:
        return "", None, False
    if re.fullmatch(r"(?:nam\s+)?(19|20|21)\d{2}", f):
        return "target", int(f[-4:]), False  # a bare year: a yearly target (or, under "Lộ trình", a milestone)
    if re.fullmatch(r"(s\s?t\s?t|t\s?t|so tt|so thu tu|ma|ma so|ma cv|wbs)\.?", f):
        return "number", None, False
    if "hieu qua" in f or "tinh trang" in f:
        return "status", None, False
    if "hien trang" in f:
        return "baseline", year, False
    if "ket qua" in f and "du kien" not in f:
        return "result", None, False
    if year and ("muc tieu" in f or f.startswith("nam ") or "chi tieu nam" in f
                 or re.fullmatch(r"(chi tieu|ket qua|lo trinh|ke hoach)( phan dau)? (den |toi )?nam \d{4}", f)):
        return "target", year, "den nam" in f or "toi nam" in f
    if "cach tong hop" in f:
        return "aggregation", None, False
    if f == "chieu" or f.startswith("chieu "):
        return "direction", None, False
    if "bat dau" in f:
        return "start", None, False
    if f in {"dvt", "don vi tinh", "dv tinh", "don vi", "dv"} or f.startswith("don vi tinh"):
        return "unit", None, False
    if f == "doi tac" or f.startswith(("doi tac ", "doi tac:")):
        return "partner", None, False
    if "phoi hop" in f:
        return "coord", None, False
    if "chu dau tu" in f:
        return "investor", None, False
    if ("chu tri" in f or "theo doi" in f or "don vi thuc hien" in f or "co quan thuc hien" in f
            or "trach nhiem" in f or "nguoi thuc hien" in f or "co quan chu quan" in f):
        return "lead", None, False
    if "tong muc dau tu" in f or "kinh phi" in f or "von dau tu" in f:
        return "investment", None, False
    if "nguon von" in f:
        return "funding", None, False
    if ("thoi gian" in f or "tien do" in f or "thoi han" in f or "hoan thanh" in f or "ket thuc" in f
            or f in {"han", "han chot", "deadline"}):
        return "deadline", None, False
    if "ghi chu" in f:
        return "note", None, False
    if "linh vuc" in f:
        return "field", None, False
    if "du an" in f:
        return "project", None, False
    if "truc cot" in f or "nhom chi tieu" in f:
        return "group", None, False
    if "mo ta" in f or "nhiem vu" in f or "noi dung" in f or "cong viec" in f or "hang muc" in f:
        return "content", None, False
    if "chi tieu" in f:
        return "name", None, False
    if "san pham" in f or "ket qua du kien" in f:
        return "expected", None, False
    if "phan cong" in f:
        return "assignment", None, False
    if f.startswith("muc tieu"):
        return "objective", None, False
    return "", None, False


def _table_kind(roles: set[str]) -> str | None:
    if "field" in roles and "content" in roles:
        return COOPERATION
    if "result" in roles and "target" in roles:
        return RESULTS
    if "target" in roles and ("name" in roles or "objective" in roles):
        return INDICATORS
    if "project" in roles:
        return PROJECTS
    if "content" in roles:
        return TASKS
    return None


def _columns_for(header: list[str], sub: list[str] | None) -> list[Column]:
    columns = []
    parent = ""
    for index, label in enumerate(header):
        if label:
            parent = label
        sub_label = sub[index] if sub and index < len(sub) else ""
        own = label or (parent if sub_label else "")
        role, year, horizon = column_role(sub_label) if sub_label else ("", None, False)
        if not role:
            role, year, horizon = column_role(own)
        full = f"{own} / {sub_label}" if sub_label and own else (own or sub_label)
        columns.append(Column(index, full, role, year, horizon))
    roles = {c.role for c in columns}
    if "name" in roles and "target" not in roles:
        # One column of targets with no year ("Mục tiêu", "Kết quả", "Chỉ tiêu phấn đấu"): the plan's last year
        # (year 0 until the interpreter knows the period; a group row "Đến năm 2030" may set it row by row).
        single = next((c for c in columns if c.role in {"objective", "result"}), None)
        if single is not None:
            single.role, single.year = "target", 0
    assignments = [c for c in columns if c.role == "assignment"]
    if assignments:
        # "Phân công thực hiện: VNPT | UBND tỉnh": the partner, then the province's agencies.
        assignments[0].role = "partner"
        for column in assignments[1:]:
            column.role = "lead"
    return columns


def _strip(row: list[str]) -> list[str]:
    cells = [clean_cell(c) for c in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def merged_copies(table: RawTable) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """`table.merged` split by direction, as {row: columns}: copies from the left (a cell spanning columns)
    and copies from above (a cell spanning rows).

    The readers list only the filled positions, not the merges' shapes: a position holding the same text as
    the cell on its left is taken as a copy from the left (a block spanning rows and columns counts as both
    for its first column only, which is what the header and section rules need).
    """
    across: dict[int, set[int]] = {}
    down: dict[int, set[int]] = {}
    for r, c in table.merged:
        if r >= len(table.rows) or c >= len(table.rows[r]):
            continue
        row = table.rows[r]
        if c > 0 and row[c] == row[c - 1]:
            across.setdefault(r, set()).add(c)
        elif r > 0 and c < len(table.rows[r - 1]) and table.rows[r - 1][c] == row[c]:
            down.setdefault(r, set()).add(c)
    return across, down


def _header_cells(table: RawTable, index: int, blank: set[int]) -> list[str]:
    return ["" if c in blank else clean_cell(text) for c, text in enumerate(table.rows[index])]


def find_header(table: RawTable) -> tuple[int, int, list[Column], str]:
    """(first header row, number of header rows, columns, kind); LayoutError when none is found.

    A header cell merged across columns ("Mục tiêu" over "Năm 2026 … Năm 2030") is one header, the parent
    of the labels under it; a header cell merged down over two rows ("TT", "Chỉ tiêu") belongs to the first
    row only, so the second row holds just the sub-labels.
    """
    across, down = merged_copies(table)
    for start in range(min(12, len(table.rows))):
        header = _header_cells(table, start, across.get(start, set()))
        if len({c for c in header if c}) < 2:
            continue  # a title, a unit line or a blank row above the header (merged across the sheet or not)
        sub = None
        if start + 1 < len(table.rows):
            candidate = _header_cells(table, start + 1, across.get(start + 1, set()) | down.get(start + 1, set()))
            if (candidate and not candidate[0]
                    and any(c and (i >= len(header) or not header[i]) for i, c in enumerate(candidate))
                    and not any(_ITEM_NUMBER.match(c) and not _BARE_YEAR.match(c) for c in candidate if c)):
                sub = candidate
        width = max(len(header), len(sub or []))
        header += [""] * (width - len(header))
        columns = _columns_for(header, sub)
        kind = _table_kind({c.role for c in columns})
        if kind:
            return start, 2 if sub else 1, columns, kind
    first = table.rows[0] if table.rows else []
    line = table.row_numbers[0] if table.row_numbers else None
    raise LayoutError(
        _("Không nhận ra loại bảng từ dòng tiêu đề: “{header}”. Cần các cột như: Chỉ tiêu, ĐVT, Năm 2026…; "
          "Nhiệm vụ, Chủ trì, Thời gian; Dự án, Chủ đầu tư; Mục tiêu năm …, Kết quả thực hiện.").format(
            header=" | ".join(c for c in first if c)), line)


def _dangling(text: str) -> bool:
    """Text that stops mid-sentence: the next line of the document carries on with it."""
    text = text.rstrip()
    if not text:
        return False
    return text[-1].isalpha() or text[-1] in ",;:-–(/&"


def _section_heading(cells: list[str], columns: list[Column], number_col: int | None) -> tuple[str, str, str] | None:
    """(kind, code, title) when the row is a section heading."""
    filled = [(i, c) for i, c in enumerate(cells) if c]
    if not filled:
        return None
    if number_col is not None and number_col < len(cells) and cells[number_col]:
        code = cells[number_col].rstrip(".")
        others = [c for i, c in filled if i != number_col]
        if len(others) == 2 and (_ROMAN.match(code) or _LETTER.match(code) or _DOTTED.match(code)) and (
                len(others[1]) <= 12 and len(others[0]) > len(others[1])):
            others = others[:1]  # a stray cell in a section row ("I | HẠ TẦNG SỐ | | x"): still a section
        if len(others) <= 1:
            title = others[0] if others else ""
            if _DOTTED.match(code):
                return "dotted", code, title
            if _ROMAN.match(code):
                return "roman", code, title
            if _LETTER.match(code):
                return "letter", code, title
        if (len(others) == 1 and code.isdigit() and len(others[0]) >= 4 and others[0].upper() == others[0]
                and any(ch.isalpha() for ch in others[0])):
            # "1 | HẠ TẦNG SỐ" with nothing else on the row: a section numbered in Arabic numerals.
            return "numbered", code, others[0]
        match = _HEADING_IN_CELL.match(cells[number_col])
        if match and len(filled) == 1:
            code = match.group("code")
            return ("roman" if _ROMAN.match(code) else "letter"), code, match.group("title")
        return None
    if len(filled) == 1:
        index, text = filled[0]
        match = _HEADING_IN_CELL.match(text)
        if match:
            code = match.group("code")
            return ("roman" if _ROMAN.match(code) else "letter"), code, match.group("title")
        if number_col is None and index == 0 and not _NUMBERED_NAME.match(text) and text[:1].isupper():
            return "plain", "", text
    return None


def _spanning_heading(cells: list[str], across_cols: set[int]) -> tuple[str, str, str] | None:
    """(kind, code, title) when the row's only text is one cell merged across columns: a section title
    ("HẠ TẦNG VIỄN THÔNG - INTERNET", "II. HẠ TẦNG DỮ LIỆU", "1. Hạ tầng dữ liệu")."""
    filled = [(i, c) for i, c in enumerate(cells) if c]
    if len(filled) != 1 or filled[0][0] + 1 not in across_cols:
        return None
    text = filled[0][1]
    if match := _HEADING_IN_CELL.match(text):
        code = match.group("code")
        return ("roman" if _ROMAN.match(code) else "letter"), code, match.group("title")
    if match := _NUMBERED_NAME.match(text):
        return "numbered", match.group("number"), match.group("rest")
    return "plain", "", text


def _fit_short_row(cells: list[str], columns: list[Column], warnings: list[str]) -> list[str]:
    """Spread a row with fewer cells than the header (merged cells lost in extraction) over the columns.

    The label columns on the left keep their places and the agency/note columns on the right are
    filled from both ends. Numbers among the yearly values are right-aligned (the last one is the
    final year's target); a single text cell spans the years it stands for.
    """
    value_cols = [c.index for c in columns if c.role in {"baseline", "target"}]
    if not value_cols:
        return cells
    first, last = min(value_cols), max(value_cols)
    left = cells[:first]
    rest = cells[first:]
    right_cols = [c.index for c in columns if c.index > last]
    values = []
    while rest and len(values) < len(value_cols) and (_looks_like_number(rest[0]) or len(rest) > len(right_cols)):
        values.append(rest.pop(0))
    fitted = left + [""] * (len(columns) - len(left))
    if values and all(_looks_like_number(v) for v in values):
        for offset, value in enumerate(reversed(values)):
            fitted[last - offset] = value
        warnings.append(_("Dòng thiếu ô: {n} giá trị được xếp về các năm cuối; hãy kiểm tra.").format(n=len(values)))
    elif values:
        for offset, value in enumerate(values[:-1]):
            fitted[first + offset] = value
        for index in range(first + len(values) - 1, last + 1):
            fitted[index] = values[-1]
        warnings.append(_("Dòng thiếu ô: “{text}” được hiểu là áp dụng cho các năm còn lại (ô gộp).").format(
            text=values[-1][:60]))
    if rest and right_cols:
        fitted[right_cols[0]] = rest[0]
        if len(rest) > 1:
            fitted[right_cols[-1]] = rest[-1]
        for index, value in zip(right_cols[1:-1], rest[1:-1], strict=False):
            fitted[index] = value
    _split_glued_agencies(fitted, columns, right_cols, len(rest), warnings)
    return fitted


# A lead agency's name followed, with no separator, by a list of agencies ("Sở Khoa học và Công nghệ Các sở, ban,
# ngành tỉnh; UBND các xã, phường"): the boundary between the lead and coordinating cells was lost.
_GLUED_AGENCIES = re.compile(r"(?P<lead>[^;,]+?)\s+(?P<coord>(?:Các|UBND|Ủy ban)\s.*)", re.DOTALL)


def _split_glued_agencies(fitted: list[str], columns: list[Column], right_cols: list[int], filled: int,
                          warnings: list[str]) -> None:
    """In a short row whose coordinating cell is missing, split the lead cell where the coordinating list starts."""
    lead = next((c.index for c in columns if c.role == "lead" and c.index in right_cols), None)
    coord = next((c.index for c in columns if c.role == "coord" and c.index in right_cols), None)
    if lead is None or coord is None or filled >= len(right_cols) or fitted[coord]:
        return
    if glued := _GLUED_AGENCIES.fullmatch(fitted[lead]):
        fitted[lead], fitted[coord] = glued["lead"], glued["coord"]
        warnings.append(_("Dòng thiếu ô: cơ quan chủ trì “{lead}”, các cơ quan sau được hiểu là phối hợp: "
                          "“{coord}”.").format(lead=glued["lead"], coord=glued["coord"][:60]))


def _looks_like_number(text: str) -> bool:
    return bool(re.fullmatch(r"[≥≤><=~]?\s*\d[\d.,]*\s*%?", text.strip()))


def layout_table(table: RawTable, *, default_kind: str | None = None) -> TableLayout:
    start, header_rows, columns, kind = find_header(table)
    if default_kind and kind != default_kind and default_kind == COOPERATION and kind == TASKS:
        kind = COOPERATION
    width = len(columns)
    by_role: dict[str, list[Column]] = {}
    for column in columns:
        by_role.setdefault(column.role, []).append(column)
    number_col = by_role["number"][0].index if "number" in by_role else None
    cleaned_rows = [_strip(row) for row in table.rows]
    # A header repeated at a page break, compared by its distinct labels (a merged label is repeated in its cells).
    header_keys = {_row_key(cleaned_rows[start + k]) for k in range(header_rows)}
    name_role = {INDICATORS: "name", TASKS: "content", PROJECTS: "project", RESULTS: "objective",
                 COOPERATION: "content"}[kind]
    if kind == RESULTS and "objective" not in by_role:
        name_role = "name"
    if kind == INDICATORS and "name" not in by_role:
        name_role = "objective"

    warnings: list[tuple[int, str]] = []
    rows: list[LogicalRow] = []
    raw_rows: list[tuple] = []  # (line, cells, after_break, columns copied from the left / from above, raw width)
    across, down = merged_copies(table)
    unit_hint = ""
    for index in range(start):
        line_text = " ".join(dict.fromkeys(c for c in cleaned_rows[index] if c))
        if unit := _UNIT_ROW.match(line_text):
            unit_hint = unit.group("unit").strip().lower()
    after_break = False
    for index in range(start + header_rows, len(table.rows)):
        cells = cleaned_rows[index]
        line = table.row_numbers[index]
        if index in table.breaks:
            after_break = True
        if not cells:
            after_break = True
            continue
        if _row_key(cells) in header_keys:
            after_break = True  # a header repeated at a page break
            continue
        distinct = list(dict.fromkeys(c for c in cells if c))
        if len(distinct) == 1 and (_NOTE_ROW.match(distinct[0]) or _UNIT_ROW.match(distinct[0])):
            continue  # a note or a unit line below or inside the table, not a row
        if distinct and all(re.fullmatch(r"\(?\d{1,2}\)?", c) for c in distinct) and len(distinct) >= 3:
            continue  # the column numbering row under a header: (1) (2) (3) …
        raw_rows.append((line, cells, after_break, across.get(index, set()), down.get(index, set()),
                         len(table.rows[index])))
        after_break = False

    sections: list[SectionRef] = []
    stack: list[SectionRef] = []
    ordinals: dict[tuple, int] = {}

    def open_section(kind_: str, code: str, title: str) -> SectionRef:
        while stack and any(s.kind == kind_ for s in stack):
            stack.pop()
        parent = stack[-1] if stack else None
        parent_key = parent.key if parent else ()
        ordinals[parent_key] = ordinals.get(parent_key, 0) + 1
        key = (*parent_key, code or str(ordinals[parent_key]))
        section = SectionRef(key=key, code=code, title=title, kind=kind_, parent=parent)
        stack.append(section)
        sections.append(section)
        return section

    previous: LogicalRow | None = None
    previous_cells: list[str] = []
    group_year: int | None = None
    for line, cells, broke, across_cols, down_cols, raw_width in raw_rows:
        # A row merged across the table (Excel, Word) repeats its text in every cell: it is one cell.
        unmerged = ["" if i in across_cols else c for i, c in enumerate(cells)]
        filled_texts = [c for c in unmerged if c]
        year_row = next((_GROUP_YEAR.match(c) for c in filled_texts if _GROUP_YEAR.match(c)), None)
        if year_row and len(filled_texts) <= 2:
            # "Đến năm 2030", "Đến năm 2045": the year of the rows below it (single target column).
            group_year = int(year_row.group(1) or year_row.group(2))
            previous = None
            continue
        heading = _section_heading(unmerged, columns, number_col)
        if heading and kind == COOPERATION and heading[0] == "plain":
            heading = None
        heading = heading or _spanning_heading(unmerged, across_cols)
        if heading:
            open_section(*heading)
            previous = None
            continue
        padded = cells + [""] * (width - len(cells))
        for copy in across_cols:
            # A target merged across years holds for each of them; any other cell spanning columns is one
            # value, in its first column.
            if not (copy < width and columns[copy].role == "target" and columns[copy - 1].role == "target"):
                padded[copy] = ""
        first_text = next((c for c in padded if c), "")
        number = padded[number_col] if number_col is not None else ""
        starts_item = bool(number) if number_col is not None else not first_text[:1].islower()
        if previous is not None and broke and not starts_item:
            pairs = [(i, c) for i, c in enumerate(padded) if c]
            if number_col is None or all(not previous_cells[i] or _dangling(previous_cells[i]) for i, _c in pairs):
                for i, text in pairs:
                    previous_cells[i] = f"{previous_cells[i]} {text}".strip()
                _fill(previous, previous_cells, columns)
                continue
        row_notes: list[str] = []
        if kind == INDICATORS and raw_width < width and number:
            padded = _fit_short_row(cells, columns, row_notes)
        merged_roles: set[str] = set()
        merged_years: set[int] = set()
        for column in columns:
            if column.index in down_cols or (column.index in across_cols and padded[column.index]):
                merged_roles.add(column.role)
                if column.year:
                    merged_years.add(column.year)
        name_col = by_role[name_role][0].index if name_role in by_role else None
        name_text = padded[name_col] if name_col is not None else ""
        is_total = fold(name_text).startswith(("tong cong", "tong so", "cong:")) or fold(number).startswith("tong")
        numbered = _NUMBERED_NAME.match(name_text)
        if numbered and not number:
            number = numbered.group("number")
            padded[name_col] = numbered.group("rest")
            if number_col is not None:
                padded[number_col] = number
        # Vertically merged label cells (number, field, group) left empty under their first row.
        if previous is not None and number_col is not None and not number and previous_cells and not is_total:
            for role in ("number", "field", "group"):
                for column in by_role.get(role, []):
                    if not padded[column.index] and previous_cells[column.index]:
                        padded[column.index] = previous_cells[column.index]
                        merged_roles.add(role)
            number = padded[number_col]
        for column in by_role.get("group", []):
            if padded[column.index] and "group" not in merged_roles:
                while stack and stack[-1].kind in {"group", "field"}:
                    stack.pop()
                open_section("group", "", padded[column.index])
        for column in by_role.get("field", []):
            if padded[column.index] and "field" not in merged_roles:
                while stack and stack[-1].kind == "field":
                    stack.pop()
                open_section("field", "", padded[column.index])
        row = LogicalRow(line=line, values={}, years={}, horizon_years={}, section=stack[-1] if stack else None,
                         number=number.rstrip(".)"), merged_roles=merged_roles, merged_years=merged_years,
                         notes=row_notes, group_year=group_year)
        _fill(row, padded, columns)
        row.is_total = is_total
        rows.append(row)
        previous, previous_cells = row, padded
    _join_spilled_notes(rows)
    _assign_codes(rows)
    for row in rows:
        warnings.extend((row.line, note) for note in row.notes)
    return TableLayout(kind=kind, columns=columns, rows=rows, sections=sections,
                       first_line=table.row_numbers[start] if table.row_numbers else 0, warnings=warnings,
                       unit_hint=unit_hint)


def _row_key(cells: list[str]) -> str:
    return "|".join(dict.fromkeys(fold(c) for c in cells if c))


def _fill(row: LogicalRow, cells: list[str], columns: list[Column]) -> None:
    row.values, row.years, row.horizon_years = {}, {}, {}
    for column in columns:
        text = cells[column.index] if column.index < len(cells) else ""
        if column.role == "target" and column.year is not None:
            (row.horizon_years if column.horizon else row.years)[column.year] = text
        elif column.role:
            if column.role in row.values and text:
                row.values[column.role] = f"{row.values[column.role]}; {text}" if row.values[column.role] else text
            else:
                row.values.setdefault(column.role, text)
    row.values["_cells"] = "\x1f".join(cells)


def _join_spilled_notes(rows: list[LogicalRow]) -> None:
    """A note cell merged over two rows comes out split between them ("… ngày" / "14/11/2025 …")."""
    for above, below in zip(rows, rows[1:], strict=False):
        upper, lower = above.values.get("note", ""), below.values.get("note", "")
        if upper and lower and _dangling(upper) and (lower[:1].islower() or lower[:1].isdigit()):
            joined = f"{upper} {lower}"
            above.values["note"] = below.values["note"] = joined


def _assign_codes(rows: list[LogicalRow]) -> None:
    """Codes unique in the table and stable across re-imports: the row's own number when the numbering runs
    through the whole table ("nhiệm vụ 20"), the section path and the number when it restarts per section
    ("I.1", "II.1"); a number repeated by a merged cell gets a suffix ("I.1.2")."""
    items = [row for row in rows if not row.is_total]
    numbers = [row.number for row in items]
    if items and all(numbers) and len(set(numbers)) == len(numbers):
        for row in rows:
            row.code = "TC" if row.is_total else row.number
        return
    used: dict[str, int] = {}
    ordinal: dict[tuple, int] = {}
    for row in rows:
        key = row.section.key if row.section else ()
        if row.is_total:
            row.code = ".".join([*map(str, key), "TC"])
            continue
        ordinal[key] = ordinal.get(key, 0) + 1
        prefix = [part for part in key]
        if row.section is not None:
            # Field/group sections without a code of their own give the number to the row (cooperation).
            node, coded = row.section, []
            while node is not None:
                coded.append(node.code or str(node.key[-1]))
                node = node.parent
            prefix = coded[::-1]
            if row.section.kind == "field":
                prefix = prefix[:-1]
        number = row.number or str(ordinal[key])
        code = ".".join([*prefix, number])
        if code in used:
            used[code] += 1
            code = f"{code}.{used[code]}"
        else:
            used[code] = 1
        row.code = code
