"""What an import did or would do: counts per kind and action, one line per item, warnings and errors."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from indicators.importing.parsed import Issue

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

    @property
    def ok(self) -> bool:
        return not self.errors

    def render(self, *, verbose: bool = True) -> str:
        lines = [_("Nhập kế hoạch từ “{source}”").format(source=self.source)]
        if self.plan_code:
            lines.append(_("Kế hoạch: {code} — {title}").format(code=self.plan_code, title=self.plan_title))
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
