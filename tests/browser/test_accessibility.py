"""WCAG 2.1 AA in a real Chromium: axe-core on every page state of every role at desk and phone width,
and keyboard walks through the report form and the review page.

The page states are one table, `PAGE_STATES`: a role (who is signed in), where to go (a URL name, or a
callable that builds the path from the world below), what it is, and optionally a `setup` that acts on
the loaded page first (a failed save, a login error). Each row runs at 1366 and 390 px and fails on any
serious or critical violation, naming the page, the rule and the elements. A new page gets a new row.

Speed: one browser and one live server; the world is built once for the module and each role signs in
once (its cookies are reused by every page state). That is why this module does not use the
function-scoped `transactional_db` (see `_live_server_helper` below): it commits its world itself and
flushes the database when the module is done, as a transactional test does after each test.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from axe_playwright_python.base import AXE_SCRIPT  # the axe-core build the binding ships
from django.core.management import call_command
from django.db import connections
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

pytest_plugins = ["tests.browser.fixtures"]
pytestmark = [pytest.mark.browser]

PASSWORD = "matkhau-123"  # the password tests.factories.UserFactory gives every user
WIDTHS = {"1366px": {"width": 1366, "height": 768}, "390px": {"width": 390, "height": 844}}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}


# ---------------------------------------------------------------- the world every page state reads


@pytest.fixture
def _live_server_helper():
    """Replaces pytest-django's autouse helper for this module: it would flush the database after every
    test (transactional_db), and the module's world is built once (`world`)."""
    yield


def _build_world() -> SimpleNamespace:
    """One province: Sở KH&CN staff (also admin users), agency A (reporter, head), agency B, a leader and
    a user with no role; a plan whose reports are in each state a page shows differently."""
    from agencies.models import Membership
    from agencies.services import membership_add
    from reports import services
    from reports.models import AgencyReport, ReportingPeriod, ReportingPolicy
    from tests.factories import AgencyFactory, MembershipFactory, ProvinceFactory, UserFactory
    from tests.reports.factories import ReportingPeriodFactory, reporting_plan

    role = Membership.Role
    province = ProvinceFactory(name="Đồng Tháp", code="dong-thap")
    dost = AgencyFactory(province=province, name="Sở Khoa học và Công nghệ", short_name="Sở KH&CN")
    agency_a = AgencyFactory(province=province, name="Sở Y tế", short_name="SYT")
    agency_b = AgencyFactory(province=province, name="UBND phường Cao Lãnh")
    ubnd = AgencyFactory(province=province, name="Ủy ban nhân dân tỉnh Đồng Tháp", short_name="UBND tỉnh")

    def member(username, agency, membership_role):
        user = UserFactory(username=username)
        MembershipFactory(user=user, agency=agency, role=membership_role)
        return user

    users = {
        "staff": member("staff", dost, role.STAFF),
        "reporter_a": member("reporter_a", agency_a, role.REPORTER),
        "head_a": member("head_a", agency_a, role.AGENCY_HEAD),
        "reporter_b": member("reporter_b", agency_b, role.REPORTER),
        "leader": member("leader", ubnd, role.LEADER),
        "outsider": UserFactory(username="outsider"),
    }
    membership_add(user=users["staff"], agency=dost, role=role.STAFF)  # admin access, as user_create gives
    users["staff"].refresh_from_db()

    world = reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b, today=dt.date(2026, 3, 1),
                           title="Kế hoạch chuyển đổi số tỉnh Đồng Tháp giai đoạn 2026–2030")
    plan = world.plan
    # A second plan, so that the review queue lists two reports of one agency (names must tell them apart).
    other = reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b, today=dt.date(2026, 3, 1),
                           title="Kế hoạch phát triển khoa học và công nghệ năm 2026")
    staff, reporter_a = users["staff"], users["reporter_a"]

    # Every line filled, as a real agency sends it (a rule about what may be sent must not break the world).
    filled = {
        agency_a: {
            "indicator_entries": [{"indicator": "I.1", "value": "95,5", "note": "Theo số liệu Sở Y tế"},
                                  {"indicator": "I.2", "numerator": "12", "denominator": "20"},
                                  {"indicator": "I.3", "milestone_state": "completed"}],
            "task_entries": [{"task": "II.1", "status": "in_progress", "progress": "40", "done": "Đã triển khai",
                              "next": "Tiếp tục"}],
            "narrative": {"achievements": "Hoàn thành phần lớn chỉ tiêu."}},
        agency_b: {
            "indicator_entries": [{"indicator": "I.4", "value": "120"}],
            "task_entries": [{"task": "II.2", "status": "completed", "progress": "100", "done": "Xong"}],
            "narrative": {"achievements": "Đạt kế hoạch."}},
    }

    def send(report, user):
        services.report_save(report=report, user=user, version=report.version, data=filled[report.agency])
        services.report_submit(report=report, user=user)

    # Agency A: Q1 of both plans submitted (the review queue), Q2 draft (the form); agency B: Q1 approved,
    # and its report of the other plan sent back with reasons, for the report and for an entry.
    q1_a = world.report(agency_a)
    send(q1_a, reporter_a)
    send(other.report(agency_a), reporter_a)
    q1_b = world.report(agency_b)
    send(q1_b, users["reporter_b"])
    services.report_approve(report=q1_b, user=staff)
    returned_b = other.report(agency_b)
    send(returned_b, users["reporter_b"])
    services.report_return(report=returned_b, user=staff, reason="Thiếu nguồn số liệu.",
                           entry_reasons={"indicator_entries": {"I.4": "Ghi rõ số doanh nghiệp mới."}})

    q2 = ReportingPeriodFactory(plan=plan, year=2026, quarter=2)
    services.expected_reports_create(period=q2)
    q2_a = world.report(agency_a, code=q2.code)
    # Due in two days from the real today (the live server's clock): the inbox's "near the deadline" colour.
    q3 = ReportingPeriodFactory(plan=plan, year=2026, quarter=3)
    ReportingPeriod.objects.filter(pk=q3.pk).update(due_on=timezone.localdate() + dt.timedelta(days=2))
    services.expected_reports_create(period=q3)

    # With the head's confirmation required, agency A's next submission waits for head_a.
    ReportingPolicy.objects.update_or_create(province=province, defaults={"require_head_confirmation": True})
    q3_a = world.report(agency_a, code=q3.code)
    send(q3_a, reporter_a)
    q3_a.refresh_from_db()
    assert q3_a.status == AgencyReport.Status.AWAITING_CONFIRMATION

    # The dashboards read snapshots: the plans are recomputed as the nightly job would, and one is public.
    from progress.services import plan_recompute

    for each in (plan, other.plan):
        plan_recompute(plan=each)
    type(other.plan).objects.filter(pk=other.plan.pk).update(public_progress=True)

    return SimpleNamespace(
        users=users, province=province, plan=plan, other_plan=other.plan, agency_a=agency_a,
        indicator=world.indicators["I.1"], draft_a=q2_a, submitted_a=q1_a, approved_b=q1_b,
        awaiting_a=q3_a, returned_b=returned_b,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, live_server) -> Iterator[SimpleNamespace]:
    # What pytest-django's live-server helper and the shared browser_page fixture set per test, for the
    # module: plain-http cookies (CI runs with DEBUG=0) and a fast password hasher (the users are
    # created and signed in here, outside the per-test settings fixture).
    overrides = override_settings(SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False, ALLOWED_HOSTS=["*"],
                                  PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    overrides.enable()
    live_server._live_server_modified_settings.enable()
    try:
        with django_db_blocker.unblock():
            built_on = connections["default"]
            try:
                yield _build_world()
            finally:
                call_command("flush", interactive=False, verbosity=0)
                # Playwright's sync API switches greenlets, each with its own context, and Django keeps a
                # connection per context: the one that built the world may not be the one in use now.
                # Left open, it would keep the test database from being dropped at the end.
                built_on.close()
                connections.close_all()
    finally:
        live_server._live_server_modified_settings.disable()
        overrides.disable()


@pytest.fixture(scope="module")
def signed_in(browser, live_server, world) -> Callable[[str | None], dict | None]:
    """signed_in(role) → the storage state (cookies) of that role's user, signed in once per module
    through the real login form; None for an anonymous visitor."""
    states: dict[str, dict] = {}

    def storage_state(role: str | None) -> dict | None:
        if role is None:
            return None
        if role not in states:
            context = browser.new_context(base_url=live_server.url, locale="vi-VN")
            page = context.new_page()
            page.goto("/dang-nhap/")
            page.fill("input[name=username]", world.users[role].username)
            page.fill("input[name=password]", PASSWORD)
            page.click("main form button[type=submit]")
            page.wait_for_load_state()
            assert "/dang-nhap/" not in page.url, f"{role} could not sign in"
            states[role] = context.storage_state()
            context.close()
        return states[role]

    return storage_state


@pytest.fixture
def open_page(browser, live_server, signed_in, world):
    """open_page(role, viewport) → a fresh page of a context signed in as `role`, closed after the test."""
    contexts = []

    def make(role: str | None, viewport: dict):
        context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                      viewport=viewport, storage_state=signed_in(role))
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


# ---------------------------------------------------------------- the table of page states


def url(name: str, *attributes: str) -> Callable[[SimpleNamespace], str]:
    """A URL by name, its arguments the primary keys (or codes, for plans) of the world's objects."""

    def build(world: SimpleNamespace) -> str:
        args = []
        for attribute in attributes:
            value = getattr(world, attribute)
            args.append(value.code if attribute.endswith("plan") else value.pk)
        return reverse(name, args=args)

    return build


def _failed_login(page, world):
    page.fill("input[name=username]", "khong-co-tai-khoan")  # nobody's: no lockout counts against a real user
    page.fill("input[name=password]", "sai-mat-khau")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def _failed_save(page, world):
    """Three fields with an error: a percentage over 100, a progress over 100, a narrative box too long."""
    page.locator('input[name$="-value"]').first.fill("105")
    page.locator('input[name$="-progress"]').first.fill("150")
    page.locator("#id-achievements").evaluate("(box) => { box.value = 'x'.repeat(20001); }")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()


def _saved(page, world):
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()


def _failed_on_behalf_save(page, world):
    page.locator("#id-source_reference").evaluate("(input) => { input.removeAttribute('maxlength'); "
                                                  "input.value = 'C'.repeat(300); }")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()


def _excel_upload(value):
    """Download the report as Excel, type `value` as I.1's value, upload it: the preview page."""

    def upload(page, world):
        with page.expect_download() as download:
            page.get_by_role("link", name="Tải báo cáo xuống (.xlsx)").click()
        with open(download.value.path(), "rb") as downloaded:  # a download's path has no .xlsx to go by
            workbook = load_workbook(downloaded)
        workbook["Chỉ tiêu"].cell(row=5, column=8, value=value)  # the first line's "Giá trị"
        content = io.BytesIO()
        workbook.save(content)
        page.set_input_files("#id_excel", {"name": "bao-cao.xlsx", "buffer": content.getvalue(), "mimeType":
                                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
        page.get_by_role("button", name="Tải lên và xem trước").click()
        page.wait_for_load_state()

    return upload


def _admin_failed_save(page, world):
    page.locator('input[name$="-entry_value"]').first.fill("105")
    page.click("input[name=_continue]")
    page.wait_for_load_state()


@dataclass(frozen=True)
class PageState:
    id: str
    role: str | None  # a key of world.users; None: not signed in
    target: str | Callable[[SimpleNamespace], str]  # a URL name without arguments, or world → path
    description: str
    setup: Callable | None = None  # (page, world): what the user does on the page before the check
    expect_text: str = field(default="")  # a sanity check that the state is the one meant: a text shown,
    expect_selector: str = field(default="")  # or an element present

    def path(self, world: SimpleNamespace) -> str:
        return self.target(world) if callable(self.target) else reverse(self.target)


PAGE_STATES = [
    PageState("login", None, "login", "Đăng nhập"),
    PageState("login-error", None, "login", "Đăng nhập sai mật khẩu", _failed_login, "không đúng"),
    PageState("no-role", "outsider", "no_role", "Tài khoản chưa được phân quyền"),
    # Agencies
    PageState("inbox", "reporter_a", "reports:inbox", "Hộp báo cáo của đơn vị (quá hạn, gần hạn, đã gửi)",
              expect_selector=".inbox-item.soon .days"),
    PageState("report-form", "reporter_a", url("reports:report", "draft_a"), "Báo cáo đang soạn"),
    PageState("report-form-errors", "reporter_a", url("reports:report", "draft_a"),
              "Báo cáo lưu không được (lỗi ở số liệu, nhiệm vụ, thuyết minh)", _failed_save, "Chưa lưu được"),
    PageState("report-form-saved", "reporter_a", url("reports:report", "draft_a"), "Báo cáo vừa lưu nháp",
              _saved, "Đã lưu nháp"),
    PageState("excel-preview", "reporter_a", url("reports:report", "draft_a"), "Xem trước tệp Excel (thay đổi)",
              _excel_upload(80), "Sẽ thay đổi"),
    PageState("excel-preview-errors", "reporter_a", url("reports:report", "draft_a"), "Xem trước tệp Excel có lỗi",
              _excel_upload(150), "Tệp có 1 lỗi"),
    PageState("report-returned", "reporter_b", url("reports:report", "returned_b"),
              "Báo cáo bị trả lại (lý do chung và từng chỉ tiêu)", expect_text="Ghi rõ số doanh nghiệp mới."),
    PageState("report-submitted", "reporter_a", url("reports:report", "submitted_a"), "Báo cáo đã gửi (chỉ xem)"),
    PageState("report-confirm", "head_a", url("reports:report", "awaiting_a"),
              "Lãnh đạo đơn vị xác nhận báo cáo"),
    PageState("inbox-head", "head_a", "reports:inbox", "Hộp báo cáo của lãnh đạo đơn vị"),
    # Sở KH&CN staff
    PageState("plans", "staff", "plans:list", "Danh sách kế hoạch"),
    PageState("plan", "staff", url("plans:detail", "plan"), "Kế hoạch: chỉ tiêu và nhiệm vụ"),
    PageState("review-queue", "staff", "reports:review_queue", "Hàng chờ duyệt"),
    PageState("review", "staff", url("reports:report", "submitted_a"), "Duyệt một báo cáo"),
    PageState("approved", "staff", url("reports:report", "approved_b"), "Báo cáo đã duyệt (mở lại)"),
    PageState("compliance", "staff", "reports:compliance", "Tình hình nộp báo cáo"),
    PageState("on-behalf-errors", "staff", lambda w: url("reports:report", "draft_a")(w) + "?nhap-thay=1",
              "Sở KH&CN nhập thay, văn bản nguồn quá dài", _failed_on_behalf_save, "Chưa lưu được"),
    PageState("submit-confirm", "reporter_a", url("reports:submit", "draft_a"), "Xác nhận gửi báo cáo (không JS)"),
    PageState("compiled-report", "staff",
              lambda w: reverse("outputs:compiled_report") + f"?plan={w.plan.code}&period=2026-Q1",
              "Báo cáo tổng hợp: xem trước"),
    PageState("audit", "staff", "admin_audit", "Nhật ký thay đổi"),
    PageState("password-change", "staff", "password_change", "Đổi mật khẩu"),
    PageState("password-reset", None, "password_reset", "Quên mật khẩu"),
    # Leaders
    PageState("dashboard", "leader", "dashboards:home", "Tổng quan (mọi kế hoạch)"),
    PageState("dashboard-plan", "leader",
              lambda w: reverse("dashboards:overview") + f"?plan={w.plan.code}&year=2026",
              "Tổng quan một kế hoạch (thẻ, biểu đồ, bảng xếp hạng, bản đồ nhiệt, tiến trình)",
              expect_selector=".js-plotly-plot"),
    PageState("dashboard-indicator", "leader", url("dashboards:indicator", "indicator"), "Trang một chỉ tiêu",
              expect_selector=".js-plotly-plot"),
    PageState("dashboard-agency", "reporter_a", url("dashboards:agency", "agency_a"), "Trang một cơ quan"),
    PageState("plan-leader", "leader", lambda w: reverse("plans:detail", args=[w.plan.code]) + "?year=2026",
              "Kế hoạch với tiến độ (lãnh đạo)"),
    PageState("public", None, url("public:progress", "other_plan"), "Trang công khai tiến độ"),
    # The admin pages staff use
    PageState("admin-index", "staff", "admin:index", "Quản trị"),
    PageState("admin-reports", "staff", "admin:reports_agencyreport_changelist", "Danh sách báo cáo (quản trị)"),
    PageState("admin-report", "staff", url("admin:reports_agencyreport_change", "draft_a"),
              "Nhập thay báo cáo trong trang quản trị (các dòng chỉ tiêu, nhiệm vụ)"),
    PageState("admin-report-errors", "staff", url("admin:reports_agencyreport_change", "draft_a"),
              "Nhập thay trong trang quản trị, số liệu sai", _admin_failed_save, "Tỷ lệ phần trăm phải từ 0 đến 100"),
    PageState("admin-report-read-only", "staff", url("admin:reports_agencyreport_change", "submitted_a"),
              "Báo cáo đã gửi trong trang quản trị (bảng số liệu chỉ xem)", expect_selector="th[scope=row]"),
    PageState("admin-indicators", "staff", "admin:indicators_indicator_changelist", "Danh sách chỉ tiêu"),
    PageState("admin-indicator", "staff", url("admin:indicators_indicator_change", "indicator"),
              "Chỉ tiêu với các dòng mục tiêu từng năm"),
    PageState("admin-plans", "staff", "admin:plans_plan_changelist", "Danh sách kế hoạch (quản trị)"),
    PageState("admin-import-values", "staff", "admin:reports_agencyreport_import_values", "Nhập số liệu từ tệp"),
    PageState("admin-import-document", "staff", "admin:plans_plan_import_document", "Nhập kế hoạch từ văn bản"),
    PageState("admin-plan", "staff", lambda w: reverse("admin:plans_plan_change", args=[w.plan.pk]),
              "Kế hoạch (quản trị) với các phụ lục"),
]


def _violations_message(state: PageState, width: str, path: str, violations: list[dict]) -> str:
    lines = [f"{state.id} ({state.description}) at {width}, {path}:"]
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"      {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("        " + node["failureSummary"].replace("\n", " ")[:300])
        if len(violation["nodes"]) > 8:
            lines.append(f"      … {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def axe_failures(page) -> list[dict]:
    """The serious and critical violations on the page as it is now (axe is injected once per page)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("(options) => window.axe.run(document, options)", AXE_OPTIONS)
    return [violation for violation in results["violations"] if violation["impact"] in FAILING_IMPACTS]


@pytest.mark.parametrize("state", PAGE_STATES, ids=[state.id for state in PAGE_STATES])
def test_page_state_has_no_serious_accessibility_violation(state, world, open_page):
    """Both widths on one loaded page: the layout follows the viewport (media queries), the state stays."""
    failures = []
    page = open_page(state.role, WIDTHS["1366px"])
    path = state.path(world)
    response = page.goto(path)
    assert response is not None and response.status < 500, f"{state.id}: {path} answered {response.status}"
    if state.setup:
        state.setup(page, world)
    if state.expect_text:
        assert state.expect_text in page.locator("body").inner_text(), f"{state.id}: not the state meant"
    if state.expect_selector:
        assert page.locator(state.expect_selector).count(), f"{state.id}: not the state meant"
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        violations = axe_failures(page)
        if violations:
            failures.append(_violations_message(state, width, page.url, violations))
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------- keyboard walks

# What the focused element is, and whether it can be seen: inside the screen, not under the sticky bar,
# not under anything else. Waits two frames for the scrolling that follows a focus change.
FOCUSED_JS = """async () => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const key = el.id || (el.name ? `${el.name}=${el.value}` : (el.getAttribute('aria-label') || el.textContent.trim().slice(0, 60)));
  const box = el.getBoundingClientRect();
  const bar = document.querySelector('.actions.sticky');
  const barBox = bar && getComputedStyle(bar).position === 'sticky' && !bar.contains(el) ? bar.getBoundingClientRect() : null;
  const x = Math.min(Math.max(box.left + Math.min(box.width / 2, 20), 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + Math.min(box.height / 2, 10), 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  return {
    key,
    inScreen: box.top >= 0 && box.bottom <= innerHeight + 0.5 && box.right > 0 && box.left < innerWidth,
    underBar: !!barBox && box.bottom > barBox.top + 0.5 && box.top < barBox.bottom - 0.5,
    onTop: !!hit && (hit === el || el.contains(hit) || hit.contains(el)),
  };
}"""

CONTROLS_JS = """(root) => Array.from(root.querySelectorAll('input, select, textarea, button, a[href], [tabindex="0"]'))
  .filter((el) => el.type !== 'hidden' && !el.disabled && el.checkVisibility({visibilityProperty: true}))
  .map((el) => el.id || (el.name ? `${el.name}=${el.value}` : (el.getAttribute('aria-label') || el.textContent.trim().slice(0, 60))))"""


def tab_through(page, last_key: str, limit: int = 400) -> list[dict]:
    """Press Tab from the top of the page until `last_key` has the focus; every stop, as FOCUSED_JS sees it."""
    page.evaluate("() => { window.scrollTo(0, 0); document.activeElement && document.activeElement.blur(); }")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED_JS)
        if stop is None:
            continue
        stops.append(stop)
        if stop["key"] == last_key:
            return stops
    raise AssertionError(f"{last_key} was not reached in {limit} presses of Tab; last stops: {stops[-5:]}")


def hidden_stops(stops: list[dict]) -> list[str]:
    return [f"{stop['key']} ({'under the save bar' if stop['underBar'] else 'off screen' if not stop['inScreen'] else 'covered'})"
            for stop in stops if stop["underBar"] or not stop["inScreen"] or not stop["onTop"]]


LANGUAGE_BUTTON = "Đổi ngôn ngữ"


@pytest.mark.parametrize("width", WIDTHS)
def test_every_report_field_is_reached_by_tab_and_seen_when_focused(width, world, open_page):
    page = open_page("reporter_a", WIDTHS[width])
    page.goto(reverse("reports:report", args=[world.draft_a.pk]))
    expected = page.locator("#report-form").evaluate(CONTROLS_JS)
    stops = tab_through(page, LANGUAGE_BUTTON)
    reached = [stop["key"] for stop in stops]
    assert stops[0]["key"] == "Bỏ qua, đến nội dung chính" and stops[1]["key"] == "Đến mục đầu tiên cần điền"
    assert not [key for key in expected if key not in reached], "not reachable by Tab"
    assert {"action=save", "submit-button"} <= set(reached)  # Lưu nháp, Gửi báo cáo (its id names it)
    assert not hidden_stops(stops), f"focused but not visible at {width}"


def test_skip_links_move_the_focus_to_the_content_and_to_the_first_entry(world, open_page):
    page = open_page("reporter_a", WIDTHS["390px"])
    page.goto(reverse("reports:report", args=[world.draft_a.pk]))
    first_entry = page.locator("fieldset.entry").first
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")

    page.reload()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == first_entry.get_attribute("id")
    page.keyboard.press("Tab")  # the entry's first input
    assert page.evaluate("document.activeElement.closest('fieldset.entry').id") == first_entry.get_attribute("id")
    # Each entry is a heading, to jump by with a screen reader.
    assert page.locator("fieldset.entry legend h3").count() == page.locator("fieldset.entry").count() > 0


@pytest.mark.parametrize("viewport", [{"width": 683, "height": 384}, {"width": 341, "height": 192}],
                         ids=["zoom-200", "zoom-400"])
def test_the_save_bar_stays_small_at_high_zoom(viewport, world, open_page):
    """A 1366×768 screen at 200 % and 400 % zoom: the bar covers at most a fifth of the screen, and the
    focused field is still seen."""
    page = open_page("reporter_a", viewport)
    page.goto(reverse("reports:report", args=[world.draft_a.pk]))
    cover = page.evaluate("""() => { const bar = document.querySelector('.actions.sticky');
        return getComputedStyle(bar).position === 'sticky' ? bar.getBoundingClientRect().height / innerHeight : 0; }""")
    assert cover <= 0.2, f"the save bar covers {cover:.0%} of the screen"
    # Reflow (1.4.10): the page itself does not scroll sideways, only tables inside their own regions.
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    page.locator("#id-achievements").focus()
    stop = page.evaluate(FOCUSED_JS)
    assert stop["key"] == "id-achievements" and not stop["underBar"]


def test_a_failed_save_moves_the_focus_to_an_alert_with_the_count_of_fields_to_fix(world, open_page):
    page = open_page("reporter_a", WIDTHS["390px"])
    page.goto(reverse("reports:report", args=[world.draft_a.pk]))
    _failed_save(page, world)
    focused = page.evaluate("""() => ({role: document.activeElement.getAttribute('role'),
                                      text: document.activeElement.innerText})""")
    assert focused["role"] == "alert"
    assert "Chưa lưu được: 3 ô cần sửa" in focused["text"]
    assert not page.locator(".messages [role=alert]").count()  # said once, not twice

    # Every field with an error says so to a screen reader, with its message.
    for field_id in ("id-achievements", page.locator('[name$="-value"]').first.get_attribute("id"),
                     page.locator('[name$="-progress"]').first.get_attribute("id")):
        field_ = page.locator(f"#{field_id}")
        assert field_.get_attribute("aria-invalid") == "true", field_id
        message = page.locator("#" + field_.get_attribute("aria-describedby")).inner_text()
        assert message.strip(), field_id

    # The summary's links lead to the field itself, focused, clear of the save bar.
    page.locator(".error-summary a", has_text="Kết quả đạt được").click()
    stop = page.evaluate(FOCUSED_JS)
    assert stop["key"] == "id-achievements" and stop["inScreen"] and not stop["underBar"]

    # Fixed and saved: the success is a polite status message.
    page.locator("#id-achievements").fill("")
    page.locator('input[name$="-value"]').first.fill("")
    page.locator('input[name$="-progress"]').first.fill("")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state()
    assert "Đã lưu nháp" in page.locator(".messages [role=status]").inner_text()


def test_on_behalf_source_reference_error_is_tied_to_its_field(world, open_page):
    page = open_page("staff", WIDTHS["1366px"])
    page.goto(reverse("reports:report", args=[world.draft_a.pk]) + "?nhap-thay=1")
    _failed_on_behalf_save(page, world)
    assert "Chưa lưu được: 1 ô cần sửa" in page.evaluate("document.activeElement.innerText")
    field_ = page.locator("#id-source_reference")
    assert field_.get_attribute("aria-invalid") == "true"
    assert "255" in page.locator("#" + field_.get_attribute("aria-describedby")).inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_review_page_works_by_keyboard(width, world, open_page):
    page = open_page("staff", WIDTHS[width])
    page.goto(reverse("reports:report", args=[world.submitted_a.pk]))
    expected = page.locator("main").evaluate(CONTROLS_JS)
    stops = tab_through(page, LANGUAGE_BUTTON)
    reached = [stop["key"] for stop in stops]
    assert not [key for key in expected if key not in reached], "not reachable by Tab"
    assert reached.count("Duyệt") == 2 and "Trả lại" in reached  # at the top and in the review section
    assert {"Bảng số liệu chỉ tiêu", "Bảng tiến độ nhiệm vụ"} <= set(reached)  # tables that scroll sideways
    assert not hidden_stops(stops), f"focused but not visible at {width}"

    # "Trả lại (ghi lý do) ↓" takes the keyboard to the review section, not only the eyes.
    page.get_by_role("link", name="Trả lại (ghi lý do) ↓").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "duyet"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#duyet') !== null")


def test_review_queue_names_say_plan_and_period(world, open_page):
    page = open_page("staff", WIDTHS["1366px"])
    page.goto(reverse("reports:review_queue"))
    names = page.locator("input[name=report]").evaluate_all("(boxes) => boxes.map((box) => box.getAttribute('aria-label'))")
    assert len(names) == len(set(names)) >= 2
    assert f"Chọn báo cáo quý 1/2026 của Sở Y tế – {world.plan.title}" in names
    assert f"Chọn báo cáo quý 1/2026 của Sở Y tế – {world.other_plan.title}" in names


def test_choosing_a_language_changes_nothing_until_the_button_is_pressed(world, open_page):
    page = open_page(None, WIDTHS["1366px"])
    page.goto(reverse("login"))
    page.locator("#id-language").focus()
    page.keyboard.press("ArrowDown")  # moves through the list: no page change
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.lang") == "vi" and page.url.endswith(reverse("login"))
    page.locator("#id-language").select_option("en")
    page.get_by_role("button", name=LANGUAGE_BUTTON).click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "en"
