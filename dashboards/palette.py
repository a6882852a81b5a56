"""The one status palette of the read side (Okabe–Ito, safe for the common colour-vision deficiencies).

Every chart, badge and table takes its colours from here; `static/css/dashboards.css` declares the same
colours as custom properties (`--st-<status>`), and a test keeps the two in step. Each colour has the text
colour that reads on it at a contrast of at least 4.5:1 (WCAG AA), also checked by a test.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from indicators.rules import STATUS_LABELS, TASK_STATUS_LABELS, Status, TaskStatus

# Okabe & Ito (2008), "Color Universal Design".
BLUISH_GREEN = "#009E73"
BLUE = "#0072B2"
SKY_BLUE = "#56B4E9"
ORANGE = "#E69F00"
YELLOW = "#F0E442"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#BBBBBB"
LIGHT_GREY = "#E4E4E4"
BLACK = "#000000"
WHITE = "#FFFFFF"


@dataclass(frozen=True)
class Swatch:
    key: str
    label: str
    color: str
    text: str  # the text colour on `color`


def _swatch(key: str, label, color: str) -> Swatch:
    return Swatch(key=key, label=label, color=color, text=WHITE if color == BLUE else BLACK)


# Indicator statuses, in the order charts stack them (good to bad, then the unknowns).
INDICATOR = {s.key: s for s in (
    _swatch(Status.ACHIEVED, STATUS_LABELS[Status.ACHIEVED], BLUISH_GREEN),
    _swatch(Status.ON_TRACK, STATUS_LABELS[Status.ON_TRACK], BLUE),
    _swatch(Status.AT_RISK, STATUS_LABELS[Status.AT_RISK], ORANGE),
    _swatch(Status.OFF_TRACK, STATUS_LABELS[Status.OFF_TRACK], VERMILLION),
    _swatch(Status.NOT_ACHIEVED, STATUS_LABELS[Status.NOT_ACHIEVED], VERMILLION),
    _swatch(Status.STALE, STATUS_LABELS[Status.STALE], REDDISH_PURPLE),
    _swatch(Status.NO_DATA, STATUS_LABELS[Status.NO_DATA], GREY),
)}

TASK = {s.key: s for s in (
    _swatch(TaskStatus.COMPLETED, TASK_STATUS_LABELS[TaskStatus.COMPLETED], BLUISH_GREEN),
    _swatch(TaskStatus.ONGOING, TASK_STATUS_LABELS[TaskStatus.ONGOING], YELLOW),
    _swatch(TaskStatus.IN_PROGRESS, TASK_STATUS_LABELS[TaskStatus.IN_PROGRESS], SKY_BLUE),
    _swatch(TaskStatus.AT_RISK, TASK_STATUS_LABELS[TaskStatus.AT_RISK], ORANGE),
    _swatch(TaskStatus.OVERDUE, TASK_STATUS_LABELS[TaskStatus.OVERDUE], VERMILLION),
    _swatch(TaskStatus.NOT_STARTED, TASK_STATUS_LABELS[TaskStatus.NOT_STARTED], GREY),
)}

# A report of one agency for one period, as the compliance heatmap shows it.
ON_TIME, LATE, MISSING, RETURNED, NOT_DUE = "on_time", "late", "missing", "returned", "not_due"
COMPLIANCE = {s.key: s for s in (
    _swatch(ON_TIME, _("Đúng hạn"), BLUISH_GREEN),
    _swatch(LATE, _("Trễ hạn"), ORANGE),
    _swatch(RETURNED, _("Bị trả lại"), REDDISH_PURPLE),
    _swatch(MISSING, _("Chưa nộp"), VERMILLION),
    _swatch(NOT_DUE, _("Chưa đến hạn"), LIGHT_GREY),
)}

# The CSS class of a badge is "st-<key>"; task and indicator keys that coincide share a colour.
ALL = {**COMPLIANCE, **TASK, **INDICATOR}


def swatch(key: str) -> Swatch:
    return ALL.get(key) or _swatch(key, key, GREY)


def relative_luminance(color: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
