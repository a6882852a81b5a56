import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command

from agencies.clock import VIETNAM
from progress.models import IndicatorProgress, PlanProgress

pytestmark = pytest.mark.django_db


def test_sync_with_as_of(world):
    call_command("recompute_progress", "--plan", world.plan.code, "--as-of", "2026-04-01", "--sync")
    assert IndicatorProgress.objects.filter(plan=world.plan, as_of=dt.date(2026, 4, 1)).count() == 20


def test_every_active_plan_through_celery(world, eager_celery):
    # Eager Celery: the queued task has run when the command returns.
    with time_machine.travel(dt.datetime(2026, 5, 2, 8, tzinfo=VIETNAM), tick=False):
        call_command("recompute_progress")
    assert PlanProgress.objects.get(plan=world.plan, year=2026).as_of == dt.date(2026, 5, 2)


def test_bad_input_is_explained(world):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("recompute_progress", "--as-of", "01/04/2026")
    with pytest.raises(CommandError, match="Không có kế hoạch"):
        call_command("recompute_progress", "--plan", "khong-co")


def test_nightly_task_recomputes_active_plans(world, eager_celery):
    from progress.tasks import recompute_active_plans

    assert recompute_active_plans.delay().get() == 1
    assert PlanProgress.objects.filter(plan=world.plan).count() == 5
