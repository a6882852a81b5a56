"""Re-import never loses reported data: items with report values are refused or archived, never deleted."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from indicators.importing.service import PlanOverrides, plan_import, plan_import_table
from indicators.models import Indicator, Target
from plans.models import Task
from reports.models import AgencyReport, IndicatorEntry
from reports.services import expected_reports_create
from tests.indicators.importing import factories
from tests.indicators.importing.conftest import SEED_000
from tests.reports.factories import (
    AgencyReportFactory,
    IndicatorEntryFactory,
    ReportingPeriodFactory,
    TaskEntryFactory,
)

pytestmark = pytest.mark.django_db


def _without(tmp_path, *, indicator_line: str = "", task_line: str = "", replace: tuple[str, str] = ("", "")):
    text = SEED_000.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines()
             if not (indicator_line and line.startswith(indicator_line)) and not (task_line and line.startswith(task_line))]
    edited = "\n".join(lines)
    if replace[0]:
        edited = edited.replace(*replace)
    path = tmp_path / SEED_000.name
    path.write_text(edited, encoding="utf-8")
    return path


def _approved_value(indicator: Indicator, value: str = "91") -> IndicatorEntry:
    report = AgencyReportFactory(period=ReportingPeriodFactory(plan=indicator.plan, year=2026, quarter=1),
                                 agency=indicator.lead_agencies.first(), status=AgencyReport.Status.APPROVED)
    return IndicatorEntryFactory(report=report, indicator=indicator, value=Decimal(value))


def test_missing_indicator_with_approved_values_is_refused_then_archived(directory, tmp_path):
    first = plan_import(source=SEED_000, province=directory)
    indicator = Indicator.objects.get(plan__code=first.plan_code, code="I.7")
    entry = _approved_value(indicator, "5,5".replace(",", "."))
    edited = _without(tmp_path, indicator_line="7\tTỷ lệ ngâm mạng cáp")

    refused = plan_import(source=edited, province=directory)
    assert not refused.ok and not refused.written
    message = refused.render()
    assert "I.7" in message and "Tỷ lệ ngâm mạng cáp ngoại vi viễn thông" in message
    assert "1 báo cáo năm 2026 (1 đã duyệt)" in message
    assert Indicator.objects.filter(pk=indicator.pk, archived_at__isnull=True).exists()

    archived = plan_import(source=edited, province=directory, archive_missing=True)
    assert archived.ok, archived.render()
    assert archived.counts["indicators"].archived == 1 and archived.counts["indicators"].removed == 0
    indicator.refresh_from_db()
    assert indicator.archived_at is not None
    entry.refresh_from_db()
    assert entry.value == Decimal("5.5")
    assert Target.objects.filter(indicator=indicator).count() == 5  # kept with its history

    # Listed again: back in the plan, same row, same values.
    restored = plan_import(source=SEED_000, province=directory)
    assert restored.ok
    indicator.refresh_from_db()
    assert indicator.archived_at is None and IndicatorEntry.objects.filter(pk=entry.pk).exists()


def test_command_refuses_then_archives(directory, tmp_path):
    first = plan_import(source=SEED_000, province=directory)
    task = Task.objects.get(plan__code=first.plan_code, code="22")
    report = AgencyReportFactory(period=ReportingPeriodFactory(plan=task.plan, year=2026, quarter=1),
                                 agency=task.lead_agencies.first())
    TaskEntryFactory(report=report, task=task, status="in_progress", done="Đã triển khai")
    edited = _without(tmp_path, task_line="22\tĐẩy mạnh sử dụng")
    with pytest.raises(CommandError) as refused:
        call_command("import_plan", str(edited), "--province", directory.code)
    assert "Nhiệm vụ 22" in str(refused.value) and "--archive-missing" in str(refused.value)
    call_command("import_plan", str(edited), "--province", directory.code, "--archive-missing")
    task.refresh_from_db()
    assert task.archived_at is not None and task.entries.get().done == "Đã triển khai"


def test_items_without_values_are_still_removed(directory, tmp_path):
    first = plan_import(source=SEED_000, province=directory)
    indicator = Indicator.objects.get(plan__code=first.plan_code, code="I.7")
    # An entry opened for the period but never filled holds nothing to lose.
    IndicatorEntryFactory(report=AgencyReportFactory(
        period=ReportingPeriodFactory(plan=indicator.plan, year=2026, quarter=1)), indicator=indicator)
    report = plan_import(source=_without(tmp_path, indicator_line="7\tTỷ lệ ngâm mạng cáp"), province=directory)
    assert report.ok and report.counts["indicators"].removed == 1
    assert not Indicator.objects.filter(pk=indicator.pk).exists()


def test_dropped_target_year_with_values_is_refused(directory, tmp_path):
    first = plan_import(source=SEED_000, province=directory)
    indicator = Indicator.objects.get(plan__code=first.plan_code, code="I.1")
    _approved_value(indicator)
    edited = _without(tmp_path, replace=("% dân số\t77\t≥ 90\t95", "% dân số\t77\t\t95"))
    refused = plan_import(source=edited, province=directory)
    assert not refused.ok
    assert "Chỉ tiêu I.1: văn bản không còn mục tiêu năm 2026" in refused.render()
    kept = plan_import(source=edited, province=directory, archive_missing=True)
    assert kept.ok
    assert Target.objects.get(indicator=indicator, year=2026).low == Decimal("90")


def test_archived_items_get_no_new_report_entries(directory, tmp_path):
    first = plan_import(source=SEED_000, province=directory)
    indicator = Indicator.objects.get(plan__code=first.plan_code, code="I.7")
    _approved_value(indicator)
    plan_import(source=_without(tmp_path, indicator_line="7\tTỷ lệ ngâm mạng cáp"), province=directory,
                archive_missing=True)
    period = ReportingPeriodFactory(plan=indicator.plan, year=2026, quarter=2)
    expected_reports_create(period=period)
    assert IndicatorEntry.objects.filter(report__period=period).exists()
    assert not IndicatorEntry.objects.filter(report__period=period, indicator=indicator).exists()


HEADER = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian thực hiện"]


def test_single_table_into_existing_plan_touches_its_appendix_only(directory, tmp_path):
    first = plan_import(source=SEED_000, province=directory)
    before = dict(Task.objects.filter(plan__code=first.plan_code).values_list("code", "content"))
    table = factories.write_text(tmp_path / "bang.txt", [
        HEADER,
        ["1", "Xây dựng kho dữ liệu nông nghiệp", "Sở Nông nghiệp và Môi trường", "Quý II/2027"],
        ["2", "Số hóa hồ sơ đất đai", "Sở Nông nghiệp và Môi trường", "2026 - 2027"],
    ])
    report = plan_import_table(source=table, plan_code=first.plan_code,
                               overrides=PlanOverrides(appendix_number="III"))
    assert report.ok, report.render()
    # Codes 1 and 2 exist in Appendix II: the new appendix's items take its prefix instead of clashing.
    assert "Phụ lục III mang mã có tiền tố “PLIII.”" in report.render()
    tasks = dict(Task.objects.filter(plan__code=first.plan_code).values_list("code", "content"))
    assert tasks["PLIII.1"] == "Xây dựng kho dữ liệu nông nghiệp"
    assert {code: text for code, text in tasks.items() if not code.startswith("PLIII.")} == before
    assert Indicator.objects.filter(plan__code=first.plan_code).count() == 10
    again = plan_import_table(source=table, plan_code=first.plan_code, overrides=PlanOverrides(appendix_number="III"))
    assert again.ok and again.counts["tasks"].unchanged == 2 and again.counts["tasks"].created == 0
