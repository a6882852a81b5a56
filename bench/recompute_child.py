"""`python -m bench.recompute_child PLAN_ID …`: recompute those plans in this fresh process and print, as one
JSON line, the seconds and the peak resident memory (ru_maxrss) with the baseline before the recompute.
Run by bench/progress.py with the bench database's environment."""

import json
import os
import resource
import sys
import time


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return round(kb / 1024, 1)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from plans.models import Plan
    from progress.services import plan_recompute

    plans = list(Plan.objects.filter(pk__in=[int(a) for a in sys.argv[1:]]).order_by("code"))
    baseline = _rss_mb()
    start = time.perf_counter()
    for plan in plans:
        plan_recompute(plan=plan)
    seconds = time.perf_counter() - start
    peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps({"plans": len(plans), "seconds": round(seconds, 3), "peak_mb": peak, "baseline_mb": baseline}))


if __name__ == "__main__":
    main()
