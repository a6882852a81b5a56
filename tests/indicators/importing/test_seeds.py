"""The four seed plans, imported from their text extractions: counts per kind, and rows checked cell by cell."""

from datetime import date
from decimal import Decimal

import pytest

from indicators.models import Indicator, Target
from plans.models import Appendix, Plan, Project, Result, Section, Task
from tests.indicators.importing.conftest import SEED_000, SEED_001, SEED_002, SEED_003

pytestmark = pytest.mark.django_db


def targets_of(indicator: Indicator) -> dict[int, tuple]:
    return {t.year: (t.op, t.low, t.high, t.text) for t in indicator.targets.order_by("year")}


def names(manager) -> set[str]:
    return set(manager.values_list("name", flat=True))


class TestSeed000HaTangSo:
    @pytest.fixture
    def plan(self, import_seed):
        report = import_seed(SEED_000)
        return Plan.objects.get(code=report.plan_code)

    def test_plan_and_counts(self, plan):
        assert plan.title == "Phát triển hạ tầng số trên địa bàn tỉnh Đồng Tháp giai đoạn 2026 - 2030"
        assert (plan.number, plan.issued, plan.start_year, plan.end_year) == ("", None, 2026, 2030)
        assert plan.province.name == "Đồng Tháp"
        assert plan.monitoring_agency.name == "Sở Khoa học và Công nghệ"
        assert list(plan.appendices.values_list("number", "kind")) == [("I", "indicators"), ("II", "tasks")]
        assert plan.indicators.count() == 10
        assert plan.tasks.count() == 22
        assert Target.objects.filter(indicator__plan=plan).count() == 47
        assert Section.objects.filter(plan=plan).count() == 10

    def test_indicator_with_targets_and_agencies(self, plan):
        indicator = plan.indicators.get(code="I.1")
        assert indicator.name == "Tỷ lệ phủ sóng di động 5G cho người dân"
        assert (indicator.unit, indicator.value_type, indicator.direction) == ("% dân số", "percent", "increase")
        assert indicator.section.path() == ["HẠ TẦNG VIỄN THÔNG - INTERNET"]
        assert (indicator.baseline.year, indicator.baseline.value) == (2025, Decimal("77"))
        targets = targets_of(indicator)
        assert targets[2026][:2] == (">=", Decimal("90"))
        assert targets[2030][:2] == (">=", Decimal("100"))
        assert names(indicator.lead_agencies) == {"Sở Khoa học và Công nghệ"}
        assert {"Các sở, ban, ngành tỉnh", "UBND các xã, phường", "Các doanh nghiệp viễn thông"} <= names(
            indicator.coordinating_agencies)

    def test_vietnamese_numbers_in_baselines_and_targets(self, plan):
        domains = plan.indicators.get(code="I.5")
        assert domains.baseline.value == Decimal("16861") and domains.baseline.text == "16.861"
        assert targets_of(domains)[2030][:2] == (">=", Decimal("114570"))
        assert domains.value_type == "count"
        assert plan.indicators.get(code="I.7").baseline.value == Decimal("5.07")
        assert plan.indicators.get(code="IV.1").baseline.value == Decimal("5.45")

    def test_rows_broken_across_pages(self, plan):
        # Line 356 ends "UBND các xã," and the page break carries "phường; …" and the note's date.
        domains = plan.indicators.get(code="I.5")
        assert domains.note == "Theo Quyết định số 507/QĐ-BKHCN ngày 23/01/2026"
        assert "UBND các xã, phường" in names(domains.coordinating_agencies)
        # Task 14's note runs on into task 15's row and over the next page.
        camera = plan.tasks.get(code="14")
        assert camera.note == ("Dự án đầu tư theo Nghị quyết số 91/NQ-HĐND ngày 14/11/2025 của HĐND tỉnh Đồng Tháp "
                               "về dự kiến kế hoạch đầu tư công trung hạn 2026 - 2030")

    def test_milestone_row_and_merged_cells(self, plan, import_seed):
        ipv6 = plan.indicators.get(code="I.4")
        assert ipv6.value_type == "milestone"
        targets = targets_of(ipv6)
        assert sorted(targets) == [2026, 2027, 2030]
        assert targets[2026] == ("text", None, None, "Thí điểm IPv6 only tại Sở KH&CN, 01 phường và 01 xã")
        data_centre = plan.indicators.get(code="II.1")
        assert set(targets_of(data_centre)) == {2026, 2027, 2028, 2029, 2030}
        assert data_centre.section.path() == ["HẠ TẦNG DỮ LIỆU"]

    def test_row_with_fewer_cells_than_the_header(self, plan):
        iot = plan.indicators.get(code="III.1")
        assert {year: t[1] for year, t in targets_of(iot).items()} == {
            2027: Decimal("1"), 2028: Decimal("2"), 2029: Decimal("3"), 2030: Decimal("4")}
        # The lead and coordinating cells ran together in the extraction ("Sở Khoa học và Công nghệ Các sở, …").
        assert names(iot.lead_agencies) == {"Sở Khoa học và Công nghệ"}
        assert names(iot.coordinating_agencies) == {
            "Các sở, ban, ngành tỉnh", "UBND các xã, phường", "Các doanh nghiệp viễn thông"}
        assert iot.note == "Theo Quyết định số 912/QĐ-BKHCN ngày 18/5/2025"

    def test_tasks_deadlines_sections(self, plan):
        first = plan.tasks.get(code="1")
        assert (first.deadline_kind, first.start_date, first.due_date) == (
            "year_range", date(2026, 1, 1), date(2030, 12, 31))
        assert names(first.lead_agencies) == {"Sở Khoa học và Công nghệ"}
        assert "Trung tâm Internet Việt Nam" in names(first.coordinating_agencies)  # "VNNIC"
        architecture = plan.tasks.get(code="11")
        assert (architecture.deadline_kind, architecture.due_date) == ("year", date(2026, 12, 31))
        assert names(architecture.lead_agencies) == {"Công an tỉnh"}
        assert architecture.section.path() == ["Hạ tầng dữ liệu"]
        assert plan.tasks.get(code="22").section.title == "ĐO LƯỜNG, QUẢN LÝ, GIÁM SÁT"

    def test_warnings_name_their_lines(self, import_seed):
        report = import_seed(SEED_000, dry_run=True)
        rendered = report.render()
        assert "[Phụ lục I, dòng 355] Ô mục tiêu năm 2028 trống" in rendered
        assert "[Phụ lục I, dòng 365] Dòng thiếu ô" in rendered


class TestSeed001HopTacVnpt:
    def test_cooperation_items_become_tasks_with_partner(self, import_seed):
        report = import_seed(SEED_001)
        plan = Plan.objects.get(code=report.plan_code)
        assert (plan.start_year, plan.end_year) == (2026, 2030)
        assert plan.appendices.get().kind == Appendix.Kind.COOPERATION
        assert plan.tasks.count() == 40
        assert set(plan.tasks.values_list("partner__name", flat=True)) == {"Tập đoàn Bưu chính Viễn thông Việt Nam"}
        first, second = plan.tasks.get(code="I.1"), plan.tasks.get(code="I.1.2")
        assert first.section.path() == second.section.path() == ["HẠ TẦNG SỐ", "Hạ tầng viễn thông và kết nối số"]
        assert second.content.startswith("Phối hợp, đề xuất hợp tác phát triển hạ tầng công nghệ thông tin")
        assert (second.deadline_kind, second.due_date) == ("year_range", date(2027, 12, 31))

    def test_listed_departments_expand(self, import_seed):
        report = import_seed(SEED_001)
        iot = Task.objects.get(plan__code=report.plan_code, code="I.2")
        assert names(iot.lead_agencies) == {"Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế",
                                            "Sở Xây dựng", "Sở Nông nghiệp và Môi trường"}
        smart_city = Task.objects.get(plan__code=report.plan_code, code="III.5.2")
        assert names(smart_city.lead_agencies) == {"UBND phường Mỹ Tho", "UBND phường Cao Lãnh",
                                                   "UBND phường Hồng Ngự", "UBND phường Sa Đéc"}

    def test_rows_continued_after_repeated_headers(self, import_seed):
        report = import_seed(SEED_001)
        training = Task.objects.get(plan__code=report.plan_code, code="V.5")
        assert training.content.endswith("an toàn thông tin, trí tuệ nhân tạo (AI) cho sở, ngành, địa phương, "
                                         "cán bộ, công chức, viên chức.")
        assert training.deadline_text == "Giai đoạn 2026 - 2030"
        assert training.due_date == date(2030, 12, 31)
        assert "Nghị định số 80/2021/NĐ-CP" in Task.objects.get(plan__code=report.plan_code, code="IV.2.3").content


class TestSeed002ChuyenDoiSo2026:
    @pytest.fixture
    def report(self, import_seed):
        return import_seed(SEED_002)

    def test_counts(self, report):
        plan = Plan.objects.get(code=report.plan_code)
        assert (plan.title, plan.start_year, plan.end_year) == ("Chuyển đổi số tỉnh Đồng Tháp năm 2026", 2026, 2026)
        assert list(plan.appendices.values_list("number", "kind")) == [
            ("I", "results"), ("II", "projects"), ("III", "indicators"), ("IV", "tasks"), ("V", "projects")]
        assert plan.results.count() == 33
        assert plan.projects.count() == 43
        assert plan.tasks.count() == 63
        assert plan.indicators.count() == 29 + 3  # Phụ lục III, and three tasks that state a percentage

    def test_results_of_2025(self, report):
        results = Result.objects.filter(plan__code=report.plan_code)
        first = results.get(code="1.1")
        assert (first.year, first.status) == (2025, "achieved")
        assert first.result_text.startswith("Mạng truyền số liệu chuyên dùng")
        assert first.result_text.endswith("từ cấp tỉnh đến cấp xã.")  # the footnote marker "¹⁹" is dropped
        assert first.section.title == "Hạ tầng số"
        assert results.get(code="1.2").status == "not_achieved"
        assert results.get(code="3.8").status == "unknown"
        # "6. Tỷ lệ báo cáo định kỳ …" continues on the next page, in the same column.
        reports = results.get(code="2.6")
        assert reports.target_text.endswith("phục vụ hiệu quả công tác quản lý, chỉ đạo, điều hành của chính quyền "
                                            "các cấp.")

    def test_targets_of_2026(self, report):
        indicators = Indicator.objects.filter(plan__code=report.plan_code)
        assert targets_of(indicators.get(code="15"))[2026][:3] == ("range", Decimal("15"), Decimal("20"))
        assert targets_of(indicators.get(code="22"))[2026][:2] == (">=", Decimal("95"))  # "$\geq 95\%$"
        assert targets_of(indicators.get(code="24"))[2026][:2] == (">", Decimal("90"))
        coverage = indicators.get(code="1")
        assert coverage.section.path() == ["Phát triển hạ tầng số"]
        assert "Mục tiêu đến năm 2030: 100%" in coverage.note
        assert not coverage.targets.filter(year=2030).exists()
        assert names(indicators.get(code="18").lead_agencies) == {"Sở Giáo dục và Đào tạo", "Sở Y tế"}

    def test_task_stating_a_target_is_also_an_indicator(self, report):
        ocop = Indicator.objects.get(plan__code=report.plan_code, code="NV.44")
        assert ocop.task.code == "44"
        assert targets_of(ocop) == {2026: ("maintain", Decimal("100"), None, "Duy trì 100%")}

    def test_tasks_and_projects(self, report):
        tasks = Task.objects.filter(plan__code=report.plan_code)
        assert tasks.get(code="2").deadline_kind == "recurring"  # "Hàng quý"
        assert tasks.get(code="3").deadline_kind == "ongoing"  # "Thường xuyên"
        assert (tasks.get(code="5").deadline_kind, tasks.get(code="5").due_date) == ("month", date(2026, 3, 31))
        assert names(tasks.get(code="29").lead_agencies) == {
            "Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh", "Sở Khoa học và Công nghệ"}
        projects = Project.objects.filter(plan__code=report.plan_code)
        ioc = projects.get(code="2", appendix__number="II")
        assert (ioc.total_investment, ioc.investment_unit, ioc.start_year, ioc.end_year) == (
            Decimal("11984"), "triệu đồng", 2023, 2025)
        police = projects.get(code="A.I.1")
        assert names(police.investors) == {"Công an tỉnh"}
        assert police.section.path() == ["NGUỒN VỐN ĐẦU TƯ", "CÁC DỰ ÁN CHUYỂN TIẾP NĂM 2025"]
        assert police.note.startswith("Số 571/QĐ-UBND")

    def test_consistency_warnings(self, report):
        messages = [w.render() for w in report.warnings]
        assert any("[Phụ lục II, dòng 469] Dòng “Tổng cộng” ghi 177.792 nhưng tổng các dòng là 185.390" in m
                   for m in messages)
        assert any("“Thiết bị phòng chức năng phục vụ dạy học STEM/STEAM” có ở cả Phụ lục II" in m for m in messages)
        assert any("“Mục tiêu đến năm 2030” nằm ngoài thời kỳ kế hoạch" in m for m in messages)


class TestSeed003TienGiang:
    def test_targets_stated_only_in_the_body(self, import_seed, directory):
        report = import_seed(SEED_003)
        plan = Plan.objects.get(code=report.plan_code)
        assert plan.province == directory  # a Tiền Giang plan, now Đồng Tháp's
        assert (plan.number, plan.issued, plan.start_year, plan.end_year) == (
            "540/KH-UBND", date(2023, 12, 26), 2023, 2025)
        assert plan.indicators.count() == 18
        smartphones = plan.indicators.get(code="III.1.3")
        assert smartphones.name == "Tỷ lệ dân số trưởng thành có điện thoại thông minh"
        assert targets_of(smartphones) == {2025: (">", Decimal("95"), None, "Trên 95%")}
        assert smartphones.baseline.value == Decimal("80")
        assert smartphones.section.title == "Mạng viễn thông băng rộng di động"
        assert targets_of(plan.indicators.get(code="III.1.5"))[2025][:2] == ("maintain", Decimal("100"))
        assert plan.indicators.get(code="III.3.1").value_type == "milestone"
        # A speed is measured, not counted: its baseline is 94,82 Mbps, so whole targets do not make it a count.
        speed = plan.indicators.get(code="III.2.3")
        assert (speed.unit, speed.value_type, speed.baseline.value) == ("Mbps", "number", Decimal("94.82"))
        assert plan.indicators.get(code="III.1.4").value_type == "number"  # 30 → 70 Mbps

    def test_a_merged_province_imports_into_its_successor(self, directory):
        from indicators.importing.service import plan_import

        report = plan_import(source=SEED_003, dry_run=True)
        assert report.ok, report.render()
        assert "Văn bản là của tỉnh Tiền Giang, nay đã hợp nhất vào Đồng Tháp" in report.render()
        assert report.plan_code.startswith("dong-thap-")
        assert not Plan.objects.exists()
