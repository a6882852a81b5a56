"""The province's clock: Asia/Ho_Chi_Minh, whatever the server's zone or `settings.TIME_ZONE`.

Deadlines, "on time", reminders and "this year" are judged by the day in Vietnam; every layer asks here.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local_today() -> dt.date:
    """Today in Asia/Ho_Chi_Minh, whatever the server's clock zone."""
    return timezone.now().astimezone(VIETNAM).date()
