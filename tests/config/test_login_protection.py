"""Login protection: lockout (django-axes) on the login page, the admin and the token endpoint; token
throttling, expiry and revocation; password change and reset; idle timeout; no-store on signed-in pages."""

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-dung-2026"
LOCKED = "Tài khoản tạm khóa"


@pytest.fixture
def reporter(reporter_a):
    reporter_a.set_password(PASSWORD)
    reporter_a.email = "baocao@yte.example"
    reporter_a.save()
    return reporter_a


def fail(client, url, username, times, field="username"):
    responses = [client.post(url, {field: username, "password": "sai"}) for _ in range(times)]
    return responses[-1]


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_lockout_after_five_failures_then_staff_unlocks(client, reporter, staff_admin, url_name):
    url = reverse(url_name)
    assert fail(client, url, reporter.username, 4).status_code == 200
    locked = fail(client, url, reporter.username, 1)
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    # Even the right password is refused while locked.
    again = client.post(url, {"username": reporter.username, "password": PASSWORD})
    assert again.status_code == 429
    assert not again.wsgi_request.user.is_authenticated

    client.force_login(staff_admin)
    attempt = AccessAttempt.objects.get(username=reporter.username)
    changelist = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and reporter.username in changelist.content.decode()
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    client.logout()
    assert client.post(reverse("login"), {"username": reporter.username, "password": PASSWORD}).status_code == 302


def test_lockout_is_per_username_and_address(client, reporter):
    fail(client, reverse("login"), reporter.username, 5)
    other_address = client.post(reverse("login"), {"username": reporter.username, "password": PASSWORD},
                                REMOTE_ADDR="10.9.8.7")
    assert other_address.status_code == 302


def test_token_endpoint_locks_out_with_a_vietnamese_json_answer(client, reporter):
    url = reverse("api-token")
    assert fail(client, url, reporter.username, 4).status_code == 400
    locked = fail(client, url, reporter.username, 1)
    assert locked.status_code == 429
    assert LOCKED in locked.json()["detail"]
    assert client.post(url, {"username": reporter.username, "password": PASSWORD}).status_code == 429


def test_token_endpoint_is_throttled(client, reporter):
    url = reverse("api-token")
    # A different username each time: the throttle, not the lockout, stops the eleventh.
    codes = [client.post(url, {"username": f"khong-co-{n}", "password": "x"}).status_code for n in range(11)]
    assert codes[:10] == [400] * 10
    assert codes[10] == 429


def token_for(client, user) -> str:
    response = client.post(reverse("api-token"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert set(response.json()) == {"token", "expires"}
    return response.json()["token"]


def test_token_expires(client, reporter):
    start = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        key = token_for(client, reporter)
        assert client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=23, minutes=59), tick=False):
        assert client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=24, minutes=1), tick=False):
        expired = client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {key}")
        assert expired.status_code == 401
        assert "hết hạn" in expired.json()["detail"]
        fresh = token_for(client, reporter)
        assert fresh != key
        assert client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {fresh}").status_code == 200


def test_logout_revokes_tokens(client, reporter):
    token_for(client, reporter)
    client.force_login(reporter)
    client.post(reverse("logout"))
    assert not Token.objects.filter(user=reporter).exists()


def test_password_change_page_revokes_tokens(client, reporter):
    key = token_for(client, reporter)
    client.force_login(reporter)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "Đổi mật khẩu" in page.content.decode()
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "mot-mat-khau-moi-9", "new_password2": "mot-mat-khau-moi-9"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302, "still signed in after the change"
    assert client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_password_reset_by_email(client, reporter):
    page = client.get(reverse("login"))
    assert reverse("password_reset") in page.content.decode()
    response = client.post(reverse("password_reset"), {"email": reporter.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Đặt lại mật khẩu" in message.subject and reporter.username in message.body
    link = re.search(r"https?://[^/]+(/dat-lai-mat-khau/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Đặt mật khẩu mới" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "mat-khau-moi-2027",
                                                     "new_password2": "mat-khau-moi-2027"})
    assert done.status_code == 302
    assert client.post(reverse("login"), {"username": reporter.username,
                                          "password": "mat-khau-moi-2027"}).status_code == 302


def test_session_ends_after_thirty_idle_minutes(client, reporter):
    start = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        assert client.post(reverse("login"), {"username": reporter.username, "password": PASSWORD}).status_code == 302
    # Activity renews the session: three requests 25 minutes apart keep it alive…
    for step in (1, 2, 3):
        with time_machine.travel(start + dt.timedelta(minutes=25 * step), tick=False):
            assert client.get(reverse("reports:inbox")).status_code == 200
    # …31 idle minutes end it.
    with time_machine.travel(start + dt.timedelta(minutes=75 + 31), tick=False):
        response = client.get(reverse("reports:inbox"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_signed_in_pages_are_not_stored(client, reporter):
    client.force_login(reporter)
    assert "no-store" in client.get(reverse("reports:inbox"))["Cache-Control"]
    assert "no-store" in client.get("/api/v1/plans/")["Cache-Control"]
