"""The cached parts of the dashboards (dashboards/fragments.py): new figures as soon as a recompute writes
them, a report's move at once, one fragment per language and filter, and nothing of one reader's view served
to another."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from indicators.models import Target
from progress.services import plan_recompute
from reports.services import periods_open, report_submit
from tests.dashboards.conftest import TODAY
from tests.dashboards.test_pages import _figure
from tests.progress.factories import approve_report

pytestmark = pytest.mark.django_db

URL = reverse("dashboards:overview") + "?plan=ha-tang-so&year=2026"


def _section_counts(body: str) -> dict[str, list]:
    return {trace["name"]: trace["x"] for trace in _figure(body, "fig-theo-muc")["data"]}


def _table(body: str, key: str) -> str:
    match = re.search(rf'<table[^>]* id="bang-{key}">.*?</table>', body, re.S)
    assert match, key
    return match.group(0)


def test_a_recompute_shows_its_new_figures(client, world, leader):
    client.force_login(leader)
    before = _section_counts(client.get(URL).content.decode())
    assert before["Đúng tiến độ"] == [1]
    # A higher target is seen only by a recompute: no report moves, the plan row is untouched.
    Target.objects.filter(indicator=world.indicators["I.1"], year=2026).update(low=200)
    assert _section_counts(client.get(URL).content.decode()) == before  # the snapshot has not changed yet
    plan_recompute(plan=world.plan, as_of=TODAY)
    after = _section_counts(client.get(URL).content.decode())
    assert "Đúng tiến độ" not in after and after != before


def test_a_submission_shows_in_the_heatmap_before_any_recompute(client, world, leader, agency_b, reporter_b):
    periods_open(plan=world.plan, today=TODAY)  # the Q2 reports, not due yet
    client.force_login(leader)

    def on_time() -> int:
        heatmap = _figure(client.get(URL).content.decode(), "fig-tuan-thu")["data"][0]
        return sum(row.count("Đúng hạn") for row in heatmap["text"])

    before = on_time()
    report_submit(report=world.report(agency_b, "2026-Q2"), user=reporter_b)
    assert on_time() == before + 1


def test_each_language_and_filter_has_its_own_fragment(client, world, leader, agency_b):
    client.force_login(leader)
    assert "Xếp hạng cơ quan chủ trì" in client.get(URL).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(URL).content.decode()
    assert "Lead agency ranking" in english and "Xếp hạng cơ quan chủ trì" not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    everything = _table(client.get(URL).content.decode(), "tien-do-nv")
    assert "II.1." in everything and "II.2." in everything
    only_b = _table(client.get(URL + f"&co_quan={agency_b.pk}").content.decode(), "tien-do-nv")
    assert "II.1." not in only_b and "II.2." in only_b


def test_staff_and_leaders_each_get_their_own_page_around_the_shared_fragment(client, world, leader, staff):
    for first, second in ((staff, leader), (leader, staff)):
        cache.clear()
        client.force_login(first)
        client.get(URL)
        client.force_login(second)
        body = client.get(URL).content.decode()
        # The recompute button is staff's (and carries a CSRF token): drawn on each request, never cached.
        assert ("Tính lại tiến độ" in body) == (second == staff), second.username
        assert "Xếp hạng cơ quan chủ trì" in body


def test_a_reporter_never_gets_the_province_readers_indicator_page(client, world, leader, staff, reporter_a,
                                                                  agency_b, reporter_b):
    indicator = world.indicators["I.1"]
    indicator.lead_agencies.add(agency_b)
    approve_report(world, agency=agency_b, reporter=reporter_b, staff=staff, code="2026-Q2", on=TODAY,
                   indicators={"I.1": {"value": "77"}})
    plan_recompute(plan=world.plan, as_of=TODAY)
    url = reverse("dashboards:indicator", args=[indicator.pk])
    client.force_login(leader)
    assert "UBND phường Cao Lãnh" in _table(client.get(url).content.decode(), "gia-tri")
    client.force_login(reporter_a)
    values = _table(client.get(url).content.decode(), "gia-tri")
    assert "Sở Y tế" in values and "UBND phường Cao Lãnh" not in values


def test_cached_export_links_carry_only_the_pages_own_filters(client, world, leader):
    client.force_login(leader)
    body = client.get(URL + "&utm_source=thu-dien-tu").content.decode()
    exports = re.findall(r'href="([^"]*xuat=[^"]*)"', body)
    assert "?plan=ha-tang-so&amp;year=2026&amp;xuat=co-quan" in exports
    assert not [href for href in exports if "utm_source" in href]
    assert client.get(URL + "&xuat=co-quan")["Content-Type"].startswith("application/vnd.openxmlformats")
