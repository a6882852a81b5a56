"""The admin's "Nhập số liệu từ tệp": upload → preview (per-row values and errors) → confirm."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import AgencyReport
from tests.reports.test_bulk_values import (
    LONG_HEADER,
    LONG_ROWS,
    WIDE_ROWS,
    add_communes,
    snapshot,
    write_xlsx,
)

pytestmark = pytest.mark.django_db

URL = "admin:reports_agencyreport_import_values"


@pytest.fixture(autouse=True)
def _in_the_first_quarter():
    """The upload offers the periods that have started; Q1 2026 is one of them on this day."""
    with time_machine.travel(dt.datetime(2026, 3, 15, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def commune_world(world, province, agency_b):
    return add_communes(world, province, agency_b)


def csv_upload(rows, name="so-lieu.csv"):
    text = "\n".join(";".join(row) for row in rows)
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def upload(client, world, file, source="Công văn số 77/CVT ngày 02/10/2026"):
    return client.post(reverse(URL), {"period": world.period().pk, "file": file, "source_reference": source})


def test_upload_preview_confirm(commune_world, client, staff_admin, agency_a):
    client.force_login(staff_admin)
    assert "Nhập số liệu từ tệp" in client.get(reverse("admin:reports_agencyreport_changelist")).content.decode()
    assert client.get(reverse(URL)).status_code == 200
    before = snapshot()

    preview = upload(client, commune_world, csv_upload([LONG_HEADER, *LONG_ROWS]))

    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Kiểm tra xong, không có lỗi: 4 giá trị mới, 0 thay đổi, 0 không đổi (chưa ghi)." in html
    assert "92,79" in html  # the ratio computed from 1.016/1.095, shown before anything is written
    assert snapshot() == before
    token = preview.context["token"]

    done = client.post(reverse(URL), {"token": token}, follow=True)

    assert "Đã ghi 4 giá trị mới, 0 thay đổi, 0 không đổi vào 3 báo cáo." in [str(m) for m in done.context["messages"]]
    report = commune_world.report(agency_a)
    assert report.source_reference == "Công văn số 77/CVT ngày 02/10/2026"
    assert (report.entered_by, report.entered_on_behalf) == (staff_admin, True)
    # The token is spent: confirming twice does not write twice.
    again = client.post(reverse(URL), {"token": token}, follow=True)
    assert "Phiên xem trước đã hết hạn" in " ".join(str(m) for m in again.context["messages"])
    assert AgencyReport.objects.get(pk=report.pk).version == report.version


def test_bad_row_is_named_and_nothing_can_be_confirmed(commune_world, client, staff_admin, tmp_path):
    client.force_login(staff_admin)
    path = write_xlsx(tmp_path / "wide.xlsx", [*WIDE_ROWS, ["3", "UBND xã Mỹ An", "", "105", ""]])
    before = snapshot()
    response = upload(client, commune_world, SimpleUploadedFile("wide.xlsx", path.read_bytes()))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dòng 4, cột “Tỷ lệ phủ sóng 5G”" in html
    assert "Tỷ lệ phần trăm phải từ 0 đến 100 (đã nhập 105)." in html
    assert "1 dòng lỗi: chưa ghi gì vào hệ thống." in html
    assert not response.context["token"] and "Xác nhận ghi số liệu" not in html
    assert snapshot() == before


def test_same_file_twice_is_unchanged(commune_world, client, staff_admin):
    client.force_login(staff_admin)
    first = upload(client, commune_world, csv_upload([LONG_HEADER, *LONG_ROWS]))
    client.post(reverse(URL), {"token": first.context["token"]})
    before = snapshot()
    second = upload(client, commune_world, csv_upload([LONG_HEADER, *LONG_ROWS]))
    assert "0 giá trị mới, 0 thay đổi, 4 không đổi" in second.content.decode()
    client.post(reverse(URL), {"token": second.context["token"]})
    assert snapshot() == before  # same entries, versions, events and history rows: no duplicates


def test_unreadable_file_is_explained(commune_world, client, staff_admin):
    client.force_login(staff_admin)
    response = upload(client, commune_world, SimpleUploadedFile("so-lieu.pdf", b"%PDF-1.4"))
    assert "Chỉ nhận tệp .xlsx hoặc .csv" in response.content.decode()
    response = upload(client, commune_world, csv_upload([["Tên", "Số"], ["a", "1"]]))
    assert "Không tìm thấy dòng tiêu đề có cột “Cơ quan/Đơn vị”" in response.content.decode()


def test_staff_of_another_province_cannot_pick_this_provinces_period(commune_world, client, other_staff_admin):
    client.force_login(other_staff_admin)
    before = snapshot()
    response = upload(client, commune_world, csv_upload([LONG_HEADER, *LONG_ROWS]))
    assert response.status_code == 200
    assert "period" in response.context["form"].errors
    assert snapshot() == before


def test_agency_users_cannot_reach_the_upload(commune_world, client, reporter_a):
    client.force_login(reporter_a)
    response = upload(client, commune_world, csv_upload([LONG_HEADER, *LONG_ROWS]))
    assert response.status_code == 302 and "/login/" in response["Location"]
