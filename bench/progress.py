"""The progress recompute (issue 14 §3): full recompute of one province and of the nation, the incremental
recompute after one approval, the floor, and the recompute's peak memory.

- Province: `plan_recompute` of plan bench-01-kh, as of today, repeated.
- Nation: every bench plan one after the other (only at national scale; at province scale there is one).
- Incremental: a submitted report approved with `reports.services.report_approve` (not timed), then the
  outbox drain a worker runs, `progress.services.pending_recompute_run` (timed), once per report.
- Floor: one SQL GROUP BY over the province plan's approved values, the aggregates the recompute needs
  (sum of values, numerators, denominators and the count, per indicator and year).
- Peak memory: the nation's recompute in a fresh subprocess (DEBUG=0), its `ru_maxrss`: the resident set at
  its peak, Django and the interpreter included; the baseline before the recompute is given beside it.
"""

import json
import subprocess
import sys
import time

from django.db import connection

from bench.measure import Measurement, median, ms, p95, timed

FLOOR_SQL = """
SELECT e.indicator_id, p.year, SUM(e.value), SUM(e.numerator), SUM(e.denominator), COUNT(*)
FROM reports_indicatorentry e
JOIN reports_agencyreport r ON r.id = e.report_id
JOIN reports_reportingperiod p ON p.id = r.period_id
WHERE r.plan_id = %s AND r.status = 'approved'
GROUP BY e.indicator_id, p.year
"""
REPEAT = 5
INCREMENTAL_RUNS = 5


def run(bench) -> list[Measurement]:
    from progress.services import pending_recompute_run, plan_recompute
    from reports.models import AgencyReport, IndicatorEntry
    from reports.services import report_approve

    data = bench.data
    plan = data.plan
    values = IndicatorEntry.objects.filter(report__plan=plan, report__status="approved").count()

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [plan.pk])
            cursor.fetchall()

    floor_samples = timed(floor, repeat=REPEAT * 2, warmup=1)
    province_samples = timed(lambda: plan_recompute(plan=plan), repeat=REPEAT, warmup=1)
    ratio = median(province_samples) / median(floor_samples)
    out = [
        Measurement("raw_sql_floor_s", round(median(floor_samples), 4), unit="s", samples=floor_samples,
                    note=f"plan {plan.code}: {values:,} approved values"),
        Measurement("recompute_province_s", round(median(province_samples), 4), unit="s", samples=province_samples,
                    note=f"plan {plan.code}, as of today"),
        Measurement("recompute_to_floor_ratio", round(ratio, 2), unit="×",
                    note="median full recompute ÷ median floor, same plan"),
    ]

    from plans.models import Plan

    plans = list(Plan.objects.filter(pk__in=data.plan_ids).order_by("code"))
    if len(plans) > 1:
        def nation():
            for each in plans:
                plan_recompute(plan=each)

        nation_samples = timed(nation, repeat=3)
        out.append(Measurement("recompute_national_s", round(median(nation_samples), 2), unit="s",
                               samples=nation_samples, note=f"{len(plans)} plans one after the other"))
    else:
        estimate = 34 * median(province_samples)
        out.append(Measurement("recompute_national_s", None, unit="s",
                               note=f"not measured at {bench.scale} scale (one province); extrapolated 34 × "
                                    f"province ≈ {estimate:.1f} s, NOT a measurement: run make bench SCALE=national"))

    staff = data.user(f"{data.prefix()}-staff")
    pending_recompute_run(plan_id=plan.pk)
    reports = list(AgencyReport.objects.filter(plan=plan, status=AgencyReport.Status.SUBMITTED)
                   .select_related("period").order_by("-period__starts_on", "pk")[:INCREMENTAL_RUNS])
    incremental, approvals, touched = [], [], []


    for report in reports:
        start = time.perf_counter()
        report_approve(report=report, user=staff)
        approvals.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = pending_recompute_run(plan_id=plan.pk)
        incremental.append(time.perf_counter() - start)
        touched.append(result.indicators if result else 0)
    if incremental:
        out.append(Measurement("recompute_incremental_ms", ms(median(incremental)), unit="ms", samples=incremental,
                               note=f"{len(incremental)} approvals of submitted reports, each followed by the outbox "
                                    f"drain (pending_recompute_run); {max(touched)} indicators touched; the "
                                    f"approval itself (report_approve) median {ms(median(approvals))} ms, "
                                    f"p95 {ms(p95(approvals))} ms"))
    else:
        out.append(Measurement("recompute_incremental_ms", None, unit="ms",
                               note=f"no submitted report in {plan.code} to approve"))

    child = subprocess.run([sys.executable, "-m", "bench.recompute_child", *map(str, data.plan_ids)],
                           env=bench.env(), capture_output=True, text=True, timeout=1800)
    if child.returncode == 0:
        peak = json.loads(child.stdout.strip().splitlines()[-1])
        out.append(Measurement("recompute_peak_mb", peak["peak_mb"], unit="MB",
                               note=f"ru_maxrss of a fresh process recomputing {len(data.plan_ids)} plan(s) in "
                                    f"{peak['seconds']:.2f} s; {peak['baseline_mb']} MB before the recompute "
                                    f"(Django loaded, connected)", details=peak))
    else:
        out.append(Measurement("recompute_peak_mb", None, unit="MB",
                               note=f"the subprocess failed: {child.stderr.strip().splitlines()[-1:]}"))
    return out
