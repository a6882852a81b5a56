import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from frictionless import Package, validate

from dashboards.outputs.compiled_report import compiled_report
from dashboards.outputs.open_data import csv_value, open_data, package_files, package_write, table_columns
from progress.models import IndicatorProgress
from progress.services import plan_recompute
from tests.factories import IndicatorFactory, TargetFactory, TaskFactory


def _csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def package_dir(outputs_world, tmp_path):
    call_command("export_open_data", outputs_world.plan.code, "-o", str(tmp_path / "goi"))
    return tmp_path / "goi"


def test_package_validates_with_frictionless(package_dir):
    report = validate(str(package_dir / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(package_dir / "datapackage.json"))
    assert [r.name for r in package.resources] == ["chi-tieu", "muc-tieu", "gia-tri-theo-ky", "trang-thai-theo-nam"]
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for r in descriptor["resources"] for f in r["schema"]["fields"]}
    assert fields["gia_tri"]["title"] == "Giá trị cấp tỉnh" and "đã được Sở KH&CN duyệt" in fields["gia_tri"]["description"]
    assert fields["tu_ngay"]["type"] == "date"


def test_values_equal_the_progress_snapshots(outputs_world, package_dir):
    statuses = {(r["ma_chi_tieu"], int(r["nam"])): r for r in _csv(package_dir / "trang-thai-theo-nam.csv")}
    snapshots = IndicatorProgress.objects.filter(plan=outputs_world.plan).select_related("indicator")
    assert len(statuses) == snapshots.count()
    for snapshot in snapshots:
        row = statuses[(snapshot.indicator.code, snapshot.year)]
        assert row["trang_thai"] == snapshot.status
        assert row["tinh_den_ngay"] == snapshot.as_of.isoformat()
        assert (Decimal(row["thuc_te"]) if row["thuc_te"] else None) == snapshot.actual
    values = _csv(package_dir / "gia-tri-theo-ky.csv")
    # The last period with a value of each year carries the snapshot's actual.
    last = {}
    for row in values:
        last[(row["ma_chi_tieu"], int(row["nam"]))] = Decimal(row["gia_tri"])
    for (code, year), value in last.items():
        assert value == IndicatorProgress.objects.get(indicator__code=code, indicator__plan=outputs_world.plan,
                                                      year=year).actual
    by_period = {(r["ma_chi_tieu"], r["ky"]): r for r in values}
    assert by_period[("I.4", "2026-Q1")]["gia_tri"] == "5"
    assert by_period[("I.4", "2026-Q2")]["gia_tri"] == "12"  # a flow: the year so far
    assert ("I.4", "2026-Q3") not in by_period  # Q3's 9 is not approved
    assert by_period[("I.1", "2026-Q3")]["gia_tri"] == "92.5"  # "." decimals, no grouping
    assert by_period[("I.2", "2026-Q3")]["tu_so"] == "1016" and by_period[("I.2", "2026-Q3")]["mau_so"] == "1095"
    assert by_period[("I.1", "2026-Q3")]["tu_ngay"] == "2026-07-01"
    assert ("I.3", "2026-Q3") not in by_period  # a milestone has no number; its state is in the yearly status


def test_only_aggregated_figures_nothing_personal(outputs_world, package_dir):
    everything = "".join(p.read_text(encoding="utf-8") for p in package_dir.iterdir())
    for private in ("Sở Y tế", "UBND phường Cao Lãnh", "Phủ sóng 5G", "reporter_a", "Kinh phí cấp chậm"):
        assert private not in everything
    targets = {(r["ma_chi_tieu"], r["nam"]): r for r in _csv(package_dir / "muc-tieu.csv")}
    assert targets[("I.4", "2027")]["can_duoi"] == "1500.5"
    indicators = {r["ma_chi_tieu"]: r for r in _csv(package_dir / "chi-tieu.csv")}
    assert indicators["I.1"]["ma_muc"] == "I" and indicators["I.1"]["muc"] == "HẠ TẦNG SỐ"


def test_text_cells_that_look_like_formulas_are_written_as_text(outputs_world):
    indicator = outputs_world.world.indicators["I.1"]
    indicator.name = '=HYPERLINK("http://x","bấm")'
    indicator.save(update_fields=["name"])
    files = package_files(open_data(plan=outputs_world.plan))
    rows = list(csv.DictReader(io.StringIO(files["chi-tieu.csv"].decode("utf-8"))))
    assert rows[0]["ten_chi_tieu"].startswith("'=HYPERLINK")
    number_column = next(c for c in table_columns()["gia-tri-theo-ky"] if c.name == "gia_tri")
    assert csv_value(Decimal("-3.20"), number_column) == "-3.2"  # a negative number stays a number


def test_one_year_and_bad_year(outputs_world, tmp_path):
    data = open_data(plan=outputs_world.plan, year=2027)
    assert {r["nam"] for r in data.tables["muc-tieu"]} == {2027}
    written = package_write(data, tmp_path / "nam")
    assert validate(str(tmp_path / "nam" / "datapackage.json")).valid and len(written) == 5
    with pytest.raises(CommandError, match="Năm 2040 không thuộc kỳ kế hoạch 2026–2030."):
        call_command("export_open_data", outputs_world.plan.code, "--year", "2040", "-o", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="Không có kế hoạch mã “khong-co”."):
        call_command("export_open_data", "khong-co")


def test_zip_download_for_staff_and_leaders_only(client, outputs_world, staff, leader, reporter_a, other_staff):
    url = f"/dau-ra/du-lieu-mo/{outputs_world.plan.code}/"
    for user in (staff, leader):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        assert f"chi-tieu-{outputs_world.plan.code}/datapackage.json" in names
    client.force_login(reporter_a)
    assert client.get(url).status_code == 403
    client.force_login(other_staff)
    assert client.get(url).status_code == 404


def test_query_count_does_not_grow_with_the_plan(outputs_world):
    """The package, the feed and the compiled report read set-based: more indicators and tasks, same queries."""
    plan = outputs_world.plan
    period = plan.periods.get(code="2026-Q3")

    def count():
        with CaptureQueriesContext(connection) as queries:
            feed_data = open_data(plan=plan)
            package_files(feed_data)
            compiled_report(plan=plan, period=period)
        return len(queries)

    before = count()
    section = outputs_world.world.indicators["I.1"].section
    for n in range(5):
        indicator = IndicatorFactory(plan=plan, code=f"III.{n}", section=section)
        TargetFactory(indicator=indicator, year=2026)
        TaskFactory(plan=plan, code=f"IV.{n}", section=section).lead_agencies.add(outputs_world.agency_c)
    plan_recompute(plan=plan, as_of=dt.date(2026, 9, 25))
    assert count() == before
