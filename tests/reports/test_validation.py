"""The validation shared by the form, the API, the Excel upload and the admin."""

from decimal import Decimal

import pytest

from reports.services import ReportDataInvalid, report_save, report_submit
from reports.validation import validate_report_data
from tests.reports.factories import IndicatorEntryFactory

pytestmark = pytest.mark.django_db


def errors_for(report, data):
    return validate_report_data(report, data)[1]


def cleaned_entry(report, code, data):
    cleaned, errors = validate_report_data(report, {"indicator_entries": [{"indicator": code, **data}]})
    assert errors == {}
    entry_id = report.indicator_entries.get(indicator__code=code).pk
    return cleaned["indicator_entries"][entry_id]


@pytest.mark.parametrize("typed,expected", [
    ("95,5", Decimal("95.5")), ("95.5", Decimal("95.5")), (95.5, Decimal("95.5")), (90, Decimal(90)),
    ("100%", Decimal(100)), ("", None), (None, None),
])
def test_vietnamese_and_json_numbers(report_a, typed, expected):
    assert cleaned_entry(report_a, "I.1", {"value": typed}) == {"value": expected}


def test_thousands_and_counts(report_b):
    assert cleaned_entry(report_b, "I.4", {"value": "16.861"})["value"] == 16861
    assert errors_for(report_b, {"indicator_entries": [{"indicator": "I.4", "value": "2,5"}]}) == {
        "indicator_entries": {"I.4": {"value": ["Số lượng phải là số nguyên không âm (đã nhập 2,5)."]}}}


def test_not_a_number(report_a):
    assert errors_for(report_a, {"indicator_entries": [{"indicator": "I.1", "value": "khoảng 90"}]}) == {
        "indicator_entries": {"I.1": {"value": [
            "“khoảng 90” không phải là số. Ví dụ cách viết: 95,5 hoặc 16.861."]}}}
    assert "value" in errors_for(report_a, {"indicator_entries": [{"indicator": "I.1", "value": True}]})[
        "indicator_entries"]["I.1"]


def test_percentage_outside_0_100(report_a):
    assert errors_for(report_a, {"indicator_entries": [{"indicator": "I.1", "value": "105"}]}) == {
        "indicator_entries": {"I.1": {"value": ["Tỷ lệ phần trăm phải từ 0 đến 100 (đã nhập 105)."]}}}
    assert "I.1" in errors_for(report_a, {"indicator_entries": [{"indicator": "I.1", "value": "-1"}]})[
        "indicator_entries"]


def test_ratio_indicator_computes_its_percentage(report_a):
    assert cleaned_entry(report_a, "I.2", {"numerator": "1.016", "denominator": "1.095"}) == {
        "numerator": 1016, "denominator": 1095, "value": Decimal("92.785388")}


@pytest.mark.parametrize("data,field,message", [
    ({"numerator": "120", "denominator": "100"}, "numerator", "Tử số (120) không được lớn hơn mẫu số (100)."),
    ({"numerator": "0", "denominator": "0"}, "denominator", "Mẫu số phải lớn hơn 0."),
    ({"numerator": "5"}, "denominator", "Nhập cả tử số và mẫu số."),
    ({"value": "50"}, "value", "Chỉ tiêu tỷ lệ: nhập tử số và mẫu số, hệ thống tự tính tỷ lệ."),
])
def test_ratio_rules(report_a, data, field, message):
    assert errors_for(report_a, {"indicator_entries": [{"indicator": "I.2", **data}]}) == {
        "indicator_entries": {"I.2": {field: [message]}}}


def test_non_ratio_refuses_a_fraction(report_a):
    errors = errors_for(report_a, {"indicator_entries": [{"indicator": "I.1", "numerator": 1, "denominator": 2}]})
    assert "không nhập tử số và mẫu số" in errors["indicator_entries"]["I.1"]["numerator"][0]


def test_milestone_states(report_a):
    assert cleaned_entry(report_a, "I.3", {"milestone_state": "in_progress"}) == {"milestone_state": "in_progress"}
    errors = errors_for(report_a, {"indicator_entries": [{"indicator": "I.3", "milestone_state": "done"}]})
    assert errors["indicator_entries"]["I.3"]["milestone_state"] == [
        "Tình trạng không hợp lệ; chọn một trong: Chưa triển khai, Đang triển khai, Hoàn thành."]
    errors = errors_for(report_a, {"indicator_entries": [{"indicator": "I.3", "value": "1"}]})
    assert "không nhập số" in errors["indicator_entries"]["I.3"]["value"][0]
    errors = errors_for(report_a, {"indicator_entries": [{"indicator": "I.1", "milestone_state": "completed"}]})
    assert errors["indicator_entries"]["I.1"]["milestone_state"] == [
        "Chỉ tiêu này nhập số liệu, không chọn tình trạng."]


def test_value_far_from_previous_needs_a_note(world, report_a, agency_a, reporter_a):
    previous = world.plan.periods.get(code="2025-Q4") if world.plan.periods.filter(code="2025-Q4").exists() else None
    assert previous is None  # the plan starts in 2026: make an earlier submitted report by hand
    from tests.reports.factories import AgencyReportFactory, ReportingPeriodFactory

    earlier_period = ReportingPeriodFactory(plan=world.plan, year=2025, quarter=4)
    earlier = AgencyReportFactory(agency=agency_a, period=earlier_period,
                                  first_submitted_at="2025-12-10T08:00:00+07:00")
    IndicatorEntryFactory(report=earlier, indicator=world.indicators["I.1"], value=60)

    errors = errors_for(report_a, {"indicator_entries": [{"indicator": "I.1", "value": "85"}]})
    assert errors["indicator_entries"]["I.1"]["value"] == [
        "Giá trị 85 chênh lệch nhiều so với kỳ trước (60): vui lòng giải trình trong phần ghi chú."]
    assert errors_for(report_a, {"indicator_entries": [{"indicator": "I.1", "value": "75"}]}) == {}
    assert errors_for(report_a, {"indicator_entries": [
        {"indicator": "I.1", "value": "85", "note": "Đưa vào sử dụng trạm BTS mới"}]}) == {}


def test_task_rules(report_a):
    cleaned, errors = validate_report_data(report_a, {"task_entries": [
        {"task": "II.1", "status": "completed", "done": "Đã xong", "next": "Duy trì"}]})
    assert errors == {}
    (changes,) = cleaned["task_entries"].values()
    assert changes == {"status": "completed", "progress": 100, "done": "Đã xong", "next_steps": "Duy trì"}
    for item, field, message in [
        ({"status": "completed", "progress": 80}, "progress", "Nhiệm vụ đã hoàn thành thì tiến độ là 100%."),
        ({"progress": "120"}, "progress", "Tiến độ là số nguyên từ 0 đến 100 (%)."),
        ({"progress": "40,5"}, "progress", "Tiến độ là số nguyên từ 0 đến 100 (%)."),
        ({"status": "xong"}, "status", "Tình trạng không hợp lệ; chọn một trong: Chưa triển khai, "
                                       "Đang triển khai, Hoàn thành, Thực hiện thường xuyên."),
    ]:
        assert errors_for(report_a, {"task_entries": [{"task": "II.1", **item}]}) == {
            "task_entries": {"II.1": {field: [message]}}}
    assert errors_for(report_a, {"task_entries": [{"task": "II.1", "progress": "40%"}]}) == {}


def test_items_not_in_the_report(report_a):
    assert errors_for(report_a, {"indicator_entries": [{"indicator": "I.4", "value": 1}],
                                 "task_entries": [{"task": "II.2", "status": "completed"}]}) == {
        "indicator_entries": {"I.4": {"indicator": ["Chỉ tiêu “I.4” không thuộc báo cáo này."]}},
        "task_entries": {"II.2": {"task": ["Nhiệm vụ “II.2” không thuộc báo cáo này."]}}}


def test_invalid_data_saves_nothing(report_a, reporter_a):
    with pytest.raises(ReportDataInvalid) as caught:
        report_save(report=report_a, user=reporter_a, version=report_a.version, data={
            "narrative": {"achievements": "Giữ lại?"},
            "indicator_entries": [{"indicator": "I.1", "value": "95,5"}, {"indicator": "I.2", "numerator": "abc"}]})
    assert set(caught.value.errors["indicator_entries"]) == {"I.2"}
    report_a.refresh_from_db()
    assert report_a.achievements == ""
    assert report_a.version == 1
    assert report_a.indicator_entries.get(indicator__code="I.1").value is None


def test_partial_update_keeps_the_rest(report_a, reporter_a):
    report_save(report=report_a, user=reporter_a, version=1, data={
        "indicator_entries": [{"indicator": "I.2", "numerator": "40", "denominator": "50", "note": "Nguồn: Sở"}]})
    report_save(report=report_a, user=reporter_a, version=2, data={
        "indicator_entries": [{"indicator": "I.2", "numerator": "45"}]})
    entry = report_a.indicator_entries.get(indicator__code="I.2")
    assert (entry.numerator, entry.denominator, entry.value, entry.note) == (45, 50, 90, "Nguồn: Sở")
    report_submit(report=report_a, user=reporter_a)


def test_dict_shaped_entries_and_flat_narrative(report_a):
    cleaned, errors = validate_report_data(report_a, {"indicator_entries": {"I.1": {"value": "50"}},
                                                      "difficulties": "Thiếu kinh phí"})
    assert errors == {}
    assert cleaned["report"] == {"difficulties": "Thiếu kinh phí"}
    assert list(cleaned["indicator_entries"].values()) == [{"value": Decimal(50)}]
    assert errors_for(report_a, {"indicator_entries": "I.1=50"}) == {
        "indicator_entries": {"non_field_errors": ["Dữ liệu phải là danh sách các mục."]}}
