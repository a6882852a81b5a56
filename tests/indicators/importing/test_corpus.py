"""The import corpus (fixtures/import_corpus, written by make_corpus.py): plans laid out as other provinces and
ministries lay them out. Each imports with the counts expected, and a few rows are checked cell by cell."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from agencies.models import Agency
from indicators.importing.service import PlanOverrides, plan_import, plan_import_table
from indicators.models import Indicator
from plans.models import Plan, Task
from tests.factories import ProvinceFactory

pytestmark = pytest.mark.django_db
CORPUS = Path(settings.BASE_DIR) / "fixtures" / "import_corpus"


def counts(report) -> dict[str, int]:
    return {kind: c.created for kind, c in report.counts.items() if c.created}


def targets(indicator: Indicator) -> dict[int, tuple]:
    return {t.year: (t.op, t.low, t.text) for t in indicator.targets.all()}


def messages(report) -> str:
    return "\n".join(w.render() for w in report.warnings)


@pytest.fixture
def lam_dong():
    return ProvinceFactory(name="Lâm Đồng", code="lam-dong")


def test_ministry_action_programme(province):
    source = CORPUS / "01_bo_chuong_trinh_hanh_dong.txt"
    # Signed "Hà Nội, ngày …" by a ministry: that is not the plan's province.
    refused = plan_import(source=source, dry_run=True)
    assert not refused.ok and "Không xác định được tỉnh của kế hoạch" in refused.render()

    report = plan_import(source=source, province=province, create_agencies=True)
    assert report.ok, report.render()
    assert report.plan_kind == "Chương trình hành động"
    assert counts(report) == {"agencies": 11, "plan": 1, "appendices": 2, "tasks": 4, "indicators": 4, "targets": 3}
    plan = Plan.objects.get(code=report.plan_code)
    assert report.plan_code == "dong-thap-phat-trien-ha-tang-so-du-lieu-so-2030"
    assert (plan.number, plan.issued, plan.start_year, plan.end_year) == ("512/CTr-BKHCN", date(2026, 3, 15), 2026, 2030)
    fibre = plan.indicators.get(code="1")
    assert (fibre.unit, targets(fibre)) == ("%", {2030: (">=", Decimal("95"), "≥ 95")})
    later = plan.indicators.get(code="4")  # under "Đến năm 2045": past the plan, kept in the note
    assert targets(later) == {} and "Mục tiêu đến năm 2045: 100" in later.note
    assert "Năm của mục tiêu lấy từ dòng nhóm “đến năm 2030”" in messages(report)
    media = plan.tasks.get(code="2")
    assert {a.name for a in media.coordinating_agencies.all()} == {
        "Đài Truyền hình Việt Nam", "Đài Tiếng nói Việt Nam", "Thông tấn xã Việt Nam"}
    assert media.lead_agencies.get().kind == Agency.Kind.CENTRAL
    payments = plan.tasks.get(code="3")
    assert (payments.deadline_kind, payments.start_date, payments.due_date) == ("ongoing", date(2026, 1, 1), None)
    assert {a.name for a in payments.coordinating_agencies.all()} == {"Bộ Tài chính", "Bộ Công Thương"}
    assert plan.tasks.get(code="1").coordinating_agencies.get().name == "Các bộ, ngành, địa phương"
    assert plan.tasks.get(code="4").due_date == date(2027, 6, 30)  # "T6/2027"


def test_excel_appendix_with_a_merged_title_block(province):
    report = plan_import_table(source=CORPUS / "02_excel_tieu_de_gop.xlsx", plan_code="giao-thong-so",
                               province=province, create_agencies=True,
                               overrides=PlanOverrides(title="Giao thông số", start_year=2026, end_year=2028))
    assert report.ok, report.render()
    # Title, unit line, repeated header, blank rows and the note below are not rows.
    assert counts(report) == {"agencies": 1, "plan": 1, "appendices": 1, "sections": 2, "indicators": 4,
                              "targets": 12}
    cameras = Indicator.objects.get(plan__code="giao-thong-so", code="I.1")
    assert cameras.name == "Tỷ lệ tuyến quốc lộ có camera giám sát"
    assert {y: t[1] for y, t in targets(cameras).items()} == {2026: Decimal("40"), 2027: Decimal("60"),
                                                              2028: Decimal("80")}
    assert cameras.section.title == "GIAO THÔNG THÔNG MINH"
    assert Indicator.objects.get(plan__code="giao-thong-so", code="II.1").section.title == "DỮ LIỆU GIAO THÔNG"
    assert "Chỉ tiêu II.2 không có cơ quan chủ trì" in messages(report)


def test_work_plan_with_start_and_due_columns(province):
    report = plan_import_table(source=CORPUS / "03_ke_hoach_cong_viec.xlsx", plan_code="ioc-2026", province=province,
                               create_agencies=True, overrides=PlanOverrides(title="IOC", start_year=2026,
                                                                             end_year=2026))
    assert report.ok, report.render()
    assert counts(report) == {"agencies": 2, "plan": 1, "appendices": 1, "tasks": 5}
    tasks = {t.code: t for t in Task.objects.filter(plan__code="ioc-2026")}
    assert (tasks["1"].start_date, tasks["1"].due_date) == (date(2026, 2, 1), date(2026, 3, 31))  # Excel dates
    assert (tasks["1.1"].content, tasks["1.1"].due_date) == ("Khảo sát các sở, ngành", date(2026, 2, 28))
    assert (tasks["2"].start_date, tasks["2"].due_date) == (date(2026, 4, 1), date(2026, 6, 30))  # T4 … T6/2026
    assert (tasks["3"].start_date, tasks["3"].due_date) == (date(2026, 7, 1), date(2026, 9, 30))
    assert tasks["3"].expected_result == "Lớp tập huấn"
    assert tasks["4"].lead_agencies.get().name == "Sở Khoa học và Công nghệ"


def test_resolution_whose_appendix_is_a_listing(other_province):
    report = plan_import(source=CORPUS / "04_nghi_quyet_danh_muc.docx", create_agencies=True)
    assert report.ok, report.render()
    assert report.plan_kind == "Nghị quyết"
    assert counts(report) == {"agencies": 2, "plan": 1, "appendices": 1, "sections": 2, "indicators": 3,
                              "targets": 6}
    plan = Plan.objects.get(code=report.plan_code)
    assert report.plan_code.startswith("ca-mau-")
    assert (plan.province, plan.number, plan.start_year, plan.end_year) == (other_province, "07/NQ-HĐND", 2026, 2030)
    assert plan.title == "Về chương trình chuyển đổi số tỉnh Cà Mau giai đoạn 2026 - 2030"
    appendix = plan.appendices.get()
    assert appendix.title == "DANH MỤC CÁC CHỈ TIÊU CHUYỂN ĐỔI SỐ GIAI ĐOẠN 2026 - 2030"
    firms = plan.indicators.get(code="B.1")
    assert (firms.unit, firms.value_type, firms.section.title) == ("Doanh nghiệp", "count", "KINH TẾ SỐ")
    assert {y: t[1] for y, t in targets(firms).items()} == {2026: Decimal("300"), 2030: Decimal("500")}
    assert firms.lead_agencies.get().name == "Sở Khoa học và Công nghệ"  # "Sở KH&CN", created in full


def test_another_provinces_plan_with_its_own_abbreviations(lam_dong):
    report = plan_import(source=CORPUS / "05_tinh_khac_viet_tat.txt", create_agencies=True)
    assert report.ok, report.render()
    assert counts(report) == {"agencies": 9, "plan": 1, "appendices": 1, "sections": 2, "tasks": 8, "indicators": 1,
                              "targets": 1}
    plan = Plan.objects.get(code=report.plan_code)
    assert plan.province == lam_dong and plan.number == "88/KH-UBND"
    tasks = {t.code: t for t in plan.tasks.all()}
    assert tasks["I.2"].lead_agencies.get().name == "Sở Giáo dục và Đào tạo"
    assert {a.name for a in tasks["I.2"].coordinating_agencies.all()} == {"Sở Văn hóa, Thể thao và Du lịch",
                                                                         "Sở Tài chính"}
    assert {a.name for a in tasks["I.1"].coordinating_agencies.all()} == {
        "Sở Khoa học và Công nghệ", "Ủy ban nhân dân các xã, phường"}
    assert Agency.objects.get(province=lam_dong, name="Sở Khoa học và Công nghệ").short_name == "Sở KH&CN"
    assert [(tasks[c].deadline_kind, tasks[c].due_date) for c in ("I.1", "I.2", "II.1", "II.2", "II.3")] == [
        ("month", date(2026, 6, 30)), ("month", date(2026, 9, 30)), ("date", date(2026, 12, 31)),
        ("quarter", date(2027, 6, 30)), ("date", date(2027, 6, 30))]
    # "khi có kinh phí": kept as written, with a warning; no lead agency: a warning too.
    assert (tasks["II.6"].deadline_kind, tasks["II.6"].deadline_text) == ("none", "khi có kinh phí")
    assert "Thời hạn “khi có kinh phí” không đọc được" in messages(report)
    assert "Nhiệm vụ II.6 không có cơ quan chủ trì" in messages(report)
    # The task that is a measure becomes an indicator; the share set aside ("1% - 3% doanh thu") does not.
    assert list(plan.indicators.values_list("code", flat=True)) == ["NV.II.4"]


def test_plan_of_a_merged_province_without_a_period(other_province):
    report = plan_import(source=CORPUS / "06_tinh_da_hop_nhat.txt", create_agencies=True)
    assert report.ok, report.render()
    assert counts(report) == {"agencies": 1, "plan": 1, "appendices": 1, "indicators": 2, "targets": 4}
    plan = Plan.objects.get(code=report.plan_code)
    assert (plan.province, plan.start_year, plan.end_year) == (other_province, 2025, 2026)
    assert "Văn bản là của tỉnh Bạc Liêu, nay đã hợp nhất vào Cà Mau" in messages(report)
    assert "lấy 2025–2026 theo các năm của mục tiêu" in messages(report)
    assert {y: t[1] for y, t in targets(plan.indicators.get(code="2")).items()} == {2025: Decimal("1"),
                                                                                  2026: Decimal("2")}


def test_decision_with_its_task_table_in_the_body(province):
    report = plan_import(source=CORPUS / "07_quyet_dinh_bang_trong_than.docx", create_agencies=True)
    assert report.ok, report.render()
    assert report.plan_kind == "Quyết định"
    assert counts(report) == {"agencies": 1, "plan": 1, "appendices": 1, "tasks": 3}
    plan = Plan.objects.get(code=report.plan_code)
    assert plan.title == "Phê duyệt Đề án số hóa di sản văn hóa giai đoạn 2026 - 2027"
    assert "là bảng nhiệm vụ: được nhập như phụ lục B1" in messages(report)
    tasks = {t.code: t for t in plan.tasks.all()}
    assert (tasks["2"].deadline_kind, tasks["2"].start_date, tasks["2"].due_date) == (
        "year_range", date(2026, 1, 1), date(2027, 12, 31))
    # "Sở VH, TT&DL" and the full name are one agency.
    assert tasks["3"].lead_agencies.get() == tasks["1"].lead_agencies.get()


def test_task_sheet_with_lettered_and_dotted_sections(province):
    report = plan_import_table(source=CORPUS / "08_bang_nhiem_vu_muc.xlsx", plan_code="cchc-2026", province=province,
                               create_agencies=True, overrides=PlanOverrides(title="CCHC", start_year=2026,
                                                                             end_year=2026))
    assert report.ok, report.render()
    assert counts(report) == {"agencies": 4, "plan": 1, "appendices": 1, "sections": 3, "tasks": 4}
    tasks = {t.code: t for t in Task.objects.filter(plan__code="cchc-2026")}
    assert set(tasks) == {"A.I.1.1", "A.I.1.2", "B.1", "B.2"}
    assert tasks["A.I.1.1"].section.path() == ["CẢI CÁCH THỂ CHẾ", "Rà soát văn bản"]
    # The lead cell merged down over two rows: the same agency for both, no warning.
    assert tasks["A.I.1.2"].lead_agencies.get().name == "Sở Tư pháp"
    assert "A.I.1.2 không có cơ quan chủ trì" not in messages(report)
    assert "Nhiệm vụ B.1 không có cơ quan chủ trì" in messages(report)
    assert tasks["B.2"].due_date == date(2026, 12, 31)  # an Excel date left as its serial number


def test_resolution_with_a_roadmap_header_until_2030(province):
    report = plan_import(source=CORPUS / "09_nghi_quyet_den_nam.txt", create_agencies=True)
    assert report.ok, report.render()
    assert counts(report) == {"plan": 1, "appendices": 1, "indicators": 2, "targets": 6}
    plan = Plan.objects.get(code=report.plan_code)
    assert (plan.title, plan.start_year, plan.end_year) == (
        "Về phát triển kinh tế số tỉnh Đồng Tháp đến năm 2030", 2026, 2030)
    assert plan.appendices.get().title == "BIỂU 01: CHỈ TIÊU KINH TẾ SỐ"
    broadband = plan.indicators.get(code="2")
    assert targets(broadband) == {2026: (">=", Decimal("70"), "70"), 2028: (">=", Decimal("80"), "80"),
                                  2030: (">=", Decimal("90"), "≥ 90")}
