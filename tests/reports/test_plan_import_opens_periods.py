"""Importing an active plan opens its periods and expected reports once the import commits."""

from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from agencies.services import agency_directory_load_file
from indicators.importing.service import plan_import
from reports.models import AgencyReport, ReportingPeriod
from tests.factories import ProvinceFactory

SEED_000 = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "000_ha_tang_so_2026_2030.txt"

pytestmark = pytest.mark.django_db


def _province_with_directory():
    province = ProvinceFactory(name="Đồng Tháp", code="dong-thap")
    agency_directory_load_file(province=province, path=Path(settings.BASE_DIR) / "fixtures" / "dong_thap_agencies.json")
    return province


@time_machine.travel("2026-05-10 09:00 +07:00", tick=False)
def test_import_opens_periods_after_commit(django_capture_on_commit_callbacks, eager_celery):
    province = _province_with_directory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = plan_import(source=SEED_000, province=province, plan_code="ha-tang-so")
        assert report.ok, report.render()
        # Nothing is opened before the import's transaction commits.
        assert not ReportingPeriod.objects.exists()
    assert len(callbacks) == 2  # open the periods; recompute the plan (tests/progress/test_plan_import_recompute.py)
    for callback in callbacks:
        callback()  # what the commit runs: the (eager) Celery tasks

    codes = set(ReportingPeriod.objects.values_list("code", flat=True))
    assert {"2026-Q1", "2026-Q2", "2030-Q4", "2030-Y"} <= codes
    # By 10/05/2026 Q1, Q2 and the year 2026 have started: their reports exist; Q3 has not.
    periods_with_reports = set(AgencyReport.objects.values_list("period__code", flat=True))
    assert periods_with_reports == {"2026-Q1", "2026-Q2", "2026-Y"}
    assert AgencyReport.objects.filter(agency__name="Sở Khoa học và Công nghệ").exists()


def test_dry_run_opens_nothing(django_capture_on_commit_callbacks):
    province = _province_with_directory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        plan_import(source=SEED_000, province=province, plan_code="ha-tang-so", dry_run=True)
    assert callbacks == []
    assert not ReportingPeriod.objects.exists()
