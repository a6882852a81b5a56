"""Synthetic but realistic data at three sizes, for measuring (issue 14): `manage.py bench_data`.

Each generated province (`bench-01` … `bench-34`) looks like a post-2025 Vietnamese province: the UBND
tỉnh (its leader reads the dashboards), the sở, ban, ngành (Sở KH&CN monitors the plan; its staff review),
about a hundred UBND xã, phường, the telecom enterprises, the groups that plans name as lead agencies
("Các sở, ban, ngành tỉnh", "UBND các xã, phường", "Các doanh nghiệp viễn thông" and a group of groups), and
one former body merged into Sở KH&CN in 2025. It has one active plan `bench-NN-kh` over the years
today.year − years + 1 … today.year: an appendix of indicators (stocks, flows, ratios with numerator and
denominator, lower-is-better means, milestones; aggregated by sum, mean, ratio and latest), every indicator
led by groups whose members are every reporting agency, and an appendix of tasks led by one or two
departments or by a group. Every reporting agency has a report for every period that has started (Q1–Q4
and the annual one), with entries for everything it leads: older periods approved (some were returned
once, some first submitted late), the last ones spread over every workflow state, and some missing.

The sizes (reporting agencies are the agencies minus the UBND tỉnh, the groups and the former body):

| scale      | provinces | agencies (reporting) | indicators | tasks | years (periods) | reports  | indicator entries |
|------------|-----------|----------------------|------------|-------|-----------------|----------|-------------------|
| `demo`     | 1         | 12 (6)               | 10         | 4     | 2 (10)          | 60       | 600               |
| `province` | 1         | 130 (124)            | 100        | 40    | 5 (25)          | 3,100    | 310,000           |
| `national` | 34        | 130 (124) each       | 100 each   | 40    | 5 (25)          | 105,400  | 10,540,000        |

`years` may be given (`--years 2`: 10 periods, 1,240 reports and 124,000 entries: the shape of the page
measurements of issue 14). Deterministic: the same scale, seed, years and today give the same rows (ids
aside). The big tables (reports, entries, events) are written with COPY on PostgreSQL; the history
tables of django-simple-history are not (synthetic reports have no edit history to show).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from agencies.clock import VIETNAM, local_today
from agencies.errors import UserError

PASSWORD = "bench-pass-2026"  # noqa: S105 - a documented password of synthetic accounts
CODE_RE = re.compile(r"^bench-\d\d$")
USERNAME_RE = r"^bench-[0-9][0-9]-"
EMAIL_DOMAIN = "bench.example"
NULL = r"\N"  # COPY's NULL
FLOWS = {"flow_count", "ratio_flow"}


@dataclass(frozen=True)
class Scale:
    provinces: int
    departments: int  # reporting sở, ban, ngành (Sở KH&CN among them); the UBND tỉnh comes on top
    communes: int
    enterprises: int
    indicators: int
    tasks: int
    years: int


SCALES = {
    "demo": Scale(provinces=1, departments=3, communes=2, enterprises=1, indicators=10, tasks=4, years=2),
    "province": Scale(provinces=1, departments=20, communes=100, enterprises=4, indicators=100, tasks=40, years=5),
    "national": Scale(provinces=34, departments=20, communes=100, enterprises=4, indicators=100, tasks=40, years=5),
}


@dataclass
class GeneratedData:
    scale: str
    seed: int
    today: dt.date
    years: int
    counts: dict[str, int] = field(default_factory=dict)
    province_ids: list[int] = field(default_factory=list)
    plan_ids: list[int] = field(default_factory=list)
    reports_by_status: dict[str, int] = field(default_factory=dict)
    elapsed_seconds: float = 0.0
    recompute_seconds: float = 0.0
    maintenance_seconds: float = 0.0  # VACUUM, ANALYZE and the reference check at the end
    references_unchecked: bool = field(default=False, repr=False)  # COPY skipped the foreign key triggers

    def add(self, table: str, n: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + n


class BenchDataExists(UserError):
    """Bench provinces are already in the database (bench_data refuses unless --replace)."""


# ---------------------------------------------------------------- the directory of a province

PROVINCES = [
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
    "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
    "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
]
DEPARTMENTS = [  # (name, short name); Sở KH&CN first: it monitors the plan and its staff review
    ("Sở Khoa học và Công nghệ", "Sở KH&CN"), ("Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh"),
    ("Sở Tài chính", "STC"), ("Sở Nội vụ", "SNV"), ("Sở Xây dựng", "SXD"), ("Sở Công Thương", "SCT"),
    ("Sở Giáo dục và Đào tạo", "Sở GD&ĐT"), ("Sở Y tế", "SYT"), ("Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL"),
    ("Sở Nông nghiệp và Môi trường", "Sở NN&MT"), ("Sở Tư pháp", "STP"), ("Sở Dân tộc và Tôn giáo", "Sở DT&TG"),
    ("Sở Ngoại vụ", "SNgV"), ("Thanh tra tỉnh", ""), ("Ban Quản lý các Khu công nghiệp tỉnh", "BQL KCN"),
    ("Công an tỉnh", "CA tỉnh"), ("Bộ Chỉ huy Quân sự tỉnh", "BCH QS tỉnh"),
    ("Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", "VP Đoàn ĐBQH và HĐND tỉnh"),
    ("Báo và Phát thanh, Truyền hình tỉnh", "Báo và PT-TH tỉnh"),
    ("Trung tâm Phục vụ hành chính công tỉnh", "TT PVHCC tỉnh"),
]
ENTERPRISES = [
    ("Viễn thông {province} (VNPT)", "VNPT"), ("Viettel {province}", "Viettel"),
    ("MobiFone {province}", "MobiFone"), ("Công ty Cổ phần Viễn thông FPT - Chi nhánh {province}", "FPT Telecom"),
]
PLACE_FIRST = ["An", "Bình", "Tân", "Phú", "Long", "Mỹ", "Hòa", "Thạnh", "Vĩnh", "Hưng", "Phước", "Đông"]
PLACE_SECOND = ["Bình", "Hòa", "Thạnh", "Lợi", "Phú", "Tây", "Hưng", "Thuận", "Phước", "Khánh", "Điền", "Xuân"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khoa", "Lan", "Linh",
         "Minh", "Nam", "Ngọc", "Phong", "Quang", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Hữu", "Ngọc", "Quốc", "Thu"]


def _commune_names(rng: random.Random, count: int) -> list[str]:
    pairs = [(a, b) for a in PLACE_FIRST for b in PLACE_SECOND if a != b]
    extra = 0
    while len(pairs) < count:  # more communes than two-syllable names: number them
        extra += 1
        pairs += [(a, f"{b} {extra + 1}") for a in PLACE_FIRST for b in PLACE_SECOND if a != b]
    chosen = rng.sample(pairs, count)
    return [f"UBND {'phường' if rng.random() < 0.2 else 'xã'} {a} {b}" for a, b in chosen]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


# ---------------------------------------------------------------- the indicators

# Kinds, each a (value_type, direction, aggregation, cumulative, unit, names); the plan cycles through them.
KINDS = {
    "stock_pct_mean": ("percent", "increase", "mean", True, "%", [
        "Tỷ lệ cán bộ, công chức được bồi dưỡng kỹ năng số", "Tỷ lệ văn bản điện tử được ký số",
        "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng", "Tỷ lệ cơ sở dữ liệu chuyên ngành được kết nối, chia sẻ",
        "Tỷ lệ người dân trưởng thành có danh tính số"]),
    "stock_pct_latest": ("percent", "increase", "latest", True, "%", [
        "Tỷ lệ dân số được phủ sóng di động 5G", "Tỷ lệ hộ gia đình có kết nối cáp quang băng rộng",
        "Tỷ lệ thôn, ấp có sóng di động băng rộng", "Tỷ lệ trường học có kết nối Internet tốc độ cao"]),
    "stock_count": ("count", "increase", "sum", True, "điểm", [
        "Số điểm phát Wi-Fi công cộng miễn phí", "Số trạm phát sóng di động (BTS)",
        "Số doanh nghiệp công nghệ số đang hoạt động", "Số tổ công nghệ số cộng đồng", "Số camera giám sát kết nối IOC"]),
    "flow_count": ("count", "increase", "sum", False, "hồ sơ", [
        "Số hồ sơ thủ tục hành chính được giải quyết trực tuyến", "Số giao dịch thanh toán không dùng tiền mặt",
        "Số lượt người dân được hướng dẫn sử dụng dịch vụ công", "Số sáng kiến, giải pháp được công nhận",
        "Số văn bản được gửi, nhận qua trục liên thông"]),
    "ratio_stock": ("percent", "increase", "ratio", True, "%", [
        "Tỷ lệ thủ tục hành chính được cung cấp dịch vụ công trực tuyến toàn trình",
        "Tỷ lệ cơ quan có hệ thống thông tin được phê duyệt cấp độ an toàn",
        "Tỷ lệ người dân có tài khoản định danh điện tử mức 2"]),
    "ratio_flow": ("percent", "increase", "ratio", False, "%", [
        "Tỷ lệ hồ sơ thủ tục hành chính được nộp trực tuyến", "Tỷ lệ hồ sơ được giải quyết đúng hạn",
        "Tỷ lệ kết quả giải quyết thủ tục hành chính được số hóa"]),
    "decrease_mean": ("number", "decrease", "mean", True, "ngày", [
        "Thời gian giải quyết hồ sơ thủ tục hành chính bình quân", "Thời gian khắc phục sự cố mất kết nối bình quân"]),
    "milestone": ("milestone", "increase", "latest", True, "", [
        "Hoàn thành xây dựng Trung tâm dữ liệu của tỉnh", "Đưa vào vận hành nền tảng tích hợp, chia sẻ dữ liệu",
        "Hoàn thành số hóa hồ sơ lưu trữ lịch sử", "Vận hành Trung tâm giám sát, điều hành thông minh (IOC)"]),
}
KIND_CYCLE = ["stock_pct_mean", "stock_count", "flow_count", "ratio_stock", "stock_pct_latest", "flow_count",
              "ratio_flow", "decrease_mean", "stock_count", "milestone"]
SECTIONS = [("I", "Hạ tầng số"), ("II", "Chính quyền số"), ("III", "Kinh tế số"), ("IV", "Xã hội số"),
            ("V", "Khoa học, công nghệ và đổi mới sáng tạo")]
TASK_SECTIONS = [("I", "Hoàn thiện thể chế, chính sách"), ("II", "Phát triển hạ tầng số"),
                 ("III", "Phát triển dữ liệu và nền tảng số"), ("IV", "Bảo đảm an toàn thông tin mạng")]
TASK_VERBS = ["Xây dựng và triển khai", "Nâng cấp, mở rộng", "Tổ chức đánh giá", "Rà soát, hoàn thiện",
              "Tuyên truyền, phổ biến", "Kiểm tra, giám sát"]
TASK_OBJECTS = ["hệ thống quản lý văn bản và điều hành", "cổng dịch vụ công của tỉnh", "kho dữ liệu dùng chung",
                "quy chế quản lý, vận hành hạ tầng số", "mạng truyền số liệu chuyên dùng", "chương trình chuyển đổi số",
                "nền tảng học tập trực tuyến", "giải pháp giám sát an toàn thông tin"]


@dataclass
class IndicatorPlan:
    """One indicator's synthetic truth: how the province's figure moves over the plan's years."""

    id: int
    kind: str
    base: float  # the figure at the start of the plan (a percent, a count, days)
    end: float  # where the trajectory ends (the planned target is end × ambition)
    ambition: float


def _progress(ind: IndicatorPlan, t: float, years: int) -> float:
    """The province's figure at t years into the plan (0 … years)."""
    share = t / years
    if ind.kind in {"stock_count", "flow_count"}:
        return ind.base * (ind.end / ind.base) ** share
    return ind.base + (ind.end - ind.base) * share


# ---------------------------------------------------------------- writing rows


def _tsv(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


class _LineStream:
    """The file COPY reads: lines pulled from a generator as the server asks for them, so that Python makes
    the next rows while PostgreSQL indexes the previous ones (two cores at work, not one after the other)."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self.count = 0

    def read(self, size: int = -1) -> str:
        parts, length = [], 0
        for line in self._lines:
            parts.append(line)
            length += len(line) + 1
            if 0 < size <= length:
                break
        self.count += len(parts)
        return "\n".join(parts) + "\n" if parts else ""

    readline = read


def _copy(table: str, columns: Iterable[str], lines: Iterable[str]) -> int:
    """Write rows (tab-separated lines, \\N for NULL) with COPY; an INSERT per row on other databases."""
    columns = list(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            stream = _LineStream(lines)
            cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", stream, size=1 << 18)
            return stream.count
        rows = [[None if v == NULL else v for v in line.split("\t")] for line in lines]
        if rows:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        return len(rows)


def _line(*values) -> str:
    return "\t".join(map(_tsv, values))


# ---------------------------------------------------------------- the generator


def generate(scale: str, seed: int = 1, today: dt.date | None = None, *, years: int | None = None,
             replace: bool = False, log: Callable[[str], None] | None = None) -> GeneratedData:
    """Generate the bench provinces of `scale` (see the module's table); refuses when any of them exists
    unless `replace` (which deletes the bench provinces' data first, and only theirs)."""
    from reports.models import AgencyReport

    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}")
    spec = SCALES[scale]
    if years is not None:
        if not 1 <= years <= 20:
            raise UserError(_("Số năm phải từ 1 đến 20."))
        spec = Scale(**{**spec.__dict__, "years": years})
    today = today or local_today()
    log = log or (lambda message: None)
    started = time.monotonic()
    result = GeneratedData(scale=scale, seed=seed, today=today, years=spec.years)
    codes = [f"bench-{n:02d}" for n in range(1, spec.provinces + 1)]
    _refuse_or_clear(codes, replace=replace, log=log)
    password = make_password(PASSWORD)  # once: hashing is slow on purpose
    for number, code in enumerate(codes, start=1):
        with transaction.atomic():
            _session_for_bulk()
            province_id, plan_id = _province(result, spec, number, code, seed, today, password)
        result.province_ids.append(province_id)
        result.plan_ids.append(plan_id)
        log(f"{code}: {time.monotonic() - started:.1f} s")
    recompute_started = time.monotonic()
    _maintained_figures_and_progress(result.plan_ids, today)
    result.recompute_seconds = time.monotonic() - recompute_started
    maintenance_started = time.monotonic()
    _vacuum_analyze()
    if result.references_unchecked:
        _check_references(result)
    result.maintenance_seconds = time.monotonic() - maintenance_started
    result.reports_by_status = dict(
        AgencyReport.objects.filter(plan_id__in=result.plan_ids).order_by().values_list("status")
        .annotate(n=models.Count("pk")).values_list("status", "n"))
    result.elapsed_seconds = time.monotonic() - started
    return result


BIG_TABLES = ["reports_indicatorentry", "reports_taskentry", "reports_agencyreport", "reports_reportevent"]


def _vacuum_analyze() -> None:
    """Statistics for the planner, and (outside a transaction) the visibility map a freshly copied table lacks:
    index-only scans then skip the heap as they would on a lived-in database, and autovacuum has nothing
    left to do in the middle of the measurements that follow."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if not connection.in_atomic_block:
            cursor.execute(f"VACUUM {', '.join(BIG_TABLES)}")
        cursor.execute("ANALYZE")


def _session_for_bulk() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Synthetic rows, regenerated at will: the commit need not wait for the WAL flush.
            cursor.execute("SET LOCAL synchronous_commit = off")


def _maintained_figures_and_progress(plan_ids: list[int], today: dt.date) -> None:
    from plans.models import Plan
    from progress.services import plan_recompute

    try:
        from progress.figures import agency_figures_rebuild
    except ImportError:  # the maintained figures of issue 14 are not on this branch yet
        agency_figures_rebuild = None
    if agency_figures_rebuild is not None:
        agency_figures_rebuild(plan_ids=plan_ids)
    for plan in Plan.objects.filter(pk__in=plan_ids).order_by("pk"):
        plan_recompute(plan=plan, as_of=today)


def checksum(plan_ids: list[int]) -> str:
    """A digest of every generated value keyed by codes and names (not ids): equal for equal data."""
    from reports.models import IndicatorEntry, TaskEntry

    digest = hashlib.sha256()
    entries = (IndicatorEntry.objects.filter(report__plan_id__in=plan_ids)
               .order_by("report__plan__code", "report__agency__name", "report__period__code", "indicator__code")
               .values_list("report__plan__code", "report__agency__name", "report__period__code", "indicator__code",
                            "report__status", "value", "numerator", "denominator", "milestone_state"))
    tasks = (TaskEntry.objects.filter(report__plan_id__in=plan_ids)
             .order_by("report__plan__code", "report__agency__name", "report__period__code", "task__code")
             .values_list("report__plan__code", "report__agency__name", "report__period__code", "task__code",
                          "status", "progress"))
    for row in entries.iterator(chunk_size=20000):
        digest.update(repr(row).encode())
    for row in tasks.iterator(chunk_size=20000):
        digest.update(repr(row).encode())
    return digest.hexdigest()


# ---------------------------------------------------------------- refusing, or clearing bench data


def _refuse_or_clear(codes: list[str], *, replace: bool, log) -> None:
    from agencies.models import Province

    existing_provinces = list(Province.objects.filter(code__regex=r"^bench-\d\d$").values_list("code", flat=True))
    existing_users = User.objects.filter(username__regex=USERNAME_RE).exists()
    if not existing_provinces and not existing_users:
        return
    if not replace:
        raise BenchDataExists(
            _("Đã có dữ liệu thử nghiệm (%(codes)s). Chạy lại với --replace để xóa dữ liệu thử nghiệm cũ "
              "(chỉ các tỉnh bench-NN và tài khoản bench-NN-…) rồi tạo lại.")
            % {"codes": ", ".join(sorted(existing_provinces)) or _("tài khoản bench-NN-…")})
    started = time.monotonic()
    delete_bench_data()
    log(f"xóa dữ liệu thử nghiệm cũ: {time.monotonic() - started:.1f} s")


def delete_bench_data() -> dict[str, int]:
    """Delete every row that belongs to a bench province (codes `bench-NN`) or a bench user (`bench-NN-…`),
    and nothing else. Returns the rows deleted per table.

    Raw SQL following every foreign key Django knows (auto-created many-to-many tables and history included)
    down from those roots: the ORM's delete would load millions of entries to send their signals. Each
    table's doomed ids are gathered once, parents before children, into a temporary table; then the rows go,
    children first."""
    from agencies.models import Province

    codes = [c for c in Province.objects.filter(code__startswith="bench-").values_list("code", flat=True)
             if CODE_RE.match(c)]
    usernames = [u for u in User.objects.filter(username__startswith="bench-").values_list("username", flat=True)
                 if re.match(USERNAME_RE, u)]
    roots = {Province: f"code IN ({_quoted(codes)})" if codes else None,
             User: f"username IN ({_quoted(usernames)})" if usernames else None}
    roots = {model: where for model, where in roots.items() if where}
    if not roots:
        return {}
    children = _children_by_model()
    order = _top_down(list(roots), children)
    deleted: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        _session_for_bulk()
        # Every foreign key of these tables is followed below, so the per-row checks at commit would only
        # repeat them (where the role may skip them).
        skip_checks = _row_checks_off()
        doomed: dict[type, str] = {}
        leaves: dict[type, str] = {}  # nothing points to these: deleted straight from their condition
        reached = set(order)
        for n, model in enumerate(order):
            table, pk = model._meta.db_table, model._meta.pk.column
            conditions = [f"({roots[model]})"] if model in roots else []
            conditions += [f"{column} IN ({_doomed_keys(parent, target, doomed)})"
                           for parent, column, target in _parents(model, children)
                           if parent in doomed and parent is not model]
            if not conditions:
                continue
            if not any(kid in reached and kid is not model for kid, *_c in children.get(model, [])):
                # One scan with every condition (millions of entries: gathering their ids first would cost
                # more than deleting them).
                leaves[model] = " OR ".join(conditions)
                continue
            if pk is None:
                raise RuntimeError(f"bench data: {table} has a composite key and rows pointing to it")
            doomed[model] = f"bench_doomed_{n}"
            selects = [f"SELECT {pk} AS id FROM {table} WHERE {condition}" for condition in conditions]
            cursor.execute(f"CREATE TEMPORARY TABLE {doomed[model]} AS {' UNION '.join(selects)}")
            cursor.execute(f"SELECT count(*) FROM {doomed[model]}")
            count = cursor.fetchone()[0]
            if count > 1000 and connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {doomed[model]}")  # a hash join, not a loop over the primary key
        for model in reversed(order):
            table, pk = model._meta.db_table, model._meta.pk.column
            if model in leaves:
                cursor.execute(f"DELETE FROM {table} WHERE {leaves[model]}")
            elif model in doomed:
                cursor.execute(f"DELETE FROM {table} WHERE {pk} IN (SELECT id FROM {doomed[model]})")
            else:
                continue
            if cursor.rowcount:
                deleted[table] = cursor.rowcount
        for name in doomed.values():
            cursor.execute(f"DROP TABLE {name}")
        if skip_checks:
            _row_checks_on()
    return deleted


def _parents(model, children) -> list[tuple[type, str, str]]:
    return [(parent, column, target) for parent, kids in children.items() for kid, column, target in kids
            if kid is model]


def _doomed_keys(parent, target: str, doomed: dict) -> str:
    """The values of `parent`'s column `target` (what a foreign key holds) over its doomed rows."""
    if target == parent._meta.pk.column:
        return f"SELECT id FROM {doomed[parent]}"
    return (f"SELECT {target} FROM {parent._meta.db_table} "
            f"WHERE {parent._meta.pk.column} IN (SELECT id FROM {doomed[parent]})")


def _top_down(roots: list[type], children) -> list[type]:
    """The models reachable from `roots` by foreign keys, each after every model it points to (Kahn's order;
    a model pointing to itself keeps its place: such rows go with the rest of their set)."""
    reachable, stack = set(), list(roots)
    while stack:
        model = stack.pop()
        if model not in reachable:
            reachable.add(model)
            stack += [kid for kid, *_columns in children.get(model, [])]
    waiting = {model: {parent for parent, *_c in _parents(model, children) if parent in reachable and parent is not model}
               for model in reachable}
    order = []
    ready = sorted((m for m, parents in waiting.items() if not parents), key=lambda m: m._meta.label)
    while ready:
        model = ready.pop(0)
        order.append(model)
        for kid, *_columns in children.get(model, []):
            if kid in waiting and model in waiting[kid]:
                waiting[kid].discard(model)
                if not waiting[kid] and kid not in order and kid not in ready:
                    ready.append(kid)
    if len(order) != len(reachable):
        raise RuntimeError("bench data: the foreign keys form a cycle; cannot order the deletion")
    return order


def _quoted(values: list[str]) -> str:
    for value in values:
        if not re.fullmatch(r"[a-z0-9-]+", value):  # bench codes and usernames only: nothing to escape
            raise ValueError(value)
    return ", ".join(f"'{value}'" for value in values)


def _children_by_model() -> dict[type, list[tuple[type, str, str]]]:
    """Model → every (model, column, column it points to) holding a foreign key to it, auto-created M2M
    tables and history included."""
    children: dict[type, list[tuple[type, str, str]]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.local_fields:
            if f.is_relation and f.many_to_one or (f.is_relation and f.one_to_one and not f.remote_field.parent_link):
                target = f.remote_field.model._meta.concrete_model
                children.setdefault(target, []).append((model, f.column, f.target_field.column))
    return children


# ---------------------------------------------------------------- one province


def _province(result: GeneratedData, spec: Scale, number: int, code: str, seed: int, today: dt.date,
              password: str) -> tuple[int, int]:
    from agencies.models import Agency, Membership, Province
    from agencies.services import staff_group_ensure
    from indicators.models import Baseline, Indicator, Target
    from plans.models import Appendix, Plan, Section, Task
    from reports.models import ReportingPeriod
    from reports.services import period_calendar

    rng = random.Random(f"bench:{seed}:{code}:{spec.years}")
    name = PROVINCES[(number - 1) % len(PROVINCES)]
    province = Province.objects.create(name=f"{name} ({code})", code=code)
    result.add("province", 1)

    # -- agencies
    Kind = Agency.Kind
    ubnd = Agency(province=province, name=f"Ủy ban nhân dân tỉnh {name}", short_name="UBND tỉnh", kind=Kind.DEPARTMENT)
    departments = [Agency(province=province, name=n, short_name=s, kind=Kind.DEPARTMENT)
                   for n, s in DEPARTMENTS[:spec.departments]]
    communes = [Agency(province=province, name=n, kind=Kind.COMMUNE) for n in _commune_names(rng, spec.communes)]
    enterprises = [Agency(province=province, name=n.format(province=name), short_name=s, kind=Kind.ENTERPRISE)
                   for n, s in ENTERPRISES[:spec.enterprises]]
    reporting = departments + communes + enterprises
    Agency.objects.bulk_create([ubnd, *reporting])
    dost = departments[0]
    Agency.objects.create(province=province, name="Sở Thông tin và Truyền thông", short_name="Sở TT&TT",
                                   kind=Kind.DEPARTMENT, active=False, successor=dost)
    group_depts, group_communes, group_telecom, group_all = Agency.objects.bulk_create([
        Agency(province=province, name="Các sở, ban, ngành tỉnh", kind=Kind.GROUP, aliases=["Các sở, ban, ngành"]),
        Agency(province=province, name="UBND các xã, phường", kind=Kind.GROUP, aliases=["UBND cấp xã"]),
        Agency(province=province, name="Các doanh nghiệp viễn thông", kind=Kind.GROUP, aliases=["Các nhà mạng"]),
        Agency(province=province, name="Các sở, ban, ngành tỉnh; UBND các xã, phường", kind=Kind.GROUP),
    ])
    Members = Agency.members.through
    Members.objects.bulk_create(
        [Members(from_agency=group_depts, to_agency=a) for a in departments]
        + [Members(from_agency=group_communes, to_agency=a) for a in communes]
        + [Members(from_agency=group_telecom, to_agency=a) for a in enterprises]
        + [Members(from_agency=group_all, to_agency=g) for g in (group_depts, group_communes)])
    result.add("agencies", 2 + len(reporting) + 4)
    result.add("agency_members", len(reporting) + 2)

    # -- users: staff, leader, one reporter and one head per reporting agency
    users = [User(username=f"{code}-staff", first_name=_person(rng), email=f"{code}-staff@{EMAIL_DOMAIN}",
                  is_staff=True, password=password),
             User(username=f"{code}-leader", first_name=_person(rng), email=f"{code}-leader@{EMAIL_DOMAIN}",
                  password=password)]
    for n, _agency in enumerate(reporting, start=1):
        for letter in ("a", "h"):
            username = f"{code}-{letter}{n:03d}"
            users.append(User(username=username, first_name=_person(rng), email=f"{username}@{EMAIL_DOMAIN}",
                              password=password))
    User.objects.bulk_create(users)
    staff, leader = users[0], users[1]
    Role = Membership.Role
    memberships = [Membership(user=staff, agency=dost, role=Role.STAFF),
                   Membership(user=leader, agency=ubnd, role=Role.LEADER)]
    reporter_of = {}
    for n, agency in enumerate(reporting):
        reporter_of[agency.pk] = users[2 + 2 * n]
        # The head (bench-NN-hNNN) can confirm the reports left awaiting confirmation.
        memberships += [Membership(user=users[2 + 2 * n], agency=agency, role=Role.REPORTER),
                        Membership(user=users[3 + 2 * n], agency=agency, role=Role.AGENCY_HEAD)]
    Membership.objects.bulk_create(memberships)
    User.groups.through.objects.create(user_id=staff.pk, group_id=staff_group_ensure().pk)
    result.add("users", len(users))
    result.add("memberships", len(memberships))

    # -- the plan, its appendices and sections
    first_year, last_year = today.year - spec.years + 1, today.year
    plan = Plan.objects.create(
        province=province, code=f"{code}-kh", number=f"{100 + number}/KH-UBND",
        title=f"Kế hoạch chuyển đổi số và phát triển khoa học, công nghệ tỉnh {name} giai đoạn "
              f"{first_year} – {last_year} (dữ liệu thử nghiệm)",
        issued=dt.date(first_year - 1, 12, 15), start_year=first_year, end_year=last_year,
        status=Plan.Status.ACTIVE, monitoring_agency=dost)
    appendix_i, appendix_ii = Appendix.objects.bulk_create([
        Appendix(plan=plan, number="I", title="Các chỉ tiêu chủ yếu", kind=Appendix.Kind.INDICATORS, order=1),
        Appendix(plan=plan, number="II", title="Nhiệm vụ, giải pháp", kind=Appendix.Kind.TASKS, order=2)])
    tops = Section.objects.bulk_create([Section(plan=plan, appendix=appendix_i, code=c, title=t, order=n * 10)
                                        for n, (c, t) in enumerate(SECTIONS)])
    subs = Section.objects.bulk_create([
        Section(plan=plan, appendix=appendix_i, parent=top, code=f"{top.code}.{k}", order=top.order + k,
                title=f"{top.title}: {'chỉ tiêu chung' if k == 1 else 'chỉ tiêu theo lĩnh vực'}")
        for top in tops for k in (1, 2)])
    task_sections = Section.objects.bulk_create([
        Section(plan=plan, appendix=appendix_ii, code=c, title=t, order=n) for n, (c, t) in enumerate(TASK_SECTIONS)])
    result.add("plans", 1)
    result.add("appendices", 2)
    result.add("sections", len(tops) + len(subs) + len(task_sections))

    # -- tasks
    tasks, task_leads, task_coordinators, task_span = [], [], [], {}
    kinds = ["year", "quarter", "date", "ongoing", "year_range", "recurring"]
    for k in range(spec.tasks):
        kind = kinds[k % len(kinds)]
        year = first_year + k % spec.years
        start, due, text = None, None, ""
        if kind == "year":
            start, due, text = dt.date(year, 1, 1), dt.date(year, 12, 31), f"Năm {year}"
        elif kind == "quarter":
            quarter = 1 + k % 4
            start = dt.date(year, 1, 1)
            due = dt.date(year, 3 * quarter, calendar.monthrange(year, 3 * quarter)[1])
            text = f"Quý {['I', 'II', 'III', 'IV'][quarter - 1]}/{year}"
        elif kind == "date":
            start, due = dt.date(year, 1, 1), dt.date(year, 6, 30)
            text = f"Trước ngày 30/6/{year}"
        elif kind == "year_range":
            start, due, text = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31), f"{first_year} – {last_year}"
        else:
            text = "Thường xuyên" if kind == "ongoing" else "Hằng năm"
        tasks.append(Task(plan=plan, appendix=appendix_ii, section=task_sections[k % len(task_sections)],
                          code=f"{task_sections[k % len(task_sections)].code}.{k + 1}", order=k,
                          content=f"{TASK_VERBS[k % len(TASK_VERBS)]} {TASK_OBJECTS[k % len(TASK_OBJECTS)]}",
                          deadline_kind=kind, deadline_text=text, start_date=start, due_date=due,
                          expected_result="Báo cáo kết quả thực hiện gửi Sở Khoa học và Công nghệ"))
        shape = k % 10
        if shape == 8:
            leads = [group_depts]
        elif shape == 9:
            leads = [group_communes]
        elif shape in (6, 7):
            leads = [departments[k % len(departments)], departments[(k + 3) % len(departments)]]
        else:
            leads = [departments[k % len(departments)]]
        task_leads.append(leads)
        task_coordinators.append([dost] if dost not in leads else departments[1:2])
    Task.objects.bulk_create(tasks)
    TaskLead, TaskCoordinator = Task.lead_agencies.through, Task.coordinating_agencies.through
    TaskLead.objects.bulk_create([TaskLead(task=t, agency=a) for t, leads in zip(tasks, task_leads, strict=True)
                                  for a in dict.fromkeys(leads)])
    TaskCoordinator.objects.bulk_create([TaskCoordinator(task=t, agency=a)
                                         for t, coord in zip(tasks, task_coordinators, strict=True) for a in coord])
    result.add("tasks", len(tasks))
    members_of = {group_depts.pk: departments, group_communes.pk: communes, group_telecom.pk: enterprises}
    task_reporters = []
    for task, leads in zip(tasks, task_leads, strict=True):
        found = []
        for lead in leads:
            found += members_of.get(lead.pk, [lead])
        task_reporters.append((task, list(dict.fromkeys(found))))
        task_span[task.pk] = (task.start_date or dt.date(first_year, 1, 1), task.due_date)

    # -- indicators, baselines, targets
    indicators, plans_of = [], []
    for i in range(spec.indicators):
        kind = KIND_CYCLE[i % len(KIND_CYCLE)]
        value_type, direction, aggregation, cumulative, unit, names = KINDS[kind]
        same_kind = sum(1 for j in range(i) if KIND_CYCLE[j % len(KIND_CYCLE)] == kind)
        label = names[same_kind % len(names)]
        if same_kind >= len(names):
            label += f" (nhóm {same_kind // len(names) + 1})"
        section = subs[i % len(subs)]
        if kind == "flow_count" and same_kind % 2:
            unit = "giao dịch"
        indicators.append(Indicator(plan=plan, appendix=appendix_i, section=section, code=f"{section.code}.{i + 1}",
                                    order=i, name=label, unit=unit, value_type=value_type, direction=direction,
                                    aggregation=aggregation, cumulative=cumulative,
                                    task=tasks[i % len(tasks)] if tasks and i % 7 == 0 else None))
    Indicator.objects.bulk_create(indicators)
    Lead, Coordinator = Indicator.lead_agencies.through, Indicator.coordinating_agencies.through
    leads, coordinators = [], []
    for i, indicator in enumerate(indicators):
        shape = i % 4
        chosen = ([group_all, group_telecom] if shape == 0 else
                  [group_depts, group_communes, group_telecom] if shape == 1 else
                  [departments[i % len(departments)], group_depts, group_communes, group_telecom] if shape == 2 else
                  [group_all, group_telecom, departments[i % len(departments)]])
        leads += [Lead(indicator=indicator, agency=a) for a in dict.fromkeys(chosen)]
        if i % 3 == 0:
            coordinators.append(Coordinator(indicator=indicator, agency=dost))
    Lead.objects.bulk_create(leads)
    Coordinator.objects.bulk_create(coordinators)
    result.add("indicators", len(indicators))

    baselines, targets = [], []
    for indicator in indicators:
        kind = KIND_CYCLE[indicator.order % len(KIND_CYCLE)]
        ambition = rng.uniform(0.85, 1.2)
        if kind in {"stock_pct_mean", "stock_pct_latest", "ratio_stock", "ratio_flow"}:
            base = rng.uniform(20, 60)
            end = min(99.0, base + rng.uniform(15, 45))
        elif kind == "stock_count":
            base, end = rng.uniform(2, 40), 0.0
            end = base * rng.uniform(1.3, 2.5)
        elif kind == "flow_count":
            base, end = rng.uniform(50, 2000), 0.0
            end = base * rng.uniform(1.2, 2.0)
        elif kind == "decrease_mean":
            base = rng.uniform(6, 20)
            end = base * rng.uniform(0.4, 0.8)
            ambition = rng.uniform(0.85, 1.15)
        else:
            base, end = 0.0, 1.0
        ind = IndicatorPlan(id=indicator.pk, kind=kind, base=base, end=end, ambition=ambition)
        plans_of.append(ind)
        n_agencies = len(reporting)
        if kind == "milestone":
            baselines.append(Baseline(indicator=indicator, year=first_year - 1, text="Chưa triển khai"))
            for year in range(first_year, last_year + 1):
                text = (f"Hoàn thành năm {last_year}" if year == last_year else f"Triển khai, đạt tiến độ năm {year}")
                targets.append(Target(indicator=indicator, year=year, op="text", text=text))
            continue
        total = {"stock_count": n_agencies, "flow_count": n_agencies}.get(kind, 1)
        baselines.append(Baseline(indicator=indicator, year=first_year - 1, value=_dec(base * total, kind),
                                  text=_plain(base * total, kind, indicator.unit)))
        for year in range(first_year, last_year + 1):
            aim = _progress(ind, year - first_year + 1, spec.years) * total
            aim = aim * ind.ambition if kind != "decrease_mean" else aim / ind.ambition
            if kind not in {"flow_count", "stock_count", "decrease_mean"}:
                aim = min(aim, 100.0)
            op = "<=" if kind == "decrease_mean" else ">="
            targets.append(Target(indicator=indicator, year=year, op=op, low=None if op == "<=" else _dec(aim, kind),
                                  high=_dec(aim, kind) if op == "<=" else None,
                                  text=f"{'≤' if op == '<=' else '≥'} {_plain(aim, kind, indicator.unit)}"))
    Baseline.objects.bulk_create(baselines)
    Target.objects.bulk_create(targets)
    result.add("baselines", len(baselines))
    result.add("targets", len(targets))

    # -- periods and reports
    periods = ReportingPeriod.objects.bulk_create([
        ReportingPeriod(**period_calendar(plan=plan, year=year, quarter=quarter))
        for year in range(first_year, last_year + 1) for quarter in (1, 2, 3, 4, None)])
    result.add("periods", len(periods))
    open_periods = [p for p in periods if p.starts_on <= today]
    # Every event happened before today began: the same rows whatever the hour of the run, none in the future.
    now = dt.datetime.combine(today, dt.time.min, tzinfo=VIETNAM)
    report_rows, events = _reports(rng, plan.pk, open_periods, reporting, reporter_of, staff, now, today)
    report_columns = ["agency_id", "plan_id", "period_id", "status", "version", "submitted_at", "first_submitted_at",
                      "submitted_by_id", "confirmed_by_id", "approved_at", "approved_by_id", "return_reason",
                      "reopened_reason", "achievements", "shortcomings", "difficulties", "proposals",
                      "source_reference", "entered_by_id", "entered_on_behalf", "created_at", "updated_at"]
    skip_checks = _row_checks_off()
    result.add("reports", _copy("reports_agencyreport", report_columns, [r.line() for r in report_rows]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT agency_id, period_id, id FROM reports_agencyreport WHERE plan_id = %s", [plan.pk])
        report_ids = {(a, p): pk for a, p, pk in cursor.fetchall()}
    for row in report_rows:
        row.id = report_ids[(row.agency_id, row.period.pk)]
    result.add("report_events", _copy("reports_reportevent", ["report_id", "action", "actor_id", "at", "reason"],
                                      [_line(report_ids[key], *rest) for key, *rest in events]))

    # -- entries
    result.add("indicator_entries", _indicator_entries(rng, report_rows, plans_of, reporting, spec.years,
                                                       first_year))
    result.add("task_entries", _task_entries(rng, report_rows, task_reporters, task_span))
    if skip_checks:
        _row_checks_on()
        result.references_unchecked = True
    return province.pk, plan.pk


def _row_checks_off() -> bool:
    """Skip the per-row foreign key triggers for this transaction's COPYs, where the role may (a superuser):
    PostgreSQL would otherwise queue two checks per entry and run them one by one at commit, the larger
    part of the whole run. `_check_references` then checks the same references at once."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if not (row and row[0]):
            return False
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def _row_checks_on() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = origin")


def _check_references(result: GeneratedData) -> None:
    """The foreign keys of the rows copied, checked with one join per table once everything is written: every
    entry's report and item, every event's report, every report's agency and period belong to the same plan
    and province."""
    checks = {
        "reports": """SELECT count(*) FROM reports_agencyreport r
                      JOIN reports_reportingperiod p ON p.id = r.period_id AND p.plan_id = r.plan_id
                      JOIN plans_plan pl ON pl.id = r.plan_id
                      JOIN agencies_agency a ON a.id = r.agency_id AND a.province_id = pl.province_id
                      LEFT JOIN auth_user s ON s.id = r.submitted_by_id
                      LEFT JOIN auth_user ap ON ap.id = r.approved_by_id
                      LEFT JOIN auth_user en ON en.id = r.entered_by_id
                      WHERE r.plan_id = %s AND (r.submitted_by_id IS NULL OR s.id IS NOT NULL)
                      AND (r.approved_by_id IS NULL OR ap.id IS NOT NULL)
                      AND (r.entered_by_id IS NULL OR en.id IS NOT NULL)""",
        "report_events": """SELECT count(*) FROM reports_reportevent e
                            JOIN reports_agencyreport r ON r.id = e.report_id JOIN auth_user u ON u.id = e.actor_id
                            WHERE r.plan_id = %s""",
        "indicator_entries": """SELECT count(*) FROM reports_indicatorentry e
                                JOIN reports_agencyreport r ON r.id = e.report_id
                                JOIN indicators_indicator i ON i.id = e.indicator_id AND i.plan_id = r.plan_id
                                WHERE r.plan_id = %s""",
        "task_entries": """SELECT count(*) FROM reports_taskentry e
                           JOIN reports_agencyreport r ON r.id = e.report_id
                           JOIN plans_task t ON t.id = e.task_id AND t.plan_id = r.plan_id
                           WHERE r.plan_id = %s""",
    }
    with connection.cursor() as cursor:
        for table, sql in checks.items():
            cursor.execute(sql.replace("= %s", "= ANY(%s)"), [result.plan_ids])
            found = cursor.fetchone()[0]
            if found != result.counts[table]:
                raise RuntimeError(f"bench data: {result.counts[table] - found} {table} rows point nowhere")


def _dec(value: float, kind: str) -> str:
    return f"{value:.0f}" if kind in {"stock_count", "flow_count"} else f"{value:.2f}"


def _plain(value: float, kind: str, unit: str) -> str:
    number = f"{value:,.0f}".replace(",", ".") if kind in {"stock_count", "flow_count"} else \
        f"{value:.1f}".replace(".", ",")
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}".strip()


# ---------------------------------------------------------------- reports and their workflow


@dataclass
class ReportRow:
    agency_id: int
    plan_id: int
    period: object
    status: str
    version: int
    submitted_at: dt.datetime | None
    first_submitted_at: dt.datetime | None
    submitted_by_id: int | None
    approved_at: dt.datetime | None
    approved_by_id: int | None
    return_reason: str
    entered_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    fill: float  # share of entries with a value (1 for anything submitted)
    id: int | None = None

    def line(self) -> str:
        return _line(self.agency_id, self.plan_id, self.period.pk, self.status, self.version, self.submitted_at,
                     self.first_submitted_at, self.submitted_by_id, None, self.approved_at, self.approved_by_id,
                     self.return_reason, "", "", "", "", "", "", self.entered_by_id, False, self.created_at,
                     self.updated_at)


# The spread of statuses where the period is still open (not due), just due, and older.
STATUS_MIX = {
    "current": [("draft", 0.55), ("awaiting_confirmation", 0.05), ("submitted", 0.2), ("returned", 0.05),
                ("approved", 0.15)],
    "recent": [("draft", 0.15), ("awaiting_confirmation", 0.04), ("submitted", 0.18), ("returned", 0.06),
               ("approved", 0.57)],
    "old": [("approved", 1.0)],
}
RETURN_REASONS = ["Số liệu chưa khớp với báo cáo kỳ trước, đề nghị rà soát lại.",
                  "Thiếu giải trình cho các chỉ tiêu giảm so với kỳ trước.",
                  "Đề nghị bổ sung nguồn số liệu."]


def _spread(rng: random.Random, mix: list[tuple[str, float]], count: int) -> list[str]:
    """`count` statuses in the mix's proportions, each at least once when there are enough reports (so that
    even the demo has every state), in a random order."""
    wanted = {status: max(1 if count >= len(mix) else 0, round(share * count)) for status, share in mix}
    largest = max(mix, key=lambda item: item[1])[0]
    wanted[largest] += count - sum(wanted.values())
    statuses = [status for status, n in wanted.items() for _ in range(n)]
    rng.shuffle(statuses)
    return statuses


def _reports(rng, plan_id, periods, reporting, reporter_of, staff, now, today):
    """Each report's status and timestamps, consistent with the workflow of reports.services, and its events.

    `version` is 1 plus the events that wrote it; first_submitted_at is the first submission (late if on or
    after the due day's 00:00); a report that was returned and resubmitted keeps its first submission."""
    rows, events = [], []
    day = dt.timedelta(days=1)
    # Agency by agency, its periods in order: the reports' ids then follow (agency, period), the order in which
    # their entries are written (an index grows at its end, much faster than in the middle).
    windows = []
    for period in periods:
        due_at = dt.datetime.combine(period.due_on, dt.time.min, tzinfo=VIETNAM)
        age = (today - period.due_on).days
        opened = dt.datetime.combine(period.starts_on, dt.time(0, 5), tzinfo=VIETNAM)
        statuses = _spread(rng, STATUS_MIX["current" if age < 0 else "recent" if age <= 120 else "old"], len(reporting))
        windows.append((period, due_at, age, statuses, opened, max(opened + day, min(due_at - 20 * day, now - 20 * day))))
    for n, agency in enumerate(reporting):
        for period, due_at, age, statuses, opened, earliest in windows:
            status = statuses[n]
            reporter = reporter_of[agency.pk]
            key = (agency.pk, period.pk)
            log: list[tuple[str, object, dt.datetime, str]] = []

            def at(start: dt.datetime, low: float, high: float) -> dt.datetime:
                moment = start + dt.timedelta(days=rng.uniform(low, high))
                return min(moment, now - dt.timedelta(minutes=5))

            fill, first, submitted, approved, reason = 1.0, None, None, None, ""
            if status == "draft":
                fill = rng.choice([0.0, 0.0, 0.4, 0.8, 1.0])
                if fill:
                    log.append(("saved", reporter, at(earliest, 0, 10), ""))
            else:
                saved = at(earliest, 0, 5)
                log.append(("saved", reporter, saved, ""))
                late = age >= 0 and rng.random() < 0.12
                moment = at(due_at, 0.1, 25) if late else at(max(saved, due_at - 15 * day), 0, 14)
                moment = max(moment, saved + dt.timedelta(minutes=30))
                if status == "awaiting_confirmation":
                    log.append(("submitted", reporter, moment, ""))
                else:
                    first = submitted = moment
                    log.append(("submitted", reporter, moment, ""))
                    if status == "returned":
                        reason = rng.choice(RETURN_REASONS)
                        log.append(("returned", staff, max(at(moment, 1, 6), moment + dt.timedelta(minutes=30)),
                                    reason))
                    elif status == "approved":
                        if rng.random() < 0.08 and now - moment > 20 * day:
                            back = at(moment, 1, 5)
                            log.append(("returned", staff, back, rng.choice(RETURN_REASONS)))
                            submitted = at(back, 1, 5)
                            log.append(("submitted", reporter, submitted, ""))
                        approved = max(at(submitted, 1, 15), submitted + dt.timedelta(minutes=30))
                        log.append(("approved", staff, approved, ""))
            last = log[-1][2] if log else opened
            rows.append(ReportRow(
                agency_id=agency.pk, plan_id=plan_id, period=period, status=status, version=1 + len(log),
                submitted_at=submitted, first_submitted_at=first,
                submitted_by_id=reporter.pk if status != "draft" else None,
                approved_at=approved, approved_by_id=staff.pk if approved else None, return_reason=reason,
                entered_by_id=reporter.pk if log else None, created_at=opened, updated_at=last, fill=fill))
            events += [(key, action, actor.pk, moment, why) for action, actor, moment, why in log]
    return rows, events


# ---------------------------------------------------------------- entries


def _period_t(period, years_from: int) -> float:
    """Years into the plan at the end of the period (the annual report describes the year's end)."""
    return period.year - years_from + (period.quarter / 4 if period.quarter else 1.0)


def _indicator_entries(rng, report_rows, plans_of: list[IndicatorPlan], reporting, years: int, first_year: int) -> int:
    """Every report's entries, one per indicator (every reporting agency reports every indicator): the
    agency's share of the province's trajectory with noise. A flow's annual report is the sum of its
    quarters and a stock's is its fourth quarter, so the annual and the quarterly reports agree."""
    columns = ["report_id", "indicator_id", "value", "numerator", "denominator", "milestone_state", "note",
               "source", "as_of", "return_reason"]
    # Per (agency, indicator): weight (share of a total), offset (around a mean), milestone start/finish.
    params = {(agency.pk, ind.id): (rng.uniform(0.5, 1.5), rng.uniform(-8, 8), rng.uniform(0.2, years - 0.5),
                                    rng.uniform(0.5, 2.0))
              for agency in reporting for ind in plans_of}

    def lines() -> Iterator[str]:
        returned_marks = 0
        block, quarter_values = None, {}
        for row in report_rows:  # ordered by agency, then period: by report id
            if (row.agency_id, row.period.year) != block:
                block, quarter_values = (row.agency_id, row.period.year), {}
            quarter = row.period.quarter
            t = _period_t(row.period, first_year)
            for ind in plans_of:
                weight, offset, start, duration = params[(row.agency_id, ind.id)]
                value = numerator = denominator = None
                state = ""
                kind = ind.kind
                if quarter is None and kind in FLOWS:
                    sums = [quarter_values.get((ind.id, q)) for q in (1, 2, 3, 4)]
                    if all(s is not None for s in sums):
                        if kind == "flow_count":
                            value = str(sum(int(s[0]) for s in sums))
                        else:
                            numerator = str(sum(int(s[1]) for s in sums))
                            denominator = str(sum(int(s[2]) for s in sums))
                    else:  # the year's quarters are not all open yet (an earlier --today)
                        value, numerator, denominator = _one(kind, ind, t, years, weight, offset, rng, 4)
                elif kind == "milestone":
                    state = "completed" if t >= start + duration else "in_progress" if t >= start else "not_started"
                elif quarter is None and (ind.id, 4) in quarter_values:
                    value, numerator, denominator = quarter_values[(ind.id, 4)]
                else:
                    value, numerator, denominator = _one(kind, ind, t, years, weight, offset, rng, 1)
                if quarter is not None:
                    quarter_values[(ind.id, quarter)] = (value, numerator, denominator)
                if row.fill < 1 and rng.random() >= row.fill:
                    value = numerator = denominator = None
                    state = ""
                return_reason = ""
                if row.status == "returned":
                    returned_marks += 1
                    if returned_marks % 37 == 1 and (value or numerator or state):
                        return_reason = "Số liệu tăng bất thường so với kỳ trước, đề nghị kiểm tra."
                yield (f"{row.id}\t{ind.id}\t{value or NULL}\t{numerator or NULL}\t{denominator or NULL}\t"
                       f"{state}\t\t\t{NULL}\t{return_reason}")

    return _copy("reports_indicatorentry", columns, lines())


def _one(kind, ind, t, years, weight, offset, rng, quarters):
    """One agency's figure for a period (a quarter, or a year of `quarters` = 4 for a flow's annual)."""
    level = _progress(ind, t, years)
    noise = rng.uniform(0.97, 1.03)
    if kind in {"stock_pct_mean", "stock_pct_latest"}:
        return f"{min(100.0, max(0.0, (level + offset) * noise)):.2f}", None, None
    if kind == "stock_count":
        return f"{max(0, round(level * weight * noise))}", None, None
    if kind == "flow_count":
        return f"{max(0, round(level / 4 * quarters * weight * noise))}", None, None
    if kind == "decrease_mean":
        return f"{max(0.5, level * (1 + offset / 40) * noise):.1f}", None, None
    denominator = max(1, round(40 * weight * (quarters if kind == "ratio_flow" else 1) * rng.uniform(0.9, 1.1)))
    share = min(100.0, max(0.0, (level + offset) * noise)) / 100
    return None, f"{min(denominator, round(denominator * share))}", f"{denominator}"


def _task_entries(rng, report_rows, task_reporters, task_span) -> int:
    columns = ["report_id", "task_id", "status", "progress", "done", "next_steps", "return_reason"]
    reports = {(row.agency_id, row.period.pk): row for row in report_rows}
    periods = sorted({row.period.pk: row.period for row in report_rows}.values(),
                     key=lambda p: (p.year, p.quarter or 5))
    lines = []
    for task, agencies in task_reporters:
        start, due = task_span[task.pk]
        for agency in agencies:
            speed = rng.uniform(0.6, 1.4)
            # A few agencies stall on a task: with a group leading it, the task ends overdue.
            ceiling = rng.randint(30, 90) if rng.random() < 0.05 else 100
            for period in periods:
                row = reports.get((agency.pk, period.pk))
                if row is None:
                    continue
                status, progress, done = "", None, ""
                filled = row.fill >= 1 or rng.random() < row.fill
                if filled:
                    if task.deadline_kind in {"ongoing", "recurring"}:
                        status, progress = "ongoing", None
                        done = "Đã thực hiện theo kế hoạch trong kỳ"
                    elif period.ends_on < start:
                        status, progress = "not_started", 0
                    else:
                        span = max(((due or period.ends_on) - start).days, 1)
                        progress = min(ceiling, round(100 * speed * (period.ends_on - start).days / span))
                        status = "completed" if progress >= 100 else "in_progress" if progress > 0 else "not_started"
                        done = "Đã hoàn thành" if status == "completed" else (
                            f"Đạt khoảng {progress}% khối lượng" if progress else "")
                lines.append(_line(row.id, task.pk, status, progress, done, "", ""))
    return _copy("reports_taskentry", columns, lines)
