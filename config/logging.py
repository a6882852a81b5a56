"""Logging for operations: one line per event, JSON on stdout in production, tagged with the request.

`RequestContextMiddleware` gives each request an id (the proxy's `X-Request-ID` when it sends a sane one,
else a new one; echoed in the response) and keeps the request in a context variable for the duration of
the request; `RequestContextFilter` then adds `request_id`, `user_id` and `agency_ids` to every line
logged while it runs, whichever logger wrote it. `ClientErrorFilter` keeps 4xx responses (403, 404 …)
to the one line Django already writes: Django attaches the Http404 / PermissionDenied traceback, which
says nothing an operator can act on and buries the real errors.
"""

import contextvars
import datetime as dt
import logging
import re
import uuid

from django.utils.functional import empty
from pythonjsonlogger.json import JsonFormatter

_current_request: contextvars.ContextVar = contextvars.ContextVar("chitieu_request", default=None)
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
REQUEST_ID_HEADER = "X-Request-ID"


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            return response
        finally:
            _current_request.reset(token)


def _user_facts(request) -> tuple[int | None, list[int] | None]:
    """The signed-in user and their agencies, if the request has already loaded the user (logging must not be
    what signs a session in). The memberships are read once per request (`access` caches them on the user,
    and most pages have read them already); if the database cannot answer, the line goes out without them."""
    user = request.__dict__.get("user")
    if user is None:
        return None, None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None, None
    try:
        from agencies.roles import access

        agencies = sorted(access(wrapped).agency_ids())
    except Exception:  # e.g. this line reports that the database failed: log it all the same
        agencies = None
    return wrapped.pk, agencies


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx/5xx response after the middleware chain has returned, passing the request itself.
        passed = record.__dict__.pop("request", None)  # no log field: it would print as its repr
        request = _current_request.get() or passed
        record.request_id = getattr(request, "request_id", None)
        record.user_id, record.agency_ids = _user_facts(request) if request is not None else (None, None)
        return True


class ClientErrorFilter(logging.Filter):
    """A 4xx response is one line: drop the traceback Django attaches to Http404 and PermissionDenied."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class JsonLineFormatter(JsonFormatter):
    """python-json-logger's formatter, keeping Vietnamese readable (no \\u escapes), times in ISO 8601 UTC
    whatever the host's time zone (log collectors sort lines from several machines by it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (logging's name)
        return dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """For a developer's terminal: the usual line, with the request id when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"{line} [request {request_id} user {getattr(record, 'user_id', None)}]" if request_id else line
