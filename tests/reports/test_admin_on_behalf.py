"""Sở KH&CN enter an agency's report on its behalf in the admin (issue 6): the same services and messages
as the agency's own form, the source recorded, submit and approve in one step, province scoping."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agencies.models import Agency
from reports.models import AgencyReport, Attachment, IndicatorEntry, ReportEvent, TaskEntry
from reports.services import expected_reports_create, report_save, report_submit
from reports.signals import report_approved
from reports.validation import validate_report_data
from tests.factories import AgencyFactory
from tests.reports.factories import ReportingPolicyFactory

pytestmark = pytest.mark.django_db

Action = ReportEvent.Action
SOURCE = {"document_number": "Công văn số 123/STTTT-BCVT", "document_date": "05/10/2026"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def enterprise(world, province):
    """A telecom enterprise that also reports the count indicator I.4."""
    vnpt = AgencyFactory(province=province, name="Viễn thông Đồng Tháp", short_name="VNPT Đồng Tháp",
                         kind=Agency.Kind.ENTERPRISE)
    world.indicators["I.4"].lead_agencies.add(vnpt)
    expected_reports_create(period=world.period())
    return vnpt


@pytest.fixture
def staff_client(client, staff_admin):
    client.force_login(staff_admin)
    return client


def change_url(report):
    return reverse("admin:reports_agencyreport_change", args=[report.pk])


def _shown(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


def page_data(response) -> dict:
    """What the browser would post back unchanged: the report form and every inline's forms."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        if not field.disabled:
            data[name] = _shown(form[name].value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for entry_form in formset.forms:
            for name, field in entry_form.fields.items():
                if field.disabled or isinstance(field, forms.FileField):
                    continue
                value = entry_form[name].value()
                if isinstance(field, forms.BooleanField):
                    if value:
                        data[entry_form[name].html_name] = "on"
                    continue
                data[entry_form[name].html_name] = _shown(value)
    return data


def entry_field(response, code: str, field: str) -> str:
    """The POST name of one input of the line for indicator or task `code`."""
    for inline in response.context["inline_admin_formsets"]:
        for entry_form in inline.formset.forms:
            instance = entry_form.instance
            item = getattr(instance, "indicator", None) or getattr(instance, "task", None)
            if instance.pk and item is not None and item.code == code:
                return entry_form[f"entry_{field}"].html_name
    raise AssertionError(f"no line for {code}")


def post_page(client, report, values: dict, **extra):
    page = client.get(change_url(report))
    assert page.status_code == 200
    data = {**page_data(page), **SOURCE}
    for (code, field), value in values.items():
        data[entry_field(page, code, field)] = value
    data.update(extra)
    return client.post(change_url(report), data)


KINDS = {
    "department": ("agency_a", {("I.1", "value"): "95,5", ("I.2", "numerator"): "1.016",
                                ("I.2", "denominator"): "1.095", ("I.3", "milestone_state"): "in_progress",
                                ("II.1", "status"): "in_progress", ("II.1", "progress"): "40"},
                   {"I.1": Decimal("95.5"), "I.2": Decimal("92.785388")}),
    "commune": ("agency_b", {("I.4", "value"): "16.861", ("II.2", "status"): "completed"}, {"I.4": 16861}),
    "enterprise": ("enterprise", {("I.4", "value"): "1.250", ("I.4", "source"): "Báo cáo của VNPT"}, {"I.4": 1250}),
}


@pytest.mark.parametrize("kind", KINDS)
def test_staff_enter_a_report_on_behalf_of_each_kind_of_agency(request, world, staff_client, staff_admin, kind,
                                                               enterprise):
    agency_fixture, values, expected = KINDS[kind]
    agency = request.getfixturevalue(agency_fixture)
    assert agency.kind == kind
    report = world.report(agency)

    response = post_page(staff_client, report, values, achievements="Đã phủ sóng 5G 20 xã.", _continue="1")

    assert response.status_code == 302, response.context and response.context["errors"]
    report.refresh_from_db()
    for code, value in expected.items():
        assert IndicatorEntry.objects.get(report=report, indicator__code=code).value == value
    assert report.achievements == "Đã phủ sóng 5G 20 xã."
    assert report.source_reference == "Công văn số 123/STTTT-BCVT ngày 05/10/2026"
    assert (report.entered_by, report.entered_on_behalf, report.status) == (staff_admin, True, AgencyReport.Status.DRAFT)
    assert list(report.events.values_list("action", "actor")) == [(Action.ENTERED_ON_BEHALF, staff_admin.pk)]
    changed = IndicatorEntry.history.filter(report_id=report.pk, history_type="~")
    assert changed.exists() and {row.history_user_id for row in changed} == {staff_admin.pk}
    assert {row.history_change_reason for row in changed} == {"on_behalf"}


def test_task_progress_and_milestones_are_saved(world, staff_client, agency_a):
    report = world.report(agency_a)
    post_page(staff_client, report, {("I.3", "milestone_state"): "completed", ("II.1", "status"): "in_progress",
                                     ("II.1", "progress"): "40", ("II.1", "done"): "Đã khảo sát."}, _continue="1")
    assert IndicatorEntry.objects.get(report=report, indicator__code="I.3").milestone_state == "completed"
    task = TaskEntry.objects.get(report=report, task__code="II.1")
    assert (task.status, task.progress, task.done) == ("in_progress", 40, "Đã khảo sát.")


def test_invalid_values_get_the_agency_forms_messages_and_nothing_is_written(world, staff_client, agency_a):
    report = world.report(agency_a)
    typed = {("I.1", "value"): "105", ("I.2", "numerator"): "120", ("I.2", "denominator"): "100",
             ("II.1", "status"): "completed", ("II.1", "progress"): "40"}

    response = post_page(staff_client, report, typed, _continue="1")

    assert response.status_code == 200
    html = response.content.decode()
    # The very messages the shared validation gives the agency's form and the API:
    _cleaned, expected = validate_report_data(report, {
        "indicator_entries": [{"indicator": "I.1", "value": "105"},
                              {"indicator": "I.2", "numerator": "120", "denominator": "100"}],
        "task_entries": [{"task": "II.1", "status": "completed", "progress": "40"}]})
    messages = [expected["indicator_entries"]["I.1"]["value"][0], expected["indicator_entries"]["I.2"]["numerator"][0],
                expected["task_entries"]["II.1"]["progress"][0]]
    assert messages == ["Tỷ lệ phần trăm phải từ 0 đến 100 (đã nhập 105).",
                        "Tử số (120) không được lớn hơn mẫu số (100).", "Nhiệm vụ đã hoàn thành thì tiến độ là 100%."]
    for message in messages:
        assert message in html
    assert 'value="105"' in html  # what staff typed is kept
    report.refresh_from_db()
    assert report.version == 1 and not report.entered_on_behalf
    assert not IndicatorEntry.objects.filter(report=report, value__isnull=False).exists()


def test_source_document_is_required(world, staff_client, agency_a):
    report = world.report(agency_a)
    response = post_page(staff_client, report, {("I.1", "value"): "90"}, document_number="", _continue="1")
    assert response.status_code == 200
    assert "Vui lòng ghi văn bản nguồn của số liệu (số, ký hiệu công văn)." in response.content.decode()
    assert IndicatorEntry.objects.get(report=report, indicator__code="I.1").value is None


def test_submit_and_approve_in_one_step_is_recorded_as_such(world, staff_client, staff_admin, agency_a):
    report = world.report(agency_a)
    sent = []

    def receiver(sender, report_id, indicator_ids, **kwargs):
        sent.append((report_id, indicator_ids))

    report_approved.connect(receiver)
    try:
        response = post_page(staff_client, report, {("I.1", "value"): "95,5"}, _submit_and_approve="1")
    finally:
        report_approved.disconnect(receiver)

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == AgencyReport.Status.APPROVED
    assert (report.submitted_by, report.approved_by) == (staff_admin, staff_admin)
    events = list(report.events.order_by("at", "pk").values_list("action", "actor", "reason"))
    assert [event[:2] for event in events] == [(Action.ENTERED_ON_BEHALF, staff_admin.pk),
                                               (Action.SUBMITTED, staff_admin.pk), (Action.APPROVED, staff_admin.pk)]
    assert events[2][2] == ("Sở KH&CN nhập thay, gửi và duyệt trong một bước. "
                            "Văn bản nguồn: Công văn số 123/STTTT-BCVT ngày 05/10/2026.")
    assert sent == [(report.pk, sorted(world.indicators[c].pk for c in ("I.1", "I.2", "I.3")))]


def test_submit_on_behalf_skips_head_confirmation(world, staff_client, staff_admin, agency_a, province):
    ReportingPolicyFactory(province=province, require_head_confirmation=True)
    report = world.report(agency_a)
    response = post_page(staff_client, report, {("I.1", "value"): "90"}, _submit_on_behalf="1")
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.submitted_by) == (AgencyReport.Status.SUBMITTED, staff_admin)

    # Submitted: the page is read-only, and a save is refused.
    page = staff_client.get(change_url(report))
    assert page.status_code == 200 and "Duyệt báo cáo" in page.content.decode()
    assert staff_client.post(change_url(report), {**SOURCE, "version": report.version}).status_code == 403
    # Approve from the page's button.
    staff_client.post(reverse("admin:reports_agencyreport_workflow", args=[report.pk]), {"action": "approve"})
    report.refresh_from_db()
    assert report.status == AgencyReport.Status.APPROVED


def test_staff_cannot_submit_what_they_did_not_enter(world, staff_client, agency_a):
    report = world.report(agency_a)
    response = staff_client.post(reverse("admin:reports_agencyreport_workflow", args=[report.pk]),
                                 {"action": "submit"}, follow=True)
    assert "Không thể gửi báo cáo" in " ".join(str(m) for m in response.context["messages"])
    report.refresh_from_db()
    assert report.status == AgencyReport.Status.DRAFT


def test_dispatch_attached_through_attachment_add(world, staff_client, staff_admin, agency_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = world.report(agency_a)
    page = staff_client.get(change_url(report))
    data = {**page_data(page), **SOURCE, "_continue": "1"}
    prefix = next(i.formset.prefix for i in page.context["inline_admin_formsets"] if i.formset.model is Attachment)

    bad = staff_client.post(change_url(report), {**data, f"{prefix}-0-upload": SimpleUploadedFile(
        "cong-van.pdf", b"not really a pdf", content_type="application/pdf")})
    assert bad.status_code == 200
    assert ("Tệp “cong-van.pdf” không phải PDF, DOCX, XLSX, JPG hoặc PNG (kiểm tra theo nội dung tệp)."
            in bad.content.decode())
    assert not Attachment.objects.exists()

    good = staff_client.post(change_url(report), {**data, f"{prefix}-0-upload": SimpleUploadedFile(
        "cong-van-123.pdf", PDF, content_type="application/pdf")})
    assert good.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.report, attachment.uploaded_by, attachment.original_name, attachment.content_type) == (
        report, staff_admin, "cong-van-123.pdf", "application/pdf")


def test_a_stale_page_does_not_overwrite_a_newer_save(world, staff_client, reporter_a, agency_a):
    report = world.report(agency_a)
    page = staff_client.get(change_url(report))
    report_save(report=report, user=reporter_a, data={"indicator_entries": [{"indicator": "I.1", "value": "80"}]},
                version=report.version)
    data = {**page_data(page), **SOURCE, entry_field(page, "I.1", "value"): "95", "_continue": "1"}
    response = staff_client.post(change_url(report), data)
    assert response.status_code == 200
    assert "Báo cáo vừa được người khác lưu (phiên bản 2, bạn đang sửa phiên bản 1)" in response.content.decode()
    assert IndicatorEntry.objects.get(report=report, indicator__code="I.1").value == 80


def test_staff_of_another_province_cannot_see_or_enter(world, client, other_staff_admin, agency_a):
    report = world.report(agency_a)
    client.force_login(other_staff_admin)
    listing = client.get(reverse("admin:reports_agencyreport_changelist"))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 0
    assert client.get(change_url(report)).status_code == 302  # "does not exist" → admin index
    response = client.post(change_url(report), {**SOURCE, "version": 1, "achievements": "x"})
    assert response.status_code in (302, 403)
    assert client.post(reverse("admin:reports_agencyreport_workflow", args=[report.pk]),
                       {"action": "submit"}).status_code == 404
    assert client.get(reverse("admin:reports_agencyreport_history", args=[report.pk])).status_code in (403, 404)
    report.refresh_from_db()
    assert (report.version, report.achievements, report.entered_on_behalf) == (1, "", False)


@pytest.mark.parametrize("user_fixture", ["reporter_a", "leader", "outsider"])
def test_only_staff_reach_the_admin(request, world, client, agency_a, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(change_url(world.report(agency_a)))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_changelist_actions_submit_and_approve(world, staff_client, staff_admin, agency_a, agency_b):
    report_a, report_b = world.report(agency_a), world.report(agency_b)
    post_page(staff_client, report_a, {("I.1", "value"): "90"}, _continue="1")
    response = staff_client.post(reverse("admin:reports_agencyreport_changelist"), {
        "action": "submit_and_approve_selected", "_selected_action": [report_a.pk, report_b.pk]}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert "Đã gửi và duyệt 1 báo cáo." in messages
    report_a.refresh_from_db()
    report_b.refresh_from_db()
    assert report_a.status == AgencyReport.Status.APPROVED
    assert report_b.status == AgencyReport.Status.DRAFT  # not entered on behalf: the agency submits it


def test_query_counts(world, staff_client, agency_a, agency_b, django_assert_max_num_queries):
    report = world.report(agency_a)
    with django_assert_max_num_queries(12):
        assert staff_client.get(reverse("admin:reports_agencyreport_changelist")).status_code == 200
    with django_assert_max_num_queries(15):
        assert staff_client.get(change_url(report)).status_code == 200


def test_submitted_report_before_entry_is_not_editable_by_staff(world, staff_client, reporter_a, agency_a):
    report = world.report(agency_a)
    report_submit(report=report, user=reporter_a)
    page = staff_client.get(change_url(report))
    assert page.status_code == 200
    assert "Lưu và gửi thay" not in page.content.decode()


def test_attachment_removed_through_attachment_remove(world, staff_client, staff_admin, agency_a, settings, tmp_path,
                                                      django_capture_on_commit_callbacks):
    from reports.services import attachment_add

    settings.MEDIA_ROOT = tmp_path
    report = world.report(agency_a)
    attachment = attachment_add(report=report, user=staff_admin,
                                uploaded_file=SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf"))
    stored = tmp_path / attachment.file.name
    assert stored.exists()
    page = staff_client.get(change_url(report))
    formset = next(i.formset for i in page.context["inline_admin_formsets"] if i.formset.model is Attachment)
    data = {**page_data(page), **SOURCE, "_continue": "1", f"{formset.prefix}-0-DELETE": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(report), data)
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert not stored.exists()  # the file goes once the removal is committed


@pytest.mark.parametrize("typed,message", [
    ("105", "Tỷ lệ phần trăm phải từ 0 đến 100 (đã nhập 105)."),
    ("khoảng 90", "“khoảng 90” không phải là số. Ví dụ cách viết: 95,5 hoặc 16.861."),
])
def test_the_agency_form_and_the_admin_say_the_same(world, staff_client, reporter_a, agency_a, typed, message):
    report = world.report(agency_a)
    entry = IndicatorEntry.objects.get(report=report, indicator__code="I.1")
    reporter_client = Client()
    reporter_client.force_login(reporter_a)
    agency_page = reporter_client.post(reverse("reports:report", args=[report.pk]),
                              {"version": report.version, f"i{entry.pk}-value": typed})
    admin_page = post_page(staff_client, report, {("I.1", "value"): typed}, _continue="1")
    assert message in agency_page.content.decode()
    assert message in admin_page.content.decode()
    entry.refresh_from_db()
    assert entry.value is None


@pytest.fixture
def celery_in_process():
    """The recompute task runs in-process even when REDIS_URL names a broker (CI): this checks the wiring."""
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def test_one_step_approval_reaches_the_progress_layer(world, staff_client, agency_a, celery_in_process,
                                                      django_capture_on_commit_callbacks):
    """The real progress receiver (progress/apps.py), not a test one: the approved value is in the snapshot."""
    from progress.models import IndicatorProgress

    report = world.report(agency_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_page(staff_client, report, {("I.1", "value"): "95,5"}, _submit_and_approve="1")

    assert response.status_code == 302
    progress = IndicatorProgress.objects.get(indicator=world.indicators["I.1"], year=report.period.year)
    assert progress.actual == Decimal("95.5")
    assert progress.reporting_agencies == 1


def test_each_line_input_is_named_for_its_column_and_code(world, staff_client, agency_a):
    """A screen reader hears "Giá trị – I.1", not an unnamed text box (the lines have no <label>)."""
    page = staff_client.get(change_url(world.report(agency_a))).content.decode()
    assert 'aria-label="Giá trị – I.1"' in page and 'aria-label="Mẫu số – I.2"' in page
    assert 'aria-label="Tiến độ (%) – II.1"' in page


def test_a_report_staff_cannot_enter_shows_its_lines_as_a_table(world, staff_client, reporter_a, agency_a):
    """No inline forms to build for a read-only report (issue 14): one table per kind of line, the values as
    people read them, under the columns of the editable lines; the files and the history stay."""
    report = world.report(agency_a)
    report_save(report=report, user=reporter_a, version=report.version, data={
        "indicator_entries": [{"indicator": "I.1", "value": "95,5", "note": "Theo <b>số</b> liệu"},
                              {"indicator": "I.2", "numerator": "1.016", "denominator": "1.095"}],
        "task_entries": [{"task": "II.1", "status": "in_progress", "progress": "40"}]})
    report_submit(report=report, user=reporter_a)

    page = staff_client.get(change_url(report))

    assert page.status_code == 200
    assert {i.formset.model for i in page.context["inline_admin_formsets"]} == {Attachment, ReportEvent}
    html = page.content.decode()
    assert "Lưu và gửi thay" not in html and 'name="_continue"' not in html
    indicators, tasks = page.context["entry_tables"]
    assert indicators["heads"][:4] == ["Chỉ tiêu", "Giá trị", "Tử số", "Mẫu số"]
    rows = dict(indicators["rows"])
    i1 = next(cells for label, cells in rows.items() if label.startswith("I.1."))
    i2 = next(cells for label, cells in rows.items() if label.startswith("I.2."))
    assert (i1[0], i1[4], i2[1], i2[2]) == ("95,5", "Theo <b>số</b> liệu", "1.016", "1.095")
    assert "Theo &lt;b&gt;số&lt;/b&gt; liệu" in html  # escaped
    assert dict(tasks["rows"])[next(label for label in dict(tasks["rows"]) if label.startswith("II.1."))][:2] == [
        "Đang triển khai", "40"]
    assert '<th scope="col">Giá trị</th>' in html and "<caption" in html
