"""Bulk values from a spreadsheet (issue 6): both layouts, .xlsx and .csv, all or nothing, idempotent."""

import csv
from decimal import Decimal

import pytest
from openpyxl import Workbook

from agencies.models import Agency
from indicators.models import Indicator
from reports.bulk_values import RowStatus, values_import
from reports.models import AgencyReport, IndicatorEntry, ReportEvent
from reports.services import ReportNotAllowed, expected_reports_create
from reports.values_file import LONG, WIDE, BulkFileError, read_values_file
from tests.factories import AgencyFactory, IndicatorFactory

pytestmark = pytest.mark.django_db

LONG_HEADER = ["STT", "Cơ quan/Đơn vị", "Mã chỉ tiêu", "Giá trị", "Tử số", "Mẫu số", "Ghi chú", "Nguồn"]
LONG_ROWS = [
    ["1", "Sở Y tế", "I.1", "95,5", "", "", "", "Sở Y tế"],
    ["2", "SYT", "I.2", "", "1.016", "1.095", "", ""],
    ["3", "UBND phường Cao Lãnh", "I.4", "16.861", "", "", "", ""],
    ["4", "UBND xã Mỹ An", "Tỷ lệ phủ sóng 5G", "87", "", "", "", "Cục Viễn thông"],
]


@pytest.fixture
def commune_world(world, province, agency_b):
    return add_communes(world, province, agency_b)


def add_communes(world, province, agency_b):
    """Adds a second commune and a 5G coverage indicator both communes report (the wide layout's case)."""
    my_an = AgencyFactory(province=province, name="UBND xã Mỹ An", kind=Agency.Kind.COMMUNE)
    coverage = IndicatorFactory(plan=world.plan, code="I.5", order=10, name="Tỷ lệ phủ sóng 5G",
                                value_type=Indicator.ValueType.PERCENT)
    coverage.lead_agencies.add(agency_b, my_an)
    world.indicators["I.4"].lead_agencies.add(my_an)
    expected_reports_create(period=world.period())
    world.my_an = my_an
    return world


def write_xlsx(path, rows, title_rows=()):
    workbook = Workbook()
    sheet = workbook.active
    for row in [*title_rows, *rows]:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


def entry(world, agency, code):
    return IndicatorEntry.objects.get(report=world.report(agency), indicator__code=code)


def run(world, staff, path, **kwargs):
    sheet = read_values_file(path)
    return sheet, values_import(plan=world.plan, period=world.period(), rows=sheet.rows, user=staff,
                                source_reference=kwargs.pop("source", "Công văn số 123/STTTT-BCVT ngày 05/10/2026"),
                                **kwargs)


def snapshot():
    return (list(IndicatorEntry.objects.order_by("pk").values_list("value", "numerator", "denominator", "note")),
            list(AgencyReport.objects.order_by("pk").values_list("version", "source_reference")),
            ReportEvent.objects.count(), IndicatorEntry.history.count())


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_long_layout_writes_every_value_on_behalf(commune_world, staff, agency_a, agency_b, tmp_path, suffix):
    rows = [LONG_HEADER, *LONG_ROWS]
    path = write_xlsx(tmp_path / "long.xlsx", rows, [["BIỂU TỔNG HỢP SỐ LIỆU QUÝ I/2026"]]) if suffix == ".xlsx" \
        else write_csv(tmp_path / "long.csv", rows)
    sheet, outcome = run(commune_world, staff, path)

    assert sheet.layout == LONG
    assert outcome.ok, [r.describe() for r in outcome.rows]
    assert [r.status for r in outcome.rows] == [RowStatus.NEW] * 4
    assert entry(commune_world, agency_a, "I.1").value == Decimal("95.5")
    ratio = entry(commune_world, agency_a, "I.2")
    assert (ratio.numerator, ratio.denominator, ratio.value) == (1016, 1095, Decimal("92.785388"))
    assert entry(commune_world, agency_b, "I.4").value == 16861
    coverage = entry(commune_world, commune_world.my_an, "I.5")
    assert (coverage.value, coverage.source) == (87, "Cục Viễn thông")
    report = commune_world.report(agency_a)
    assert report.entered_on_behalf and report.entered_by == staff
    assert report.source_reference == "Công văn số 123/STTTT-BCVT ngày 05/10/2026"
    assert report.status == AgencyReport.Status.DRAFT
    assert list(report.events.values_list("action", "actor")) == [(ReportEvent.Action.ENTERED_ON_BEHALF, staff.pk)]
    assert entry(commune_world, agency_a, "I.1").history.first().history_user == staff
    assert outcome.reports_written == 3


WIDE_ROWS = [
    ["TT", "Cơ quan/Đơn vị", "I.4", "Tỷ lệ phủ sóng 5G", "Nguồn"],
    ["1", "UBND phường Cao Lãnh", "120", "95,5", "Cục Viễn thông"],
    ["2", "UBND xã Mỹ An", "80", "", "Cục Viễn thông"],
]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_wide_layout_one_column_per_indicator(commune_world, staff, agency_b, tmp_path, suffix):
    path = write_xlsx(tmp_path / "wide.xlsx", WIDE_ROWS) if suffix == ".xlsx" else write_csv(tmp_path / "w.csv", WIDE_ROWS)
    sheet, outcome = run(commune_world, staff, path)

    assert sheet.layout == WIDE
    assert outcome.ok, [r.describe() for r in outcome.rows]
    assert [(r.row.row_number, r.indicator_code, r.shown_value) for r in outcome.rows] == [
        (2, "I.4", "120"), (2, "I.5", "95,5"), (3, "I.4", "80")]
    assert entry(commune_world, agency_b, "I.5").value == Decimal("95.5")
    assert entry(commune_world, agency_b, "I.5").source == "Cục Viễn thông"
    assert entry(commune_world, commune_world.my_an, "I.4").value == 80
    assert entry(commune_world, commune_world.my_an, "I.5").value is None  # empty cell: left alone


@pytest.mark.parametrize("layout,suffix", [("long", ".xlsx"), ("long", ".csv"), ("wide", ".xlsx"), ("wide", ".csv")])
def test_one_bad_row_writes_nothing_and_names_the_row(commune_world, staff, tmp_path, layout, suffix):
    if layout == "long":
        rows = [LONG_HEADER, *LONG_ROWS, ["5", "Sở Y khoa", "I.1", "90", "", "", "", ""]]
        bad_row, expected = 6, "Không tìm thấy cơ quan “Sở Y khoa”. Có phải: "
    else:
        rows = [*WIDE_ROWS, ["3", "UBND xã Mỹ An", "", "105", ""]]
        bad_row, expected = 4, "Tỷ lệ phần trăm phải từ 0 đến 100 (đã nhập 105)."
    path = write_xlsx(tmp_path / f"f{suffix}", rows) if suffix == ".xlsx" else write_csv(tmp_path / f"f{suffix}", rows)
    before = snapshot()

    _sheet, outcome = run(commune_world, staff, path)

    assert not outcome.ok
    assert snapshot() == before
    [bad] = outcome.error_rows
    assert bad.row.row_number == bad_row
    assert expected in bad.describe()
    assert layout == "wide" or "Sở Y tế" in bad.describe()  # the closest names are offered
    assert bad.describe().startswith(f"Dòng {bad_row}")
    assert "chưa ghi gì" in outcome.summary


def test_same_file_twice_writes_nothing_the_second_time(commune_world, staff, tmp_path):
    path = write_xlsx(tmp_path / "long.xlsx", [LONG_HEADER, *LONG_ROWS])
    run(commune_world, staff, path)
    before = snapshot()

    _sheet, outcome = run(commune_world, staff, path)

    assert outcome.ok
    assert [r.status for r in outcome.rows] == [RowStatus.UNCHANGED] * 4
    assert outcome.reports_written == 0
    assert snapshot() == before
    assert IndicatorEntry.objects.filter(report__period=commune_world.period(), indicator__code="I.1").count() == 1


def test_changed_value_is_reported_and_rewritten(commune_world, staff, agency_a, tmp_path):
    run(commune_world, staff, write_csv(tmp_path / "a.csv", [LONG_HEADER, LONG_ROWS[0]]))
    changed = [LONG_HEADER, ["1", "Sở Y tế", "I.1", "96", "", "", "", ""]]
    _sheet, outcome = run(commune_world, staff, write_csv(tmp_path / "b.csv", changed))
    assert [r.status for r in outcome.rows] == [RowStatus.CHANGED]
    assert entry(commune_world, agency_a, "I.1").value == 96


def test_dry_run_previews_without_writing(commune_world, staff, tmp_path):
    before = snapshot()
    _sheet, outcome = run(commune_world, staff, write_csv(tmp_path / "a.csv", [LONG_HEADER, *LONG_ROWS]), dry_run=True)
    assert outcome.ok and outcome.dry_run
    assert [r.status for r in outcome.rows] == [RowStatus.NEW] * 4
    assert snapshot() == before


def test_row_level_errors_are_specific(commune_world, staff, tmp_path):
    rows = [LONG_HEADER,
            ["1", "Sở Y tế", "I.9", "5", "", "", "", ""],  # no such indicator
            ["2", "Sở Y tế", "Tỷ lệ phủ sóng", "5", "", "", "", ""],  # name close to I.5
            ["3", "Sở Y tế", "I.1", "khoảng 90", "", "", "", ""],  # not a number
            ["4", "Sở Y tế", "I.4", "5", "", "", "", ""],  # not assigned to this agency
            ["5", "Sở Y tế", "I.3", "Hoàn thành", "", "", "", ""],  # milestone by label: fine
            ["6", "SYT", "I.3", "Xong", "", "", "", ""],  # duplicate of row 6
            ["7", "Sở Y tế", "I.2", "", "120", "100", "", ""]]  # numerator > denominator
    _sheet, outcome = run(commune_world, staff, write_csv(tmp_path / "a.csv", rows))
    lines = [r.describe() for r in outcome.rows]
    assert "Không tìm thấy chỉ tiêu “I.9” trong kế hoạch." in lines[0]
    assert "Có phải: I.5 Tỷ lệ phủ sóng 5G" in lines[1]
    assert "“khoảng 90” không phải là số. Ví dụ cách viết: 95,5 hoặc 16.861." in lines[2]
    assert "Sở Y tế không được giao báo cáo chỉ tiêu I.4 trong kỳ Quý 1/2026." in lines[3]
    assert outcome.rows[4].status == RowStatus.NEW and outcome.rows[4].shown_value == "Hoàn thành"
    assert "Trùng với Dòng 6" in lines[5]
    assert "Tử số (120) không được lớn hơn mẫu số (100)." in lines[6]


def test_staff_of_another_province_may_not_import(commune_world, other_staff, tmp_path):
    sheet = read_values_file(write_csv(tmp_path / "a.csv", [LONG_HEADER, *LONG_ROWS]))
    with pytest.raises(ReportNotAllowed):
        values_import(plan=commune_world.plan, period=commune_world.period(), rows=sheet.rows, user=other_staff)


def test_reporter_may_not_import(commune_world, reporter_a, tmp_path):
    sheet = read_values_file(write_csv(tmp_path / "a.csv", [LONG_HEADER, *LONG_ROWS]))
    with pytest.raises(ReportNotAllowed):
        values_import(plan=commune_world.plan, period=commune_world.period(), rows=sheet.rows, user=reporter_a)


def test_approved_report_is_not_overwritten(commune_world, staff, agency_a, tmp_path):
    from reports.services import report_approve, report_submit

    run(commune_world, staff, write_csv(tmp_path / "a.csv", [LONG_HEADER, LONG_ROWS[0]]))
    report = commune_world.report(agency_a)
    report_submit(report=report, user=staff)
    report_approve(report=report, user=staff)
    _sheet, outcome = run(commune_world, staff,
                          write_csv(tmp_path / "b.csv", [LONG_HEADER, ["1", "Sở Y tế", "I.1", "80", "", "", "", ""]]))
    assert not outcome.ok
    assert "đang ở trạng thái “Đã duyệt”" in outcome.rows[0].describe()
    assert entry(commune_world, agency_a, "I.1").value == Decimal("95.5")


def test_unrecognised_file(tmp_path):
    with pytest.raises(BulkFileError, match="Cơ quan/Đơn vị"):
        read_values_file(write_csv(tmp_path / "a.csv", [["Tên", "Số"], ["x", "1"]]))
    with pytest.raises(BulkFileError, match=".xlsx hoặc .csv"):
        read_values_file(tmp_path / "a.docx")


def test_wide_layout_ratio_and_milestone_cells(commune_world, staff, agency_a, tmp_path):
    rows = [["Cơ quan/Đơn vị", "I.2", "I.3", "Ghi chú"],
            ["Sở Y tế", "1.016/1.095", "Hoàn thành", "Theo Công văn 45/SYT"]]
    _sheet, outcome = run(commune_world, staff, write_xlsx(tmp_path / "w.xlsx", rows))
    assert outcome.ok, [r.describe() for r in outcome.rows]
    ratio = entry(commune_world, agency_a, "I.2")
    assert (ratio.numerator, ratio.denominator, ratio.note) == (1016, 1095, "Theo Công văn 45/SYT")
    assert entry(commune_world, agency_a, "I.3").milestone_state == IndicatorEntry.MilestoneState.COMPLETED
    assert [r.shown_value for r in outcome.rows] == ["1.016/1.095 = 92,79", "Hoàn thành"]


def test_wide_summary_counts_rows_of_the_file_not_cells(commune_world, staff, tmp_path):
    """An unknown agency in a wide sheet fails every value of its row; the summary still names one row."""
    rows = [*WIDE_ROWS, ["3", "UBND xã Không Có", "70", "90", ""]]
    _sheet, outcome = run(commune_world, staff, write_xlsx(tmp_path / "wide.xlsx", rows))

    assert len(outcome.error_rows) == 2  # both values of row 4
    assert outcome.summary.startswith("1 dòng lỗi (2 giá trị): chưa ghi gì")


def test_wide_header_may_carry_the_unit(commune_world, staff, agency_b, tmp_path):
    """Departments head a column "Tên chỉ tiêu (đơn vị tính)", as the plan's tables do."""
    Indicator.objects.filter(plan=commune_world.plan, code="I.5").update(unit="% dân số")
    rows = [["TT", "Cơ quan/Đơn vị", "Tỷ lệ phủ sóng 5G (% dân số)"], ["1", "UBND phường Cao Lãnh", "95,5"]]
    _sheet, outcome = run(commune_world, staff, write_xlsx(tmp_path / "wide.xlsx", rows))

    assert outcome.ok, [r.describe() for r in outcome.rows]
    assert entry(commune_world, agency_b, "I.5").value == Decimal("95.5")
