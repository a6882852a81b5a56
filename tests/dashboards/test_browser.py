"""The leader's overview in a real Chromium: charts drawn, the year changes them, A4 print without overflow."""

import pytest

pytest_plugins = ["tests.browser.fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_overview_charts_year_and_print(world, leader, login):
    page = login(leader)
    assert page.url.endswith("/tong-quan/")  # the leader lands on the overview
    page.goto("/tong-quan/?plan=ha-tang-so&year=2026")
    page.wait_for_selector(".js-plotly-plot")
    assert page.locator(".js-plotly-plot").count() >= 2
    first = page.locator("#fig-theo-muc").text_content()
    page.select_option("#f-year", "2027")
    page.wait_for_url("**year=2027**")
    page.wait_for_selector(".js-plotly-plot")
    assert page.locator("#f-year").input_value() == "2027"
    assert page.locator("#fig-theo-muc").count() == 0 or page.locator("#fig-theo-muc").text_content() != first
    page.emulate_media(media="print")
    overflow = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    overflow = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert overflow[0] <= overflow[1]
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf[:4] == b"%PDF"
    assert "Số liệu tính đến" in page.locator(".print-header").inner_text()
