"""The admin's on-behalf entry in a real Chromium: staff type an agency's dispatch in, then submit and
approve it in one step. Set CHITIEU_SCREENSHOTS=<dir> to keep screenshots of the page."""

import os
from decimal import Decimal
from pathlib import Path

import pytest

from reports.models import AgencyReport, IndicatorEntry, ReportEvent

pytest_plugins = ["tests.browser.fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshot(page, name):
    folder = os.environ.get("CHITIEU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_staff_type_in_a_dispatch_then_submit_and_approve(login, browser_page, staff_admin, report_a):
    page = browser_page
    page.set_viewport_size({"width": 1400, "height": 900})
    login(staff_admin)
    page.goto(f"/admin/reports/agencyreport/{report_a.pk}/change/")
    entry = IndicatorEntry.objects.get(report=report_a, indicator__code="I.1")
    value = page.locator('input[name$="-entry_value"]').first
    assert page.locator('input[name$="-entry_value"]').count() == 3  # I.1, I.2, I.3 (disabled for the last two)
    value.fill("105")
    page.fill("input[name=document_number]", "Công văn số 123/STTTT-BCVT")
    page.fill("input[name=document_date]", "05/10/2026")
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    assert "Tỷ lệ phần trăm phải từ 0 đến 100 (đã nhập 105)." in page.content()
    screenshot(page, "admin-on-behalf-error.png")

    page.locator('input[name$="-entry_value"]').first.fill("95,5")
    page.click("input[name=_submit_and_approve]")
    page.wait_for_load_state()
    assert "Đã gửi và duyệt báo cáo" in page.locator(".messagelist").inner_text()
    events = page.locator("#events-group")
    assert "Sở KH&CN nhập thay, gửi và duyệt trong một bước." in events.inner_text()
    assert events.locator("td.original p").count() == 3
    assert not any(label.is_visible() for label in events.locator("td.original p").all())  # UTC time, hidden
    screenshot(page, "admin-on-behalf-approved.png")

    entry.refresh_from_db()
    report_a.refresh_from_db()
    assert entry.value == Decimal("95.5")
    assert report_a.status == AgencyReport.Status.APPROVED
    assert report_a.source_reference == "Công văn số 123/STTTT-BCVT ngày 05/10/2026"
    assert list(report_a.events.values_list("action", flat=True)) == [
        ReportEvent.Action.ENTERED_ON_BEHALF, ReportEvent.Action.SUBMITTED, ReportEvent.Action.APPROVED]
