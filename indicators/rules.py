"""The progress rules of DESIGN.md as pure functions: no models, no database, Decimal arithmetic.

`progress/` feeds them the sums its SQL computed; dashboards never call them (they read snapshots).

Written twice by design: the within-year accumulation (stock vs flow, the annual report replacing the
quarters, `latest`/`sum`/`ratio`/`mean` across agencies) is also the SQL of `progress/selectors.py`,
because the recompute must be set-based. Change one, change the other: `tests/progress/test_sql_matches_rules.py`
runs both on the same values and fails when they disagree.

Choices made here, where DESIGN.md leaves room:
- Within-year accumulation is done per agency first, then across agencies: a stock (`cumulative`)
  takes each agency's latest approved period of the year, a flow sums its quarters. An approved
  annual report ("2026-Y") is the agency's figure for the whole year: the latest value of a stock,
  and the total of a flow (it replaces the quarters, so nothing is counted twice).
- Elapsed quarters for E = P + (T − P) × q/4 is the later of the quarter the latest value describes
  and the number of quarters already ended on the `as_of` date: a quarter that ended without a
  report still counts, so deadlines move statuses without new data.
- Flows start the year from zero: for them P is 0, not last year's total.
- `stale`: within a year, the latest value describes a quarter more than two quarters before the
  quarter of `as_of`.
- The trajectory follows Open SDG (Statistics Canada's method, open-sdg/docs/progress-methodology.md):
  observed CAGR = (y_i/y_0)^(1/(t_i−t_0)) − 1, required CAGR = (y_T/y_0)^(1/(t_T−t_0)) − 1, ratio
  R = d·observed/|required| with d = +1 for higher-is-better and −1 for lower-is-better. A zero base
  or target is replaced by 0.001 as Open SDG does; values of mixed sign cannot be assessed (None);
  all-negative values flip d; a value already meeting the final target is `substantial`; fewer than
  two years of data (t_i = t_0) cannot be assessed (None).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, DivisionByZero, InvalidOperation
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.numbers import format_number

HUNDRED = Decimal(100)
ON_TRACK_RATIO = Decimal("0.95")
AT_RISK_RATIO = Decimal("0.75")
OPEN_SDG_ZERO = Decimal("0.001")
AT_RISK_TASK_DAYS = 30


class Status(StrEnum):
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    STALE = "stale"


STATUS_LABELS = {
    Status.ACHIEVED: gettext_lazy("Đạt"),
    Status.NOT_ACHIEVED: gettext_lazy("Chưa đạt"),
    Status.ON_TRACK: gettext_lazy("Đúng tiến độ"),
    Status.AT_RISK: gettext_lazy("Có nguy cơ chậm"),
    Status.OFF_TRACK: gettext_lazy("Chậm tiến độ"),
    Status.NO_DATA: gettext_lazy("Chưa có số liệu"),
    Status.STALE: gettext_lazy("Số liệu cũ"),
}


class Trajectory(StrEnum):
    SUBSTANTIAL = "substantial"
    MODERATE = "moderate"
    LIMITED = "limited"
    DETERIORATION = "deterioration"


TRAJECTORY_LABELS = {
    Trajectory.SUBSTANTIAL: gettext_lazy("Tiến triển tốt"),
    Trajectory.MODERATE: gettext_lazy("Có tiến triển, cần tăng tốc"),
    Trajectory.LIMITED: gettext_lazy("Tiến triển hạn chế"),
    Trajectory.DETERIORATION: gettext_lazy("Đi xuống"),
}


class TaskStatus(StrEnum):
    COMPLETED = "completed"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    OVERDUE = "overdue"
    AT_RISK = "at_risk"
    ONGOING = "ongoing"


TASK_STATUS_LABELS = {
    TaskStatus.COMPLETED: gettext_lazy("Hoàn thành"),
    TaskStatus.IN_PROGRESS: gettext_lazy("Đang thực hiện"),
    TaskStatus.NOT_STARTED: gettext_lazy("Chưa triển khai"),
    TaskStatus.OVERDUE: gettext_lazy("Quá hạn"),
    TaskStatus.AT_RISK: gettext_lazy("Có nguy cơ trễ hạn"),
    TaskStatus.ONGOING: gettext_lazy("Thường xuyên"),
}

MILESTONE_LABELS = {"not_started": gettext_lazy("Chưa triển khai"), "in_progress": gettext_lazy("Đang triển khai"),
                    "completed": gettext_lazy("Hoàn thành")}

# The reviewed milestone state of a text target, within the year and after it.
MILESTONE_IN_YEAR = {"completed": Status.ACHIEVED, "in_progress": Status.ON_TRACK, "not_started": Status.AT_RISK}


def label(status: str) -> str:
    for labels in (STATUS_LABELS, TASK_STATUS_LABELS, TRAJECTORY_LABELS):
        if status in labels:
            return str(labels[status])
    return status


# ---------------------------------------------------------------- aggregation


@dataclass(frozen=True)
class PeriodValue:
    """One approved entry of one agency: `order` 1–4 for quarters, 5 for the annual report."""

    order: int
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class AgencyFigure:
    """An agency's figure for the year, after within-year accumulation."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    last_order: int = 0
    reported_on: date | None = None


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def accumulate_year(periods: Sequence[PeriodValue], *, cumulative: bool) -> AgencyFigure:
    """One agency's figure for a year: a stock takes its latest period, a flow adds up its quarters."""
    if not periods:
        return AgencyFigure()
    annual = [p for p in periods if p.order == 5]
    latest = max(periods, key=lambda p: p.order)
    # An annual report is the agency's figure for the whole year, for stocks and flows alike.
    chosen = annual[:1] or ([latest] if cumulative else list(periods))
    return AgencyFigure(value=_sum(p.value for p in chosen), numerator=_sum(p.numerator for p in chosen),
                        denominator=_sum(p.denominator for p in chosen), last_order=latest.order)


def ratio_percent(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator * HUNDRED


def aggregate(method: str, figures: Sequence[AgencyFigure], *, cumulative: bool = True) -> AgencyFigure:
    """The province figure from the agencies' figures.

    `latest`: the figure of the most recent period any agency reported (if several agencies reported
    that period, the largest of each number); for a flow, reported by one agency, the sum of its
    quarters. `sum`; `ratio`: Σnumerators ÷ Σdenominators × 100, never the mean of the agencies'
    percentages; `mean`: the plain average.
    """
    reported = [f for f in figures if f.value is not None or f.numerator is not None]
    if not reported:
        return AgencyFigure()
    last_order = max(f.last_order for f in reported)
    common = {"last_order": last_order, "reported_on": max((f.reported_on for f in reported if f.reported_on),
                                                           default=None)}
    if method == "latest" and cumulative:
        newest = [f for f in reported if f.last_order == last_order]
        value, numerator, denominator = (max((getattr(f, name) for f in newest if getattr(f, name) is not None),
                                             default=None) for name in ("value", "numerator", "denominator"))
        if value is None:
            value = ratio_percent(numerator, denominator)
        return AgencyFigure(value=value, numerator=numerator, denominator=denominator, **common)
    if method == "ratio":
        numerator = _sum(f.numerator for f in reported)
        denominator = _sum(f.denominator for f in reported)
        return AgencyFigure(value=ratio_percent(numerator, denominator), numerator=numerator,
                            denominator=denominator, **common)
    values = [f.value for f in reported if f.value is not None]
    if not values:
        return AgencyFigure(**common)
    total = sum(values, Decimal(0))
    if method == "mean":
        return AgencyFigure(value=total / len(values), **common)
    if method in {"sum", "latest"}:
        return AgencyFigure(value=total, **common)
    raise ValueError(f"unknown aggregation {method!r}")


# ---------------------------------------------------------------- targets


@dataclass(frozen=True)
class TargetRule:
    op: str
    low: Decimal | None = None
    high: Decimal | None = None
    text: str = ""

    @property
    def bound(self) -> Decimal | None:
        return self.low if self.low is not None else self.high

    @property
    def numeric(self) -> bool:
        return self.op != "text" and self.bound is not None


def satisfies(target: TargetRule, actual: Decimal, *, decreasing: bool = False) -> bool:
    """Whether `actual` meets the target's op (`maintain` keeps the level in the indicator's direction)."""
    bound = target.bound
    if target.op == ">=":
        return actual >= bound
    if target.op == ">":
        return actual > bound
    if target.op == "<=":
        return actual <= bound
    if target.op == "<":
        return actual < bound
    if target.op == "=":
        return actual == bound
    if target.op == "range":
        return target.low <= actual <= target.high
    if target.op == "maintain":
        return actual <= bound if decreasing else actual >= bound
    raise ValueError(f"no numeric rule for op {target.op!r}")


def _desired_sign(target: TargetRule, previous: Decimal, *, decreasing: bool) -> int:
    """+1 when progress means going up, −1 going down."""
    if target.op in {">=", ">"}:
        return 1
    if target.op in {"<=", "<"}:
        return -1
    if target.op == "range":
        return 1 if previous < target.low else -1
    return -1 if decreasing else 1


def _aim(target: TargetRule, previous: Decimal, *, decreasing: bool) -> Decimal:
    """The number the year aims at: for a range, its nearer end."""
    if target.op == "range":
        return target.low if previous < target.low else target.high
    return target.bound


def _op_symbol(target: TargetRule, *, met: bool, decreasing: bool) -> str:
    symbols = {">=": ("≥", "<"), ">": (">", "≤"), "<=": ("≤", ">"), "<": ("<", "≥"), "=": ("=", "≠"),
               "maintain": (("≤", ">") if decreasing else ("≥", "<"))}
    if target.op == "range":
        return _("trong khoảng") if met else _("ngoài khoảng")
    return symbols[target.op][0 if met else 1]


def _target_words(target: TargetRule, unit: str) -> str:
    if target.op == "range":
        return f"{fmt(target.low)}–{fmt(target.high)}{unit}"
    return f"{fmt(target.bound)}{unit}"


def fmt(value: Decimal | None, decimals: int = 2) -> str:
    """Vietnamese figure for an explanation: at most two decimals, trailing zeros dropped."""
    if value is None:
        return "—"
    return format_number(Decimal(value).quantize(Decimal(1).scaleb(-decimals)).normalize())


def _unit_suffix(unit: str) -> str:
    return unit if unit == "%" else (f" {unit}" if unit else "")


# ---------------------------------------------------------------- status for a year


@dataclass(frozen=True)
class YearInput:
    year: int
    as_of: date
    target: TargetRule | None
    actual: Decimal | None
    previous: Decimal | None = None
    last_value_on: date | None = None
    last_order: int = 0
    cumulative: bool = True
    decreasing: bool = False
    milestone_state: str = ""
    unit: str = ""


@dataclass(frozen=True)
class YearStatus:
    status: Status
    explanation: str
    expected: Decimal | None = None
    ratio: Decimal | None = None
    percent_of_target: Decimal | None = None


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarters_ended(year: int, as_of: date) -> int:
    """How many quarters of `year` have ended on `as_of` (0–4)."""
    if as_of.year < year:
        return 0
    if as_of.year > year:
        return 4
    quarter = quarter_of(as_of)
    last_month = quarter * 3
    quarter_end = date(year, last_month, calendar.monthrange(year, last_month)[1])
    return quarter if as_of >= quarter_end else quarter - 1


def is_stale(last_value_on: date | None, as_of: date) -> bool:
    """The latest value describes a quarter more than two quarters before the quarter of `as_of`."""
    if last_value_on is None:
        return False
    then = last_value_on.year * 4 + quarter_of(last_value_on)
    now = as_of.year * 4 + quarter_of(as_of)
    return now - then > 2


def percent_of_target(actual: Decimal | None, target: TargetRule | None, *, decreasing: bool) -> Decimal | None:
    """Actual as a share of the target (for lower-is-better, target ÷ actual), ×100."""
    if actual is None or target is None or not target.numeric:
        return None
    bound = target.bound
    try:
        share = (bound / actual if decreasing else actual / bound) * HUNDRED
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        return None
    return share.quantize(Decimal("0.01"))


def year_status(data: YearInput) -> YearStatus:
    """Status of one indicator for one year, with a one-line Vietnamese explanation."""
    year_over = data.as_of.year > data.year
    target = data.target
    if target is not None and not target.numeric:
        return _milestone_status(data, year_over)
    if data.actual is None:
        if data.milestone_state:
            return _milestone_status(data, year_over)
        return YearStatus(Status.NO_DATA, _("Chưa có số liệu được duyệt cho năm %(year)s") % {"year": data.year})
    unit = _unit_suffix(data.unit)
    actual_words = f"{fmt(data.actual)}{unit}"
    if target is None:
        return YearStatus(Status.NO_DATA, _("Thực tế %(actual)s; chưa có mục tiêu năm %(year)s")
                          % {"actual": actual_words, "year": data.year})
    share = percent_of_target(data.actual, target, decreasing=data.decreasing)
    met = satisfies(target, data.actual, decreasing=data.decreasing)
    symbol = _op_symbol(target, met=met, decreasing=data.decreasing)
    comparison = _("Thực tế %(actual)s %(symbol)s mục tiêu %(target)s") % {
        "actual": actual_words, "symbol": symbol, "target": _target_words(target, unit)}
    if year_over:
        status = Status.ACHIEVED if met else Status.NOT_ACHIEVED
        return YearStatus(status, f"{comparison} → {label(status)}", percent_of_target=share)
    if is_stale(data.last_value_on, data.as_of):
        return YearStatus(Status.STALE, _("Số liệu gần nhất là của ngày %(day)s, cũ hơn hai kỳ báo cáo → %(label)s")
                          % {"day": data.last_value_on.strftime("%d/%m/%Y"), "label": label(Status.STALE)},
                          percent_of_target=share)
    if met:
        return YearStatus(Status.ON_TRACK, _("%(comparison)s: đã đạt mục tiêu năm → %(label)s")
                          % {"comparison": comparison, "label": label(Status.ON_TRACK)}, percent_of_target=share)
    return _in_year_status(data, share)


def _in_year_status(data: YearInput, share: Decimal | None) -> YearStatus:
    target, unit = data.target, _unit_suffix(data.unit)
    start = Decimal(0) if not data.cumulative else data.previous
    if start is None:
        start = Decimal(0)
    aim = _aim(target, start, decreasing=data.decreasing)
    quarters = min(4, max(data.last_order if data.last_order <= 4 else 4, quarters_ended(data.year, data.as_of)))
    quarters = max(quarters, 1)
    expected = start + (aim - start) * Decimal(quarters) / 4
    sign = _desired_sign(target, start, decreasing=data.decreasing)
    words = {"q": quarters, "actual": f"{fmt(data.actual)}{unit}", "expected": f"{fmt(expected)}{unit}"}
    if (aim - start) * sign <= 0:
        # The starting point already met the aim but the actual no longer does: it went backwards.
        return YearStatus(Status.OFF_TRACK,
                          _("Quý %(q)s: thực tế %(actual)s kém hơn mức xuất phát %(start)s → %(label)s")
                          % {**words, "start": f"{fmt(start)}{unit}", "label": label(Status.OFF_TRACK)},
                          expected=expected, percent_of_target=share)
    ratio = (data.actual - start) / (expected - start)
    if ratio >= ON_TRACK_RATIO:
        status = Status.ON_TRACK
    elif ratio >= AT_RISK_RATIO:
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    thresholds = {Status.ON_TRACK: "≥ 0,95", Status.AT_RISK: "từ 0,75 đến dưới 0,95", Status.OFF_TRACK: "< 0,75"}
    explanation = _("Quý %(q)s: thực tế %(actual)s so với kỳ vọng %(expected)s, r = %(r)s %(band)s → %(label)s") % {
        **words, "r": fmt(ratio), "band": thresholds[status], "label": label(status)}
    return YearStatus(status, explanation, expected=expected, ratio=ratio, percent_of_target=share)


def _milestone_status(data: YearInput, year_over: bool) -> YearStatus:
    state = data.milestone_state
    if not state:
        return YearStatus(Status.NO_DATA, _("Chưa có đánh giá mốc được duyệt cho năm %(year)s") % {"year": data.year})
    if year_over:
        status = Status.ACHIEVED if state == "completed" else Status.NOT_ACHIEVED
    else:
        status = MILESTONE_IN_YEAR.get(state, Status.NO_DATA)
    target_text = data.target.text if data.target is not None and data.target.text else ""
    words = {"state": str(MILESTONE_LABELS.get(state, state)), "label": label(status)}
    if target_text:
        return YearStatus(status, _("Mục tiêu “%(target)s”: đánh giá được duyệt “%(state)s” → %(label)s")
                          % {**words, "target": target_text[:80]})
    return YearStatus(status, _("Đánh giá được duyệt “%(state)s” → %(label)s") % words)


# ---------------------------------------------------------------- trajectory (Open SDG)


@dataclass(frozen=True)
class TrajectoryResult:
    trajectory: Trajectory
    ratio: Decimal | None
    explanation: str


def trajectory(*, base: Decimal | None, base_year: int | None, current: Decimal | None, current_year: int | None,
               final_target: TargetRule | None, final_year: int, decreasing: bool = False) -> TrajectoryResult | None:
    """Open SDG progress towards the plan's final target; None when it cannot be assessed."""
    if (base is None or current is None or base_year is None or current_year is None or final_target is None
            or not final_target.numeric or current_year <= base_year or final_year <= base_year):
        return None
    if satisfies(final_target, current, decreasing=decreasing):
        return TrajectoryResult(Trajectory.SUBSTANTIAL, None,
                                _("Đã đạt mục tiêu năm %(year)s → %(label)s")
                                % {"year": final_year, "label": label(Trajectory.SUBSTANTIAL)})
    aim = _aim(final_target, base, decreasing=decreasing)
    values = [base, current, aim]
    direction = -1 if decreasing or final_target.op in {"<=", "<"} else 1
    if all(v <= 0 for v in values):
        direction = -direction
        values = [-v for v in values]
    elif any(v < 0 for v in values):
        return None
    y0, yi, yt = (v if v != 0 else OPEN_SDG_ZERO for v in values)
    # Growth rates are a model, not money: floats (20× faster than Decimal powers) are precise enough.
    observed = Decimal(repr(math.pow(float(yi / y0), 1 / (current_year - base_year)) - 1))
    required = Decimal(repr(math.pow(float(yt / y0), 1 / (final_year - base_year)) - 1))
    if required == 0:
        return None
    ratio = direction * observed / abs(required)
    if ratio >= ON_TRACK_RATIO:
        kind = Trajectory.SUBSTANTIAL
    elif ratio >= Decimal("0.6"):
        kind = Trajectory.MODERATE
    elif ratio >= 0:
        kind = Trajectory.LIMITED
    else:
        kind = Trajectory.DETERIORATION
    explanation = _("Tăng trưởng bình quân %(observed)s%%/năm so với mức cần %(required)s%%/năm để đạt mục tiêu "
                    "năm %(year)s (tỷ số %(ratio)s) → %(label)s") % {
        "observed": fmt(observed * HUNDRED), "required": fmt(required * HUNDRED), "year": final_year,
        "ratio": fmt(ratio), "label": label(kind)}
    return TrajectoryResult(kind, ratio, explanation)


# ---------------------------------------------------------------- tasks


@dataclass(frozen=True)
class TaskInput:
    as_of: date
    deadline_kind: str
    due_date: date | None = None
    start_date: date | None = None
    reported_status: str = ""
    progress: Decimal | None = None


@dataclass(frozen=True)
class TaskResult:
    status: TaskStatus
    explanation: str


def task_status(data: TaskInput) -> TaskResult:
    """`completed`, `ongoing` (Thường xuyên, never overdue), `overdue`, `at_risk`, `in_progress`, `not_started`."""
    progress_words = f" ({fmt(data.progress)}%)" if data.progress is not None else ""
    if data.reported_status == "completed" or (data.progress is not None and data.progress >= HUNDRED):
        return TaskResult(TaskStatus.COMPLETED, _("Đơn vị báo cáo đã hoàn thành → %(label)s")
                          % {"label": label(TaskStatus.COMPLETED)})
    if data.deadline_kind in {"ongoing", "recurring"} or data.reported_status == "ongoing":
        return TaskResult(TaskStatus.ONGOING, _("Nhiệm vụ thường xuyên, thực hiện hằng kỳ%(p)s → %(label)s")
                          % {"p": progress_words, "label": label(TaskStatus.ONGOING)})
    due = data.due_date
    if due is not None and data.as_of > due:
        return TaskResult(TaskStatus.OVERDUE, _("Hạn %(due)s đã qua, chưa hoàn thành%(p)s → %(label)s")
                          % {"due": due.strftime("%d/%m/%Y"), "p": progress_words, "label": label(TaskStatus.OVERDUE)})
    if due is not None and (due - data.as_of).days <= AT_RISK_TASK_DAYS:
        start = data.start_date or date(due.year, 1, 1)
        span = max((due - start).days, 1)
        elapsed = Decimal(min(max((data.as_of - start).days, 0), span)) / span * HUNDRED
        done = data.progress or Decimal(0)
        if done < elapsed:
            return TaskResult(TaskStatus.AT_RISK,
                              _("Còn %(days)s ngày đến hạn %(due)s, tiến độ %(done)s%% thấp hơn thời gian đã qua "
                                "%(elapsed)s%% → %(label)s")
                              % {"days": (due - data.as_of).days, "due": due.strftime("%d/%m/%Y"), "done": fmt(done),
                                 "elapsed": fmt(elapsed, 0), "label": label(TaskStatus.AT_RISK)})
    if data.reported_status == "in_progress" or (data.progress or 0) > 0:
        return TaskResult(TaskStatus.IN_PROGRESS, _("Đơn vị báo cáo đang thực hiện%(p)s → %(label)s")
                          % {"p": progress_words, "label": label(TaskStatus.IN_PROGRESS)})
    return TaskResult(TaskStatus.NOT_STARTED, _("Chưa có báo cáo triển khai → %(label)s")
                      % {"label": label(TaskStatus.NOT_STARTED)})


# ---------------------------------------------------------------- roll-ups


def share_achieved(counts: dict[str, int]) -> Decimal | None:
    """Achieved items over all items (no-data items count: an unreported item is not achieved)."""
    total = sum(counts.values())
    if not total:
        return None
    return (Decimal(counts.get(Status.ACHIEVED, 0)) / total * HUNDRED).quantize(Decimal("0.01"))
