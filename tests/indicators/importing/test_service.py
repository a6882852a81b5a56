"""plan_import: dry run, re-import in place, all-or-nothing on bad input, bounded queries, same table in any format."""

import shutil
from decimal import Decimal

import pytest

from agencies.models import Agency
from indicators.importing.service import PlanOverrides, plan_import, plan_import_table
from indicators.models import Baseline, Indicator, Target
from plans.models import Appendix, Plan, Section, Task
from tests.indicators.importing import factories
from tests.indicators.importing.conftest import SEED_000, SEED_002

pytestmark = pytest.mark.django_db

MODELS = [Plan, Appendix, Section, Indicator, Baseline, Target, Task, Agency]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_dry_run_writes_nothing_and_reports_what_it_would_do(directory):
    before = row_counts()
    report = plan_import(source=SEED_000, province=directory, dry_run=True)
    assert report.ok and not report.written
    assert row_counts() == before
    assert (report.counts["indicators"].created, report.counts["tasks"].created) == (10, 22)
    assert report.counts["targets"].created == 47
    rendered = report.render()
    assert "CHẠY THỬ (--dry-run): không có gì được ghi vào cơ sở dữ liệu" in rendered
    assert "[Phụ lục I, dòng 350] chỉ tiêu I.1 (tạo mới): Tỷ lệ phủ sóng di động 5G cho người dân | % dân số" in rendered
    assert "2026: ≥ 90" in rendered
    assert "[Phụ lục II, dòng 377] nhiệm vụ 1 (tạo mới)" in rendered


def test_reimport_updates_in_place_and_never_duplicates(directory):
    first = plan_import(source=SEED_000, province=directory)
    after_first = row_counts()
    second = plan_import(source=SEED_000, province=directory)
    assert second.ok and second.written
    assert row_counts() == after_first
    for kind in ("indicators", "tasks", "targets", "sections", "appendices"):
        counts = second.counts[kind]
        assert (counts.created, counts.updated, counts.removed) == (0, 0, 0), kind
    assert second.counts["indicators"].unchanged == 10
    assert first.plan_code == second.plan_code


def test_changed_and_removed_rows_are_reported(directory, tmp_path):
    plan_import(source=SEED_000, province=directory)
    text = SEED_000.read_text(encoding="utf-8")
    changed = text.replace("% dân số\t77\t≥ 90\t95", "% dân số\t77\t≥ 92\t95")
    changed = "\n".join(line for line in changed.splitlines() if not line.startswith("22\tĐẩy mạnh sử dụng"))
    changed = changed.replace("DN và các đơn vị liên quan\t2026 - 2027", "DN và các đơn vị liên quan\t2026 - 2028")
    edited = tmp_path / SEED_000.name
    edited.write_text(changed, encoding="utf-8")
    report = plan_import(source=edited, province=directory)
    assert report.ok
    assert report.counts["indicators"].updated == 1
    assert report.counts["targets"].updated == 1
    assert report.counts["tasks"].removed == 1
    assert Target.objects.get(indicator__code="I.1", year=2026).low == Decimal("92")
    assert not Task.objects.filter(code="22").exists()
    assert "chỉ tiêu I.1 (cập nhật)" in report.render()
    assert "— thay đổi: mục tiêu năm 2026: ≥ 90 → ≥ 92" in report.render()
    assert report.counts["tasks"].updated == 1
    assert "nhiệm vụ 20 (cập nhật)" in report.render()
    assert "thay đổi: thời gian thực hiện (nguyên văn); hạn hoàn thành" in report.render()


@pytest.fixture
def table_file(tmp_path):
    def write(rows, name="bang.txt"):
        return factories.write_text(tmp_path / name, rows)

    return write


def import_table(path, directory, **options):
    return plan_import_table(source=path, plan_code="thu-nghiem", province=directory,
                             overrides=PlanOverrides(title="Kế hoạch thử nghiệm", start_year=2026, end_year=2028),
                             **options)


def test_table_without_a_recognisable_header(directory, table_file):
    before = row_counts()
    report = import_table(table_file([["Cột A", "Cột B"], ["1", "2"]]), directory)
    assert not report.ok
    assert "Không nhận ra loại bảng từ dòng tiêu đề: “Cột A | Cột B”" in report.render()
    assert "KHÔNG NHẬP" in report.render()
    assert row_counts() == before


def test_non_numeric_target_in_a_numeric_column(directory, table_file):
    rows = [factories.HEADER, factories.ROWS[1][:5] + ["chín lăm", "97"] + factories.ROWS[1][7:]]
    before = row_counts()
    report = import_table(table_file(rows), directory)
    assert not report.ok
    assert "Mục tiêu năm 2027 “chín lăm” không phải là số" in report.render()
    assert "dòng 2" in report.render()
    assert row_counts() == before


def test_words_in_a_percent_column_are_not_a_target(directory, table_file):
    # One target year only, so no other year of the row to compare with: the unit says it must be a number.
    rows = [["TT", "Chỉ tiêu", "ĐVT", "Năm 2026", "Cơ quan chủ trì"],
            ["1", "Tỷ lệ hộ gia đình có cáp quang", "%", "chín mươi", "Sở Y tế"],
            ["2", "Trung tâm dữ liệu", "Trung tâm", "Hoàn thành nâng cấp", "Sở Y tế"]]
    before = row_counts()
    report = import_table(table_file(rows), directory)
    assert not report.ok
    text = report.render()
    assert "[Phụ lục I, dòng 2] Mục tiêu năm 2026 “chín mươi” không phải là số, trong khi đơn vị tính là “%”." in text
    assert "dòng 3" not in text  # a milestone in words is a text target
    assert row_counts() == before


def test_unknown_agency_is_reported_with_its_closest_matches(directory, table_file):
    rows = [factories.HEADER, factories.ROWS[1][:7] + ["Sở Khoa học Công nghệ tỉnh", ""]]
    before = row_counts()
    report = import_table(table_file(rows), directory)
    assert not report.ok
    message = report.render()
    assert "Không tìm thấy cơ quan “Sở Khoa học Công nghệ tỉnh”. Gần nhất: “Sở Khoa học và Công nghệ”" in message
    assert row_counts() == before
    preview = import_table(table_file(rows), directory, create_agencies=True, dry_run=True)
    assert "cơ quan (tạo mới): Sở Khoa học Công nghệ tỉnh (Sở, ban, ngành)" in preview.render()
    created = import_table(table_file(rows), directory, create_agencies=True)
    assert created.ok and created.counts["agencies"].created == 1
    assert Indicator.objects.get(code="1").lead_agencies.get().name == "Sở Khoa học Công nghệ tỉnh"


def test_plan_period_that_excludes_the_target_years(directory):
    before = row_counts()
    report = plan_import(source=SEED_000, province=directory,
                         overrides=PlanOverrides(start_year=2026, end_year=2027))
    assert not report.ok
    assert "Mục tiêu năm 2028 nằm ngoài thời kỳ kế hoạch 2026–2027" in report.render()
    assert row_counts() == before


def test_years_outside_the_plan_period_are_warned_of(directory, tmp_path):
    source = tmp_path / "ke-hoach.txt"
    source.write_text(
        "Số: 12/KH-UBND\nĐồng Tháp, ngày 1 tháng 2 năm 2026\nKẾ HOẠCH\nThử nghiệm giai đoạn 2026 - 2027\n\n"
        "Phụ lục I\nDANH MỤC NHIỆM VỤ\n\n"
        "STT\tNội dung nhiệm vụ\tCơ quan chủ trì\tThời gian thực hiện\n"
        "1\tViệc trong thời kỳ\tSở Y tế\tQuý IV/2026\n"
        "2\tViệc hạn sau thời kỳ\tSở Y tế\tQuý II/2028\n", encoding="utf-8")
    report = plan_import(source=source, province=directory, dry_run=True)
    assert report.ok  # a warning, not an error: the task is still imported
    text = report.render()
    assert "[Phụ lục I, dòng 11] Nhiệm vụ 2: thời hạn “Quý II/2028” nằm ngoài thời kỳ kế hoạch 2026–2027." in text
    assert "Nhiệm vụ 1:" not in text


def test_projects_of_a_past_year_are_warned_of_once_per_appendix(import_seed):
    report = import_seed(SEED_002)  # a 2026 plan whose Phụ lục II lists the projects carried out by 2025
    text = report.render()
    assert ("[Phụ lục II, dòng 451] 8 dự án có thời gian thực hiện ngoài thời kỳ kế hoạch 2026–2026 "
            "(dòng 451, 452, 455, 456, 459, 464, 465, 468).") in text
    assert "Phụ lục V" not in text.split("ngoài thời kỳ kế hoạch 2026–2026 (dòng")[0].splitlines()[-1]


def test_document_without_a_period(directory, tmp_path):
    source = tmp_path / "ke-hoach.txt"
    source.write_text("Số: 12/KH-UBND\nĐồng Tháp, ngày 1 tháng 2 năm 2026\nKẾ HOẠCH\nVề một việc\n", encoding="utf-8")
    report = plan_import(source=source, province=directory)
    assert not report.ok
    assert "Không xác định được thời kỳ kế hoạch" in report.render()


def test_file_over_20_mb(directory, tmp_path):
    big = tmp_path / "lon.txt"
    with big.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    report = plan_import(source=big, province=directory)
    assert not report.ok
    assert "lớn hơn 20 MB" in report.render()
    assert not Plan.objects.exists()


def test_corrupt_xlsx(directory, tmp_path):
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    report = import_table(broken, directory)
    assert not report.ok
    assert report.errors[0].message  # the reader's Vietnamese message
    assert not Plan.objects.exists()


def snapshot(plan_code: str) -> list[tuple]:
    rows = []
    for indicator in Indicator.objects.filter(plan__code=plan_code).order_by("code"):
        baseline = getattr(indicator, "baseline", None)
        rows.append((
            indicator.code, indicator.name, indicator.unit, indicator.value_type,
            indicator.section.path() if indicator.section else None,
            baseline.value if baseline else None,
            [(t.year, t.op, t.low, t.high) for t in indicator.targets.order_by("year")],
            sorted(indicator.lead_agencies.values_list("name", flat=True)), indicator.note))
    return rows


@pytest.mark.parametrize("writer, suffix", [
    (factories.write_csv, "csv"), (factories.write_xlsx, "xlsx"), (factories.write_docx, "docx")])
def test_the_same_table_in_any_format_gives_the_same_result(directory, tmp_path, writer, suffix):
    text = import_table(factories.write_text(tmp_path / "bang.txt"), directory)
    assert text.ok, text.render()
    expected = snapshot("thu-nghiem")
    assert [row[0] for row in expected] == ["I.1", "I.2", "II.1"]
    assert expected[1][5] == Decimal("16861") and expected[2][5] == Decimal("5.07")
    Plan.objects.all().delete()
    other = import_table(writer(tmp_path / f"bang.{suffix}"), directory)
    assert other.ok, other.render()
    assert snapshot("thu-nghiem") == expected


def test_query_count_does_not_grow_with_rows(directory, tmp_path, django_assert_max_num_queries):
    def rows(n):
        return [factories.HEADER, *([f"{i}", f"Chỉ tiêu số {i}", "%", "5,07", "6", "7", "8", "Sở KH&CN", ""]
                                    for i in range(1, n + 1))]

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    statements = []
    for n in (20, 200):
        Plan.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            report = import_table(factories.write_text(tmp_path / f"bang{n}.txt", rows(n)), directory)
        assert report.ok, report.render()
        statements.append([q["sql"] for q in captured.captured_queries])
    # Only INSERTs may be split into more batches (SQLite's limit on parameters per statement).
    def not_inserts(sqls):
        return [sql.split(" ", 1)[0] for sql in sqls if not sql.startswith("INSERT")]

    assert not_inserts(statements[0]) == not_inserts(statements[1])
    assert len(statements[1]) < 40
    with django_assert_max_num_queries(60):
        plan_import(source=SEED_002, province=directory)


def _appendix_xlsx(path, n: int, *, version: int):
    """An .xlsx appendix of n indicators in sections of 10 rows (a merged section row each); `version` 2 changes every
    row's baseline, targets and agencies."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(factories.HEADER)
    lead = "Sở Khoa học và Công nghệ" if version == 1 else "Sở Tài chính"
    for i in range(1, n + 1):
        if i % 10 == 1:
            sheet.append([f"NHÓM {i // 10 + 1}"])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=9)
        targets = [f"≥ {i % 80 + version}", f"{i % 80 + 5 + version},5", f"{15 + version} - 20%"]
        sheet.append([str(i), f"Chỉ tiêu số {i}", "%", f"{version},07", *targets, lead, f"Ghi chú {i}"])
    book.save(path)
    return path


def test_query_count_of_an_xlsx_import_and_reimport_does_not_grow_with_rows(directory, tmp_path):
    """The 5,000-row budget of issue 14 rests on set-based writes (COPY for targets, baselines and agency links): a
    first import and a re-import changing every row run the same statements for 20 rows as for 200 (on SQLite,
    INSERTs may be split into batches)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    runs = {}
    for n in (20, 200):
        Plan.objects.all().delete()
        statements = []
        for version in (1, 2):
            with CaptureQueriesContext(connection) as captured:
                report = import_table(_appendix_xlsx(tmp_path / f"bang-{n}-{version}.xlsx", n, version=version),
                                      directory)
            assert report.ok, report.render()
            statements.append([q["sql"].split(" ", 1)[0] for q in captured.captured_queries
                               if connection.vendor == "postgresql" or not q["sql"].startswith("INSERT")])
        runs[n] = statements
        assert (report.counts["indicators"].updated, report.counts["targets"].updated) == (n, 3 * n)
        indicator = Indicator.objects.get(plan__code="thu-nghiem", name="Chỉ tiêu số 1")
        assert list(indicator.lead_agencies.values_list("name", flat=True)) == ["Sở Tài chính"]
        assert indicator.baseline.value == Decimal("2.07")
        assert [(t.year, t.op, t.low) for t in indicator.targets.order_by("year")] == [
            (2026, ">=", Decimal(3)), (2027, ">=", Decimal("8.5")), (2028, "range", Decimal(17))]
        assert Target.objects.filter(indicator__plan__code="thu-nghiem").count() == 3 * n
    assert runs[20] == runs[200]
    assert all(len(statements) < 45 for statements in runs[200])
    if connection.vendor == "postgresql":
        assert "COPY" in runs[200][0]  # targets, baselines and agency links: one statement each, whatever n


def test_single_table_into_an_existing_plan_touches_only_its_appendix(directory, tmp_path):
    plan_import(source=SEED_000, province=directory, plan_code="ha-tang-so")
    tasks_before = Task.objects.filter(plan__code="ha-tang-so").count()
    table = factories.write_text(tmp_path / "phu-luc-i.txt")
    report = plan_import_table(source=table, plan_code="ha-tang-so", province=directory)
    assert report.ok, report.render()
    plan = Plan.objects.get(code="ha-tang-so")
    assert plan.indicators.count() == 3
    assert (report.counts["indicators"].updated, report.counts["indicators"].removed) == (3, 10 - 3)
    assert Task.objects.filter(plan=plan).count() == tasks_before


def test_copy_of_seed_keeps_its_name_in_the_report(directory, tmp_path):
    copy = tmp_path / "ban-sao.txt"
    shutil.copy(SEED_000, copy)
    report = plan_import(source=copy, province=directory, dry_run=True)
    assert report.render().startswith("Nhập kế hoạch từ “ban-sao.txt”")


def test_optional_columns_direction_and_aggregation(directory, table_file):
    header = ["TT", "Chỉ tiêu", "ĐVT", "Năm 2026", "Năm 2027", "Năm 2028", "Cách tổng hợp", "Chiều"]
    rows = [header,
            ["1", "Tỷ lệ hộ nghèo", "%", "5", "4", "3", "trung bình", "giảm"],
            ["2", "Số doanh nghiệp số", "doanh nghiệp", "100", "90", "120", "tổng", "tăng"]]
    report = import_table(table_file(rows), directory)
    assert report.ok, report.render()
    poverty, firms = Indicator.objects.get(code="1"), Indicator.objects.get(code="2")
    assert (poverty.direction, poverty.aggregation) == ("decrease", "mean")
    assert [(t.op, t.high) for t in poverty.targets.order_by("year")] == [
        ("<=", Decimal("5")), ("<=", Decimal("4")), ("<=", Decimal("3"))]
    assert (firms.direction, firms.aggregation, firms.value_type) == ("increase", "sum", "count")
    assert any("Mục tiêu năm 2027 (90) đi ngược chiều chỉ tiêu so với năm 2026 (100)" in w.render()
               for w in report.warnings)


def test_unknown_aggregation_is_an_error(directory, table_file):
    rows = [["TT", "Chỉ tiêu", "ĐVT", "Năm 2026", "Cách tổng hợp"], ["1", "Tỷ lệ", "%", "5", "cộng dồn"]]
    report = import_table(table_file(rows), directory)
    assert not report.ok
    assert "Cột “Cách tổng hợp” chỉ nhận: mới nhất, tổng, tỷ lệ, trung bình — không phải “cộng dồn”" in report.render()


def test_falling_targets_without_a_direction_column_mean_lower_is_better(directory, table_file):
    rows = [["TT", "Chỉ tiêu", "ĐVT", "Năm 2026", "Năm 2027", "Năm 2028"],
            ["1", "Tỷ lệ thất thoát nước sạch", "%", "20", "18", "15"]]
    report = import_table(table_file(rows), directory)
    assert report.ok
    indicator = Indicator.objects.get(code="1")
    assert indicator.direction == "decrease"
    assert indicator.targets.get(year=2028).op == "<="


def test_direction_is_guessed_from_the_word_giam_not_from_giam_sat(directory, table_file):
    """"giảm" (decrease) in the name means lower is better; "giám sát" (supervise) folds to the same letters."""
    rows = [["TT", "Chỉ tiêu", "ĐVT", "Năm 2026", "Năm 2027", "Năm 2028"],
            ["1", "Tỷ lệ hồ sơ công việc được giám sát trên hệ thống", "%", "50", "60", "70"],
            ["2", "Tỷ lệ hộ nghèo giảm bình quân mỗi năm", "%", "1,5", "1,5", "1,5"],
            ["3", "TỶ LỆ THẤT NGHIỆP GIẢM", "%", "3", "3", "3"]]
    report = import_table(table_file(rows), directory)
    assert report.ok, report.render()
    assert not report.warnings, report.render()
    supervised, poverty, unemployment = (Indicator.objects.get(code=code) for code in ("1", "2", "3"))
    assert supervised.direction == "increase"
    assert list(supervised.targets.values_list("op", flat=True)) == [">=", ">=", ">="]
    assert (poverty.direction, unemployment.direction) == ("decrease", "decrease")
    assert list(poverty.targets.values_list("op", flat=True)) == ["<=", "<=", "<="]


def test_partner_column_of_a_task_table(directory, table_file):
    """The "Đối tác" column (as indicators/exporting writes it) is the task's partner, not a lead agency."""
    rows = [["STT", "Nội dung nhiệm vụ", "Đối tác", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện",
             "Ghi chú"],
            ["1", "Hợp tác chuyển đổi số", "Tập đoàn VNPT", "Sở Khoa học và Công nghệ", "Sở Y tế", "Thường xuyên", ""],
            ["2", "Triển khai trạm 5G", "", "Sở Khoa học và Công nghệ", "", "Quý IV/2026", ""]]
    report = import_table(table_file(rows), directory)
    assert report.ok, report.render()
    with_partner, without = Task.objects.get(code="1"), Task.objects.get(code="2")
    assert with_partner.partner.name == "Tập đoàn Bưu chính Viễn thông Việt Nam"
    assert list(with_partner.lead_agencies.values_list("name", flat=True)) == ["Sở Khoa học và Công nghệ"]
    assert without.partner is None
    assert "đối tác: Tập đoàn VNPT" in report.render()


def test_the_cycle_collector_is_paused_during_an_import_and_back_on_after(directory, tmp_path, monkeypatch):
    import gc

    import indicators.importing.service as service

    seen = []
    real_parse = service.parse_blocks

    def parse_and_look(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(service, "parse_blocks", parse_and_look)
    assert gc.isenabled()
    assert plan_import(source=SEED_000, province=directory, dry_run=True).ok
    assert seen == [False] and gc.isenabled()
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"not a workbook")
    assert not plan_import_table(source=broken, plan_code="kh-hong", province=directory).ok
    assert gc.isenabled()
