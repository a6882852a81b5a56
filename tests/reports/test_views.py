"""The reporting screens: who may see and do what (named users), the agency form (save, validation
beside the field, version conflict, submit), the staff review (approve, return, reopen, bulk), the
compliance page, attachments and query counts on the hot pages."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.clock import VIETNAM
from reports.models import AgencyReport, Attachment, IndicatorEntry, TaskEntry
from reports.services import report_approve, report_save, report_submit
from tests.factories import AgencyFactory, IndicatorFactory, PlanFactory
from tests.reports.factories import ReportingPolicyFactory, reporting_plan

pytestmark = pytest.mark.django_db
Status = AgencyReport.Status
# 10/03/2026 in Hà Nội: Q1 2026 is open, due before 20/03/2026.
IN_Q1 = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82")

ALL_USERS = ["staff", "reporter_a", "reporter_b", "head_a", "leader", "other_staff", "outsider"]


@pytest.fixture(autouse=True)
def _in_q1():
    with time_machine.travel(IN_Q1, tick=False):
        yield


@pytest.fixture
def users(staff, reporter_a, reporter_b, head_a, leader, other_staff, outsider):
    return {"staff": staff, "reporter_a": reporter_a, "reporter_b": reporter_b, "head_a": head_a,
            "leader": leader, "other_staff": other_staff, "outsider": outsider}


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def entry_pk(report, code):
    if code.startswith("I."):
        return f"i{IndicatorEntry.objects.get(report=report, indicator__code=code).pk}"
    return f"t{TaskEntry.objects.get(report=report, task__code=code).pk}"


def form_data(report, values=None, *, action="save", version=None):
    """What the browser posts: every input of the page, empty unless given as {(code, field): text}."""
    data = {"version": report.version if version is None else version, "action": action,
            # "Gửi báo cáo" as the page's script sends it once the user confirmed in the dialog.
            "confirmed": "1" if action == "submit" else ""}
    for entry in report.indicator_entries.select_related("indicator"):
        for field in ("value", "numerator", "denominator", "milestone_state", "note", "source", "as_of"):
            data[f"i{entry.pk}-{field}"] = ""
    for entry in report.task_entries.all():
        for field in ("status", "progress", "done", "next"):
            data[f"t{entry.pk}-{field}"] = ""
    for name in AgencyReport.NARRATIVE_FIELDS:
        data[name] = ""
    for (code, field), text in (values or {}).items():
        data[f"{entry_pk(report, code)}-{field}" if code else field] = text
    return data


def page_url(report):
    return reverse("reports:report", args=[report.pk])


def submitted(report, reporter, value="95,5"):
    report_save(report=report, user=reporter, version=report.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": value}]})
    return report_submit(report=report, user=reporter)


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize(("who", "status", "template"), [
    ("reporter_a", 200, "reports/report_form.html"),
    ("head_a", 200, "reports/report_form.html"),
    ("staff", 200, "reports/report_detail.html"),
    ("leader", 200, "reports/report_detail.html"),
    ("reporter_b", 404, None),
    ("other_staff", 404, None),
    ("outsider", 404, None),
])
def test_report_page_permissions(client, users, report_a, who, status, template):
    response = as_user(client, users[who]).get(page_url(report_a))
    assert response.status_code == status
    if template:
        assert template in [t.name for t in response.templates]


def test_anonymous_is_sent_to_login_from_every_screen(client, report_a):
    attachment_urls = [reverse("reports:inbox"), page_url(report_a), reverse("reports:review_queue"),
                       reverse("reports:compliance"), reverse("reports:excel_download", args=[report_a.pk])]
    for url in attachment_urls:
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"], url
    response = client.post(reverse("reports:approve", args=[report_a.pk]))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.parametrize(("who", "status"), [
    ("reporter_a", 200), ("head_a", 200), ("reporter_b", 200),
    ("staff", 403), ("leader", 403), ("other_staff", 403), ("outsider", 403),
])
def test_inbox_permissions(client, users, world, who, status):
    assert as_user(client, users[who]).get(reverse("reports:inbox")).status_code == status


@pytest.mark.parametrize(("who", "status"), [
    ("staff", 200), ("other_staff", 200),
    ("reporter_a", 403), ("head_a", 403), ("leader", 403), ("outsider", 403),
])
def test_staff_screens_permissions(client, users, world, who, status):
    as_user(client, users[who])
    assert client.get(reverse("reports:review_queue")).status_code == status
    assert client.get(reverse("reports:compliance")).status_code == status


def test_staff_of_another_province_sees_none_of_this_province(client, other_staff, world, report_a, reporter_a):
    submitted(report_a, reporter_a)
    client.force_login(other_staff)
    response = client.get(reverse("reports:review_queue"))
    assert response.status_code == 200 and report_a.agency.name not in response.content.decode()
    assert client.get(reverse("reports:compliance")).status_code == 200
    assert client.get(reverse("reports:compliance") + f"?plan={world.plan.code}").status_code == 404


@pytest.mark.parametrize(("who", "changes"), [
    ("reporter_b", False), ("other_staff", False), ("outsider", False), ("leader", False), ("staff", False),
    ("reporter_a", True), ("head_a", True),
])
def test_only_the_agency_may_save_its_draft(client, users, report_a, who, changes):
    response = as_user(client, users[who]).post(page_url(report_a), form_data(report_a, {("I.1", "value"): "80"}))
    report_a.refresh_from_db()
    stored = IndicatorEntry.objects.get(report=report_a, indicator__code="I.1").value
    assert (stored == Decimal("80")) is changes
    if who in ("reporter_b", "other_staff", "outsider"):
        assert response.status_code == 404


# ---------------------------------------------------------------- the agency inbox and form


def test_inbox_lists_open_reports_with_due_date_and_days_left(client, reporter_a, report_a, world):
    client.force_login(reporter_a)
    content = client.get(reverse("reports:inbox")).content.decode()
    assert "Quý 1/2026" in content
    assert "20/03/2026" in content  # due before 20/03/2026
    assert "còn 10 ngày" in content  # 10/03 → the 19th is the last day: 10 days including today
    assert world.plan.title in content
    assert reverse("reports:report", args=[report_a.pk]) in content


def test_inbox_shows_overdue_and_moves_submitted_reports_below(client, reporter_a, report_a):
    with time_machine.travel(dt.datetime(2026, 3, 22, 8, 0, tzinfo=IN_Q1.tzinfo), tick=False):
        client.force_login(reporter_a)
        assert "quá hạn 3 ngày" in client.get(reverse("reports:inbox")).content.decode()
        submitted(report_a, reporter_a)
        response = client.get(reverse("reports:inbox"))
    assert [r.pk for r in response.context["others"]] == [report_a.pk]
    assert report_a.pk not in [r.pk for r in response.context["to_send"]]
    assert "muộn" in response.content.decode()


def test_form_shows_period_cutoff_target_and_unit(client, reporter_a, report_a, world):
    from tests.factories import TargetFactory

    TargetFactory(indicator=world.indicators["I.1"], year=2026, text="≥ 90%", low=90)
    client.force_login(reporter_a)
    content = client.get(page_url(report_a)).content.decode()
    assert "15/12/2025 – 14/03/2026" in content  # Nghị định 09/2019 data cut-off of Q1
    assert "trước ngày 20/03/2026" in content
    # The example date of "Số liệu tính đến ngày" is this period's cut-off, not another quarter's.
    assert 'placeholder="14/03/2026"' in content and 'placeholder="31/03/2026"' not in content
    assert "≥ 90%" in content and "Mục tiêu 2026" in content
    for label in ("Kết quả đạt được", "Tồn tại, hạn chế", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị"):
        assert label in content
    # Ratio indicators ask for numerator and denominator, milestones for a state.
    assert f'name="{entry_pk(report_a, "I.2")}-numerator"' in content
    assert f'name="{entry_pk(report_a, "I.2")}-value"' not in content
    assert f'name="{entry_pk(report_a, "I.3")}-milestone_state"' in content


def test_save_draft_reads_vietnamese_numbers_and_shows_them_back(client, reporter_a, report_a):
    client.force_login(reporter_a)
    response = client.post(page_url(report_a), form_data(report_a, {
        ("I.1", "value"): "95,5", ("I.2", "numerator"): "1.016", ("I.2", "denominator"): "1.095",
        ("I.3", "milestone_state"): "in_progress", ("II.1", "status"): "in_progress",
        ("II.1", "progress"): "40", (None, "achievements"): "Đã phủ sóng 5G"}))
    assert response.status_code == 302
    assert f"?luu={report_a.version + 1}" in response["Location"]
    entries = {e.indicator.code: e for e in IndicatorEntry.objects.filter(report=report_a).select_related("indicator")}
    assert entries["I.1"].value == Decimal("95.5")
    assert entries["I.2"].numerator == 1016 and entries["I.2"].denominator == 1095
    assert entries["I.3"].milestone_state == "in_progress"
    report_a.refresh_from_db()
    assert report_a.status == Status.DRAFT and report_a.achievements == "Đã phủ sóng 5G"
    page = client.get(response["Location"])
    content = page.content.decode()
    assert 'value="95,5"' in content and 'value="1.016"' in content
    assert page.context["just_saved"] is True and 'data-draft-saved="1"' in content
    assert "Đã lưu nháp" in content


@pytest.mark.parametrize(("values", "field", "message"), [
    ({("I.1", "value"): "120"}, ("I.1", "value"), "Tỷ lệ phần trăm phải từ 0 đến 100"),
    ({("I.1", "value"): "chín mươi"}, ("I.1", "value"), "không phải là số"),
    ({("I.2", "numerator"): "12", ("I.2", "denominator"): "10"}, ("I.2", "numerator"),
     "không được lớn hơn mẫu số"),
    ({("II.1", "progress"): "140"}, ("II.1", "progress"), "Tiến độ là số nguyên từ 0 đến 100"),
])
def test_invalid_input_is_refused_beside_the_field_and_kept(client, reporter_a, report_a, values, field, message):
    client.force_login(reporter_a)
    typed = {**values, ("I.3", "note"): "ghi chú đã gõ", (None, "proposals"): "đề xuất đã gõ"}
    response = client.post(page_url(report_a), form_data(report_a, typed))
    assert response.status_code == 400
    content = response.content.decode()
    name = f"{entry_pk(report_a, field[0])}-{field[1]}"
    error_block = content.split(f'id="err-{name}"')[1][:400]
    assert message in error_block
    summary = content.split('class="notice bad error-summary"')[1].split("</div>")[0]
    assert 'role="alert"' in summary and "Chưa lưu được: 1 ô cần sửa" in summary
    assert f'href="#id-{name}"' in summary  # the link leads to the field itself
    assert f'aria-invalid="true" aria-describedby="err-{name}"' in content
    for text in typed.values():
        assert text in content  # everything typed is still on the page
    report_a.refresh_from_db()
    assert report_a.version == 1 and report_a.proposals == ""  # nothing saved
    assert not IndicatorEntry.objects.filter(report=report_a, note="ghi chú đã gõ").exists()


def test_previous_period_prefills_and_a_far_value_asks_for_a_note(client, province, agency_a, agency_b,
                                                                  reporter_a, staff):
    world = reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b, today=dt.date(2026, 5, 1))
    q1, q2 = world.report(agency_a, "2026-Q1"), world.report(agency_a, "2026-Q2")
    report_save(report=q1, user=reporter_a, version=q1.version, data={
        "indicator_entries": [{"indicator": "I.1", "value": "50", "source": "Sở TT&TT"}],
        "task_entries": [{"task": "II.1", "status": "in_progress", "progress": 30}]})
    report_submit(report=q1, user=reporter_a)
    with time_machine.travel(dt.datetime(2026, 5, 2, 9, 0, tzinfo=IN_Q1.tzinfo), tick=False):
        client.force_login(reporter_a)
        page = client.get(page_url(q2))
        row = page.context["form"].indicator_rows[0]
        assert row.prefilled and row.values["value"] == "50" and row.values["source"] == "Sở TT&TT"
        assert page.context["form"].task_rows[0].values == {"status": "in_progress", "progress": "30",
                                                            "done": "", "next": ""}
        assert "điền sẵn từ kỳ trước" in page.content.decode()

        response = client.post(page_url(q2), form_data(q2, {("I.1", "value"): "95"}))
        assert response.status_code == 400
        assert "chênh lệch nhiều so với kỳ trước" in response.content.decode()
        response = client.post(page_url(q2), form_data(q2, {("I.1", "value"): "95",
                                                            ("I.1", "note"): "Hoàn thành dự án cáp quang"}))
    assert response.status_code == 302
    assert IndicatorEntry.objects.get(report=q2, indicator__code="I.1").value == 95


def test_version_conflict_keeps_input_and_shows_what_was_saved(client, reporter_a, head_a, report_a):
    stale_version = report_a.version
    report_save(report=report_a, user=head_a, version=report_a.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": "80"}]})
    client.force_login(reporter_a)
    response = client.post(page_url(report_a), form_data(report_a, {("I.1", "value"): "95,5"},
                                                         version=stale_version))
    assert response.status_code == 409
    content = response.content.decode()
    assert "vừa được người khác lưu" in content
    assert 'value="95,5"' in content  # the user's input, not the other save
    assert "Bản đã lưu: 80" in content
    assert IndicatorEntry.objects.get(report=report_a, indicator__code="I.1").value == 80
    # The page now carries the version the user has seen: saving again is deliberate and wins.
    assert response.context["version"] == stale_version + 1
    response = client.post(page_url(report_a), form_data(report_a, {("I.1", "value"): "95,5"},
                                                          version=stale_version + 1))
    assert response.status_code == 302
    assert IndicatorEntry.objects.get(report=report_a, indicator__code="I.1").value == Decimal("95.5")


def test_submit_makes_the_report_read_only(client, reporter_a, report_a):
    client.force_login(reporter_a)
    response = client.post(page_url(report_a), form_data(report_a, {("I.1", "value"): "95,5"}, action="submit"))
    assert response.status_code == 302
    report_a.refresh_from_db()
    assert report_a.status == Status.SUBMITTED and report_a.submitted_by == reporter_a
    page = client.get(page_url(report_a))
    assert "reports/report_detail.html" in [t.name for t in page.templates]
    assert f'name="{entry_pk(report_a, "I.1")}-value"' not in page.content.decode()
    version = report_a.version
    client.post(page_url(report_a), form_data(report_a, {("I.1", "value"): "10"}))
    report_a.refresh_from_db()
    assert report_a.version == version
    assert IndicatorEntry.objects.get(report=report_a, indicator__code="I.1").value == Decimal("95.5")


def test_submit_with_invalid_input_saves_nothing_and_does_not_submit(client, reporter_a, report_a):
    client.force_login(reporter_a)
    response = client.post(page_url(report_a), form_data(report_a, {("I.1", "value"): "101"}, action="submit"))
    assert response.status_code == 400
    report_a.refresh_from_db()
    assert report_a.status == Status.DRAFT and report_a.version == 1


def test_head_confirms_when_the_province_requires_it(client, province, reporter_a, head_a, report_a):
    ReportingPolicyFactory(province=province, require_head_confirmation=True)
    client.force_login(reporter_a)
    client.post(page_url(report_a), form_data(report_a, {("I.1", "value"): "91"}, action="submit"))
    report_a.refresh_from_db()
    assert report_a.status == Status.AWAITING_CONFIRMATION
    assert "Xác nhận và gửi" not in client.get(page_url(report_a)).content.decode()
    assert client.post(reverse("reports:confirm", args=[report_a.pk])).status_code == 302
    report_a.refresh_from_db()
    assert report_a.status == Status.AWAITING_CONFIRMATION  # a reporter cannot confirm

    client.force_login(head_a)
    assert "Xác nhận và gửi" in client.get(page_url(report_a)).content.decode()
    client.post(reverse("reports:confirm", args=[report_a.pk]))
    report_a.refresh_from_db()
    assert report_a.status == Status.SUBMITTED and report_a.confirmed_by == head_a


def test_staff_enters_a_paper_report_on_behalf(client, staff, reporter_a, report_a):
    client.force_login(staff)
    assert "nhap-thay=1" in client.get(page_url(report_a)).content.decode()
    url = page_url(report_a) + "?nhap-thay=1"
    assert "reports/report_form.html" in [t.name for t in client.get(url).templates]
    letter = "Công văn số 123/SYT-KHTC ngày 05/03/2026"
    response = client.post(url, form_data(report_a, {("I.1", "value"): "88", (None, "source_reference"): letter}))
    assert response.status_code == 302
    report_a.refresh_from_db()
    assert report_a.entered_on_behalf and report_a.entered_by == staff and report_a.source_reference == letter
    # The agency's own form does not offer (nor save) the letter field.
    client.force_login(reporter_a)
    assert 'name="source_reference"' not in client.get(page_url(report_a)).content.decode()


# ---------------------------------------------------------------- staff review


def test_review_page_shows_the_report_beside_its_previous_period(client, province, agency_a, agency_b,
                                                                 reporter_a, staff):
    world = reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b, today=dt.date(2026, 5, 1))
    q1, q2 = world.report(agency_a, "2026-Q1"), world.report(agency_a, "2026-Q2")
    submitted(q1, reporter_a, value="50")
    report_save(report=q2, user=reporter_a, version=q2.version, data={
        "indicator_entries": [{"indicator": "I.1", "value": "62,5"}]})
    report_submit(report=q2, user=reporter_a)
    client.force_login(staff)
    response = client.get(page_url(q2))
    content = response.content.decode()
    row = content.split(f'id="{entry_pk(q2, "I.1")}"')[1].split("</tr>")[0]
    assert ">50<" in row.replace(" ", "") or "50" in row
    assert "62,5" in row
    assert "Quý 1/2026" in content and "Quý 2/2026" in content
    assert f'action="{reverse("reports:approve", args=[q2.pk])}"' in content
    assert "Lịch sử thay đổi" in content and "62,5" in content.split("Lịch sử thay đổi")[1]


@pytest.mark.parametrize(("who", "approved"), [
    ("staff", True), ("leader", False), ("reporter_a", False), ("head_a", False),
    ("reporter_b", False), ("other_staff", False), ("outsider", False),
])
def test_only_staff_of_the_province_approves(client, users, report_a, reporter_a, who, approved):
    submitted(report_a, reporter_a)
    response = as_user(client, users[who]).post(reverse("reports:approve", args=[report_a.pk]))
    report_a.refresh_from_db()
    assert (report_a.status == Status.APPROVED) is approved
    if who in ("reporter_b", "other_staff", "outsider"):
        assert response.status_code == 404


def test_return_with_reasons_for_the_report_and_an_entry(client, staff, reporter_a, report_a):
    submitted(report_a, reporter_a)
    client.force_login(staff)
    response = client.post(reverse("reports:return", args=[report_a.pk]), {
        "reason": "Thiếu số liệu nhiệm vụ", f"reason-{entry_pk(report_a, 'I.1')}": "Kiểm tra lại tỷ lệ"})
    assert response.status_code == 302
    report_a.refresh_from_db()
    assert report_a.status == Status.RETURNED and report_a.return_reason == "Thiếu số liệu nhiệm vụ"
    client.force_login(reporter_a)
    content = client.get(page_url(report_a)).content.decode()
    assert "Thiếu số liệu nhiệm vụ" in content and "Kiểm tra lại tỷ lệ" in content
    assert f'name="{entry_pk(report_a, "I.1")}-value"' in content  # editable again


def test_the_reason_boxes_of_the_review_page_are_named_by_the_entry_id_unformatted(client, staff, reporter_a,
                                                                                  report_a):
    # An id of four digits or more came out as "reason-i1.234" (the thousands separator), which the return
    # action never read: the reason typed beside that entry was lost.
    IndicatorEntry.objects.filter(report=report_a, indicator__code="I.1").update(id=12345)
    submitted(report_a, reporter_a)
    client.force_login(staff)
    content = client.get(page_url(report_a)).content.decode()
    assert 'name="reason-i12345"' in content
    task_entry = TaskEntry.objects.filter(report=report_a).first()
    if task_entry is not None:
        assert f'name="reason-t{task_entry.pk}"' in content
    client.post(reverse("reports:return", args=[report_a.pk]), {"reason": "", "reason-i12345": "Sai đơn vị"})
    assert IndicatorEntry.objects.get(pk=12345).return_reason == "Sai đơn vị"


def test_return_without_any_reason_is_refused(client, staff, reporter_a, report_a):
    submitted(report_a, reporter_a)
    client.force_login(staff)
    response = client.post(reverse("reports:return", args=[report_a.pk]), {"reason": "  "}, follow=True)
    assert "Vui lòng nêu lý do trả lại" in response.content.decode()
    report_a.refresh_from_db()
    assert report_a.status == Status.SUBMITTED


def test_reopen_needs_a_reason(client, staff, reporter_a, report_a):
    submitted(report_a, reporter_a)
    report_approve(report=report_a, user=staff)
    client.force_login(staff)
    response = client.post(reverse("reports:reopen", args=[report_a.pk]), {"reason": ""}, follow=True)
    assert "lý do mở lại" in response.content.decode()
    report_a.refresh_from_db()
    assert report_a.status == Status.APPROVED
    client.post(reverse("reports:reopen", args=[report_a.pk]), {"reason": "Sai số liệu quý 1"})
    report_a.refresh_from_db()
    assert report_a.status == Status.DRAFT and report_a.reopened_reason == "Sai số liệu quý 1"
    client.force_login(reporter_a)
    assert "Sai số liệu quý 1" in client.get(page_url(report_a)).content.decode()


def test_approved_report_is_read_only_for_everyone(client, staff, reporter_a, head_a, report_a):
    submitted(report_a, reporter_a)
    report_approve(report=report_a, user=staff)
    for user in (reporter_a, head_a, staff):
        client.force_login(user)
        page = client.get(page_url(report_a))
        assert "reports/report_detail.html" in [t.name for t in page.templates]
        client.post(page_url(report_a), form_data(report_a, {("I.1", "value"): "1"}))
    assert IndicatorEntry.objects.get(report=report_a, indicator__code="I.1").value == Decimal("95.5")


def test_bulk_approve_approves_the_checked_submitted_reports_of_the_province(
        client, staff, reporter_a, reporter_b, report_a, report_b, other_province):
    submitted(report_a, reporter_a)
    report_save(report=report_b, user=reporter_b, version=report_b.version,
                data={"indicator_entries": [{"indicator": "I.4", "value": "12"}]})
    report_submit(report=report_b, user=reporter_b)
    foreign_agency = AgencyFactory(province=other_province)
    foreign_plan = PlanFactory(province=other_province)
    IndicatorFactory(plan=foreign_plan).lead_agencies.add(foreign_agency)
    from reports.services import periods_open

    periods_open(plan=foreign_plan, today=dt.date(2026, 3, 1))
    foreign = AgencyReport.objects.get(agency=foreign_agency, period__code="2026-Q1")

    client.force_login(staff)
    queue = client.get(reverse("reports:review_queue"))
    assert {r.pk for r in queue.context["reports"]} == {report_a.pk, report_b.pk}
    response = client.post(reverse("reports:bulk_approve"),
                           {"report": [report_a.pk, report_b.pk, foreign.pk], "next": "/bao-cao/duyet/"})
    assert response.status_code == 302 and response["Location"] == "/bao-cao/duyet/"
    statuses = dict(AgencyReport.objects.values_list("pk", "status"))
    assert statuses[report_a.pk] == statuses[report_b.pk] == Status.APPROVED
    assert statuses[foreign.pk] == Status.DRAFT


def test_the_queue_checkbox_carries_the_report_id_unformatted(client, staff, reporter_a, report_a):
    # An id of four digits or more came out as value="1.234" (the thousands separator), which the bulk
    # approval skipped: ticking such a report approved nothing.
    old_pk = report_a.pk
    AgencyReport.objects.filter(pk=old_pk).update(id=12345)
    IndicatorEntry.objects.filter(report_id=old_pk).update(report_id=12345)
    TaskEntry.objects.filter(report_id=old_pk).update(report_id=12345)
    report = AgencyReport.objects.get(pk=12345)
    submitted(report, reporter_a)
    client.force_login(staff)
    content = client.get(reverse("reports:review_queue")).content.decode()
    assert 'name="report" value="12345"' in content
    client.post(reverse("reports:bulk_approve"), {"report": ["12345"]})
    assert AgencyReport.objects.get(pk=12345).status == Status.APPROVED


def test_bulk_approve_refuses_others_and_off_site_redirects(client, leader, staff, reporter_a, report_a):
    submitted(report_a, reporter_a)
    client.force_login(leader)
    assert client.post(reverse("reports:bulk_approve"), {"report": [report_a.pk]}).status_code == 403
    client.force_login(staff)
    response = client.post(reverse("reports:bulk_approve"), {"report": [report_a.pk], "next": "https://evil.example/"})
    assert response["Location"] == reverse("reports:review_queue")


def test_review_queue_filters_by_plan_period_and_status(client, staff, reporter_a, report_a, report_b, world):
    submitted(report_a, reporter_a)
    client.force_login(staff)
    default = client.get(reverse("reports:review_queue"))
    assert [r.pk for r in default.context["reports"]] == [report_a.pk]  # waiting for review by default
    every = client.get(reverse("reports:review_queue"), {"status": "", "plan": world.plan.code, "period": "2026-Q1"})
    assert {r.pk for r in every.context["reports"]} == {report_a.pk, report_b.pk}
    drafts = client.get(reverse("reports:review_queue"), {"status": "draft", "period": "2026-Q1"})
    assert [r.pk for r in drafts.context["reports"]] == [report_b.pk]
    assert client.get(reverse("reports:review_queue"), {"period": "2026-Q1", "status": "approved"}).context["reports"] == []


def test_review_queue_offers_the_started_periods_by_their_vietnamese_names(client, staff, world, report_a):
    with time_machine.travel(dt.datetime(2026, 4, 2, 9, tzinfo=VIETNAM), tick=False):
        client.force_login(staff)
        choices = client.get(reverse("reports:review_queue")).context["filters"].fields["period"].choices
    assert choices[1:] == [("2026-Y", "Năm 2026"), ("2026-Q2", "Quý 2/2026"), ("2026-Q1", "Quý 1/2026")]


# ---------------------------------------------------------------- compliance


def test_compliance_page_counts_on_time_late_missing_returned_and_completeness(
        client, staff, reporter_a, reporter_b, report_a, report_b, world):
    with time_machine.travel(dt.datetime(2026, 3, 19, 23, 59, tzinfo=IN_Q1.tzinfo), tick=False):
        submitted(report_a, reporter_a)  # on time: before 00:00 of the 20th
    report_a.refresh_from_db()
    from reports.services import report_return

    report_return(report=report_a, user=staff, reason="Bổ sung")
    with time_machine.travel(dt.datetime(2026, 3, 25, 9, 0, tzinfo=IN_Q1.tzinfo), tick=False):
        client.force_login(staff)
        response = client.get(reverse("reports:compliance"), {"plan": world.plan.code, "period": "2026-Q1"})
    assert response.status_code == 200
    rows = {row["agency__name"]: row for row in response.context["rows"]}
    a, b = rows[report_a.agency.name], rows[report_b.agency.name]
    assert (a["expected"], a["on_time"], a["late"], a["missing"], a["returned"]) == (1, 1, 0, 0, 1)
    assert (b["expected"], b["on_time"], b["late"], b["missing"]) == (1, 0, 0, 1)
    assert a["completeness"] == Decimal("25.0")  # 1 of 4 entries (I.1, I.2, I.3, II.1)
    totals = response.context["totals"]
    assert (totals["expected"], totals["on_time"], totals["missing"], totals["returned"]) == (2, 1, 1, 1)
    content = response.content.decode()
    assert ">25%<" in content


# ---------------------------------------------------------------- attachments


def upload_png(client, report, name="anh.png", content=PNG):
    return client.post(reverse("reports:attachment_upload", args=[report.pk]),
                       {"file": SimpleUploadedFile(name, content, content_type="image/png")})


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_attachment_upload_and_download_only_to_those_who_may_see(client, users, report_a, media_root):
    client.force_login(users["reporter_a"])
    assert upload_png(client, report_a, name="bien-ban.png").status_code == 302
    attachment = Attachment.objects.get(report=report_a)
    assert attachment.content_type == "image/png"
    url = reverse("reports:attachment", args=[attachment.pk])
    for who, status in [("reporter_a", 200), ("head_a", 200), ("staff", 200), ("leader", 200),
                        ("reporter_b", 404), ("other_staff", 404), ("outsider", 404)]:
        client.force_login(users[who])
        response = client.get(url)
        assert response.status_code == status, who
        if status == 200:
            assert response["Content-Type"] == "image/png"
            assert response["Content-Disposition"].startswith("attachment;")
            assert "bien-ban.png" in response["Content-Disposition"]
            assert b"".join(response.streaming_content) == PNG
    client.logout()
    assert client.get(url).status_code == 302


def test_attachment_checked_by_content_not_name(client, reporter_a, reporter_b, report_a, media_root):
    client.force_login(reporter_a)
    response = upload_png(client, report_a, name="that-ra-la-van-ban.png", content=b"MZ\x90\x00 not an image")
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert "không phải PDF, DOCX, XLSX, JPG hoặc PNG" in client.get(page_url(report_a)).content.decode()
    client.force_login(reporter_b)
    assert upload_png(client, report_a).status_code == 404
    assert not Attachment.objects.exists()


def test_attachment_delete(client, reporter_a, reporter_b, report_a, media_root):
    client.force_login(reporter_a)
    upload_png(client, report_a)
    attachment = Attachment.objects.get()
    client.force_login(reporter_b)
    assert client.post(reverse("reports:attachment_delete", args=[attachment.pk])).status_code == 404
    client.force_login(reporter_a)
    client.post(reverse("reports:attachment_delete", args=[attachment.pk]))
    assert not Attachment.objects.exists()


# ---------------------------------------------------------------- history and query counts


def test_entry_history_is_shown_on_the_report(client, reporter_a, head_a, report_a):
    client.force_login(reporter_a)
    client.post(page_url(report_a), form_data(report_a, {("I.1", "value"): "80"}))
    report_a.refresh_from_db()
    client.force_login(head_a)
    client.post(page_url(report_a), form_data(report_a, {("I.1", "value"): "85,25"}))
    history = client.get(page_url(report_a)).context["history"]
    values = [(change["item"], field["old"], field["new"]) for change in history for field in change["fields"]
              if change["item"] == "I.1"]
    assert values[:2] == [("I.1", "80", "85,25"), ("I.1", "—", "80")]


def _grow(world, province, agency_a, count):
    """More indicators and tasks for agency A, joined to the open reports."""
    from plans.models import Task
    from reports.services import expected_reports_create

    for n in range(count):
        IndicatorFactory(plan=world.plan, code=f"X.{n}").lead_agencies.add(agency_a)
        Task.objects.create(plan=world.plan, code=f"Y.{n}", content=f"Nhiệm vụ thêm {n}").lead_agencies.add(agency_a)
    expected_reports_create(period=world.period("2026-Q1"))


def test_hot_pages_take_a_fixed_number_of_queries(client, django_assert_max_num_queries, province, agency_a,
                                                  agency_b, world, reporter_a, staff, report_a):
    def counts():
        client.force_login(reporter_a)
        with django_assert_max_num_queries(50) as inbox:
            client.get(reverse("reports:inbox"))
        with django_assert_max_num_queries(50) as form:
            client.get(page_url(report_a))
        client.force_login(staff)
        with django_assert_max_num_queries(50) as queue:
            client.get(reverse("reports:review_queue"), {"status": ""})
        return len(inbox), len(form), len(queue)

    before = counts()
    _grow(world, province, agency_a, 6)
    for n in range(4):  # and more agencies in the queue
        extra = AgencyFactory(province=province)
        IndicatorFactory(plan=world.plan, code=f"Z.{n}").lead_agencies.add(extra)
    from reports.services import expected_reports_create

    expected_reports_create(period=world.period("2026-Q1"))
    assert counts() == before


def test_excel_download_query_count_does_not_grow(client, django_assert_max_num_queries, province, agency_a,
                                                   world, reporter_a, report_a):
    client.force_login(reporter_a)
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("reports:excel_download", args=[report_a.pk]))
    _grow(world, province, agency_a, 5)
    with django_assert_max_num_queries(40) as large:
        client.get(reverse("reports:excel_download", args=[report_a.pk]))
    assert len(small) == len(large)


def test_inbox_is_readable_by_an_agency_with_nothing_to_report(client, reporter_b):
    client.force_login(reporter_b)
    content = client.get(reverse("reports:inbox")).content.decode()
    assert "Không có báo cáo nào cần gửi" in content


def test_report_page_is_compressed_for_slow_links(client, reporter_a, report_a):
    import gzip

    client.force_login(reporter_a)
    response = client.get(page_url(report_a), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Lưu nháp" in gzip.decompress(response.content).decode()


@pytest.mark.parametrize("who", ["leader", "reporter_a", "head_a", "reporter_b", "other_staff", "outsider"])
def test_only_staff_returns_and_reopens(client, users, staff, reporter_a, report_a, report_b, who):
    submitted(report_a, reporter_a)
    report_b_reporter = users["reporter_b"]
    report_save(report=report_b, user=report_b_reporter, version=report_b.version,
                data={"indicator_entries": [{"indicator": "I.4", "value": "3"}]})
    report_submit(report=report_b, user=report_b_reporter)
    report_approve(report=report_b, user=staff)
    as_user(client, users[who])
    returned = client.post(reverse("reports:return", args=[report_a.pk]), {"reason": "Sai"})
    reopened = client.post(reverse("reports:reopen", args=[report_b.pk]), {"reason": "Sai"})
    report_a.refresh_from_db()
    report_b.refresh_from_db()
    assert report_a.status == Status.SUBMITTED and report_b.status == Status.APPROVED
    if who in ("other_staff", "outsider"):
        assert returned.status_code == reopened.status_code == 404
    if who == "reporter_b":  # sees its own report B, never agency A's
        assert returned.status_code == 404 and reopened.status_code == 302


@pytest.mark.parametrize(("who", "confirmed"), [
    ("head_a", True), ("reporter_a", False), ("staff", False), ("leader", False), ("reporter_b", False),
    ("other_staff", False), ("outsider", False),
])
def test_only_the_agency_head_confirms(client, users, province, reporter_a, report_a, who, confirmed):
    ReportingPolicyFactory(province=province, require_head_confirmation=True)
    report_save(report=report_a, user=reporter_a, version=report_a.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": "90"}]})
    report_submit(report=report_a, user=reporter_a)
    as_user(client, users[who]).post(reverse("reports:confirm", args=[report_a.pk]))
    report_a.refresh_from_db()
    assert (report_a.status == Status.SUBMITTED) is confirmed


@pytest.mark.parametrize(("moment", "label"), [
    (dt.datetime(2026, 3, 19, 23, 59, tzinfo=IN_Q1.tzinfo), "hạn cuối hôm nay"),
    (dt.datetime(2026, 3, 20, 0, 0, tzinfo=IN_Q1.tzinfo), "quá hạn 1 ngày"),
    # The server's clock in UTC is still the 19th at 17:00 UTC: the deadline is read in Hà Nội time.
    (dt.datetime(2026, 3, 19, 17, 0, tzinfo=dt.UTC), "quá hạn 1 ngày"),
])
def test_inbox_days_left_turns_overdue_at_midnight_in_ho_chi_minh(client, reporter_a, report_a, moment, label):
    with time_machine.travel(moment, tick=False):
        client.force_login(reporter_a)
        content = client.get(reverse("reports:inbox")).content.decode()
    item = content.split(f'href="{page_url(report_a)}"')[1].split("</li>")[0]
    assert label in item


def test_a_save_writes_only_the_entries_that_changed(client, reporter_a, report_a):
    client.force_login(reporter_a)
    client.post(page_url(report_a), form_data(report_a, {("I.1", "value"): "80", ("I.2", "numerator"): "1",
                                                         ("I.2", "denominator"): "2"}))
    report_a.refresh_from_db()
    i2 = IndicatorEntry.objects.get(report=report_a, indicator__code="I.2")
    rows_before = i2.history.count()
    client.post(page_url(report_a), form_data(report_a, {("I.1", "value"): "81", ("I.2", "numerator"): "1",
                                                         ("I.2", "denominator"): "2"}))
    assert IndicatorEntry.objects.get(report=report_a, indicator__code="I.1").value == 81
    assert i2.history.count() == rows_before  # untouched: no new history row


@pytest.mark.parametrize(("who", "sent_back"), [
    ("head_a", True), ("reporter_a", False), ("staff", False), ("leader", False), ("reporter_b", False),
    ("other_staff", False), ("outsider", False),
])
def test_the_agency_head_may_send_a_report_back_to_its_reporters(client, users, province, reporter_a, report_a,
                                                                  who, sent_back):
    ReportingPolicyFactory(province=province, require_head_confirmation=True)
    report_save(report=report_a, user=reporter_a, version=report_a.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": "90"}]})
    report_submit(report=report_a, user=reporter_a)
    as_user(client, users[who]).post(reverse("reports:send_back", args=[report_a.pk]),
                                     {"reason": "Bổ sung nguồn số liệu"})
    report_a.refresh_from_db()
    assert (report_a.status == Status.DRAFT) is sent_back
    if sent_back:
        client.force_login(reporter_a)
        assert "Bổ sung nguồn số liệu" in client.get(page_url(report_a)).content.decode()
