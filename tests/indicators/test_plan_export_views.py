"""The staff's plan download (/ke-hoach/<code>/xuat/<fmt>/) and the links on the plan page."""

import io

import docx
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from indicators.exporting import plan_to_json_bytes
from indicators.views import plan_file_response
from tests.factories import IndicatorFactory, TargetFactory, TaskFactory
from tests.indicators.factories import plan_with_contents

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def plan(province, dost, agency_a):
    return plan_with_contents(province=province, lead=dost, coordinating=agency_a, code="ha-tang-so-2026-2030",
                              label="Đồng Tháp")


def export_url(plan, file_format):
    return reverse("plans:export", args=[plan.code, file_format])


def test_url_is_under_the_plan_pages(plan):
    assert export_url(plan, "xlsx") == "/ke-hoach/ha-tang-so-2026-2030/xuat/xlsx/"


def test_staff_downloads_excel_with_the_appendix_tables(client, staff, plan):
    client.force_login(staff)
    response = client.get(export_url(plan, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="ha-tang-so-2026-2030.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    cells = {str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value}
    assert {"Tỷ lệ phủ sóng 5G Đồng Tháp", "Số lượng tên miền .vn Đồng Tháp", "Triển khai trạm 5G Đồng Tháp",
            "95,5", "43.863"} <= cells


def test_staff_downloads_word_with_the_appendix_tables(client, staff, plan):
    client.force_login(staff)
    response = client.get(export_url(plan, "docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="ha-tang-so-2026-2030.docx"'
    document = docx.Document(io.BytesIO(response.content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"Tỷ lệ phủ sóng 5G Đồng Tháp", "Triển khai trạm 5G Đồng Tháp", "Quý IV/2026"} <= cells
    assert any(p.text == "Số: 540/KH-UBND" for p in document.paragraphs)


def test_staff_downloads_the_json_the_api_returns(client, staff, plan):
    client.force_login(staff)
    response = client.get(export_url(plan, "json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="ha-tang-so-2026-2030.json"'
    assert response.content == plan_to_json_bytes(plan)


def test_filename_outside_ascii_uses_rfc_5987(plan):
    # Plan codes are ASCII slugs today; the header must still survive a code typed with diacritics.
    plan.code = "hạ-tầng-số"
    response = plan_file_response(plan, "xlsx")
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''h%E1%BA%A1-t%E1%BA%A7ng-s%E1%BB%91.xlsx"


def test_unknown_format_and_unknown_plan_are_404(client, staff, plan):
    client.force_login(staff)
    assert client.get(export_url(plan, "pdf")).status_code == 404
    assert client.get(reverse("plans:export", args=["khong-co", "xlsx"])).status_code == 404


@pytest.mark.parametrize("who, status", [
    ("reporter_a", 403), ("head_a", 403), ("leader", 403), ("outsider", 403), ("other_staff", 404),
])
def test_only_staff_of_the_plans_province_may_download(client, request, plan, who, status):
    client.force_login(request.getfixturevalue(who))
    for file_format in ("xlsx", "docx", "json"):
        response = client.get(export_url(plan, file_format))
        assert response.status_code == status
        assert "Content-Disposition" not in response


def test_anonymous_is_sent_to_log_in(client, plan):
    response = client.get(export_url(plan, "xlsx"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_superuser_may_download_any_plan(client, plan, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    assert client.get(export_url(plan, "docx")).status_code == 200


@time_machine.travel("2027-06-15 09:00 +0700", tick=False)
def test_plan_page_links_the_downloads_and_the_results_of_begun_years(client, staff, plan):
    from progress.services import plan_recompute

    plan_recompute(plan=plan)
    client.force_login(staff)
    response = client.get(reverse("plans:detail", args=[plan.code]))
    assert response.status_code == 200
    html = response.content.decode()
    for file_format in ("xlsx", "docx", "json"):
        assert f'href="{export_url(plan, file_format)}"' in html
    for year in (2026, 2027):
        results = reverse("progress:export_results", args=[plan.code, year])
        assert f'href="{results}?format=xlsx"' in html
        assert f'href="{results}?format=docx"' in html
    assert reverse("progress:export_results", args=[plan.code, 2028]) not in html


@time_machine.travel("2027-06-15 09:00 +0700", tick=False)
def test_results_of_a_year_without_snapshot_say_why_and_offer_the_recompute(client, staff, plan):
    client.force_login(staff)
    html = client.get(reverse("plans:detail", args=[plan.code])).content.decode()
    assert reverse("progress:export_results", args=[plan.code, 2026]) not in html
    assert "chưa tính tiến độ nên chưa có phụ lục kết quả" in html
    assert "Tính lại tiến độ" in html
    # Without admin access the import link would only lead to the admin's login: it is not offered.
    assert reverse("admin:plans_plan_import_document") not in html


def test_plan_page_offers_the_import_to_staff_with_admin_access(client, staff_admin, plan):
    client.force_login(staff_admin)
    html = client.get(reverse("plans:detail", args=[plan.code])).content.decode()
    assert f'href="{reverse("admin:plans_plan_import_document")}"' in html
    assert "Nhập/cập nhật từ văn bản" in html


@time_machine.travel("2025-06-15 09:00 +0700", tick=False)
def test_no_results_links_before_the_plan_begins(client, staff, plan):
    client.force_login(staff)
    html = client.get(reverse("plans:detail", args=[plan.code])).content.decode()
    assert "/tien-do/" not in html
    assert f'href="{export_url(plan, "xlsx")}"' in html


@time_machine.travel("2027-06-15 09:00 +0700", tick=False)
def test_plan_page_queries_do_not_grow_with_the_plan(client, staff_admin, plan, dost):
    client.force_login(staff_admin)
    url = reverse("plans:detail", args=[plan.code])
    client.get(url)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = page_queries()
    for n in range(5):
        indicator = IndicatorFactory(plan=plan, code=f"III.{n}", name=f"Chỉ tiêu thêm {n}")
        TargetFactory(indicator=indicator, year=2026, text="10")
        TargetFactory(indicator=indicator, year=2027, text="20")
        indicator.lead_agencies.set([dost])
        TaskFactory(plan=plan, code=f"III.{n}").lead_agencies.set([dost])
    assert page_queries() == before
    assert before <= 15
