"""Request-level protections wired in settings: no caching of signed-in pages, the lockout answer,
the client address behind a proxy, and logout revoking API tokens."""

from __future__ import annotations

import json
import time

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from agencies.hygiene import find_control_characters, query_dict_control_characters
from agencies.hygiene import message as hygiene_message

LAST_SEEN_KEY = "chitieu_last_seen"


class NoStoreForSignedInMiddleware:
    """`Cache-Control: no-store` on every answer to a signed-in user: a shared computer's browser or a proxy
    must not keep a report or a dashboard after logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer once a username and address are locked: Vietnamese, JSON for the API."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Tài khoản tạm khóa do đăng nhập sai %(limit)s lần liên tiếp. Hãy thử lại sau %(minutes)s phút "
                "hoặc liên hệ Sở KH&CN để được mở khóa.") % {"limit": settings.AXES_FAILURE_LIMIT,
                                                             "minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


def client_ip(request) -> str | None:
    """The client's address for lockouts: REMOTE_ADDR, or the address TRUSTED_PROXY_COUNT proxies saw."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


class IdleTimeoutMiddleware:
    """Sessions end after SESSION_COOKIE_AGE without activity: a signed-in request renews the session's
    expiry, at most once a minute so that ordinary page views write nothing."""

    RENEW_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(LAST_SEEN_KEY, 0) >= self.RENEW_AFTER_SECONDS:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def session_started(sender, request, user, **kwargs) -> None:
    """The login itself counts as activity (saved with the new session), so the first page writes nothing."""
    if getattr(request, "session", None) is not None:
        request.session[LAST_SEEN_KEY] = int(time.time())


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins from the web; a login without a request (a test client's
    `login()`, the shell) has no address to count and is left to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ControlCharactersMiddleware:
    """One place for every text input: a query string (filters), a form post or a JSON body holding a
    control character is answered 400 with the field named and a Vietnamese message (JSON for the API),
    before any view can try to store it. The report form keeps its draft in the browser, so going back
    loses nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = query_dict_control_characters(request.GET)
        if not found and request.method in {"POST", "PUT", "PATCH"}:
            found = self._body(request)
        if found:
            return self._refuse(request, found)
        return self.get_response(request)

    @staticmethod
    def _body(request) -> list[tuple[str, str]]:
        content_type = request.content_type or ""
        if content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            try:
                return query_dict_control_characters(request.POST)
            except Exception:  # a broken body is the view's (or CSRF's) to answer, as before
                return []
        if content_type == "application/json":
            try:
                data = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                return []
            return list(find_control_characters(data))
        return []

    @staticmethod
    def _refuse(request, found):
        fields = {path or "body": [hygiene_message(code)] for path, code in found}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Dữ liệu gửi lên có ký tự điều khiển không hợp lệ."), **fields},
                                status=400)
        return render(request, "400.html", {"fields": fields}, status=400)
