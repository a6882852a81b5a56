"""The admin's report pages drawn in Python (issue 14) give Django's own markup (the same elements and
attributes; Django's templates add whitespace between options), and the report's change page leaves Python's
cycle collector as it found it."""

import gc

import pytest
from django import forms
from django.contrib import admin
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation

from reports.admin_forms import PlainSelect, SharedChoiceField, TaskEntryAdminForm
from reports.models import AgencyReport, ReportEvent, TaskEntry

pytestmark = pytest.mark.django_db

CHOICES = [("", "—"), *TaskEntry.Status.choices]


@pytest.mark.parametrize("value", ["", None, "in_progress", "completed", "no-such-state"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_plain_select_draws_djangos_select(value, language):
    attrs = {"aria-label": "Tình trạng – T.1", "title": "<b>"}
    with translation.override(language):
        plain = PlainSelect(attrs=attrs, choices=CHOICES).render("lines-0-entry_status", value, {"id": "id_x"})
        django = forms.Select(attrs=attrs, choices=CHOICES).render("lines-0-entry_status", value, {"id": "id_x"})
    assert parse_html(plain) == parse_html(django)


def same(plain: str, django: str) -> bool:
    return parse_html(plain) == parse_html(django)


def test_the_plain_select_translates_its_options_in_the_active_language():
    field = SharedChoiceField(choices=CHOICES, widget=PlainSelect)
    first, second = TaskEntryAdminForm().fields["entry_status"], TaskEntryAdminForm().fields["entry_status"]
    assert first.widget is not second.widget
    with translation.override("vi"):
        vietnamese = second.widget.render("s", "completed")
    with translation.override("en"):
        english = first.widget.render("s", "completed")
    assert vietnamese != english
    with translation.override("en"):
        assert same(english, forms.Select(choices=CHOICES).render("s", "completed"))
    with translation.override("vi"):
        assert same(vietnamese, forms.Select(choices=CHOICES).render("s", "completed"))
        assert same(field.widget.render("s", ""), forms.Select(choices=CHOICES).render("s", ""))


def test_the_plain_select_follows_changed_choices():
    widget = PlainSelect(choices=CHOICES)
    widget.render("s", "")
    widget.choices = [("a", "Một"), ("b", "Hai")]
    assert same(widget.render("s", "b"), forms.Select(choices=[("a", "Một"), ("b", "Hai")]).render("s", "b"))


def test_the_plain_select_draws_grouped_choices_as_django_does():
    grouped = [("", "—"), ("Nhóm", [("a", "Một"), ("b", "Hai")])]
    assert same(PlainSelect(choices=grouped).render("s", "b"), forms.Select(choices=grouped).render("s", "b"))


def test_row_checkboxes_are_djangos(world, report_a, admin_user):
    from django.contrib.auth import get_user_model

    event = ReportEvent.objects.create(report=report_a, action=ReportEvent.Action.SAVED)
    for model, obj in ((AgencyReport, report_a), (ReportEvent, event), (get_user_model(), admin_user),
                       (type(report_a.agency), report_a.agency)):
        model_admin = admin.site._registry[model]
        assert model_admin.action_checkbox(obj) == admin.ModelAdmin.action_checkbox(model_admin, obj)


def test_the_user_list_is_still_djangos_user_admin():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.admin import UserAdmin

    assert isinstance(admin.site._registry[get_user_model()], UserAdmin)


def test_the_report_change_page_leaves_the_collector_on(admin_client, world, report_a):
    assert gc.isenabled()
    response = admin_client.get(reverse("admin:reports_agencyreport_change", args=[report_a.pk]))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"]  # drawn (inside the pause), with its context
    assert gc.isenabled()


def test_the_report_change_page_of_no_report_answers_as_djangos(admin_client, world):
    for missing in ("999999", "not-a-number"):
        response = admin_client.get(reverse("admin:reports_agencyreport_change", args=[missing]))
        assert response.status_code == 302  # to the admin index, with "not found" (Django's answer)
    assert gc.isenabled()


def test_the_report_change_page_shows_who_submitted_without_a_query_each(admin_client, world, report_a, reporter_a,
                                                                       django_assert_max_num_queries):
    from reports.services import report_submit

    report_submit(report=report_a, user=reporter_a)
    url = reverse("admin:reports_agencyreport_change", args=[report_a.pk])
    admin_client.get(url)
    response = admin_client.get(url)
    report = response.context["original"]
    with django_assert_max_num_queries(0):
        assert report.submitted_by == reporter_a  # joined by get_object
        assert report.agency and report.period and report.plan


def test_the_sorted_keys_paginator_gives_djangos_pages(world, report_a, report_b):
    from django.core.paginator import Paginator

    from reports.admin import SortedKeysPaginator

    for n in range(7):
        ReportEvent.objects.create(report=report_a if n % 2 else report_b, action=ReportEvent.Action.SAVED)
    events = ReportEvent.objects.select_related("report__agency", "report__period", "actor").order_by("report",
                                                                                                       "at", "pk")
    assert events.count() >= 4
    django, sorted_keys = Paginator(events, 3, orphans=1), SortedKeysPaginator(events, 3, orphans=1)
    assert sorted_keys.num_pages == django.num_pages >= 2
    for number in django.page_range:
        assert [e.pk for e in sorted_keys.page(number)] == [e.pk for e in django.page(number)]
        assert [str(e) for e in sorted_keys.page(number)] == [str(e) for e in django.page(number)]


def test_the_admin_lists_page_filter_and_search(world, report_a, report_b, admin_user, client, monkeypatch):
    from django.core.paginator import Paginator

    client.force_login(admin_user)

    def shown(admin_class):
        response = client.get(reverse("admin:reports_agencyreport_changelist"), {"q": report_a.agency.name})
        assert response.status_code == 200
        return [r.pk for r in response.context["cl"].result_list]

    model_admin = admin.site._registry[AgencyReport]
    ours = shown(model_admin)
    monkeypatch.setattr(model_admin, "paginator", Paginator)
    assert report_a.pk in ours
    assert ours == shown(model_admin)  # the rows and order Django's own paginator gives
    events = client.get(reverse("admin:reports_reportevent_changelist"), {"action__exact": "no-such-action"})
    assert events.status_code == 200 and list(events.context["cl"].result_list) == []


def test_an_event_is_named_by_its_action_and_time(world, report_a):
    event = ReportEvent.objects.create(report=report_a, action=ReportEvent.Action.SUBMITTED)
    assert str(event) == f"{event.get_action_display()} – {event.at:%d/%m/%Y %H:%M}"
    event.action = "unknown"
    assert str(event).startswith("unknown – ")


def test_an_entry_lines_input_is_its_bound_fields(world, report_a):
    """Each input of a line, drawn by EntryLinesAdminFormSet, is what Django's BoundField would draw: unbound,
    bound with what staff typed, with an error beside it, and disabled (not applicable to the indicator)."""
    from reports.admin import _input
    from reports.admin_forms import IndicatorEntryAdminForm

    entry = report_a.indicator_entries.select_related("indicator").first()
    unbound = IndicatorEntryAdminForm(instance=entry, prefix="lines-0")
    bound = IndicatorEntryAdminForm({"lines-0-entry_value": "12,5 <b>", "lines-0-entry_note": "ghi chú\nhai"},
                                    instance=entry, prefix="lines-0")
    for form in (unbound, bound):
        form.fields["entry_source"].help_text = "Nguồn"  # described by its help text (none has one today)
    bound.is_valid()
    bound.add_error("entry_value", "Sai")
    for form in (unbound, bound):
        for name in form.fields:
            assert parse_html(_input(form, name, form.errors.get(name))) == parse_html(str(form[name])), name
    assert "12,5 &lt;b&gt;" in _input(bound, "entry_value", bound.errors.get("entry_value"))
    assert 'aria-invalid="true"' in _input(bound, "entry_value", bound.errors.get("entry_value"))
    assert "_helptext" in _input(unbound, "entry_source", None)


def test_each_line_form_has_its_own_fields_and_widgets(world, report_a):
    from reports.admin_forms import IndicatorEntryAdminForm

    entry = report_a.indicator_entries.select_related("indicator").first()
    first, second = IndicatorEntryAdminForm(instance=entry), IndicatorEntryAdminForm(instance=entry)
    base = IndicatorEntryAdminForm.base_fields
    for name, field in first.fields.items():
        other = second.fields[name]
        assert field is not other and field.widget is not other.widget and field.widget.attrs is not other.widget.attrs
        assert field.validators is not other.validators and field.error_messages is not other.error_messages
    first.fields["entry_value"].disabled = True
    first.fields["entry_value"].widget.attrs["title"] = "x"
    assert not second.fields["entry_value"].disabled and "title" not in base["entry_value"].widget.attrs
    assert "title" not in second.fields["entry_value"].widget.attrs or second.fields["entry_value"].disabled
