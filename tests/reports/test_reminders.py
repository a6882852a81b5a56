"""Reminders by e-mail: 7 and 3 days before the due day, the day it is missed, then the head; once each."""

import datetime as dt

import pytest
import time_machine

from reports.models import ReminderLog, ReviewDigestLog
from reports.services import reminders_send, report_submit, review_digest_send
from reports.tasks import send_reminders, send_review_digest
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 3, 20)  # 2026-Q1


@pytest.fixture
def people(staff, reporter_a, head_a, reporter_b):
    for user in (staff, reporter_a, head_a, reporter_b):
        user.email = f"{user.username}@dongthap.gov.vn"
        user.save()
    return {"staff": staff, "reporter_a": reporter_a, "head_a": head_a, "reporter_b": reporter_b}


def recipients(mailoutbox):
    return sorted((tuple(message.to), message.subject) for message in mailoutbox)


@pytest.mark.parametrize("today,expected", [
    (DUE - dt.timedelta(days=8), []),
    (DUE - dt.timedelta(days=7), ["Còn 7 ngày"]),
    (DUE - dt.timedelta(days=3), ["Còn 3 ngày"]),
    (DUE, ["đã quá hạn"]),
])
def test_reporters_are_reminded_on_the_right_days(world, people, mailoutbox, today, expected):
    reminders_send(today=today)
    subjects_for_a = [m.subject for m in mailoutbox if m.to == ["reporter_a@dongthap.gov.vn"]]
    assert len(subjects_for_a) == len(expected)
    for subject, text in zip(subjects_for_a, expected, strict=True):
        assert text in subject and "Quý 1/2026" in subject


def test_each_reminder_is_sent_exactly_once(world, people, mailoutbox):
    assert reminders_send(today=DUE - dt.timedelta(days=7)) == 2  # agency A and agency B
    assert reminders_send(today=DUE - dt.timedelta(days=7)) == 0
    assert reminders_send(today=DUE - dt.timedelta(days=6)) == 0  # the beat runs daily
    assert len(mailoutbox) == 2
    assert ReminderLog.objects.filter(kind=ReminderLog.Kind.DUE_IN_7_DAYS).count() == 2
    assert reminders_send(today=DUE - dt.timedelta(days=3)) == 2
    assert reminders_send(today=DUE - dt.timedelta(days=1)) == 0


def test_missed_goes_to_reporters_then_the_head(world, people, mailoutbox):
    reminders_send(today=DUE)
    assert ("reporter_a@dongthap.gov.vn",) in [tuple(m.to) for m in mailoutbox]
    assert all("head_a@dongthap.gov.vn" not in m.to for m in mailoutbox)
    mailoutbox.clear()
    reminders_send(today=DUE + dt.timedelta(days=3))
    assert [tuple(m.to) for m in mailoutbox] == [("head_a@dongthap.gov.vn",)]
    assert "đã quá hạn" in mailoutbox[0].subject
    assert "Sở Y tế" in mailoutbox[0].body
    mailoutbox.clear()
    reminders_send(today=DUE + dt.timedelta(days=4))
    assert mailoutbox == []


def test_submitted_reports_are_not_reminded(world, people, agency_a, mailoutbox):
    report_submit(report=world.report(agency_a), user=people["reporter_a"])
    reminders_send(today=DUE - dt.timedelta(days=3))
    assert all(m.to != ["reporter_a@dongthap.gov.vn"] for m in mailoutbox)
    assert [m.to for m in mailoutbox] == [["reporter_b@dongthap.gov.vn"]]


def test_agency_without_a_reachable_reporter_is_not_claimed(world, people, agency_b, mailoutbox):
    people["reporter_b"].email = ""
    people["reporter_b"].save()
    reminders_send(today=DUE - dt.timedelta(days=7))
    report_b = world.report(agency_b)
    assert not ReminderLog.objects.filter(report=report_b).exists()
    colleague = UserFactory(username="reporter_b2", email="b2@dongthap.gov.vn")
    MembershipFactory(user=colleague, agency=agency_b)
    reminders_send(today=DUE - dt.timedelta(days=6))
    assert ["b2@dongthap.gov.vn"] in [m.to for m in mailoutbox]


def test_failed_send_is_retried_next_run(world, people, mailoutbox, settings):
    settings.EMAIL_BACKEND = "tests.reports.failing_email.Backend"
    assert reminders_send(today=DUE - dt.timedelta(days=7)) == 0
    assert not ReminderLog.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders_send(today=DUE - dt.timedelta(days=7)) == 2


def test_daily_digest_to_staff(world, people, agency_a, mailoutbox, other_staff):
    other_staff.email = "other@camau.gov.vn"
    other_staff.save()
    assert review_digest_send(today=dt.date(2026, 3, 18)) == 0  # nothing waiting
    report_submit(report=world.report(agency_a), user=people["reporter_a"])
    assert review_digest_send(today=dt.date(2026, 3, 18)) == 1
    assert review_digest_send(today=dt.date(2026, 3, 18)) == 0
    (digest,) = mailoutbox
    assert digest.to == ["staff@dongthap.gov.vn"]
    assert "1 báo cáo chờ duyệt ngày 18/03/2026" in digest.subject
    assert "Quý 1/2026 · Sở Y tế" in digest.body
    assert ReviewDigestLog.objects.count() == 1
    assert review_digest_send(today=dt.date(2026, 3, 19)) == 1


def test_beat_tasks_call_the_services(world, people, mailoutbox):
    with time_machine.travel(dt.datetime(2026, 3, 13, 0, 30, tzinfo=dt.UTC)):  # 07:30 on the 13th in Vietnam
        assert send_reminders.apply().get() == 2
        assert send_review_digest.apply().get() == 0
