"""The bench's data, behind one small interface: `generate(scale, seed)` fills the (throwaway) database and
`BenchData.load()` finds what the measurements need by the codes of the contract (COMMON.md): provinces
`bench-NN`, plans `bench-NN-kh`, users `bench-NN-staff`, `bench-NN-leader`, `bench-NN-aNNN`.

The data comes from `manage.py bench_data --scale SCALE` (bench/data.py).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.management import call_command

from bench.measure import Measurement

SCALES = ("demo", "province", "national")


def generate(scale: str, seed: int = 1) -> Measurement:
    """Generate the data; the measurement is how long it took (a supporting line of the results)."""
    import time

    start = time.perf_counter()
    import io

    call_command("bench_data", scale=scale, seed=seed, stdout=io.StringIO())
    source = "manage.py bench_data"
    seconds = time.perf_counter() - start
    data = BenchData.load()
    return Measurement("", round(seconds, 1), label="data generation", unit="s",
                       note=f"{source}, scale {scale}, seed {seed}: {data.describe()}",
                       details=data.counts)


@dataclass
class BenchData:
    plan_ids: list[int]
    province_plan_id: int
    counts: dict = field(default_factory=dict)

    @classmethod
    def load(cls) -> "BenchData":
        from django.db.models import Q

        from plans.models import Plan
        from reports.models import AgencyReport, IndicatorEntry

        plans = list(Plan.objects.filter(code__regex=r"^bench-[0-9]+-kh$").order_by("code").values_list("pk", flat=True))
        if not plans:
            raise RuntimeError("no plan bench-NN-kh in the database: did the data generation run?")
        reports = AgencyReport.objects.filter(plan_id__in=plans)
        counts = {
            "plans": len(plans),
            "agencies": reports.values("agency_id").distinct().count(),
            "reports": reports.count(),
            "values": IndicatorEntry.objects.filter(report__plan_id__in=plans)
            .filter(Q(value__isnull=False) | Q(numerator__isnull=False) | Q(milestone_state__gt="")).count(),
            "approved_reports": reports.filter(status=AgencyReport.Status.APPROVED).count(),
        }
        return cls(plan_ids=plans, province_plan_id=plans[0], counts=counts)

    def describe(self) -> str:
        c = self.counts
        return (f"{c['plans']} plan(s), {c['agencies']:,} agencies, {c['reports']:,} reports "
                f"({c['approved_reports']:,} approved), {c['values']:,} values")

    @property
    def plan(self):
        from plans.models import Plan

        return Plan.objects.select_related("province").get(pk=self.province_plan_id)

    @staticmethod
    def user(username: str):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(username=username)

    def prefix(self) -> str:
        return self.plan.code.removesuffix("-kh")

    @staticmethod
    def as_of() -> dt.date:
        from agencies.clock import local_today

        return local_today()
