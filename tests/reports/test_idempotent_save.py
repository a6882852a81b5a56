"""Issue 14: a save sent again (its reply lost on a slow link, a double click) is answered as saved, never
as a conflict with itself; another user's save from a stale version still is one. API (Idempotency-Key),
the browser form (its idempotency_key field) and the service's rule for the same content without a key."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from rest_framework.test import APIClient

from reports.models import AgencyReport, IndicatorEntry, ReportEvent, SaveReceipt
from reports.services import SAVE_RECEIPTS_KEPT, ReportVersionConflict, report_save
from tests.reports.test_views import IN_Q1, form_data, page_url

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def patch(user, report, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api(user).patch(f"/api/v1/reports/{report.pk}/", body, format="json", **headers)


def value(report, code="I.1"):
    return IndicatorEntry.objects.get(report=report, indicator__code=code).value


def saves(report):
    return ReportEvent.objects.filter(report=report, action=ReportEvent.Action.SAVED).count()


BODY = {"version": 1, "indicator_entries": [{"indicator": "I.1", "value": "88"}]}


# ---------------------------------------------------------------- the REST API


def test_api_same_key_sent_again_is_answered_as_saved_with_one_version_bump(reporter_a, report_a):
    first = patch(reporter_a, report_a, BODY, key="k-1")
    assert first.status_code == 200 and first.json()["version"] == 2
    again = patch(reporter_a, report_a, BODY, key="k-1")
    assert again.status_code == 200, again.json()
    assert again.json()["version"] == 2  # the state as it is, not a second save
    report_a.refresh_from_db()
    assert report_a.version == 2 and saves(report_a) == 1
    assert value(report_a) == 88
    assert IndicatorEntry.history.filter(report_id=report_a.pk, indicator__code="I.1").count() == 1  # one save kept


def test_api_same_key_after_someone_elses_save_is_still_the_users_save(reporter_a, head_a, report_a):
    assert patch(reporter_a, report_a, BODY, key="k-1").status_code == 200
    assert patch(head_a, report_a, {"version": 2, "narrative": {"achievements": "A"}}).status_code == 200
    again = patch(reporter_a, report_a, BODY, key="k-1")
    assert again.status_code == 200 and again.json()["version"] == 3
    assert again.json()["narrative"]["achievements"] == "A"  # the head's save stands


def test_api_different_key_from_a_stale_version_is_a_conflict(reporter_a, head_a, report_a):
    assert patch(head_a, report_a, {"version": 1, "narrative": {"achievements": "A"}}, key="h-1").status_code == 200
    response = patch(reporter_a, report_a, BODY, key="k-2")
    assert response.status_code == 409 and response.json()["current_version"] == 2
    assert value(report_a) is None


def test_api_another_users_key_is_not_theirs(reporter_a, head_a, report_a):
    assert patch(reporter_a, report_a, BODY, key="shared").status_code == 200
    response = patch(head_a, report_a, {**BODY, "indicator_entries": [{"indicator": "I.1", "value": "5"}]},
                     key="shared")
    assert response.status_code == 409
    assert value(report_a) == 88


def test_api_same_body_resent_without_a_key_is_saved(reporter_a, report_a):
    assert patch(reporter_a, report_a, BODY).status_code == 200
    again = patch(reporter_a, report_a, BODY)
    assert again.status_code == 200 and again.json()["version"] == 2
    assert saves(report_a) == 1


def test_api_other_body_from_the_stale_version_without_a_key_is_a_conflict(reporter_a, report_a):
    """The same user in two tabs: the second tab's different input must not overwrite the first silently."""
    assert patch(reporter_a, report_a, BODY).status_code == 200
    other = {**BODY, "indicator_entries": [{"indicator": "I.1", "value": "12"}]}
    assert patch(reporter_a, report_a, other).status_code == 409
    assert value(report_a) == 88


def test_api_same_key_other_body_saves_on_top_while_nobody_else_saved(reporter_a, report_a):
    """One copy of the form, saved, its reply lost, then edited and saved again: nothing lies between."""
    assert patch(reporter_a, report_a, BODY, key="page-1").status_code == 200
    edited = {**BODY, "indicator_entries": [{"indicator": "I.1", "value": "90"}]}
    response = patch(reporter_a, report_a, edited, key="page-1")
    assert response.status_code == 200 and response.json()["version"] == 3
    assert value(report_a) == 90


def test_api_same_key_other_body_after_someone_elses_save_is_a_conflict(reporter_a, head_a, report_a):
    assert patch(reporter_a, report_a, BODY, key="page-1").status_code == 200
    assert patch(head_a, report_a, {"version": 2, "narrative": {"achievements": "A"}}).status_code == 200
    edited = {**BODY, "indicator_entries": [{"indicator": "I.1", "value": "90"}]}
    assert patch(reporter_a, report_a, edited, key="page-1").status_code == 409
    assert value(report_a) == 88


def test_api_refused_save_leaves_no_receipt_so_its_retry_is_judged_again(reporter_a, report_a):
    bad = {"version": 1, "indicator_entries": [{"indicator": "I.1", "value": "120"}]}
    assert patch(reporter_a, report_a, bad, key="k-1").status_code == 400
    assert not SaveReceipt.objects.filter(report=report_a).exists()
    assert patch(reporter_a, report_a, bad, key="k-1").status_code == 400


def test_api_overlong_key_is_refused(reporter_a, report_a):
    response = patch(reporter_a, report_a, BODY, key="x" * 101)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["detail"]


def test_old_receipts_are_dropped(reporter_a, report_a):
    for n in range(SAVE_RECEIPTS_KEPT + 5):
        report_save(report=report_a, user=reporter_a, version=report_a.version,
                    data={"narrative": {"achievements": str(n)}}, idempotency_key=f"k{n}")
    assert SaveReceipt.objects.filter(report=report_a).count() == SAVE_RECEIPTS_KEPT
    with pytest.raises(ReportVersionConflict):  # too old to be recognised: judged as a new save
        report_save(report=report_a, user=reporter_a, version=1, data={"narrative": {"achievements": "0"}},
                    idempotency_key="k0")


# ---------------------------------------------------------------- the browser form


@pytest.fixture
def _in_q1():
    with time_machine.travel(IN_Q1, tick=False):
        yield


def test_form_carries_a_new_key_on_every_rendering(_in_q1, client, reporter_a, report_a):
    client.force_login(reporter_a)
    first, second = client.get(page_url(report_a)), client.get(page_url(report_a))
    key = first.context["idempotency_key"]
    assert len(key) == 32 and key != second.context["idempotency_key"]
    assert f'name="idempotency_key" value="{key}"' in first.content.decode()


def test_form_double_submit_is_saved_once(_in_q1, client, reporter_a, report_a):
    client.force_login(reporter_a)
    key = client.get(page_url(report_a)).context["idempotency_key"]
    data = {**form_data(report_a, {("I.1", "value"): "95,5"}), "idempotency_key": key}
    first = client.post(page_url(report_a), data)
    assert first.status_code == 302 and "?luu=2" in first["Location"]
    again = client.post(page_url(report_a), data)  # the same form sent again: version 1, the same key
    assert again.status_code == 302 and "?luu=2" in again["Location"]
    page = client.get(again["Location"])
    assert "Đã lưu nháp lúc" in page.content.decode()
    report_a.refresh_from_db()
    assert report_a.version == 2 and saves(report_a) == 1
    assert value(report_a) == Decimal("95.5")


def test_form_resent_without_script_key_still_saved(_in_q1, client, reporter_a, report_a):
    """A form posted without its key (an old page): the same input from the same version is still the
    user's own save."""
    client.force_login(reporter_a)
    data = form_data(report_a, {("I.1", "value"): "95,5"})
    assert client.post(page_url(report_a), data).status_code == 302
    assert client.post(page_url(report_a), data).status_code == 302
    report_a.refresh_from_db()
    assert report_a.version == 2


def test_form_another_users_stale_save_is_still_a_conflict(_in_q1, client, reporter_a, head_a, report_a):
    client.force_login(reporter_a)
    key = client.get(page_url(report_a)).context["idempotency_key"]
    data = {**form_data(report_a, {("I.1", "value"): "95,5"}), "idempotency_key": key}
    assert client.post(page_url(report_a), data).status_code == 302
    client.force_login(head_a)
    other = {**form_data(report_a, {("I.1", "value"): "7"}, version=1), "idempotency_key": key}
    response = client.post(page_url(report_a), other)
    assert response.status_code == 409
    assert response.context["idempotency_key"] != key  # the next save is a new one
    assert value(report_a) == Decimal("95.5")
    assert AgencyReport.objects.get(pk=report_a.pk).version == 2


def test_save_receipt_keeps_nothing_of_the_reports_values(reporter_a, report_a):
    report_save(report=report_a, user=reporter_a, version=1, data={"narrative": {"achievements": "bí mật"}},
                idempotency_key="k")
    receipt = SaveReceipt.objects.get(report=report_a)
    assert (receipt.from_version, receipt.version, receipt.user) == (1, 2, reporter_a)
    assert "bí mật" not in receipt.digest and len(receipt.digest) == 64
    assert receipt.at <= dt.datetime.now(dt.UTC)
