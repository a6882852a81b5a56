"""The indicator admin: targets inline one row per year, Vietnamese numbers, search, province scoping."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator, Target
from tests.factories import IndicatorFactory, PlanFactory, SectionFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(province):
    return PlanFactory(province=province, code="ha-tang-so", title="Phát triển hạ tầng số", start_year=2026,
                       end_year=2030)


@pytest.fixture
def indicator(plan):
    return IndicatorFactory(plan=plan, code="I.1", name="Tỷ lệ phủ sóng di động 5G cho người dân")


def change_url(indicator):
    return reverse("admin:indicators_indicator_change", args=[indicator.pk])


def form_data(indicator, targets: list[dict], **overrides) -> dict:
    data = {
        "plan": indicator.plan_id, "appendix": "", "section": "", "code": indicator.code, "order": 0,
        "name": indicator.name, "unit": indicator.unit, "value_type": indicator.value_type,
        "direction": indicator.direction, "aggregation": indicator.aggregation, "cumulative": "on",
        "task": "", "note": "",
        "baseline-TOTAL_FORMS": 0, "baseline-INITIAL_FORMS": 0, "baseline-MIN_NUM_FORMS": 0,
        "baseline-MAX_NUM_FORMS": 1,
        "targets-TOTAL_FORMS": len(targets), "targets-INITIAL_FORMS": 0, "targets-MIN_NUM_FORMS": 0,
        "targets-MAX_NUM_FORMS": 1000,
    }
    for index, target in enumerate(targets):
        for key, value in {"high": "", "text": "", **target}.items():
            data[f"targets-{index}-{key}"] = value
    data.update(overrides)
    return data


def test_change_page_offers_one_row_per_missing_year(client, staff_admin, indicator):
    TargetFactory(indicator=indicator, year=2027, low=95, text="95")
    client.force_login(staff_admin)
    response = client.get(change_url(indicator))
    assert response.status_code == 200
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is Target)
    years = [form.initial.get("year") or form.instance.year for form in formset.forms]
    assert sorted(years) == [2026, 2027, 2028, 2029, 2030]


def test_targets_saved_from_the_inline_with_vietnamese_numbers(client, staff_admin, indicator):
    client.force_login(staff_admin)
    response = client.post(change_url(indicator), form_data(indicator, [
        {"year": 2026, "op": ">=", "low": "95,5", "text": "≥ 95,5"},
        {"year": 2027, "op": "range", "low": "15", "high": "20", "text": "15 - 20%"},
        {"year": 2028, "op": ">=", "low": "16.861", "text": "16.861"},
    ]))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    saved = {t.year: (t.low, t.high) for t in indicator.targets.all()}
    assert saved == {2026: (Decimal("95.5"), None), 2027: (Decimal(15), Decimal(20)), 2028: (Decimal(16861), None)}


def test_target_year_outside_the_plan_is_refused_in_vietnamese(client, staff_admin, indicator):
    client.force_login(staff_admin)
    response = client.post(change_url(indicator), form_data(indicator, [
        {"year": 2031, "op": ">=", "low": "90"}]))
    assert response.status_code == 200
    assert "nằm ngoài giai đoạn của kế hoạch" in response.content.decode()
    assert not indicator.targets.exists()


def test_low_above_high_is_refused(client, staff_admin, indicator):
    client.force_login(staff_admin)
    response = client.post(change_url(indicator), form_data(indicator, [
        {"year": 2026, "op": "range", "low": "20", "high": "15"}]))
    assert response.status_code == 200
    assert not indicator.targets.exists()


def test_two_targets_for_one_year_are_refused(client, staff_admin, indicator):
    client.force_login(staff_admin)
    response = client.post(change_url(indicator), form_data(indicator, [
        {"year": 2026, "op": ">=", "low": "90"}, {"year": 2026, "op": ">=", "low": "95"}]))
    assert response.status_code == 200
    assert not indicator.targets.exists()


@pytest.mark.parametrize("query", ["ty le phu song", "TỶ LỆ PHỦ SÓNG", "5g cho nguoi dan", "I.1"])
def test_search_by_code_or_name_without_diacritics(client, staff_admin, indicator, plan, query):
    IndicatorFactory(plan=plan, code="I.2", name="Số lượng tên miền .vn")
    client.force_login(staff_admin)
    response = client.get(reverse("admin:indicators_indicator_changelist"), {"q": query})
    assert [i.code for i in response.context["cl"].result_list] == ["I.1"]


def test_filters_list_only_this_provinces_plans_and_sections(client, staff_admin, indicator, other_province):
    foreign_plan = PlanFactory(province=other_province, title="Kế hoạch Cà Mau")
    IndicatorFactory(plan=foreign_plan, section=SectionFactory(plan=foreign_plan, title="Mục Cà Mau"))
    client.force_login(staff_admin)
    response = client.get(reverse("admin:indicators_indicator_changelist"))
    body = response.content.decode()
    assert [i.plan for i in response.context["cl"].result_list] == [indicator.plan]
    assert "Kế hoạch Cà Mau" not in body
    assert "Mục Cà Mau" not in body


def test_filter_by_lead_agency(client, staff_admin, indicator, plan, dost, agency_a):
    indicator.lead_agencies.add(dost)
    IndicatorFactory(plan=plan, code="I.2").lead_agencies.add(agency_a)
    client.force_login(staff_admin)
    response = client.get(reverse("admin:indicators_indicator_changelist"), {"lead_agencies__id__exact": dost.pk})
    assert [i.code for i in response.context["cl"].result_list] == ["I.1"]


def test_other_province_staff_cannot_open_the_indicator(client, other_staff_admin, indicator):
    client.force_login(other_staff_admin)
    assert client.get(change_url(indicator)).status_code == 302
    response = client.get(reverse("admin:indicators_indicator_changelist"))
    assert list(response.context["cl"].result_list) == []


def test_plan_choices_on_the_add_page_are_this_provinces(client, staff_admin, plan, other_province):
    PlanFactory(province=other_province, title="Kế hoạch Cà Mau")
    client.force_login(staff_admin)
    response = client.get(reverse("admin:indicators_indicator_add"))
    plans = response.context["adminform"].form.fields["plan"].queryset
    assert list(plans) == [plan]


def test_indicator_page_query_count_does_not_grow_with_targets(client, staff_admin, indicator,
                                                                django_assert_max_num_queries):
    for year in (2026, 2027, 2028, 2029, 2030):
        TargetFactory(indicator=indicator, year=year, low=90)
    client.force_login(staff_admin)
    client.get(change_url(indicator))  # warm the session and content types
    with django_assert_max_num_queries(30):
        assert client.get(change_url(indicator)).status_code == 200
    assert Indicator.objects.count() == 1


def test_change_page_shows_stored_numbers_as_officials_write_them(client, staff_admin, indicator):
    """95.5 stored with six decimal places reads "95,5", not "95,500000"; 16861 reads "16.861"."""
    TargetFactory(indicator=indicator, year=2026, op=">=", low=Decimal("95.5"), text="≥ 95,5")
    TargetFactory(indicator=indicator, year=2027, op="range", low=Decimal("114570"), high=Decimal("200000"),
                  text="114.570 - 200.000")
    client.force_login(staff_admin)
    body = client.get(change_url(indicator)).content.decode()
    assert 'value="95,5"' in body
    assert 'value="114.570"' in body and 'value="200.000"' in body
    assert ",000000" not in body and ",500000" not in body
    # Saving the page unchanged writes nothing new: the shown numbers parse back to the stored ones.
    response = client.post(change_url(indicator), form_data(indicator, [], **{
        "targets-TOTAL_FORMS": 2, "targets-INITIAL_FORMS": 2,
        **{f"targets-{i}-{k}": v for i, target in enumerate(indicator.targets.order_by("year"))
           for k, v in {"id": target.pk, "indicator": indicator.pk, "year": target.year, "op": target.op,
                        "low": "95,5" if i == 0 else "114.570", "high": "" if i == 0 else "200.000",
                        "text": target.text}.items()}}))
    assert response.status_code == 302
    assert {t.year: (t.low, t.high) for t in indicator.targets.all()} == {
        2026: (Decimal("95.5"), None), 2027: (Decimal(114570), Decimal(200000))}


def test_a_hand_edit_asks_for_the_plans_recompute_and_periods_once_committed(
        client, staff_admin, indicator, django_capture_on_commit_callbacks):
    """Targets edited here move statuses: the plan is recomputed (and its periods opened) after the commit, as
    after an import, rather than at night (tests/progress/test_plan_import_recompute.py has the drain)."""
    from reports.models import RecomputeRequest

    client.force_login(staff_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(change_url(indicator), form_data(indicator, [
            {"year": 2026, "op": ">=", "low": "90", "text": "≥ 90"}]))
    assert response.status_code == 302
    request = RecomputeRequest.objects.get(plan=indicator.plan)
    assert request.indicator_ids == [] and request.report_ids is None  # the whole plan
    assert len(callbacks) == 2  # open the periods; ask a worker for the recompute


def test_a_hand_edit_of_a_draft_plans_indicator_asks_for_nothing(client, staff_admin, indicator):
    from plans.models import Plan
    from reports.models import RecomputeRequest

    Plan.objects.filter(pk=indicator.plan_id).update(status=Plan.Status.DRAFT)
    client.force_login(staff_admin)
    response = client.post(change_url(indicator), form_data(indicator, []))
    assert response.status_code == 302
    assert not RecomputeRequest.objects.exists()
