"""The progress rules of DESIGN.md: pure functions, no database."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.rules import (
    AgencyFigure,
    PeriodValue,
    Status,
    TargetRule,
    TaskInput,
    TaskStatus,
    Trajectory,
    YearInput,
    accumulate_year,
    aggregate,
    is_stale,
    percent_of_target,
    quarters_ended,
    satisfies,
    share_achieved,
    task_status,
    trajectory,
    year_status,
)

GTE_85 = TargetRule(op=">=", low=D(85), text="85%")


def in_year(actual, *, target=GTE_85, previous=D(50), as_of=date(2026, 7, 1), last_order=2, **kwargs):
    return year_status(YearInput(year=2026, as_of=as_of, target=target, actual=actual, previous=previous,
                                 last_value_on=date(2026, 6, 30), last_order=last_order, unit="%", **kwargs))


# ---------------------------------------------------------------- aggregation


class TestAccumulation:
    quarters = [PeriodValue(order=1, value=D(10)), PeriodValue(order=3, value=D(30)), PeriodValue(order=2, value=D(20))]

    def test_stock_takes_the_latest_quarter(self):
        assert accumulate_year(self.quarters, cumulative=True).value == D(30)

    def test_flow_adds_the_quarters(self):
        figure = accumulate_year(self.quarters, cumulative=False)
        assert figure.value == D(60)
        assert figure.last_order == 3

    def test_annual_report_replaces_the_quarters_of_a_flow(self):
        periods = [*self.quarters, PeriodValue(order=5, value=D(65))]
        assert accumulate_year(periods, cumulative=False).value == D(65)
        assert accumulate_year(periods, cumulative=True).value == D(65)

    def test_flow_of_a_ratio_adds_numerators_and_denominators(self):
        periods = [PeriodValue(order=1, numerator=D(1), denominator=D(4)),
                   PeriodValue(order=2, numerator=D(3), denominator=D(4))]
        figure = accumulate_year(periods, cumulative=False)
        assert (figure.numerator, figure.denominator) == (D(4), D(8))

    def test_nothing_reported(self):
        assert accumulate_year([], cumulative=True) == AgencyFigure()


class TestAggregation:
    def test_ratio_is_sum_of_numerators_over_sum_of_denominators_not_mean_of_percentages(self):
        # Agency 1: 1/2 = 50 %, agency 2: 90/100 = 90 %. Mean of percentages = 70 %; the province = 91/102.
        figures = [AgencyFigure(numerator=D(1), denominator=D(2)), AgencyFigure(numerator=D(90), denominator=D(100))]
        result = aggregate("ratio", figures)
        assert result.value.quantize(D("0.01")) == D("89.22")
        assert result.value != D(70)
        assert (result.numerator, result.denominator) == (D(91), D(102))

    def test_ratio_with_zero_denominator_has_no_value(self):
        assert aggregate("ratio", [AgencyFigure(numerator=D(0), denominator=D(0))]).value is None

    def test_sum_and_mean(self):
        figures = [AgencyFigure(value=D(3)), AgencyFigure(value=D(5)), AgencyFigure()]
        assert aggregate("sum", figures).value == D(8)
        assert aggregate("mean", figures).value == D(4)

    def test_latest_takes_the_most_recent_report(self):
        figures = [AgencyFigure(value=D(3), reported_on=date(2026, 9, 30), last_order=3),
                   AgencyFigure(value=D(7), reported_on=date(2026, 6, 30), last_order=2)]
        assert aggregate("latest", figures).value == D(3)

    def test_no_figures(self):
        assert aggregate("sum", []).value is None

    def test_unknown_method(self):
        with pytest.raises(ValueError):
            aggregate("median", [AgencyFigure(value=D(1))])

    @given(st.lists(st.tuples(st.integers(0, 1000), st.integers(1, 1000)), min_size=1, max_size=20))
    def test_ratio_lies_between_the_smallest_and_largest_agency_percentage(self, pairs):
        figures = [AgencyFigure(numerator=D(n), denominator=D(d)) for n, d in pairs]
        percentages = [D(n) / D(d) * 100 for n, d in pairs]
        value = aggregate("ratio", figures).value
        assert min(percentages) - D("1e-20") <= value <= max(percentages) + D("1e-20")


# ---------------------------------------------------------------- targets


class TestSatisfies:
    @pytest.mark.parametrize(("op", "actual", "expected"), [
        (">=", 85, True), (">=", D("84.99"), False), (">", 85, False), (">", D("85.01"), True),
        ("<=", 85, True), ("<=", D("85.01"), False), ("<", 85, False), ("<", 84, True),
        ("=", 85, True), ("=", 86, False), ("maintain", 85, True), ("maintain", 84, False),
    ])
    def test_every_op(self, op, actual, expected):
        assert satisfies(TargetRule(op=op, low=D(85)), D(actual)) is expected

    @pytest.mark.parametrize(("actual", "expected"), [(15, True), (20, True), (D("14.9"), False), (21, False)])
    def test_range(self, actual, expected):
        assert satisfies(TargetRule(op="range", low=D(15), high=D(20)), D(actual)) is expected

    def test_maintain_on_a_lower_is_better_indicator(self):
        target = TargetRule(op="maintain", low=D(5))
        assert satisfies(target, D(4), decreasing=True)
        assert not satisfies(target, D(6), decreasing=True)

    def test_text_has_no_numeric_rule(self):
        with pytest.raises(ValueError):
            satisfies(TargetRule(op="text", text="Hoàn thành"), D(1))


# ---------------------------------------------------------------- status after the year


class TestAfterYearEnd:
    def test_achieved_with_the_vietnamese_explanation(self):
        result = year_status(YearInput(year=2025, as_of=date(2026, 1, 15), target=GTE_85, actual=D("86.58"), unit="%"))
        assert result.status == Status.ACHIEVED
        assert result.explanation == "Thực tế 86,58% ≥ mục tiêu 85% → Đạt"
        assert result.percent_of_target == D("101.86")

    def test_not_achieved(self):
        result = year_status(YearInput(year=2025, as_of=date(2026, 1, 1), target=TargetRule(op=">=", low=D(90)),
                                       actual=D("62.58"), unit="%"))
        assert result.status == Status.NOT_ACHIEVED
        assert result.explanation == "Thực tế 62,58% < mục tiêu 90% → Chưa đạt"

    def test_exactly_at_the_bound_is_achieved(self):
        result = year_status(YearInput(year=2025, as_of=date(2026, 1, 1), target=GTE_85, actual=D(85)))
        assert result.status == Status.ACHIEVED

    def test_last_day_of_the_year_is_still_in_the_year(self):
        result = year_status(YearInput(year=2025, as_of=date(2025, 12, 31), target=GTE_85, actual=D(60),
                                       previous=D(50), last_value_on=date(2025, 12, 31), last_order=4))
        assert result.status == Status.OFF_TRACK

    def test_lower_is_better(self):
        target = TargetRule(op="<=", low=D(5), text="≤ 5%")
        met = year_status(YearInput(year=2025, as_of=date(2026, 2, 1), target=target, actual=D("4.5"),
                                    decreasing=True, unit="%"))
        missed = year_status(YearInput(year=2025, as_of=date(2026, 2, 1), target=target, actual=D("5.5"),
                                       decreasing=True, unit="%"))
        assert met.status == Status.ACHIEVED and met.explanation == "Thực tế 4,5% ≤ mục tiêu 5% → Đạt"
        assert missed.status == Status.NOT_ACHIEVED and "> mục tiêu 5%" in missed.explanation
        assert met.percent_of_target == D("111.11")

    def test_range_explanation(self):
        result = year_status(YearInput(year=2025, as_of=date(2026, 2, 1), unit="%",
                                       target=TargetRule(op="range", low=D(15), high=D(20)), actual=D(22)))
        assert result.status == Status.NOT_ACHIEVED
        assert result.explanation == "Thực tế 22% ngoài khoảng mục tiêu 15–20% → Chưa đạt"

    def test_thousands_in_the_explanation(self):
        result = year_status(YearInput(year=2025, as_of=date(2026, 2, 1), unit="hồ sơ",
                                       target=TargetRule(op=">=", low=D(16000)), actual=D(16861)))
        assert result.explanation == "Thực tế 16.861 hồ sơ ≥ mục tiêu 16.000 hồ sơ → Đạt"


# ---------------------------------------------------------------- status within the year


class TestWithinYear:
    # P = 50, T = 85; as_of 01/07 → two quarters ended → E = 50 + 35 × 2/4 = 67.5; E − P = 17.5.

    def test_r_exactly_095_is_on_track(self):
        actual = D(50) + D("17.5") * D("0.95")
        result = in_year(actual)
        assert result.status == Status.ON_TRACK
        assert result.ratio == D("0.95")
        assert result.expected == D("67.5")

    def test_just_below_095_is_at_risk(self):
        assert in_year(D(50) + D("17.5") * D("0.9499")).status == Status.AT_RISK

    def test_r_exactly_075_is_at_risk(self):
        result = in_year(D(50) + D("17.5") * D("0.75"))
        assert result.status == Status.AT_RISK
        assert "r = 0,75" in result.explanation

    def test_just_below_075_is_off_track(self):
        assert in_year(D(50) + D("17.5") * D("0.7499")).status == Status.OFF_TRACK

    def test_going_backwards_is_off_track(self):
        assert in_year(D(45)).status == Status.OFF_TRACK

    def test_already_meeting_the_target_is_on_track(self):
        result = in_year(D(90))
        assert result.status == Status.ON_TRACK
        assert "đã đạt mục tiêu năm" in result.explanation

    def test_explanation_names_quarter_expected_and_r(self):
        result = in_year(D(60))
        assert result.explanation == (
            "Quý 2: thực tế 60% so với kỳ vọng 67,5%, r = 0,57 < 0,75 → Chậm tiến độ")

    def test_lower_is_better_progress_is_measured_downwards(self):
        target = TargetRule(op="<=", low=D(10))
        # P = 20, T = 10, two quarters → E = 15; A = 15.5 → r = 4.5/5 = 0.9.
        result = in_year(D("15.5"), target=target, previous=D(20), decreasing=True)
        assert result.status == Status.AT_RISK
        assert result.ratio == D("0.9")
        assert in_year(D(21), target=target, previous=D(20), decreasing=True).status == Status.OFF_TRACK

    def test_flow_starts_the_year_from_zero(self):
        # 120 new accounts by Q2 against 200 for the year: E = 100 → on track, whatever last year's total.
        target = TargetRule(op=">=", low=D(200))
        result = in_year(D(120), target=target, previous=D(190), cumulative=False)
        assert result.status == Status.ON_TRACK
        assert result.expected == D(100)

    def test_a_quarter_ended_without_a_report_still_counts(self):
        # Value describes Q1 but Q3 has ended on 01/10: E = 50 + 35 × 3/4.
        result = in_year(D(60), as_of=date(2026, 10, 1), last_order=1)
        assert result.expected == D("76.25")

    def test_range_aims_at_the_nearer_end(self):
        target = TargetRule(op="range", low=D(15), high=D(20))
        assert in_year(D("12.5"), target=target, previous=D(10)).expected == D("12.5")
        assert in_year(D("12.5"), target=target, previous=D(10)).status == Status.ON_TRACK

    def test_maintain_that_slipped_is_off_track(self):
        target = TargetRule(op="maintain", low=D(100))
        result = in_year(D(99), target=target, previous=D(100))
        assert result.status == Status.OFF_TRACK
        assert "kém hơn mức xuất phát" in result.explanation

    def test_without_previous_value_starts_from_zero(self):
        assert in_year(D(40), previous=None).expected == D("42.5")

    @given(st.decimals(min_value=0, max_value=200, places=2))
    def test_statuses_are_ordered_by_the_actual(self, actual):
        rank = {Status.OFF_TRACK: 0, Status.AT_RISK: 1, Status.ON_TRACK: 2}
        lower = rank[in_year(actual).status]
        higher = rank[in_year(actual + D(1)).status]
        assert lower <= higher


class TestMissingAndStale:
    def test_no_value_is_no_data(self):
        result = in_year(None)
        assert result.status == Status.NO_DATA
        assert result.explanation == "Chưa có số liệu được duyệt cho năm 2026"

    def test_no_target_is_no_data_but_shows_the_actual(self):
        result = in_year(D(10), target=None)
        assert result.status == Status.NO_DATA
        assert "Thực tế 10%" in result.explanation

    def test_older_than_two_periods_is_stale(self):
        result = year_status(YearInput(year=2026, as_of=date(2026, 10, 15), target=GTE_85, actual=D(60),
                                       previous=D(50), last_value_on=date(2026, 3, 31), last_order=1))
        assert result.status == Status.STALE
        assert "31/03/2026" in result.explanation

    def test_two_periods_old_is_not_yet_stale(self):
        assert not is_stale(date(2026, 3, 31), date(2026, 9, 30))
        assert is_stale(date(2026, 3, 31), date(2026, 10, 1))
        assert not is_stale(None, date(2026, 10, 1))

    def test_stale_does_not_apply_after_the_year(self):
        result = year_status(YearInput(year=2026, as_of=date(2027, 6, 1), target=GTE_85, actual=D(90),
                                       last_value_on=date(2026, 3, 31), last_order=1))
        assert result.status == Status.ACHIEVED

    def test_quarters_ended(self):
        assert quarters_ended(2026, date(2025, 12, 31)) == 0
        assert quarters_ended(2026, date(2026, 3, 30)) == 0
        assert quarters_ended(2026, date(2026, 3, 31)) == 1
        assert quarters_ended(2026, date(2026, 12, 31)) == 4
        assert quarters_ended(2026, date(2027, 1, 1)) == 4


class TestMilestones:
    text_target = TargetRule(op="text", text="Hoàn thành")

    @pytest.mark.parametrize(("state", "in_year_status", "after_status"), [
        ("completed", Status.ACHIEVED, Status.ACHIEVED),
        ("in_progress", Status.ON_TRACK, Status.NOT_ACHIEVED),
        ("not_started", Status.AT_RISK, Status.NOT_ACHIEVED),
        ("", Status.NO_DATA, Status.NO_DATA),
    ])
    def test_reviewed_state_sets_the_status(self, state, in_year_status, after_status):
        during = year_status(YearInput(year=2026, as_of=date(2026, 6, 1), target=self.text_target, actual=None,
                                       milestone_state=state))
        after = year_status(YearInput(year=2026, as_of=date(2027, 1, 2), target=self.text_target, actual=None,
                                      milestone_state=state))
        assert (during.status, after.status) == (in_year_status, after_status)

    def test_explanation_quotes_target_and_state(self):
        result = year_status(YearInput(year=2026, as_of=date(2027, 1, 2), target=self.text_target, actual=None,
                                       milestone_state="completed"))
        assert result.explanation == "Mục tiêu “Hoàn thành”: đánh giá được duyệt “Hoàn thành” → Đạt"


def test_percent_of_target():
    assert percent_of_target(D(90), TargetRule(op=">=", low=D(100)), decreasing=False) == D("90.00")
    assert percent_of_target(D(0), TargetRule(op="<=", low=D(5)), decreasing=True) is None
    assert percent_of_target(D(1), TargetRule(op="text"), decreasing=False) is None


# ---------------------------------------------------------------- trajectory


def traj(current, *, base=D(50), final=D(100), op=">=", current_year=2027, decreasing=False):
    return trajectory(base=base, base_year=2025, current=current, current_year=current_year,
                      final_target=TargetRule(op=op, low=final), final_year=2030, decreasing=decreasing)


class TestTrajectory:
    # Required CAGR from 50 to 100 in 5 years = 2^(1/5) − 1 ≈ 14.87 %/year.

    def test_growing_as_required_is_substantial(self):
        required_two_years = D(50) * (D(2) ** (D(2) / 5))
        result = traj(required_two_years)
        assert result.trajectory == Trajectory.SUBSTANTIAL
        assert abs(result.ratio - 1) < D("0.0001")

    @pytest.mark.parametrize(("share", "expected"), [
        (D("0.96"), Trajectory.SUBSTANTIAL), (D("0.94"), Trajectory.MODERATE), (D("0.61"), Trajectory.MODERATE),
        (D("0.59"), Trajectory.LIMITED), (D("0.01"), Trajectory.LIMITED), (D("-0.01"), Trajectory.DETERIORATION)])
    def test_thresholds(self, share, expected):
        required = D(2) ** (D(1) / 5) - 1
        current = D(50) * (1 + required * share) ** 2
        assert traj(current).trajectory == expected

    def test_already_at_the_final_target(self):
        result = traj(D(100))
        assert result.trajectory == Trajectory.SUBSTANTIAL and result.ratio is None

    def test_lower_is_better(self):
        # From 20 down to 10 by 2030; two years later at 22: deterioration; at 15: substantial.
        assert traj(D(22), base=D(20), final=D(10), op="<=", decreasing=True).trajectory == Trajectory.DETERIORATION
        assert traj(D(15), base=D(20), final=D(10), op="<=", decreasing=True).trajectory == Trajectory.SUBSTANTIAL

    def test_zero_base_is_replaced_as_open_sdg_does(self):
        result = traj(D(30), base=D(0), final=D(100))
        assert result is not None
        assert result.trajectory == Trajectory.SUBSTANTIAL

    def test_mixed_signs_cannot_be_assessed(self):
        assert traj(D(5), base=D(-3), final=D(10)) is None

    def test_all_negative_flips_the_direction(self):
        # −10 → −5 is an increase towards a target of −1 ("≥ −1").
        assert traj(D(-5), base=D(-10), final=D(-1)).trajectory in {Trajectory.SUBSTANTIAL, Trajectory.MODERATE}
        assert traj(D(-12), base=D(-10), final=D(-1)).trajectory == Trajectory.DETERIORATION

    def test_needs_two_years(self):
        assert traj(D(60), current_year=2025) is None
        assert trajectory(base=None, base_year=2025, current=D(1), current_year=2026,
                          final_target=TargetRule(op=">=", low=D(2)), final_year=2030) is None


# ---------------------------------------------------------------- tasks


class TestTaskStatus:
    due = date(2026, 12, 31)

    def status(self, as_of, **kwargs):
        kwargs.setdefault("deadline_kind", "year")
        kwargs.setdefault("due_date", self.due)
        kwargs.setdefault("start_date", date(2026, 1, 1))
        return task_status(TaskInput(as_of=as_of, **kwargs))

    def test_completed(self):
        assert self.status(date(2027, 3, 1), reported_status="completed").status == TaskStatus.COMPLETED

    def test_overdue_the_day_after_the_deadline(self):
        assert self.status(date(2026, 12, 31), reported_status="in_progress", progress=D(99)).status \
            == TaskStatus.AT_RISK
        result = self.status(date(2027, 1, 1), reported_status="in_progress", progress=D(80))
        assert result.status == TaskStatus.OVERDUE
        assert result.explanation == "Hạn 31/12/2026 đã qua, chưa hoàn thành (80%) → Quá hạn"

    def test_at_risk_within_30_days_and_behind_time(self):
        result = self.status(date(2026, 12, 1), reported_status="in_progress", progress=D(50))
        assert result.status == TaskStatus.AT_RISK
        assert "Còn 30 ngày" in result.explanation

    def test_not_at_risk_31_days_before(self):
        assert self.status(date(2026, 11, 30), reported_status="in_progress", progress=D(10)).status \
            == TaskStatus.IN_PROGRESS

    def test_not_at_risk_when_progress_keeps_up_with_time(self):
        assert self.status(date(2026, 12, 1), reported_status="in_progress", progress=D(95)).status \
            == TaskStatus.IN_PROGRESS

    def test_ongoing_is_never_overdue(self):
        assert self.status(date(2030, 1, 1), deadline_kind="ongoing", due_date=None).status == TaskStatus.ONGOING

    def test_not_started(self):
        result = self.status(date(2026, 3, 1))
        assert result.status == TaskStatus.NOT_STARTED
        assert result.explanation == "Chưa có báo cáo triển khai → Chưa triển khai"

    def test_progress_100_is_completed(self):
        assert self.status(date(2026, 3, 1), progress=D(100)).status == TaskStatus.COMPLETED


def test_share_achieved():
    assert share_achieved({"achieved": 1, "not_achieved": 2, "no_data": 1}) == D("25.00")
    assert share_achieved({}) is None


def test_latest_with_several_agencies_in_the_newest_period_takes_the_largest():
    figures = [AgencyFigure(value=D(3), last_order=3), AgencyFigure(value=D(9), last_order=3),
               AgencyFigure(value=D(20), last_order=2)]
    assert aggregate("latest", figures).value == D(9)


def test_latest_flow_sums_the_quarters_of_its_agency():
    assert aggregate("latest", [AgencyFigure(value=D(5), last_order=2)], cumulative=False).value == D(5)
