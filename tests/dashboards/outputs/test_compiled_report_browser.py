"""In Chromium: staff open "Báo cáo tổng hợp" from the menu, pick the period, read the preview and download
the .docx; on a phone the preview fits the screen."""

import datetime as dt
import os

import pytest
from docx import Document

from reports.services import periods_open
from tests.factories import PlanFactory

pytest_plugins = ["tests.browser.fixtures"]
SCREENSHOT = os.environ.get("CHITIEU_SCREENSHOT")  # a path, to look at the page by eye


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_previews_and_downloads_the_compiled_report(login, outputs_world, staff, tmp_path):
    other = PlanFactory(province=outputs_world.plan.province, code="chuyen-doi-so-2027", title="Chuyển đổi số",
                        start_year=2027, end_year=2027)
    periods_open(plan=other, today=dt.date(2026, 9, 1))
    page = login(staff)
    page.get_by_role("link", name="Báo cáo tổng hợp").click()
    page.wait_for_url("**/dau-ra/bao-cao-tong-hop/**")
    # Choosing another plan changes nothing by itself (no change of context on input); "Xem" then loads
    # that plan with its own periods.
    shown = page.locator("#plan").input_value()
    for target, year in ((outputs_world.plan.code, "20"), (other.code, "2027-"), (outputs_world.plan.code, "20")):
        if target == shown:
            continue
        page.select_option("#plan", target)
        assert f"plan={target}" not in page.url and page.locator("#period").is_disabled()
        page.get_by_role("button", name="Xem").click()
        page.wait_for_url(f"**plan={target}**")
        assert page.locator("#period option").first.get_attribute("value").startswith(year)
        shown = target
    page.select_option("#period", "2026-Q3")
    page.get_by_role("button", name="Xem").click()
    preview = page.get_by_role("article", name="Bản xem trước báo cáo")
    assert preview.get_by_role("heading", name="I. KẾT QUẢ ĐẠT ĐƯỢC").is_visible()
    assert preview.get_by_text("Sở Y tế: Phủ sóng 5G toàn bộ trung tâm các phường.").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= 390 + 1")
    if SCREENSHOT:
        page.set_viewport_size({"width": 1200, "height": 900})
        page.screenshot(path=SCREENSHOT, full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải về (.docx)").click()
    download = download_info.value
    assert download.suggested_filename == f"bao-cao-{outputs_world.plan.code}-2026-Q3.docx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert "I. KẾT QUẢ ĐẠT ĐƯỢC" in [p.text for p in Document(str(path)).paragraphs]
