"""Database constraints of plans: the rules that must hold whoever writes (admin, importer, raw SQL)."""

import pytest
from django.db import IntegrityError, transaction

from plans.models import Plan
from tests.factories import (
    AppendixFactory,
    PlanFactory,
    ProjectFactory,
    SectionFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


def refused(factory, **fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**fields)


def test_plan_start_not_after_end():
    PlanFactory(start_year=2026, end_year=2026)
    refused(PlanFactory, start_year=2030, end_year=2026)


@pytest.mark.parametrize("factory", [TaskFactory, ProjectFactory])
def test_codes_unique_within_a_plan(factory):
    plan, other_plan = PlanFactory(), PlanFactory()
    factory(plan=plan, code="II.1")
    factory(plan=other_plan, code="II.1")  # the same code in another plan is fine
    refused(factory, plan=plan, code="II.1")


def test_appendix_number_unique_within_a_plan():
    plan = PlanFactory()
    AppendixFactory(plan=plan, number="I")
    AppendixFactory(plan=PlanFactory(), number="I")
    refused(AppendixFactory, plan=plan, number="I")


def test_task_dates_ordered():
    from datetime import date

    TaskFactory(start_date=date(2026, 1, 1), due_date=date(2026, 12, 31))
    refused(TaskFactory, start_date=date(2027, 1, 1), due_date=date(2026, 12, 31))


def test_project_investment_not_negative_and_years_ordered():
    ProjectFactory(total_investment=0, start_year=2026, end_year=2027)
    refused(ProjectFactory, total_investment=-1)
    refused(ProjectFactory, start_year=2028, end_year=2027)


def test_section_path_follows_the_tree():
    plan = PlanFactory()
    top = SectionFactory(plan=plan, code="I", title="HẠ TẦNG SỐ")
    child = SectionFactory(plan=plan, parent=top, code="1", title="Hạ tầng viễn thông")
    assert child.path() == ["HẠ TẦNG SỐ", "Hạ tầng viễn thông"]
    assert str(child) == "1. Hạ tầng viễn thông"


def test_plan_years_cover_the_period():
    assert list(PlanFactory(start_year=2026, end_year=2030).years) == [2026, 2027, 2028, 2029, 2030]


@pytest.mark.parametrize("who,sees", [
    ("staff", True), ("leader", True), ("reporter_a", True), ("head_a", True),
    ("other_staff", False), ("outsider", False),
])
def test_visible_to_is_the_province_of_the_memberships(request, province, who, sees):


    plan = PlanFactory(province=province)
    user = request.getfixturevalue(who)
    assert (plan in Plan.objects.visible_to(user)) is sees
    assert plan.is_visible_to(user) is sees


def test_visible_to_by_role_and_for_inactive_and_superusers(province, staff, leader, django_user_model):


    plan = PlanFactory(province=province)
    assert list(Plan.objects.reviewable_by(staff)) == [plan]
    assert list(Plan.objects.reviewable_by(leader)) == []
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "x-long-password")
    assert list(Plan.objects.visible_to(superuser)) == [plan]
    staff.is_active = False
    staff.save()
    staff.refresh_from_db()
    assert list(Plan.objects.visible_to(staff)) == []
