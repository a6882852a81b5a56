"""Content-Security-Policy: the main pages load with no violation (no inline script, no blocked resource).

The browser reports each violation as a console message and a `securitypolicyviolation` event; both are
collected and any one fails the test. The first test proves the listener hears a real violation.
"""

import datetime as dt

import pytest

from plans.models import Plan
from tests.reports.factories import reporting_plan

pytest_plugins = ["tests.browser.fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (event) {
  window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || '') + ' ' + (event.sample || ''));
});
"""


@pytest.fixture
def csp_page(browser_page):
    messages = []
    browser_page.context.add_init_script(LISTEN)
    browser_page.on("console", lambda message: messages.append(message.text))

    def violations() -> list[str]:
        events = browser_page.evaluate("window.__cspViolations || []")
        return events + [text for text in messages if "Content Security Policy" in text]

    browser_page.csp_violations = violations
    return browser_page


def visit(page, path: str) -> list[str]:
    response = page.goto(path)
    assert response.status < 400, f"{path} answered {response.status}"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    return [f"{path}: {violation}" for violation in page.csp_violations()]


def test_the_listener_hears_an_inline_script(csp_page):
    visit(csp_page, "/dang-nhap/")
    csp_page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';
                                 document.body.appendChild(s); }""")
    csp_page.wait_for_timeout(200)
    assert any("script-src" in violation for violation in csp_page.csp_violations())
    assert csp_page.evaluate("window.x") is None


@pytest.fixture
def world(province, agency_a, agency_b):
    world = reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b, today=dt.date(2026, 3, 1))
    Plan.objects.filter(pk=world.plan.pk).update(code="ha-tang-so")
    return world


def test_main_pages_have_no_violation(csp_page, login, world, agency_a, reporter_a, staff_admin, leader):
    found = visit(csp_page, "/dang-nhap/") + visit(csp_page, "/quen-mat-khau/")
    report = world.report(agency_a)

    login(reporter_a)
    for path in ("/bao-cao/", f"/bao-cao/{report.pk}/", "/doi-mat-khau/"):
        found += visit(csp_page, path)
    # The language form (a list and a button, no script on change) works under the policy.
    csp_page.select_option("footer select[name=language]", "en")
    with csp_page.expect_navigation():
        csp_page.click("footer form.language button[type=submit]")
    assert csp_page.locator("html").get_attribute("lang") == "en"
    csp_page.select_option("footer select[name=language]", "vi")
    with csp_page.expect_navigation():
        csp_page.click("footer form.language button[type=submit]")
    csp_page.click("header form.logout button")
    csp_page.wait_for_load_state()

    login(staff_admin)
    for path in ("/ke-hoach/", "/ke-hoach/ha-tang-so/", "/bao-cao/duyet/", "/bao-cao/tuan-thu/", "/tong-quan/",
                 "/tong-quan/?plan=ha-tang-so&year=2026", "/dau-ra/bao-cao-tong-hop/",
                 "/admin/", f"/admin/reports/agencyreport/{report.pk}/change/", "/admin/plans/plan/nhap-van-ban/",
                 "/admin/plans/plan/"):
        found += visit(csp_page, path)
    csp_page.context.clear_cookies()

    login(leader)
    found += visit(csp_page, "/tong-quan/")
    assert found == []
