"""The Excel round trip: download prefilled, fill offline, upload, preview (with per-row errors), confirm."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from reports import excel
from reports.models import AgencyReport, IndicatorEntry, TaskEntry
from reports.services import report_save, report_submit
from tests.reports.factories import reporting_plan

pytestmark = pytest.mark.django_db
IN_Q2 = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _in_q2():
    with time_machine.travel(IN_Q2, tick=False):
        yield


@pytest.fixture
def q2(province, agency_a, agency_b, reporter_a):
    """Agency A's Q2 report, Q1 submitted with I.1 = 50 and task II.1 in progress (30%)."""
    world = reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b, today=dt.date(2026, 5, 1))
    q1 = world.report(agency_a, "2026-Q1")
    report_save(report=q1, user=reporter_a, version=q1.version, data={
        "indicator_entries": [{"indicator": "I.1", "value": "50"},
                              {"indicator": "I.2", "numerator": "40", "denominator": "80"}],
        "task_entries": [{"task": "II.1", "status": "in_progress", "progress": 30}]})
    report_submit(report=q1, user=reporter_a)
    return world.report(agency_a, "2026-Q2")


def download(client, report):
    response = client.get(reverse("reports:excel_download", args=[report.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_by_code(sheet):
    header = [cell.value for cell in sheet[excel.HEADER_ROW]]
    rows = {}
    for row in sheet.iter_rows(min_row=excel.FIRST_DATA_ROW):
        if row[1].value:
            rows[row[1].value] = {header[i]: cell for i, cell in enumerate(row)}
    return rows


def upload(client, report, workbook, name="bao-cao.xlsx"):
    content = io.BytesIO()
    workbook.save(content)
    return client.post(reverse("reports:excel_upload", args=[report.pk]),
                       {"file": SimpleUploadedFile(name, content.getvalue(), content_type=excel.XLSX_CONTENT_TYPE)})


@pytest.mark.parametrize(("who", "status"), [
    ("reporter_a", 200), ("head_a", 200), ("staff", 200), ("leader", 200),
    ("reporter_b", 404), ("other_staff", 404), ("outsider", 404),
])
def test_download_permissions(client, request, q2, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("reports:excel_download", args=[q2.pk])).status_code == status


def test_download_is_prefilled_protected_and_lists_states(client, reporter_a, q2):
    client.force_login(reporter_a)
    response = client.get(reverse("reports:excel_download", args=[q2.pk]))
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;") and "2026-Q2" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[:3] == ["Chỉ tiêu", "Nhiệm vụ", "Thuyết minh"]
    assert workbook[excel.META_SHEET].sheet_state == "veryHidden"

    indicators = workbook["Chỉ tiêu"]
    assert indicators.column_dimensions["A"].hidden and indicators.protection.sheet
    rows = rows_by_code(indicators)
    assert rows["I.1"]["Giá trị"].value == 50  # prefilled from Q1
    assert rows["I.1"]["Kỳ trước"].value == "50"
    assert rows["I.2"]["Tử số"].value == 40 and rows["I.2"]["Mẫu số"].value == 80
    assert rows["I.1"]["id"].protection.locked and rows["I.1"]["Chỉ tiêu"].protection.locked
    assert not rows["I.1"]["Giá trị"].protection.locked
    assert rows["I.2"]["Giá trị"].protection.locked  # a ratio indicator takes numerator and denominator
    lists = [dv.formula1 for dv in indicators.data_validations.dataValidation]
    assert '"Chưa triển khai,Đang triển khai,Hoàn thành"' in lists
    assert rows["I.3"]["Tình trạng"].coordinate in str(indicators.data_validations.dataValidation[0].sqref)

    tasks = rows_by_code(workbook["Nhiệm vụ"])
    assert tasks["II.1"]["Tình trạng"].value == "Đang triển khai" and tasks["II.1"]["Tiến độ (%)"].value == 30
    task_lists = [dv.formula1 for dv in workbook["Nhiệm vụ"].data_validations.dataValidation]
    assert '"Chưa triển khai,Đang triển khai,Hoàn thành,Thực hiện thường xuyên"' in task_lists


def test_round_trip_preview_then_confirm_saves_a_draft(client, reporter_a, q2):
    client.force_login(reporter_a)
    workbook = download(client, q2)
    rows = rows_by_code(workbook["Chỉ tiêu"])
    rows["I.1"]["Giá trị"].value = "55,5"  # typed as text, the Vietnamese way
    rows["I.2"]["Tử số"].value = 45
    rows["I.3"]["Tình trạng"].value = "Hoàn thành"
    rows["I.1"]["Số liệu tính đến ngày"].value = dt.datetime(2026, 6, 14)
    tasks = rows_by_code(workbook["Nhiệm vụ"])
    tasks["II.1"]["Tiến độ (%)"].value = 60
    tasks["II.1"]["Kết quả thực hiện trong kỳ"].value = "Lắp đặt 20 trạm"
    workbook["Thuyết minh"].cell(row=excel.FIRST_DATA_ROW, column=3, value="Đạt kế hoạch quý")

    response = upload(client, q2, workbook)
    assert response.status_code == 200
    changes = {(c["item"], str(c["field"])): (c["old"], c["new"]) for c in response.context["preview"].changes}
    assert changes[("I.1", "Giá trị")] == ("—", "55,5")
    assert changes[("I.3", "Tình trạng")] == ("—", "Hoàn thành")
    assert changes[("II.1", "Tiến độ (%)")] == ("—", "60")
    assert changes[("", "Kết quả đạt được")] == ("—", "Đạt kế hoạch quý")
    q2.refresh_from_db()
    assert q2.version == 1  # the preview saves nothing

    response = client.post(reverse("reports:excel_confirm", args=[q2.pk]))
    assert response.status_code == 302
    q2.refresh_from_db()
    assert q2.version == 2 and q2.status == AgencyReport.Status.DRAFT and q2.achievements == "Đạt kế hoạch quý"
    entries = {e.indicator.code: e for e in IndicatorEntry.objects.filter(report=q2).select_related("indicator")}
    assert entries["I.1"].value == Decimal("55.5") and entries["I.1"].as_of == dt.date(2026, 6, 14)
    assert entries["I.2"].numerator == 45 and entries["I.2"].value == Decimal("56.25")
    assert entries["I.3"].milestone_state == "completed"
    task = TaskEntry.objects.get(report=q2, task__code="II.1")
    assert task.progress == 60 and task.done == "Lắp đặt 20 trạm"
    assert task.status == "in_progress"  # prefilled from Q1 in the workbook: saved as this period's too
    # An entry the workbook leaves exactly as stored gets no new history row.
    untouched = IndicatorEntry.objects.get(report=q2, indicator__code="I.2")
    history_rows = untouched.history.count()
    workbook = download(client, q2)
    rows_by_code(workbook["Chỉ tiêu"])["I.1"]["Giá trị"].value = 56
    upload(client, q2, workbook)
    client.post(reverse("reports:excel_confirm", args=[q2.pk]))
    assert IndicatorEntry.objects.get(report=q2, indicator__code="I.1").value == 56
    assert untouched.history.count() == history_rows
    q2.refresh_from_db()
    # Confirming twice does not save twice: the upload is used once.
    version = q2.version
    client.post(reverse("reports:excel_confirm", args=[q2.pk]))
    q2.refresh_from_db()
    assert q2.version == version


def test_a_bad_row_is_reported_by_row_and_nothing_is_saved(client, reporter_a, q2):
    client.force_login(reporter_a)
    workbook = download(client, q2)
    rows = rows_by_code(workbook["Chỉ tiêu"])
    rows["I.1"]["Giá trị"].value = 140
    rows["I.2"]["Tử số"].value = 90  # above its denominator (80)
    tasks = rows_by_code(workbook["Nhiệm vụ"])
    tasks["II.1"]["Kết quả thực hiện trong kỳ"].value = "phần hợp lệ không được lưu riêng"
    response = upload(client, q2, workbook)
    assert response.status_code == 400
    errors = response.context["preview"].errors
    where = {(e["item"], str(e["field"])): (e["where"], " ".join(e["messages"])) for e in errors}
    row_i1 = rows["I.1"]["Giá trị"].row
    assert where[("I.1", "Giá trị")][0] == f"Trang “Chỉ tiêu”, dòng {row_i1}"
    assert "từ 0 đến 100" in where[("I.1", "Giá trị")][1]
    assert "không được lớn hơn mẫu số" in where[("I.2", "Tử số")][1]
    assert "Lưu nháp các thay đổi này" not in response.content.decode()
    assert client.post(reverse("reports:excel_confirm", args=[q2.pk])).status_code == 302
    q2.refresh_from_db()
    assert q2.version == 1
    assert TaskEntry.objects.get(report=q2, task__code="II.1").done == ""


def test_a_conflict_between_preview_and_confirm_saves_nothing(client, reporter_a, head_a, q2):
    client.force_login(reporter_a)
    workbook = download(client, q2)
    rows_by_code(workbook["Chỉ tiêu"])["I.1"]["Giá trị"].value = 52
    assert upload(client, q2, workbook).status_code == 200
    report_save(report=q2, user=head_a, version=q2.version, data={"narrative": {"proposals": "Bổ sung vốn"}})
    response = client.post(reverse("reports:excel_confirm", args=[q2.pk]), follow=True)
    assert "chưa lưu gì từ tệp" in response.content.decode()
    assert IndicatorEntry.objects.get(report=q2, indicator__code="I.1").value is None


def test_another_reports_workbook_or_a_non_excel_file_is_refused(client, reporter_a, q2, agency_a):
    client.force_login(reporter_a)
    q1 = AgencyReport.objects.get(agency=agency_a, period__code="2026-Q1")
    q1_workbook = load_workbook(excel.report_workbook(q1, _page(q1)))
    response = upload(client, q2, q1_workbook)
    assert response.status_code == 302
    assert "của một báo cáo khác" in client.get(response["Location"]).content.decode()

    response = client.post(reverse("reports:excel_upload", args=[q2.pk]),
                           {"file": SimpleUploadedFile("bao-cao.xlsx", b"%PDF-1.4 not a workbook")})
    assert "Không đọc được tệp" in client.get(response["Location"]).content.decode()

    response = upload(client, q2, Workbook())
    assert "không phải mẫu báo cáo" in client.get(response["Location"]).content.decode()


def test_rows_with_tampered_ids_are_refused(client, reporter_a, q2):
    client.force_login(reporter_a)
    workbook = download(client, q2)
    rows_by_code(workbook["Chỉ tiêu"])["I.1"]["id"].value = 999999
    response = upload(client, q2, workbook)
    assert response.status_code == 400
    assert "không nhận ra chỉ tiêu" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("reporter_b", 404), ("other_staff", 404), ("outsider", 404)])
def test_upload_by_others_is_404(client, request, reporter_a, q2, who, status):
    client.force_login(reporter_a)
    workbook = download(client, q2)
    client.force_login(request.getfixturevalue(who))
    assert upload(client, q2, workbook).status_code == status
    assert client.post(reverse("reports:excel_confirm", args=[q2.pk])).status_code == status


def test_submitted_reports_cannot_be_uploaded_to(client, reporter_a, q2):
    client.force_login(reporter_a)
    workbook = download(client, q2)
    report_submit(report=q2, user=reporter_a)
    response = upload(client, q2, workbook)
    assert response.status_code == 302
    q2.refresh_from_db()
    assert q2.status == AgencyReport.Status.SUBMITTED and q2.version == 2


def _page(report):
    from reports.screen_data import report_page_data

    return report_page_data(report)
