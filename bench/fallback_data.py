"""Stand-in for `manage.py bench_data` until helper "benchdata"'s generator lands (bench/data.py): the same
codes and users as the contract (province `bench-01`, plan `bench-01-kh`, users `bench-01-staff`,
`bench-01-leader`, `bench-01-a001` …, password "bench-pass-2026"), the old seeding of bench/progress.py behind
them (130 agencies × 100 indicators, quarterly and annual periods of five years, bulk SQL). Older periods
approved with values; the current quarter and year in every workflow state.

Delete this module once bench/data.py is on main (bench.dataset falls back to it only when that is missing).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

PASSWORD = "bench-pass-2026"  # noqa: S105 (synthetic bench users on a throwaway database)
SIZES = {"demo": (1, 12, 10), "province": (1, 130, 100), "national": (34, 130, 100)}
CURRENT_STATES = ["draft", "submitted", "approved", "draft", "returned", "submitted", "draft", "awaiting_confirmation",
                  "approved", "draft"]


def generate(scale: str, seed: int = 1, today: dt.date | None = None) -> dict:
    from agencies.models import Agency, Membership, Province
    from agencies.services import staff_group_ensure
    from indicators.models import Baseline, Indicator, Target
    from plans.models import Plan, Section, Task
    from reports.models import AgencyReport, ReportingPeriod
    from reports.services import period_calendar

    provinces_n, agencies_n, indicators_n = SIZES[scale]
    today = today or dt.date.today()
    years = list(range(today.year - 4, today.year + 1))
    current_quarter = (today.month - 1) // 3 + 1
    password = make_password(PASSWORD)
    staff_group = staff_group_ensure()
    User = get_user_model()
    plan_ids = []
    with transaction.atomic():
        for p in range(1, provinces_n + 1):
            code = f"bench-{p:02d}"
            province = Province.objects.create(name=f"Tỉnh đo {p:02d}", code=code)
            plan = Plan.objects.create(province=province, code=f"{code}-kh", title=f"Kế hoạch đo tỉnh {p:02d}",
                                       start_year=years[0], end_year=years[-1], status=Plan.Status.ACTIVE,
                                       public_progress=True)
            plan_ids.append(plan.pk)
            agencies = Agency.objects.bulk_create([
                Agency(province=province, name=f"Cơ quan {n:03d} tỉnh {p:02d}",
                       kind=Agency.Kind.DEPARTMENT if n < 30 else Agency.Kind.COMMUNE) for n in range(agencies_n)])
            sections = Section.objects.bulk_create([Section(plan=plan, code=str(n), title=f"Nhóm {n}", order=n)
                                                    for n in range(5)])
            methods = [Indicator.Aggregation.LATEST, Indicator.Aggregation.SUM, Indicator.Aggregation.RATIO,
                       Indicator.Aggregation.MEAN]
            types = {Indicator.Aggregation.LATEST: Indicator.ValueType.NUMBER,
                     Indicator.Aggregation.SUM: Indicator.ValueType.NUMBER,
                     Indicator.Aggregation.RATIO: Indicator.ValueType.PERCENT,
                     Indicator.Aggregation.MEAN: Indicator.ValueType.PERCENT}
            indicators = Indicator.objects.bulk_create([
                Indicator(plan=plan, code=f"I.{n}", order=n, name=f"Chỉ tiêu {n}", unit="%",
                          section=sections[n % 5], aggregation=methods[n % 4], value_type=types[methods[n % 4]],
                          cumulative=n % 8 < 4) for n in range(indicators_n)])
            Indicator.lead_agencies.through.objects.bulk_create([
                Indicator.lead_agencies.through(indicator_id=i.pk, agency_id=agencies[n % len(agencies)].pk)
                for n, i in enumerate(indicators)])
            Baseline.objects.bulk_create([Baseline(indicator=i, year=years[0] - 1, value=40) for i in indicators])
            Target.objects.bulk_create([Target(indicator=i, year=y, op=">=", low=50 + 5 * (y - years[0]), text="")
                                        for i in indicators for y in years])
            tasks = Task.objects.bulk_create([
                Task(plan=plan, code=f"T.{n}", order=n, content=f"Nhiệm vụ {n}", deadline_kind=Task.DeadlineKind.YEAR,
                     start_date=dt.date(years[n % 5], 1, 1), due_date=dt.date(years[n % 5], 12, 31))
                for n in range(agencies_n)])
            Task.lead_agencies.through.objects.bulk_create([
                Task.lead_agencies.through(task_id=t.pk, agency_id=agencies[n].pk) for n, t in enumerate(tasks)])
            periods = ReportingPeriod.objects.bulk_create([
                ReportingPeriod(**period_calendar(plan=plan, year=y, quarter=q))
                for y in years for q in (1, 2, 3, 4, None)])
            stamp = timezone.make_aware(dt.datetime(today.year, today.month, 1, 9))
            reports = []
            for period in periods:
                current = period.year == today.year and (period.quarter in (None, current_quarter))
                future = period.year == today.year and period.quarter is not None and period.quarter > current_quarter
                for n, agency in enumerate(agencies):
                    status = (CURRENT_STATES[n % len(CURRENT_STATES)] if current
                              else "draft" if future else "approved")
                    done = status in ("submitted", "approved")
                    reports.append(AgencyReport(
                        agency=agency, plan=plan, period=period, status=status,
                        approved_at=stamp if status == "approved" else None,
                        submitted_at=stamp if done else None, first_submitted_at=stamp if done else None))
            AgencyReport.objects.bulk_create(reports)
            with connection.cursor() as cursor:
                cursor.execute("SELECT setseed(%s)", [((seed * 37 + p) % 100) / 100])
                cursor.execute("""
                    INSERT INTO reports_indicatorentry
                        (report_id, indicator_id, value, numerator, denominator, milestone_state, note, source,
                         return_reason)
                    SELECT r.id, i.id,
                           CASE WHEN r.status IN ('draft', 'returned') OR i.aggregation = 'ratio' THEN NULL
                                ELSE round((random() * 100)::numeric, 2) END,
                           CASE WHEN r.status NOT IN ('draft', 'returned') AND i.aggregation = 'ratio'
                                THEN floor(random() * 90)::numeric END,
                           CASE WHEN r.status NOT IN ('draft', 'returned') AND i.aggregation = 'ratio'
                                THEN (90 + floor(random() * 10))::numeric END,
                           '', '', '', ''
                    FROM reports_agencyreport r CROSS JOIN indicators_indicator i
                    WHERE r.plan_id = %s AND i.plan_id = %s""", [plan.pk, plan.pk])
                cursor.execute("""
                    INSERT INTO reports_taskentry (report_id, task_id, status, done, next_steps, return_reason)
                    SELECT r.id, t.id, '', '', '', ''
                    FROM reports_agencyreport r JOIN plans_task_lead_agencies l ON l.agency_id = r.agency_id
                    JOIN plans_task t ON t.id = l.task_id
                    WHERE r.plan_id = %s AND t.plan_id = %s""", [plan.pk, plan.pk])
            users = [User(username=f"{code}-staff", password=password, is_staff=True, first_name="Cán bộ Sở"),
                     User(username=f"{code}-leader", password=password, first_name="Lãnh đạo tỉnh")]
            users += [User(username=f"{code}-a{n + 1:03d}", password=password, first_name=f"Người báo cáo {n + 1}")
                      for n in range(agencies_n)]
            users = User.objects.bulk_create(users)
            Membership.objects.bulk_create(
                [Membership(user=users[0], agency=agencies[0], role=Membership.Role.STAFF),
                 Membership(user=users[1], agency=agencies[0], role=Membership.Role.LEADER)]
                + [Membership(user=u, agency=a, role=Membership.Role.REPORTER) for u, a in zip(users[2:], agencies)])
            users[0].groups.add(staff_group)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"plan_ids": plan_ids, "source": "bench.fallback_data (bench_data not available)"}
