"""Province figures of imported indicators: the aggregation the importer inferred is the one progress uses;
staff change it in the admin and the figure is recomputed; "latest" over several agencies is flagged."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from agencies.models import Agency
from indicators.importing.service import PlanOverrides, plan_import_table
from indicators.models import Indicator
from plans.models import Plan
from progress.models import IndicatorProgress
from progress.services import plan_recompute
from reports.services import periods_open
from tests.factories import AgencyFactory
from tests.progress.factories import approve_report
from tests.reports.factories import ReportingWorld

pytestmark = pytest.mark.django_db
HEADER = ["TT", "Chỉ tiêu", "ĐVT", "Năm 2026", "Cơ quan theo dõi"]


@pytest.fixture
def group(province, agency_a, agency_b):
    departments = AgencyFactory(province=province, name="Các sở, ban, ngành tỉnh", kind=Agency.Kind.GROUP)
    departments.members.add(agency_a, agency_b)
    return departments


def imported_world(tmp_path, province, rows, header=HEADER) -> ReportingWorld:
    path = tmp_path / "bang.txt"
    path.write_text("\n".join("\t".join(row) for row in [header, *rows]), encoding="utf-8")
    report = plan_import_table(source=path, plan_code="thu-nghiem", province=province,
                               overrides=PlanOverrides(title="Kế hoạch thử nghiệm", start_year=2026, end_year=2026))
    assert report.ok, report.render()
    plan = Plan.objects.get(code="thu-nghiem")
    periods_open(plan=plan, today=dt.date(2026, 3, 1))
    return ReportingWorld(plan=plan, indicators={i.code: i for i in plan.indicators.all()})


def both_report(world, code, agency_a, agency_b, reporter_a, reporter_b, staff, values):
    for agency, reporter, entry in ((agency_a, reporter_a, values[0]), (agency_b, reporter_b, values[1])):
        approve_report(world, agency=agency, reporter=reporter, staff=staff, indicators={code: entry})
    plan_recompute(plan=world.plan, as_of=dt.date(2026, 4, 1))
    return IndicatorProgress.objects.get(indicator=world.indicators[code], year=2026)


def test_a_group_led_count_sums(tmp_path, province, group, agency_a, agency_b, reporter_a, reporter_b, staff):
    world = imported_world(tmp_path, province, [["1", "Số lượng điểm Wi-Fi công cộng", "Điểm", "100",
                                                 "Các sở, ban, ngành tỉnh"]])
    assert world.indicators["1"].aggregation == "sum"
    row = both_report(world, "1", agency_a, agency_b, reporter_a, reporter_b, staff,
                      [{"value": "30"}, {"value": "45"}])
    assert row.actual == D(75) and row.reporting_agencies == 2
    assert "Mới nhất" not in row.explanation


def test_a_multi_agency_percentage_takes_the_sum_of_numerators_over_denominators(
        tmp_path, province, group, agency_a, agency_b, reporter_a, reporter_b, staff):
    world = imported_world(tmp_path, province, [["1", "Tỷ lệ hồ sơ trực tuyến", "%", "80",
                                                 "Các sở, ban, ngành tỉnh"]])
    assert world.indicators["1"].aggregation == "ratio"
    row = both_report(world, "1", agency_a, agency_b, reporter_a, reporter_b, staff,
                      [{"numerator": "1", "denominator": "2"}, {"numerator": "90", "denominator": "100"}])
    assert row.actual == (D(91) * 100 / D(102)).quantize(D("0.000001"))  # not the mean of 50% and 90%


def test_latest_over_several_agencies_is_flagged_and_staff_change_it_in_the_admin(
        tmp_path, province, group, agency_a, agency_b, reporter_a, reporter_b, staff, admin_user, client,
        django_capture_on_commit_callbacks, eager_celery):
    world = imported_world(tmp_path, province, [["1", "Số lượng điểm Wi-Fi công cộng", "Điểm", "100",
                                                 "Các sở, ban, ngành tỉnh", "mới nhất"]],
                           header=[*HEADER, "Cách tổng hợp"])
    indicator = world.indicators["1"]
    assert indicator.aggregation == "latest"  # the column says so
    row = both_report(world, "1", agency_a, agency_b, reporter_a, reporter_b, staff,
                      [{"value": "30"}, {"value": "45"}])
    assert "Có 2 cơ quan báo cáo chỉ tiêu này nhưng cách tổng hợp là “Mới nhất”" in row.explanation

    client.force_login(admin_user)
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update({"aggregation": "sum", "lead_agencies": [group.pk], "cumulative": "on",
                 "baseline-TOTAL_FORMS": 0, "baseline-INITIAL_FORMS": 0, "baseline-MIN_NUM_FORMS": 0,
                 "baseline-MAX_NUM_FORMS": 1, "targets-TOTAL_FORMS": 0, "targets-INITIAL_FORMS": 0,
                 "targets-MIN_NUM_FORMS": 0, "targets-MAX_NUM_FORMS": 1000})
    for name in ("task", "section", "appendix"):
        data.pop(name, None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Indicator.objects.get(pk=indicator.pk).aggregation == "sum"
    row = IndicatorProgress.objects.get(indicator=indicator, year=2026)
    assert row.actual == D(75)  # recomputed on commit, as the sum
    assert "Mới nhất" not in row.explanation
