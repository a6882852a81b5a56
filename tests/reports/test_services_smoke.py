import pytest

from reports.models import AgencyReport
from reports.services import report_approve, report_return, report_save, report_submit

pytestmark = pytest.mark.django_db


def test_main_path(world, report_a, reporter_a, staff):
    assert report_a.indicator_entries.count() == 3
    assert report_a.task_entries.count() == 1
    report_save(report=report_a, user=reporter_a, version=report_a.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": "95,5"}],
                      "narrative": {"achievements": "Tốt"}})
    assert report_a.indicator_entries.get(indicator__code="I.1").value == 95.5
    report_submit(report=report_a, user=reporter_a)
    report_return(report=report_a, user=staff, reason="Thiếu số liệu")
    assert report_a.status == AgencyReport.Status.RETURNED
    report_submit(report=report_a, user=reporter_a)
    report_approve(report=report_a, user=staff)
    report_a.refresh_from_db()
    assert report_a.status == AgencyReport.Status.APPROVED
    assert report_a.version == 6
