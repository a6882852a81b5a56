"""The shared Playwright harness itself: Chromium starts, the login form works against live_server."""

import pytest

pytest_plugins = ["tests.browser.fixtures"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_user_without_role_logs_in_and_is_told_so(login, outsider):
    page = login(outsider)
    assert "/chua-phan-quyen/" in page.url
    assert page.locator("main").inner_text().strip()
