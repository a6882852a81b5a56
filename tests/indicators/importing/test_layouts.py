"""Tables however they are drawn: header variants, a single target column, section rows however numbered."""

from decimal import Decimal

import pytest

from indicators.importing.service import PlanOverrides, plan_import_table
from indicators.models import Indicator
from plans.models import Task
from tests.indicators.importing import factories

pytestmark = pytest.mark.django_db
PERIOD = PlanOverrides(title="Kế hoạch thử", start_year=2026, end_year=2030)


def run(tmp_path, directory, rows, **options):
    source = factories.write_text(tmp_path / "bang.txt", rows)
    report = plan_import_table(source=source, plan_code="thu", province=directory, overrides=PERIOD, **options)
    assert report.ok, report.render()
    return report


def test_unit_as_don_vi_and_a_target_column_until_2030(directory, tmp_path):
    report = run(tmp_path, directory, [
        ["TT", "Chỉ tiêu", "Đơn vị", "Chỉ tiêu đến năm 2030", "Cơ quan chủ trì"],
        ["1", "HẠ TẦNG SỐ", "", "", ""],
        ["1.1", "Tỷ lệ hộ có cáp quang", "%", "≥ 95", "Sở KH&CN"],
        ["1.2", "Số điểm Wi-Fi công cộng", "Điểm", "500", "Sở KH&CN"],
    ])
    assert report.counts["indicators"].created == 2 and report.counts["sections"].created == 1
    wifi = Indicator.objects.get(plan__code="thu", code="1.2")
    assert (wifi.unit, wifi.section.title) == ("Điểm", "HẠ TẦNG SỐ")
    assert list(wifi.targets.values_list("year", "low")) == [(2030, Decimal("500"))]


@pytest.mark.parametrize("label", ["Mục tiêu", "Kết quả"])
def test_a_single_target_column_without_a_year_is_the_last_year(directory, tmp_path, label):
    report = run(tmp_path, directory, [
        ["STT", "Chỉ tiêu", "ĐVT", label, "Chủ trì"],
        ["1", "Tỷ lệ hồ sơ trực tuyến", "%", "80", "Sở KH&CN"],
    ])
    indicator = Indicator.objects.get(plan__code="thu", code="1")
    assert list(indicator.targets.values_list("year", "low")) == [(2030, Decimal("80"))]
    assert f"Cột “{label}” không ghi năm: hiểu là mục tiêu năm 2030" in report.render()


def test_years_under_a_roadmap_header_and_a_stray_cell_in_a_section_row(directory, tmp_path):
    run(tmp_path, directory, [
        ["TT", "Chỉ tiêu", "ĐVT", "Lộ trình", "", "Cơ quan chủ trì"],
        ["", "", "", "2026", "2030", ""],
        ["A", "DỮ LIỆU SỐ", "", "", "", "x"],
        ["1", "Số cơ sở dữ liệu dùng chung", "Cơ sở dữ liệu", "5", "12", "Sở KH&CN"],
    ])
    shared = Indicator.objects.get(plan__code="thu", code="1")
    assert shared.section.title == "DỮ LIỆU SỐ"
    assert list(shared.targets.values_list("year", "low")) == [(2026, Decimal("5")), (2030, Decimal("12"))]


def test_title_and_unit_rows_above_the_header_and_notes_below(directory, tmp_path):
    report = run(tmp_path, directory, [
        ["DANH MỤC NHIỆM VỤ NĂM 2026", "", "", ""],
        ["(Đơn vị tính: triệu đồng)", "", "", ""],
        ["TT", "Tên nhiệm vụ", "Đơn vị chủ trì", "Tiến độ"],
        ["1", "Nâng cấp cổng thông tin", "Sở KH&CN", "T9/2026"],
        ["TT", "Tên nhiệm vụ", "Đơn vị chủ trì", "Tiến độ"],
        ["2", "Số hóa hồ sơ lưu trữ", "Sở Nội vụ", "Trước 30/6/2027"],
        ["Ghi chú: tiến độ có thể điều chỉnh.", "", "", ""],
    ])
    assert report.counts["tasks"].created == 2
    portal = Task.objects.get(plan__code="thu", code="1")
    assert (portal.deadline_kind, str(portal.due_date)) == ("month", "2026-09-30")
    assert not Task.objects.filter(plan__code="thu", content__startswith="Ghi chú").exists()
