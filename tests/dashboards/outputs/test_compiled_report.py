import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

from dashboards.outputs.compiled_report import compiled_report, compiled_report_docx, plan_and_period
from reports.models import AgencyReport
from reports.services import periods_open
from tests.factories import PlanFactory


def _document(outputs_world, code="2026-Q3"):
    plan, period = plan_and_period(plan_code=outputs_world.plan.code, period_code=code)
    report = compiled_report(plan=plan, period=period)
    return report, Document(io.BytesIO(compiled_report_docx(report)))


def _headings(document):
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]


def _text(document):
    return "\n".join(p.text for p in document.paragraphs)


def _rows(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_headings_are_word_headings_in_the_official_order(outputs_world):
    _report, document = _document(outputs_world)
    assert _headings(document) == [
        ("Heading 1", "I. KẾT QUẢ ĐẠT ĐƯỢC"),
        ("Heading 2", "1. Kết quả thực hiện các chỉ tiêu"),
        ("Heading 2", "2. Tình hình thực hiện các nhiệm vụ"),
        ("Heading 2", "3. Kết quả đạt được theo từng lĩnh vực"),
        ("Heading 3", "I. HẠ TẦNG SỐ"),
        ("Heading 1", "II. TỒN TẠI, HẠN CHẾ"),
        ("Heading 1", "III. KHÓ KHĂN, VƯỚNG MẮC"),
        ("Heading 1", "IV. ĐỀ XUẤT, KIẾN NGHỊ"),
        ("Heading 1", "PHỤ LỤC: TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ"),
    ]
    text = _text(document)
    assert "BÁO CÁO" in text
    assert ("Tình hình thực hiện Kế hoạch phát triển hạ tầng số trên địa bàn tỉnh giai đoạn 2026 - 2030 "
            "quý III năm 2026") in text
    letterhead = _rows(document.tables[0])[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in letterhead[1] and "Độc lập - Tự do - Hạnh phúc" in letterhead[1]
    assert "Số:" in letterhead[0] and "/BC-" in letterhead[0]


def test_indicator_and_task_tables_in_vietnamese_format(outputs_world):
    _report, document = _document(outputs_world)
    table = _rows(document.tables[1])
    assert table[0] == ["TT", "Chỉ tiêu", "ĐVT", "Mục tiêu năm 2026", "Thực hiện đến nay", "% so với mục tiêu",
                        "Đánh giá"]
    by_name = {row[1]: row for row in table[1:] if row[0].isdigit()}
    i1, i2, i3, i4 = (outputs_world.world.indicators[c] for c in ("I.1", "I.2", "I.3", "I.4"))
    assert by_name[i1.name][3:5] == ["≥ 90%", "92,5%"]
    assert by_name[i1.name][5] == "102,8"  # 92,5 / 90
    assert by_name[i1.name][6] == "Đúng tiến độ"
    assert by_name[i2.name][4] == "92,79%"  # Σ 1.016 / Σ 1.095, never a mean of percentages
    assert by_name[i3.name][4] == "Đang triển khai"
    assert by_name[i4.name][4] == "12"  # flow: Q1 5 + Q2 7; the unapproved Q3 value 9 is not counted
    assert set(table[1]) == {"I. HẠ TẦNG SỐ"}  # the section's row spans the table

    # The task table: done, on schedule, late, with the lead agency.
    rows = _rows(document.tables[2])
    assert rows[0] == ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Tình trạng", "Tiến độ"]
    task = outputs_world.world.tasks["II.1"]
    row = next(r for r in rows if r[1] == task.content)
    assert row[2] == "Sở Y tế" and row[4].startswith("Trong hạn") and row[5] == "60%"
    assert "Tổng số 2 nhiệm vụ: 0 nhiệm vụ hoàn thành; 2 nhiệm vụ đang thực hiện trong hạn; 0 nhiệm vụ quá hạn" \
        in _text(document)


def test_narratives_attributed_unapproved_excluded_and_named_and_the_compliance_annex(outputs_world):
    report, document = _document(outputs_world)
    text = _text(document)
    assert "Sở Y tế: Phủ sóng 5G toàn bộ trung tâm các phường." in text
    assert "Nhiệm vụ II.1 (Sở Y tế): Lắp đặt 120 trạm BTS 5G." in text
    assert "- Sở Y tế: Hạ tầng ở vùng sâu còn thiếu." in text
    assert "- Sở Y tế: Kinh phí cấp chậm." in text
    assert "- Sở Y tế: Đề nghị bổ sung kinh phí năm 2027." in text
    assert "Chưa duyệt: không được tính." not in text and "Đề xuất chưa duyệt." not in text
    assert "Báo cáo chưa được duyệt, không tổng hợp vào báo cáo này: " in text
    assert "UBND phường Cao Lãnh (đã gửi, chờ duyệt)" in text
    assert [r.agency.name for r in report.approved] == ["Sở Y tế"]
    # The narrative sits after its section's heading and before the next part.
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs.index("I. HẠ TẦNG SỐ") < paragraphs.index("Sở Y tế: Phủ sóng 5G toàn bộ trung tâm các phường.") \
        < paragraphs.index("II. TỒN TẠI, HẠN CHẾ")

    # The compliance annex: on time, late, not at all.
    rows = _rows(document.tables[-1])
    assert rows[0] == ["TT", "Cơ quan, đơn vị", "Gửi báo cáo", "Tình trạng duyệt", "Số lần bị trả lại"]
    by_agency = {r[1]: r for r in rows[1:]}
    assert by_agency["Sở Y tế"][2:4] == ["Đúng hạn", "Đã duyệt"]
    assert by_agency["UBND phường Cao Lãnh"][2:4] == ["Đúng hạn", "Đã gửi, chờ duyệt"]
    assert by_agency["Sở Công Thương"][2] in {"Chưa gửi", "Chưa đến hạn"}


def test_a_period_without_approved_reports_still_builds_and_says_so(outputs_world):
    AgencyReport.objects.filter(plan=outputs_world.plan, period__code="2026-Q3").update(
        status=AgencyReport.Status.SUBMITTED)
    report, document = _document(outputs_world)
    text = _text(document)
    assert report.approved == []
    assert "Kỳ này chưa có báo cáo nào của các cơ quan, đơn vị được duyệt" in text
    assert "Sở Y tế (đã gửi, chờ duyệt)" in text


def test_pasted_html_control_characters_and_long_lines_are_cleaned(outputs_world):
    dirty = ("<p>Kết quả <b>tốt</b> &amp; đúng hạn</p><script>alert(1)</script>\x07\x1b"
             + "x" * 5000 + "\ufffe")
    AgencyReport.objects.filter(plan=outputs_world.plan, period__code="2026-Q3",
                                status=AgencyReport.Status.APPROVED).update(achievements=dirty, shortcomings="\x0b\x0c")
    _report, document = _document(outputs_world)
    text = _text(document)
    assert "Kết quả tốt & đúng hạn" in text
    assert "<b>" not in text and "alert" not in text and "\x07" not in text and "\x1b" not in text
    assert "x" * 60 not in text  # wrapped with zero-width spaces so Word can break the line
    assert text.count("x") == 5000


def test_annual_report_adds_the_year_end_results_appendix(outputs_world):
    _report, document = _document(outputs_world, code="2026-Y")
    headings = [text for _style, text in _headings(document)]
    assert headings[-1] == "PHỤ LỤC: KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, CHỈ TIÊU NĂM 2026"
    assert "năm 2026" in _text(document)
    assert "Kỳ này chưa có báo cáo nào của các cơ quan, đơn vị được duyệt" in _text(document)


def test_command_writes_the_docx(outputs_world, tmp_path):
    path = tmp_path / "bao-cao.docx"
    call_command("compile_report", outputs_world.plan.code, "--period", "2026-q3", "-o", str(path))
    assert _headings(Document(str(path)))[0] == ("Heading 1", "I. KẾT QUẢ ĐẠT ĐƯỢC")


def test_command_refuses_unknown_plan_or_period_in_one_vietnamese_line(outputs_world):
    for plan, period, message in (("khong-co", "2026-Q3", "Không có kế hoạch mã “khong-co”."),
                                  (outputs_world.plan.code, "2031-Q1", "không có kỳ báo cáo “2031-Q1”")):
        with pytest.raises(CommandError) as error:
            call_command("compile_report", plan, "--period", period)
        assert message in str(error.value) and "\n" not in str(error.value)


def test_staff_page_previews_and_downloads(client, outputs_world, staff):
    client.force_login(staff)
    page = client.get("/dau-ra/bao-cao-tong-hop/", {"plan": outputs_world.plan.code, "period": "2026-Q3"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "I. KẾT QUẢ ĐẠT ĐƯỢC" in html and "quý III năm 2026" in html and "92,5%" in html
    assert "Phủ sóng 5G toàn bộ trung tâm các phường." in html
    assert "UBND phường Cao Lãnh (đã gửi, chờ duyệt)" in html
    download = client.get("/dau-ra/bao-cao-tong-hop/tai-ve/", {"plan": outputs_world.plan.code, "period": "2026-Q3"})
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="bao-cao-{outputs_world.plan.code}-2026-Q3.docx"'
    assert _headings(Document(io.BytesIO(download.content)))[0] == ("Heading 1", "I. KẾT QUẢ ĐẠT ĐƯỢC")
    # Without a choice: the first plan and its latest started period; a plan alone: its latest period.
    for query in ({}, {"plan": outputs_world.plan.code}):
        response = client.get("/dau-ra/bao-cao-tong-hop/", query)
        assert response.status_code == 200 and response.context["period"].plan == outputs_world.plan


def test_page_answers_404_for_unknown_or_other_province_and_403_for_other_roles(
        client, outputs_world, staff, other_staff, leader, reporter_a):
    code = outputs_world.plan.code
    client.force_login(staff)
    for query in ({"plan": "khong-co", "period": "2026-Q3"}, {"plan": code, "period": "2031-Q1"},
                  {"plan": code, "period": ""}, {"plan": "khong-co"}):
        assert client.get("/dau-ra/bao-cao-tong-hop/", query).status_code == 404
        assert client.get("/dau-ra/bao-cao-tong-hop/tai-ve/", query).status_code == 404
    client.force_login(other_staff)
    assert client.get("/dau-ra/bao-cao-tong-hop/", {"plan": code, "period": "2026-Q3"}).status_code == 404
    for user in (leader, reporter_a):
        client.force_login(user)
        assert client.get("/dau-ra/bao-cao-tong-hop/", {"plan": code, "period": "2026-Q3"}).status_code == 403
    client.logout()
    assert client.get("/dau-ra/bao-cao-tong-hop/").status_code == 302


def test_a_plan_never_recomputed_still_builds(province, dost):
    plan = PlanFactory(province=province, code="moi", title="Kế hoạch mới", monitoring_agency=dost)
    periods_open(plan=plan, today=dt.date(2026, 12, 15))
    for code in ("2026-Q3", "2026-Y"):
        plan_found, period = plan_and_period(plan_code="moi", period_code=code)
        document = Document(io.BytesIO(compiled_report_docx(compiled_report(plan=plan_found, period=period))))
        text = _text(document)
        assert "Chưa có số liệu tiến độ của năm này" in text
        assert "Kỳ này chưa có báo cáo nào của các cơ quan, đơn vị được duyệt" in text
    assert "hãy tính lại tiến độ trước" in text  # the annual results appendix says why it is empty
