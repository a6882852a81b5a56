"""What an import did or would do: counts per kind and action, one line per item, warnings and errors."""

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from indicators.importing.parsed import Issue
from indicators.numbers import format_number

KIND_LABELS = {
    "plan": _("kế hoạch"), "appendices": _("phụ lục"), "sections": _("mục"), "indicators": _("chỉ tiêu"),
    "targets": _("mục tiêu năm"), "tasks": _("nhiệm vụ"), "projects": _("dự án"),
    "results": _("kết quả năm trước"), "agencies": _("cơ quan"),
}
ACTION_LABELS = {"created": _("tạo mới"), "updated": _("cập nhật"), "unchanged": _("giữ nguyên"),
                 "removed": _("xóa"), "archived": _("lưu trữ")}



@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    archived: int = 0

    def add(self, action: str, n: int = 1) -> None:
        setattr(self, action, getattr(self, action) + n)


@dataclass
class RowReport:
    kind: str
    code: str
    line: int | None
    where: str
    action: str
    summary: str
    changes: list[str] = field(default_factory=list)  # what an update changes, in words
    item: object = None  # the parsed item, for the preview's columns (name, targets, agencies, deadline)

    @property
    def appendix(self) -> str:
        return getattr(self.item, "appendix", "") or ""

    @property
    def name(self) -> str:
        item = self.item
        return (getattr(item, "name", "") or getattr(item, "content", "") or getattr(item, "target_text", "")
                or self.summary)

    @property
    def targets(self) -> list[str]:
        baseline = getattr(self.item, "baseline", None)
        shown = [_("Hiện trạng: {text}").format(text=baseline[2])] if baseline and baseline[2] else []
        return shown + [f"{t.year}: {target_text(t)}" for t in getattr(self.item, "targets", [])]

    @property
    def agencies(self) -> str:
        item = self.item
        parts = [*getattr(item, "lead", []), *getattr(item, "investors", [])]
        coordinating = getattr(item, "coordinating", [])
        text = "; ".join(parts)
        if coordinating:
            text += (" — " if text else "") + _("phối hợp: {names}").format(names="; ".join(coordinating))
        return text

    @property
    def deadline(self) -> str:
        item = self.item
        text = getattr(item, "deadline_text", "")
        due = getattr(item, "due_date", None)
        return f"{text} ({due:%d/%m/%Y})" if text and due else text


@dataclass
class ImportReport:
    source: str
    dry_run: bool
    plan_code: str = ""
    plan_title: str = ""
    written: bool = False
    counts: dict[str, KindCounts] = field(default_factory=lambda: defaultdict(KindCounts))
    rows: list[RowReport] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    plan_kind: str = ""  # "Kế hoạch", "Nghị quyết" … as the document calls itself
    issuer: str = ""  # the issuing body as printed
    similar_plan: tuple[str, str] | None = None  # (code, title) of an existing plan this upload looks like

    @property
    def ok(self) -> bool:
        return not self.errors

    def appendix_tables(self) -> list[dict]:
        """The preview: per appendix, the rows it became with the warnings of each row beside it."""
        by_place: dict[tuple[str, int | None], list[Issue]] = defaultdict(list)
        for warning in self.warnings:
            by_place[(warning.where, warning.line)].append(warning)
        placed: set[int] = set()
        tables: dict[str, dict] = {}
        for row in self.rows:
            if row.kind == "agencies":
                continue
            number = row.appendix
            table = tables.setdefault(number, {"number": number, "rows": []})
            issues = by_place.get((row.where, row.line), []) if row.line else []
            placed.update(id(i) for i in issues)
            table["rows"].append({"row": row, "kind": KIND_LABELS.get(row.kind, row.kind),
                                  "action": ACTION_LABELS[row.action], "warnings": [i.message for i in issues]})
        self.unplaced_warnings = [w for w in self.warnings if id(w) not in placed]
        return list(tables.values())

    def render(self, *, verbose: bool = True) -> str:
        lines = [_("Nhập kế hoạch từ “{source}”").format(source=self.source)]
        if self.plan_code:
            lines.append(_("Kế hoạch: {code} — {title}").format(code=self.plan_code, title=self.plan_title))
        if self.plan_kind or self.issuer:
            lines.append(_("Văn bản: {kind}{issuer}").format(
                kind=self.plan_kind or "?", issuer=f" — {self.issuer}" if self.issuer else ""))
        if self.errors:
            lines.append(_("KHÔNG NHẬP: có {n} lỗi; không có gì được ghi vào cơ sở dữ liệu.").format(n=len(self.errors)))
        elif self.dry_run:
            lines.append(_("CHẠY THỬ (--dry-run): không có gì được ghi vào cơ sở dữ liệu. Nếu nhập thật sẽ:"))
        else:
            lines.append(_("Đã nhập xong."))
        if self.counts and not self.errors:
            lines.append(_("Số lượng theo loại:"))
            for kind, counts in self.counts.items():
                parts = ", ".join(f"{ACTION_LABELS[a]} {getattr(counts, a)}" for a in ACTION_LABELS
                                  if a != "archived" or counts.archived)
                lines.append(f"  - {KIND_LABELS.get(kind, kind)}: {parts}")
        if verbose and self.rows and not self.errors:
            lines.append(_("Từng dòng:"))
            for row in self.rows:
                place = ", ".join(p for p in [row.where, _("dòng {n}").format(n=row.line) if row.line else ""] if p)
                label = " ".join(p for p in [KIND_LABELS.get(row.kind, row.kind), row.code] if p)
                lines.append(f"  [{place}] {label} ({ACTION_LABELS[row.action]}): {row.summary}"
                             + (_(" — thay đổi: {changes}").format(changes="; ".join(row.changes))
                                if row.changes else ""))
        if self.warnings:
            lines.append(_("Cảnh báo ({n}):").format(n=len(self.warnings)))
            lines.extend(f"  - {w.render()}" for w in self.warnings)
        if self.errors:
            lines.append(_("Lỗi ({n}):").format(n=len(self.errors)))
            lines.extend(f"  - {e.render()}" for e in self.errors)
        return "\n".join(lines)


def fmt(value) -> str:
    if value is None:
        return ""
    return format_number(value)


_TARGET_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}


def target_text(target) -> str:
    if target.op == "text":
        return target.text[:40]
    if target.op == "maintain":
        return f"{_('duy trì')} {fmt(target.low if target.low is not None else target.high)}"
    return _numeric_target_text(target.op, target.low, target.high)


# A 5,000-row import renders 25,000 targets, most of them alike (issue 14). No words here, only signs and
# numbers, so nothing depends on the active language. Equal Decimals ("5.0", "5.00") are shown alike.
@functools.lru_cache(maxsize=1 << 12)
def _numeric_target_text(op: str, low, high) -> str:
    if op == "range":
        return f"{fmt(low)}–{fmt(high)}"
    return f"{_TARGET_SIGNS[op]} {fmt(low if low is not None else high)}"
