"""Every admin page of the foundation models opens for Sở KH&CN staff, and none for another province's staff."""

import pytest
from django.urls import reverse

from plans.models import Plan
from tests.factories import (
    AppendixFactory,
    IndicatorFactory,
    PlanFactory,
    ProjectFactory,
    SectionFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(province, dost):
    plan = PlanFactory(province=province, code="ha-tang-so", title="Phát triển hạ tầng số", monitoring_agency=dost)
    appendix = AppendixFactory(plan=plan, number="I")
    section = SectionFactory(plan=plan, appendix=appendix)
    task = TaskFactory(plan=plan, section=section, content="Xây dựng nền tảng IoT")
    task.lead_agencies.add(dost)
    return {
        "plans.plan": plan, "plans.appendix": None, "plans.section": section, "plans.task": task,
        "plans.project": ProjectFactory(plan=plan, name="Nâng cấp Trung tâm tích hợp dữ liệu"),
        "indicators.indicator": IndicatorFactory(plan=plan, section=section),
        "agencies.agency": dost, "agencies.province": province,
    }


def admin_url(label: str, action: str, *args) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{action}", args=args)


PAGES = ["plans.plan", "plans.section", "plans.task", "plans.project", "plans.result", "indicators.indicator",
         "agencies.agency", "agencies.membership", "agencies.province"]


@pytest.mark.parametrize("label", PAGES)
def test_staff_opens_every_list_and_change_page(client, staff_admin, objects, label):
    client.force_login(staff_admin)
    assert client.get(admin_url(label, "changelist")).status_code == 200
    if objects.get(label) is not None:
        assert client.get(admin_url(label, "change", objects[label].pk)).status_code == 200


@pytest.mark.parametrize("label", [p for p in PAGES if p != "agencies.province"])
def test_staff_opens_every_add_page(client, staff_admin, label):
    client.force_login(staff_admin)
    assert client.get(admin_url(label, "add")).status_code == 200


@pytest.mark.parametrize("label", ["plans.plan", "plans.section", "plans.task", "plans.project",
                                   "indicators.indicator", "agencies.agency", "agencies.province"])
def test_another_provinces_staff_sees_nothing_and_opens_nothing(client, other_staff_admin, objects, label):
    client.force_login(other_staff_admin)
    response = client.get(admin_url(label, "changelist"))
    shown = {str(obj.pk) for obj in response.context["cl"].result_list}
    assert str(objects[label].pk) not in shown
    assert client.get(admin_url(label, "change", objects[label].pk)).status_code == 302


def test_plan_page_lists_its_appendices_inline(client, staff_admin, objects):
    client.force_login(staff_admin)
    response = client.get(admin_url("plans.plan", "change", objects["plans.plan"].pk))
    assert 'name="appendices-0-number"' in response.content.decode()


def test_plan_list_search_ignores_diacritics(client, staff_admin, objects):
    client.force_login(staff_admin)
    response = client.get(admin_url("plans.plan", "changelist"), {"q": "phat trien ha tang"})
    assert list(response.context["cl"].result_list) == [objects["plans.plan"]]


def test_task_filter_by_lead_agency(client, staff_admin, objects, dost, agency_a):
    TaskFactory(plan=objects["plans.plan"]).lead_agencies.add(agency_a)
    client.force_login(staff_admin)
    response = client.get(admin_url("plans.task", "changelist"), {"lead_agencies__id__exact": dost.pk})
    assert list(response.context["cl"].result_list) == [objects["plans.task"]]


def test_staff_edits_a_plan_of_its_province(client, staff_admin, objects, dost):
    plan = objects["plans.plan"]
    client.force_login(staff_admin)
    response = client.post(admin_url("plans.plan", "change", plan.pk), {
        "province": plan.province_id, "code": plan.code, "number": "540/KH-UBND", "title": plan.title,
        "issued": "26/12/2025", "start_year": 2026, "end_year": 2030, "status": "active",
        "monitoring_agency": dost.pk, "source_document": "", "quarterly_due_day": 20, "annual_due_month": 12,
        "annual_due_day": 1,
        "appendices-TOTAL_FORMS": 1, "appendices-INITIAL_FORMS": 1, "appendices-MIN_NUM_FORMS": 0,
        "appendices-MAX_NUM_FORMS": 1000, "appendices-0-id": plan.appendices.get().pk,
        "appendices-0-plan": plan.pk, "appendices-0-number": "I", "appendices-0-title": "Chỉ tiêu",
        "appendices-0-kind": "indicators", "appendices-0-order": 0,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan = Plan.objects.get(pk=plan.pk)
    assert plan.number == "540/KH-UBND" and str(plan.issued) == "2025-12-26"


def test_shrinking_the_period_below_existing_targets_is_refused(client, staff_admin, objects, dost):
    from tests.factories import TargetFactory

    plan = objects["plans.plan"]
    TargetFactory(indicator=objects["indicators.indicator"], year=2030)
    client.force_login(staff_admin)
    data = {
        "province": plan.province_id, "code": plan.code, "number": "", "title": plan.title, "issued": "",
        "start_year": 2026, "end_year": 2028, "status": "active", "monitoring_agency": dost.pk,
        "source_document": "", "quarterly_due_day": 20, "annual_due_month": 12, "annual_due_day": 1,
        "appendices-TOTAL_FORMS": 0, "appendices-INITIAL_FORMS": 0, "appendices-MIN_NUM_FORMS": 0,
        "appendices-MAX_NUM_FORMS": 1000,
    }
    response = client.post(admin_url("plans.plan", "change", plan.pk), data)
    assert response.status_code == 200
    assert "Kế hoạch còn mục tiêu các năm 2030" in response.content.decode()
    assert Plan.objects.get(pk=plan.pk).end_year == 2030


def _posted_as_shown(response, **changes) -> dict:
    """The change form's data as the page shows it (what a browser would send back), with `changes`."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = field.widget.format_value(value) or ""
    data.update(changes)
    return data


def test_a_task_edited_by_hand_asks_for_the_plans_recompute_once_committed(
        client, staff_admin, objects, agency_a, django_capture_on_commit_callbacks):
    """A new lead agency owes reports and moves the task's progress: both follow the commit, as after an import."""
    from reports.models import RecomputeRequest

    task = objects["plans.task"]
    client.force_login(staff_admin)
    shown = client.get(admin_url("plans.task", "change", task.pk))
    data = _posted_as_shown(shown, lead_agencies=[str(agency_a.pk)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(admin_url("plans.task", "change", task.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert list(task.lead_agencies.all()) == [agency_a]
    request = RecomputeRequest.objects.get(plan=task.plan)
    assert request.indicator_ids == [] and request.report_ids is None
    assert len(callbacks) == 2
