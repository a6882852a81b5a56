"""Playwright fixtures shared by the browser tests: Debian's Chromium against pytest-django's live_server.

A plugin module rather than a conftest.py: a conftest would define the fixtures a second time for
the tests below it, and two session-scoped Playwright instances cannot share one thread.

A test module anywhere (tests/browser included) uses them with
    pytest_plugins = ["tests.browser.fixtures"]
and marks the tests `@pytest.mark.browser`. The tests are skipped (with the reason) only when
/usr/bin/chromium is missing on a developer's machine; CI (CHITIEU_REQUIRE_SERVICES=1) installs it and
fails instead of skipping.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHITIEU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "matkhau-123"  # the password tests.factories.UserFactory gives every user
PHONE_VIEWPORT = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def live_server(request) -> Iterator:
    """pytest-django's live_server, started with a MEDIA_URL.

    The settings leave MEDIA_URL unset (None) on purpose: attachments are private and only served by
    permission-checked views. Django's live server wraps every request in a media-file handler that
    cannot take None, so the server is built with a path nothing links to; the setting goes back
    as soon as the handler has read it.
    """
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    addr = (request.config.getvalue("liveserver") or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
            or "localhost")
    with override_settings(MEDIA_URL="/__media-not-served__/"):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        message = f"Chromium không có tại {CHROMIUM}: bỏ qua các kiểm thử trình duyệt"
        if os.environ.get("CHITIEU_REQUIRE_SERVICES"):
            # CI must prove the browser path: a missing Chromium there is a failure, not a skip.
            pytest.fail(message + " (CHITIEU_REQUIRE_SERVICES is set)")
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
    # with a running loop unless told that this test process knows what it does.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser, live_server, settings) -> Iterator:
    """A fresh browser context (no cookies, no localStorage) pointed at the live server."""
    # CI runs with DEBUG=0, where the cookies are Secure and would never travel over http://.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(browser_page) -> Callable:
    """login(user) signs `user` in through the real login form and returns the page."""

    def sign_in(user, password: str = PASSWORD):
        page = browser_page
        page.goto("/dang-nhap/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        return page

    return sign_in
