"""Database constraints of indicators and targets, including the trigger keeping target years in the plan."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from indicators.models import Indicator, Target
from tests.factories import AgencyFactory, IndicatorFactory, PlanFactory, TargetFactory

pytestmark = pytest.mark.django_db


def refused(factory, error=IntegrityError, **fields):
    with pytest.raises(error), transaction.atomic():
        factory(**fields)


@pytest.fixture
def indicator():
    return IndicatorFactory(plan=PlanFactory(start_year=2026, end_year=2030))


def test_indicator_codes_unique_within_a_plan(indicator):
    IndicatorFactory(plan=PlanFactory(), code=indicator.code)
    refused(IndicatorFactory, plan=indicator.plan, code=indicator.code)


def test_one_target_per_indicator_and_year(indicator):
    TargetFactory(indicator=indicator, year=2026)
    TargetFactory(indicator=IndicatorFactory(plan=indicator.plan), year=2026)
    refused(TargetFactory, indicator=indicator, year=2026)


def test_low_not_above_high(indicator):
    TargetFactory(indicator=indicator, year=2026, op=Target.Op.RANGE, low=15, high=20)
    TargetFactory(indicator=indicator, year=2027, op=Target.Op.RANGE, low=20, high=20)
    refused(TargetFactory, indicator=indicator, year=2028, op=Target.Op.RANGE, low=21, high=20)


def test_numeric_ops_need_a_number_and_ranges_two(indicator):
    TargetFactory(indicator=indicator, year=2026, op=Target.Op.TEXT, low=None, text="Hoàn thành")
    refused(TargetFactory, indicator=indicator, year=2027, op=Target.Op.GTE, low=None, high=None)
    refused(TargetFactory, indicator=indicator, year=2028, op=Target.Op.RANGE, low=15, high=None)


@pytest.mark.parametrize("year", [2026, 2030])
def test_target_years_at_the_edges_of_the_period_are_accepted(indicator, year):
    TargetFactory(indicator=indicator, year=year)
    assert indicator.targets.get().year == year


@pytest.mark.parametrize("year", [2025, 2031])
def test_trigger_refuses_a_target_year_outside_the_plan(indicator, year):
    refused(TargetFactory, error=DatabaseError, indicator=indicator, year=year)
    assert not Target.objects.exists()


def test_trigger_refuses_bulk_inserts_and_updates_too(indicator):
    with pytest.raises(DatabaseError), transaction.atomic():
        Target.objects.bulk_create([Target(indicator=indicator, year=2026, op=">=", low=1),
                                    Target(indicator=indicator, year=2040, op=">=", low=1)])
    assert not Target.objects.exists()
    target = TargetFactory(indicator=indicator, year=2026)
    with pytest.raises(DatabaseError), transaction.atomic():
        Target.objects.filter(pk=target.pk).update(year=2024)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE indicators_target SET year = %s WHERE id = %s", [2035, target.pk])
    target.refresh_from_db()
    assert target.year == 2026


def test_trigger_message_names_the_rule(indicator):
    with pytest.raises(DatabaseError, match="target year outside plan period"), transaction.atomic():
        TargetFactory(indicator=indicator, year=2031)


def test_values_keep_their_decimals(indicator):
    target = TargetFactory(indicator=indicator, year=2026, low=Decimal("5.07"))
    target.refresh_from_db()
    assert target.low == Decimal("5.07")


def test_led_by_includes_indicators_led_by_a_group_of_the_agency(indicator):
    department = AgencyFactory(name="Sở Y tế")
    group = AgencyFactory(name="Các sở, ban, ngành tỉnh", kind="group")
    group.members.add(department)
    indicator.lead_agencies.add(group)
    own = IndicatorFactory(plan=indicator.plan)
    own.lead_agencies.add(department)
    IndicatorFactory(plan=indicator.plan)
    assert set(Indicator.objects.led_by(department)) == {indicator, own}
