"""In Chromium, on a phone: the plan page's download links fit the screen and really download the file."""

import os

import pytest
from openpyxl import load_workbook

from tests.indicators.factories import plan_with_contents

pytest_plugins = ["tests.browser.fixtures"]
PHONE_VIEWPORT = {"width": 390, "height": 844}
SCREENSHOT = os.environ.get("CHITIEU_SCREENSHOT")  # a path, to look at the page by eye


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_downloads_the_excel_appendix_from_the_plan_page_on_a_phone(login, staff, province, dost,
                                                                           agency_a, tmp_path):
    plan = plan_with_contents(province=province, lead=dost, coordinating=agency_a, code="ha-tang-so-2026-2030",
                              label="Đồng Tháp")
    page = login(staff)
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(f"/ke-hoach/{plan.code}/")
    actions = page.locator("nav.plan-actions")
    box = actions.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_VIEWPORT["width"]
    assert actions.evaluate("nav => nav.scrollWidth <= nav.clientWidth")
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=False)
    with page.expect_download() as download_info:
        actions.get_by_role("link", name="Excel", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "ha-tang-so-2026-2030.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    cells = {str(c.value) for sheet in load_workbook(path) for row in sheet.iter_rows() for c in row if c.value}
    assert "Tỷ lệ phủ sóng 5G Đồng Tháp" in cells
