"""The browser draft of a report belongs to the user who typed it: keyed by user, removed at logout."""

import pytest

from reports.models import IndicatorEntry

pytest_plugins = ["tests.browser.fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def value_input(page, report, code):
    entry = IndicatorEntry.objects.get(report=report, indicator__code=code)
    return page.locator(f'input[name="i{entry.pk}-value"]')


def drafts(page) -> list[str]:
    return page.evaluate("Object.keys(window.localStorage).filter(k => k.startsWith('chitieu-bao-cao-'))")


def test_next_user_on_the_same_computer_never_sees_the_draft(login, browser_page, reporter_a, head_a, report_a):
    page = browser_page
    login(reporter_a)
    page.goto(f"/bao-cao/{report_a.pk}/")
    value_input(page, report_a, "I.1").fill("66,6")
    page.locator("#id-achievements").fill("Chưa lưu, của người báo cáo")
    page.wait_for_timeout(1500)  # the draft is written after a short pause in typing
    assert drafts(page) == [f"chitieu-bao-cao-{reporter_a.pk}-{report_a.pk}"]

    page.click("header form.logout button")
    page.wait_for_load_state()
    assert drafts(page) == []

    login(head_a)
    page.goto(f"/bao-cao/{report_a.pk}/")
    assert page.locator("#draft-restored").is_hidden()
    assert value_input(page, report_a, "I.1").input_value() != "66,6"


def test_a_draft_of_another_user_is_not_restored(login, browser_page, reporter_a, head_a, report_a):
    page = browser_page
    login(head_a)
    page.goto(f"/bao-cao/{report_a.pk}/")
    # A draft left by someone else (a session that expired without logout) under their own key.
    name = value_input(page, report_a, "I.1").get_attribute("name")
    draft = f"""JSON.stringify({{at: new Date().toISOString(), version: "{report_a.version}",
                                 values: {{"{name}": "99"}}}})"""
    page.evaluate(f"window.localStorage.setItem('chitieu-bao-cao-{reporter_a.pk}-{report_a.pk}', {draft})")
    page.reload()
    assert page.locator("#draft-restored").is_hidden()
    assert value_input(page, report_a, "I.1").input_value() != "99"
    # The same draft under the head's own key is restored: the check above is about whose it is.
    page.evaluate(f"window.localStorage.setItem('chitieu-bao-cao-{head_a.pk}-{report_a.pk}', {draft})")
    page.reload()
    assert value_input(page, report_a, "I.1").input_value() == "99"
