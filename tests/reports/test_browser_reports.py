"""The reporting screens in a real Chromium: the reporter's path from inbox to submission and the staff
approval, and unsaved input surviving a reload (localStorage). Set CHITIEU_SCREENSHOTS=<dir> to keep
screenshots of the form at phone width."""

import os
from decimal import Decimal
from pathlib import Path

import pytest

from reports.models import AgencyReport, IndicatorEntry

pytest_plugins = ["tests.browser.fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def value_input(page, report, code):
    entry = IndicatorEntry.objects.get(report=report, indicator__code=code)
    return page.locator(f'input[name="i{entry.pk}-value"]')


def screenshot(page, name):
    folder = os.environ.get("CHITIEU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name))  # what the phone shows


def test_reporter_saves_reloads_submits_and_staff_approves(login, browser_page, reporter_a, staff, report_a):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    login(reporter_a)
    assert page.url.endswith("/bao-cao/")
    page.get_by_role("link", name="Báo cáo Quý 1/2026").click()
    page.wait_for_url(f"**/bao-cao/{report_a.pk}/")
    assert "20/03/2026" in page.locator(".report-head").inner_text()

    assert page.locator("#empty-count").inner_text() == "Còn 4/4 mục chưa nhập"
    value_input(page, report_a, "I.1").fill("95,5")
    assert page.locator("#empty-count").inner_text() == "Còn 3/4 mục chưa nhập"  # counted as the user types
    screenshot(page, "form-phone.png")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()
    assert "Đã lưu nháp" in page.locator(".messages").inner_text()
    assert IndicatorEntry.objects.get(report=report_a, indicator__code="I.1").value == Decimal("95.5")

    page.reload()
    assert value_input(page, report_a, "I.1").input_value() == "95,5"
    assert page.locator("#draft-restored").is_hidden()  # nothing unsaved to restore

    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_load_state()
    assert "Đã gửi báo cáo" in page.locator(".messages").inner_text()
    assert dialogs[0].startswith("Còn 3/4 mục chưa nhập: I.2, I.3, II.1") and "Gửi báo cáo?" in dialogs[0]
    assert page.locator('input[name$="-value"]').count() == 0  # read-only now
    report_a.refresh_from_db()
    assert report_a.status == AgencyReport.Status.SUBMITTED

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()
    login(staff)
    page.goto("/bao-cao/duyet/")
    page.get_by_role("link", name=report_a.agency.name).click()
    page.wait_for_load_state()
    assert "95,5" in page.locator("table.compare").first.inner_text()
    page.get_by_role("button", name="Duyệt", exact=True).first.click()  # the one at the top
    page.wait_for_load_state()
    assert "Đã duyệt báo cáo" in page.locator(".messages").inner_text()
    report_a.refresh_from_db()
    assert report_a.status == AgencyReport.Status.APPROVED and report_a.approved_by == staff


def test_unsaved_input_survives_a_reload(login, browser_page, reporter_a, report_a):
    page = browser_page
    login(reporter_a)
    page.goto(f"/bao-cao/{report_a.pk}/")
    value_input(page, report_a, "I.1").fill("77,25")
    page.locator("#id-achievements").fill("Đang soạn dở khi mất mạng")

    page.reload()
    assert value_input(page, report_a, "I.1").input_value() == "77,25"
    assert page.locator("#id-achievements").input_value() == "Đang soạn dở khi mất mạng"
    assert page.locator("#draft-restored").is_visible()
    assert IndicatorEntry.objects.get(report=report_a, indicator__code="I.1").value is None  # not saved yet

    # Once the server confirms a save the local copy is dropped: a reload shows the server's data only.
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()
    assert IndicatorEntry.objects.get(report=report_a, indicator__code="I.1").value == Decimal("77.25")
    assert "luu=" not in page.url  # the "just saved" marker is taken out of the address
    page.reload()
    assert page.locator("#draft-restored").is_hidden()
    assert page.evaluate(f"window.localStorage.getItem('chitieu-bao-cao-{reporter_a.pk}-{report_a.pk}')") is None

    # "Bỏ dữ liệu khôi phục" throws the local copy away.
    value_input(page, report_a, "I.1").fill("12")
    page.reload()
    assert value_input(page, report_a, "I.1").input_value() == "12"
    page.get_by_role("button", name="Bỏ dữ liệu khôi phục").click()
    page.wait_for_load_state()
    assert value_input(page, report_a, "I.1").input_value() == "77,25"


def test_restored_input_from_an_older_version_does_not_overwrite_a_newer_save(
        login, browser_page, reporter_a, head_a, report_a):
    from reports.services import report_save

    page = browser_page
    login(reporter_a)
    page.goto(f"/bao-cao/{report_a.pk}/")
    value_input(page, report_a, "I.1").fill("60")
    # Meanwhile the agency head saves the report from another computer.
    report_save(report=report_a, user=head_a, version=report_a.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": "70"}]})
    page.reload()
    assert value_input(page, report_a, "I.1").input_value() == "60"  # the reporter's input is back
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()
    assert "vừa được người khác lưu" in page.locator(".messages").inner_text()
    assert "Bản đã lưu: 70" in page.locator("#report-form").inner_text()
    assert IndicatorEntry.objects.get(report=report_a, indicator__code="I.1").value == 70
    assert value_input(page, report_a, "I.1").input_value() == "60"
