"""What the importer understood from a document, before anything is written."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class Issue:
    message: str
    line: int | None = None
    where: str = ""  # "Phụ lục I", a file name …

    def render(self) -> str:
        place = ", ".join(p for p in [self.where, f"dòng {self.line}" if self.line else ""] if p)
        return f"[{place}] {self.message}" if place else self.message


@dataclass
class ParsedSection:
    key: tuple  # (appendix number, *path of codes or ordinals)
    code: str
    title: str
    parent_key: tuple | None
    appendix: str | None
    order: int


@dataclass
class ParsedTarget:
    year: int
    op: str
    low: Decimal | None
    high: Decimal | None
    text: str


@dataclass
class ParsedItem:
    code: str
    line: int | None
    appendix: str | None
    section_key: tuple | None
    order: int
    note: str = ""


@dataclass
class ParsedIndicator(ParsedItem):
    name: str = ""
    unit: str = ""
    value_type: str = "number"
    direction: str = "increase"
    aggregation: str = "latest"
    baseline: tuple[int | None, Decimal | None, str] | None = None
    targets: list[ParsedTarget] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    coordinating: list[str] = field(default_factory=list)
    task_code: str | None = None


@dataclass
class ParsedTask(ParsedItem):
    content: str = ""
    lead: list[str] = field(default_factory=list)
    coordinating: list[str] = field(default_factory=list)
    partner: str | None = None
    deadline_kind: str = "none"
    deadline_text: str = ""
    start_date: date | None = None
    due_date: date | None = None
    expected_result: str = ""


@dataclass
class ParsedProject(ParsedItem):
    name: str = ""
    investors: list[str] = field(default_factory=list)
    total_investment: Decimal | None = None
    investment_unit: str = "triệu đồng"
    funding_source: str = ""
    start_year: int | None = None
    end_year: int | None = None
    status: str = ""


@dataclass
class ParsedResult(ParsedItem):
    target_text: str = ""
    year: int = 0
    status: str = "unknown"
    result_text: str = ""


@dataclass
class ParsedAppendix:
    number: str
    title: str
    kind: str
    order: int


@dataclass
class ParsedPlan:
    source: str = ""
    kind: str = ""  # what the document calls itself: "Kế hoạch", "Nghị quyết", "Chương trình hành động" …
    issuer: str = ""  # the issuing body as printed at the top ("UBND TỈNH ĐỒNG THÁP", "BỘ KHOA HỌC VÀ CÔNG NGHỆ")
    title: str = ""
    number: str = ""
    province_name: str = ""
    issued: date | None = None
    start_year: int | None = None
    end_year: int | None = None
    appendices: list[ParsedAppendix] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)
    indicators: list[ParsedIndicator] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    projects: list[ParsedProject] = field(default_factory=list)
    results: list[ParsedResult] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)

    def items(self) -> dict[str, list[ParsedItem]]:
        return {"indicators": self.indicators, "tasks": self.tasks, "projects": self.projects,
                "results": self.results}
