"""Database constraints of plans: the rules that must hold whoever writes (admin, importer, raw SQL)."""

import pytest
from django.db import IntegrityError, transaction

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
