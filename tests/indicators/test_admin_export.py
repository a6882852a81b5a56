"""Export from the admin: the plan appendix actions, and django-import-export's export of indicators and tasks,
both scoped to the staff's province."""

import csv
import io

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from indicators.admin_export import IndicatorResource, TaskResource
from indicators.models import Indicator
from plans.models import Plan
from tests.factories import AgencyFactory
from tests.indicators.factories import plan_with_contents

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# django-import-export's format choices follow ScopedExportMixin.export_formats: 0 = xlsx, 1 = csv.
FORMAT_XLSX, FORMAT_CSV = "0", "1"


@pytest.fixture
def plan(province, dost, agency_a):
    return plan_with_contents(province=province, lead=dost, coordinating=agency_a, code="ha-tang-so-2026-2030",
                              label="Đồng Tháp")


@pytest.fixture
def foreign_plan(other_province):
    lead = AgencyFactory(province=other_province, name="Sở Khoa học và Công nghệ Cà Mau")
    partner = AgencyFactory(province=other_province, name="Sở Y tế Cà Mau")
    plan = plan_with_contents(province=other_province, lead=lead, coordinating=partner, code="ha-tang-so-ca-mau",
                              label="Cà Mau")
    # A longer period than Đồng Tháp's: its years must not become columns of Đồng Tháp's export.
    Plan.objects.filter(pk=plan.pk).update(start_year=2021, end_year=2031)
    return plan


def run_action(client, plan_pks, action):
    return client.post(reverse("admin:plans_plan_changelist"),
                       {"action": action, "_selected_action": [str(pk) for pk in plan_pks]})


# -- the appendix actions on plans ---------------------------------------------------------------------

def test_plan_changelist_offers_the_appendix_actions(client, staff_admin, plan):
    client.force_login(staff_admin)
    html = client.get(reverse("admin:plans_plan_changelist")).content.decode()
    assert "Xuất phụ lục (Excel)" in html
    assert "Xuất phụ lục (Word)" in html


def test_action_downloads_the_appendices_as_excel(client, staff_admin, plan):
    client.force_login(staff_admin)
    response = run_action(client, [plan.pk], "export_appendix_xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="ha-tang-so-2026-2030.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    cells = {str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value}
    assert {"Tỷ lệ phủ sóng 5G Đồng Tháp", "Triển khai trạm 5G Đồng Tháp"} <= cells


def test_action_downloads_the_appendices_as_word(client, staff_admin, plan):
    client.force_login(staff_admin)
    response = run_action(client, [plan.pk], "export_appendix_docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    document = docx.Document(io.BytesIO(response.content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Số lượng tên miền .vn Đồng Tháp" in cells


def test_action_asks_for_exactly_one_plan(client, staff_admin, plan, province, dost, agency_a):
    second = plan_with_contents(province=province, lead=dost, coordinating=agency_a, code="ke-hoach-khac",
                                label="khác")
    client.force_login(staff_admin)
    response = run_action(client, [plan.pk, second.pk], "export_appendix_xlsx")
    assert response.status_code == 302
    assert "Content-Disposition" not in response
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Hãy chọn đúng một kế hoạch để xuất phụ lục."]


def test_staff_of_another_province_cannot_export_this_plan(client, other_staff_admin, plan, foreign_plan):
    client.force_login(other_staff_admin)
    response = run_action(client, [plan.pk], "export_appendix_xlsx")
    # The action only sees the changelist's (Cà Mau) rows: nothing is selected, nothing is exported.
    assert "Content-Disposition" not in response
    response = run_action(client, [foreign_plan.pk], "export_appendix_xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="ha-tang-so-ca-mau.xlsx"'


# -- django-import-export on indicators and tasks -------------------------------------------------------

def export_form(resource_class, file_format: str, **extra) -> dict:
    """The POST of django-import-export 4.4's export page: format, resource, one checkbox per column."""
    prefix = resource_class.__name__.lower()
    data = {"format": file_format, "resource": "0", **extra}
    for field_name in resource_class().get_export_order():
        data[f"{prefix}_{field_name}"] = "on"
    return data


def read_csv(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_indicator_export_page_lists_vietnamese_columns(client, staff_admin, plan, foreign_plan):
    client.force_login(staff_admin)
    response = client.get(reverse("admin:indicators_indicator_export"))
    assert response.status_code == 200
    html = response.content.decode()
    for column in ("Chỉ tiêu", "Đơn vị tính", "Cơ quan chủ trì", "Năm 2026", "Năm 2030"):
        assert f">{column}</label>" in html
    assert "Năm 2025" not in html and "Năm 2031" not in html
    assert response.context["title"] == "Xuất chỉ tiêu ra tệp"
    assert "Định dạng tệp" in html


def test_indicator_export_has_this_provinces_rows_only(client, staff_admin, plan, foreign_plan):
    client.force_login(staff_admin)
    response = client.post(reverse("admin:indicators_indicator_export"), export_form(IndicatorResource, FORMAT_CSV))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="chi-tieu-')
    rows = read_csv(response)
    assert [row["Chỉ tiêu"] for row in rows] == ["Tỷ lệ phủ sóng 5G Đồng Tháp", "Số lượng tên miền .vn Đồng Tháp"]
    coverage, domains = rows
    assert list(coverage) == ["Kế hoạch", "TT", "Nhóm, lĩnh vực", "Chỉ tiêu", "Đơn vị tính", "Kiểu giá trị",
                              "Chiều", "Cách tổng hợp", "Năm 2026", "Năm 2027", "Năm 2028", "Năm 2029",
                              "Năm 2030", "Cơ quan chủ trì"]
    assert coverage["Kế hoạch"] == "ha-tang-so-2026-2030"
    assert coverage["TT"] == "I.1"
    assert coverage["Nhóm, lĩnh vực"] == "HẠ TẦNG VIỄN THÔNG Đồng Tháp"
    assert coverage["Đơn vị tính"] == "% dân số"
    assert coverage["Kiểu giá trị"] == Indicator.ValueType.PERCENT.label
    assert coverage["Chiều"] == Indicator.Direction.INCREASE.label
    assert [coverage[f"Năm {year}"] for year in range(2026, 2031)] == ["≥ 90", "95,5", "", "", "100"]
    assert coverage["Cơ quan chủ trì"] == "Sở KH&CN"
    assert domains["Kiểu giá trị"] == Indicator.ValueType.COUNT.label
    assert domains["Cơ quan chủ trì"] == "Sở KH&CN; SYT"


def test_indicator_export_as_excel_with_chosen_columns(client, staff_admin, plan, foreign_plan):
    client.force_login(staff_admin)
    data = {"format": FORMAT_XLSX, "resource": "0", "indicatorresource_code": "on",
            "indicatorresource_name": "on", "indicatorresource_target_2027": "on"}
    response = client.post(reverse("admin:indicators_indicator_export"), data)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["TT", "Chỉ tiêu", "Năm 2027"],
        ["I.1", "Tỷ lệ phủ sóng 5G Đồng Tháp", "95,5"],
        ["I.2", "Số lượng tên miền .vn Đồng Tháp", None],
    ]


def test_indicator_export_follows_the_changelist_search(client, staff_admin, plan):
    client.force_login(staff_admin)
    response = client.post(reverse("admin:indicators_indicator_export") + "?q=mien",
                           export_form(IndicatorResource, FORMAT_CSV))
    assert [row["TT"] for row in read_csv(response)] == ["I.2"]


def test_export_selected_indicators_action_keeps_to_the_province(client, staff_admin, plan, foreign_plan):
    client.force_login(staff_admin)
    mine = plan.indicators.get(code="I.2")
    response = client.post(reverse("admin:indicators_indicator_export"),
                           export_form(IndicatorResource, FORMAT_CSV, export_items=[str(mine.pk)]))
    assert [row["Chỉ tiêu"] for row in read_csv(response)] == ["Số lượng tên miền .vn Đồng Tháp"]
    # Another province's row is not a valid choice: the form is shown again, no file.
    foreign = foreign_plan.indicators.get(code="I.2")
    response = client.post(reverse("admin:indicators_indicator_export"),
                           export_form(IndicatorResource, FORMAT_CSV, export_items=[str(foreign.pk)]))
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert "Cà Mau" not in response.content.decode()


def test_export_selected_action_is_offered_and_opens_the_form(client, staff_admin, plan):
    client.force_login(staff_admin)
    changelist = client.get(reverse("admin:indicators_indicator_changelist")).content.decode()
    assert "Xuất các chỉ tiêu đã chọn ra tệp" in changelist
    pks = [str(pk) for pk in plan.indicators.values_list("pk", flat=True)]
    response = client.post(reverse("admin:indicators_indicator_changelist"),
                           {"action": "export_admin_action", "_selected_action": pks})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="export_items"' in html
    assert reverse("admin:indicators_indicator_export") in html


def test_task_export_has_this_provinces_rows_with_vietnamese_dates(client, staff_admin, plan, foreign_plan):
    client.force_login(staff_admin)
    response = client.post(reverse("admin:plans_task_export"), export_form(TaskResource, FORMAT_CSV))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="nhiem-vu-')
    rows = read_csv(response)
    assert list(rows[0]) == ["Kế hoạch", "TT", "Nhóm, lĩnh vực", "Nội dung nhiệm vụ", "Cơ quan chủ trì",
                             "Cơ quan phối hợp", "Thời gian thực hiện", "Hạn hoàn thành"]
    assert rows == [
        {"Kế hoạch": "ha-tang-so-2026-2030", "TT": "1", "Nhóm, lĩnh vực": "NHIỆM VỤ Đồng Tháp",
         "Nội dung nhiệm vụ": "Triển khai trạm 5G Đồng Tháp", "Cơ quan chủ trì": "Sở KH&CN",
         "Cơ quan phối hợp": "SYT", "Thời gian thực hiện": "Quý IV/2026", "Hạn hoàn thành": "31/12/2026"},
        {"Kế hoạch": "ha-tang-so-2026-2030", "TT": "2", "Nhóm, lĩnh vực": "NHIỆM VỤ Đồng Tháp",
         "Nội dung nhiệm vụ": "Rà soát hạ tầng dữ liệu Đồng Tháp", "Cơ quan chủ trì": "SYT",
         "Cơ quan phối hợp": "", "Thời gian thực hiện": "Thường xuyên", "Hạn hoàn thành": ""},
    ]


def test_other_province_staff_gets_their_own_indicators_and_years(client, other_staff_admin, plan, foreign_plan):
    client.force_login(other_staff_admin)
    response = client.post(reverse("admin:indicators_indicator_export"), export_form(IndicatorResource, FORMAT_CSV))
    rows = read_csv(response)
    assert [row["Chỉ tiêu"] for row in rows] == ["Tỷ lệ phủ sóng 5G Cà Mau", "Số lượng tên miền .vn Cà Mau"]
    assert [name for name in rows[0] if name.startswith("Năm")] == [f"Năm {year}" for year in range(2021, 2032)]


def test_other_province_staff_exports_only_their_tasks(client, other_staff_admin, plan, foreign_plan):
    client.force_login(other_staff_admin)
    response = client.post(reverse("admin:plans_task_export"), export_form(TaskResource, FORMAT_CSV))
    assert {row["Nội dung nhiệm vụ"] for row in read_csv(response)} == {
        "Triển khai trạm 5G Cà Mau", "Rà soát hạ tầng dữ liệu Cà Mau"}


@pytest.mark.parametrize("url_name, resource_class", [
    ("admin:indicators_indicator_export", IndicatorResource), ("admin:plans_task_export", TaskResource),
])
def test_export_queries_do_not_grow_with_the_rows(client, staff_admin, plan, province, dost, agency_a,
                                                  url_name, resource_class):
    client.force_login(staff_admin)
    data = export_form(resource_class, FORMAT_CSV)
    client.post(reverse(url_name), data)  # warm the session and permission caches

    def export_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse(url_name), data)
        return len(queries), len(read_csv(response))

    queries_for_one_plan, rows = export_queries()
    assert rows == 2
    for n in range(5):
        plan_with_contents(province=province, lead=dost, coordinating=agency_a, code=f"ke-hoach-{n}",
                           label=str(n))
    assert export_queries() == (queries_for_one_plan, 12)
    assert queries_for_one_plan <= 20  # session, permissions, changelist filters, year span, rows + 2 prefetches


@pytest.mark.parametrize("url_name", ["admin:indicators_indicator_export", "admin:plans_task_export"])
def test_export_needs_admin_access(client, staff, reporter_a, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and "/login/" in response["Location"]
    for user in (staff, reporter_a):  # no admin access (is_staff) without the "Sở KH&CN" group
        client.force_login(user)
        response = client.get(reverse(url_name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_export_needs_the_view_permission(client, staff_admin, plan):
    staff_admin.groups.clear()
    staff_admin.user_permissions.clear()
    client.force_login(staff_admin)
    assert client.get(reverse("admin:indicators_indicator_export")).status_code == 403
    assert client.post(reverse("admin:plans_task_export"), export_form(TaskResource, FORMAT_CSV)).status_code == 403
