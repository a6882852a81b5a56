"""An active plan's (re-)import records a whole-plan recompute request in its own transaction: an approval's
scoped recompute looks only at what the approval changed, never at new tasks, deadlines or lead agencies."""

from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from indicators.importing.service import plan_import
from plans.models import Plan
from progress.models import IndicatorProgress, PlanProgress, TaskProgress
from progress.services import pending_recompute_run
from reports.models import RecomputeRequest

SEED_000 = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "000_ha_tang_so_2026_2030.txt"

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-05-10 09:00 +07:00", tick=False)
def test_an_import_asks_for_the_whole_plan_once_committed(directory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = plan_import(source=SEED_000, province=directory, plan_code="ha-tang-so")
        assert report.ok, report.render()
    plan = Plan.objects.get(code="ha-tang-so")
    request = RecomputeRequest.objects.get(plan=plan)
    assert request.indicator_ids == [] and request.report_ids is None  # the whole plan, every task and agency
    assert len(callbacks) == 2  # the reports layer opens the periods, the progress layer asks for a recompute

    pending_recompute_run(plan_id=plan.pk)
    assert not RecomputeRequest.objects.filter(plan=plan).exists()
    assert TaskProgress.objects.filter(plan=plan).count() == plan.tasks.count() > 0
    assert IndicatorProgress.objects.filter(plan=plan).exists()
    assert PlanProgress.objects.filter(plan=plan).count() == len(plan.years)


@time_machine.travel("2026-05-10 09:00 +07:00", tick=False)
def test_a_dry_run_asks_for_nothing(directory):
    plan_import(source=SEED_000, province=directory, plan_code="ha-tang-so", dry_run=True)
    assert not RecomputeRequest.objects.exists()
