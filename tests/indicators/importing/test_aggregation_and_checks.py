"""What the importer infers and checks over the whole document: each indicator's aggregation (from who
reports it and its unit, or the "Cách tổng hợp" column), the consistency warnings, and the reporting
deadlines stated in the plan's body."""

import pytest

from indicators.importing.service import PlanOverrides, plan_import, plan_import_table
from indicators.models import Indicator
from plans.models import Plan
from reports.models import DeadlineChange
from tests.indicators.importing import factories
from tests.indicators.importing.conftest import SEED_000, SEED_001, SEED_002

pytestmark = pytest.mark.django_db

HEADER = ["TT", "Chỉ tiêu", "ĐVT", "Hiện trạng năm 2025", "Năm 2026", "Năm 2027", "Năm 2028", "Cơ quan theo dõi"]


def import_rows(tmp_path, directory, rows, header=HEADER):
    path = factories.write_text(tmp_path / "bang.txt", [header, *rows])
    return plan_import_table(source=path, plan_code="thu-nghiem", province=directory,
                             overrides=PlanOverrides(title="Kế hoạch thử nghiệm", start_year=2026, end_year=2028))


def warnings_of(report) -> list[str]:
    return [w.render() for w in report.warnings]


# ---------------------------------------------------------------- aggregation


def test_aggregation_follows_who_reports_and_the_unit(directory, tmp_path):
    report = import_rows(tmp_path, directory, [
        ["1", "Số lượng điểm phát Wi-Fi công cộng", "Điểm", "100", "120", "140", "160", "Các sở, ban, ngành tỉnh"],
        ["2", "Tỷ lệ hồ sơ trực tuyến", "%", "50", "60", "70", "80", "Sở Y tế; Sở Giáo dục và Đào tạo"],
        ["3", "Tỷ lệ phủ sóng 5G", "%", "77", "90", "95", "97", "Sở Khoa học và Công nghệ"],
        ["4", "Tốc độ truy cập trung bình", "Mbps", "70,5", "80", "90", "100", "UBND các xã, phường"],
    ])
    assert report.ok, report.render()
    methods = dict(Indicator.objects.values_list("code", "aggregation"))
    # A group-led count sums; several agencies with a percentage take Σnum/Σden; one agency: its latest value.
    assert methods == {"1": "sum", "2": "ratio", "3": "latest", "4": "mean"}
    rendered = report.render()
    assert "Chỉ tiêu 1: cách tổng hợp “Tổng” (nhóm cơ quan báo cáo" in rendered
    assert "Chỉ tiêu 2: cách tổng hợp “Tỷ lệ (tổng tử số / tổng mẫu số)” (2 cơ quan báo cáo" in rendered
    assert "Chỉ tiêu 4: cách tổng hợp “Trung bình”" in rendered and "cán bộ cần kiểm tra lại" in rendered
    assert "Chỉ tiêu 3: cách tổng hợp" not in rendered


def test_the_cach_tong_hop_column_overrides_the_guess(directory, tmp_path):
    header = [*HEADER, "Cách tổng hợp"]
    report = import_rows(tmp_path, directory, [
        ["1", "Số lượng điểm phát Wi-Fi công cộng", "Điểm", "100", "120", "140", "160", "Các sở, ban, ngành tỉnh",
         "mới nhất"],
        ["2", "Tỷ lệ hồ sơ trực tuyến", "%", "50", "60", "70", "80", "Sở Khoa học và Công nghệ", "tỷ lệ"],
    ], header=header)
    assert report.ok, report.render()
    assert dict(Indicator.objects.values_list("code", "aggregation")) == {"1": "latest", "2": "ratio"}
    assert "cách tổng hợp “" not in report.render()  # nothing guessed


def test_seed_indicators_led_by_groups_are_not_latest(import_seed):
    report = import_seed(SEED_002)
    methods = dict(Indicator.objects.filter(plan__code=report.plan_code).values_list("code", "aggregation"))
    # Led by "Các sở, ban, ngành tỉnh" (and "UBND các xã, phường"), or by two departments: percentages.
    assert {code: methods[code] for code in ("6", "8", "10", "15", "18", "NV.38", "NV.48")} == dict.fromkeys(
        ("6", "8", "10", "15", "18", "NV.38", "NV.48"), "ratio")
    assert methods["5"] == "latest"  # a milestone: nothing to add up
    assert methods["11"] == "latest"  # one agency
    group_led = Indicator.objects.filter(plan__code=report.plan_code, lead_agencies__kind="group").distinct()
    assert sorted(group_led.values_list("code", flat=True)) == ["10", "15", "5", "6", "8", "NV.38"]
    seed_000 = import_seed(SEED_000)
    assert set(Indicator.objects.filter(plan__code=seed_000.plan_code).values_list(
        "aggregation", flat=True)) == {"latest"}  # every row led by Sở KH&CN alone


# ---------------------------------------------------------------- consistency warnings


def test_duplicate_item_number_is_warned_of_not_silently_renumbered(directory, tmp_path):
    report = import_rows(tmp_path, directory, [
        ["1", "Tỷ lệ phủ sóng 5G", "%", "77", "90", "95", "97", "Sở Khoa học và Công nghệ"],
        ["1", "Tỷ lệ hộ có cáp quang", "%", "60", "70", "80", "90", "Sở Khoa học và Công nghệ"],
    ])
    assert report.ok
    assert any("Số thứ tự “1” của chỉ tiêu bị trùng (đã có ở dòng 2): mục này được ghi với mã “1.2”" in w
               for w in warnings_of(report))


def test_two_indicators_with_the_same_name_in_one_appendix(directory, tmp_path):
    report = import_rows(tmp_path, directory, [
        ["1", "Tỷ lệ phủ sóng 5G", "%", "77", "90", "95", "97", "Sở Khoa học và Công nghệ"],
        ["2", "Tỷ lệ  phủ sóng 5G", "%", "77", "90", "95", "97", "Sở Khoa học và Công nghệ"],
    ])
    assert any("Chỉ tiêu 2 trùng tên với chỉ tiêu 1 (dòng 2): “Tỷ lệ phủ sóng 5G”" in w for w in warnings_of(report))


def test_a_project_twice_in_one_appendix(directory, tmp_path):
    header = ["STT", "Tên dự án", "Chủ đầu tư", "Tổng mức đầu tư", "Nguồn vốn", "Thời gian thực hiện"]
    report = import_rows(tmp_path, directory, [
        ["1", "Hệ thống camera giám sát giao thông", "Công an tỉnh", "1.000", "Ngân sách", "2026 - 2027"],
        ["2", "Hệ thống camera giám sát giao thông", "Công an tỉnh", "1.000", "Ngân sách", "2026 - 2027"],
    ], header=header)
    assert report.ok, report.render()
    assert any("Dự án “Hệ thống camera giám sát giao thông” được ghi hai lần trong cùng phụ lục (dòng 2 và dòng 3)"
               in w for w in warnings_of(report))


def test_target_on_the_wrong_side_of_the_baseline(directory, tmp_path):
    report = import_rows(tmp_path, directory, [
        ["1", "Tỷ lệ phủ sóng 5G", "%", "77", "70", "80", "90", "Sở Khoa học và Công nghệ"],
    ])
    assert any("Chỉ tiêu 1: mục tiêu năm 2026 (70) thấp hơn hiện trạng (77) trong khi chỉ tiêu càng cao càng tốt"
               in w for w in warnings_of(report))


def test_a_year_missing_between_two_targets(directory, tmp_path):
    header = ["TT", "Chỉ tiêu", "ĐVT", "Năm 2026", "Năm 2028", "Cơ quan theo dõi"]
    report = import_rows(tmp_path, directory, [
        ["1", "Tỷ lệ phủ sóng 5G", "%", "90", "97", "Sở Khoa học và Công nghệ"],
    ], header=header)
    assert report.ok, report.render()
    assert any("Chỉ tiêu 1: có mục tiêu năm 2026 và năm 2028 nhưng thiếu năm 2027" in w for w in warnings_of(report))


def test_the_seeds_raise_no_new_consistency_warning(import_seed):
    for seed in (SEED_000, SEED_001, SEED_002):
        rendered = "\n".join(warnings_of(import_seed(seed, dry_run=True)))
        for words in ("bị trùng", "trùng tên", "ghi hai lần", "hiện trạng (", "nhưng thiếu năm"):
            assert words not in rendered


# ---------------------------------------------------------------- deadlines in the body


def test_the_annual_deadline_is_read_from_the_body(import_seed):
    report = import_seed(SEED_001)
    assert "[dòng 119] Hạn báo cáo năm đọc từ văn bản: trước ngày 15/12 hằng năm" in report.render()
    plan = Plan.objects.get(code=report.plan_code)
    assert (plan.annual_due_month, plan.annual_due_day, plan.quarterly_due_day) == (12, 15, 20)
    change = DeadlineChange.objects.get(plan=plan)
    assert change.after["annual_due_day"] == 15 and "văn bản" in change.reason


def test_dated_one_off_deadlines_are_not_yearly(directory, tmp_path):
    source = tmp_path / "ke-hoach.txt"
    source.write_text(
        "Số: 1/KH-UBND\nĐồng Tháp, ngày 1 tháng 2 năm 2026\nKẾ HOẠCH\nThử nghiệm năm 2026\n"
        "Các sở gửi kế hoạch về Sở Khoa học và Công nghệ trước ngày 15/4/2026 để báo cáo.\n"
        "Định kỳ 6 tháng, các đơn vị báo cáo kết quả; báo cáo năm trước ngày 10/11.\n"
        "PHỤ LỤC I\nCHỈ TIÊU\n" + "\n".join("\t".join(r) for r in [
            ["TT", "Chỉ tiêu", "ĐVT", "Năm 2026", "Cơ quan theo dõi"],
            ["1", "Tỷ lệ phủ sóng 5G", "%", "90", "Sở Khoa học và Công nghệ"]]), encoding="utf-8")
    report = plan_import(source=source, province=directory)
    assert report.ok, report.render()
    plan = Plan.objects.get(code=report.plan_code)
    assert (plan.annual_due_month, plan.annual_due_day) == (11, 10)
    assert "Văn bản quy định báo cáo định kỳ 6 tháng" in report.render()



def test_a_reimport_keeps_the_aggregation_staff_chose(directory, tmp_path):
    rows = [["1", "Số lượng điểm phát Wi-Fi công cộng", "Điểm", "100", "120", "140", "160", "Các sở, ban, ngành tỉnh"]]
    import_rows(tmp_path, directory, rows)
    Indicator.objects.filter(code="1").update(aggregation="mean")
    report = import_rows(tmp_path, directory, rows)
    assert report.ok
    assert Indicator.objects.get(code="1").aggregation == "mean"
    assert report.counts["indicators"].unchanged == 1
