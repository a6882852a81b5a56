"""`make bench`: run the benchmarks named in the issues and write docs/performance.md.

Each module in bench/ that defines `run() -> list[Measurement]` is a benchmark. They run against a
throwaway database created like the test database (PostgreSQL when DATABASE_URL points to it), so a
benchmark never touches real data.
"""

import importlib
import os
import pkgutil
import platform
import sys
from datetime import datetime
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

import bench  # noqa: E402
from bench.measure import Measurement  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    only = set(sys.argv[1:])
    modules = [m.name for m in pkgutil.iter_modules(bench.__path__) if m.name not in {"measure"}]
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    results: list[Measurement] = []
    try:
        for name in sorted(modules):
            if only and name not in only:
                continue
            module = importlib.import_module(f"bench.{name}")
            if hasattr(module, "run"):
                print(f"bench {name} …", flush=True)
                for m in module.run():
                    print(f"  {m.line()}", flush=True)
                    results.append(m)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    write_report(results)
    return 0 if all(m.ok for m in results) else 1


def write_report(results: list[Measurement]) -> None:
    lines = [
        "# Performance",
        "",
        f"Written by `make bench` on {datetime.now():%Y-%m-%d %H:%M}, {platform.machine()}, "
        f"{os.cpu_count()} cores, database {connection.vendor}.",
        "",
        "| benchmark | measured | target | result | note |",
        "|---|---|---|---|---|",
    ]
    for m in results:
        lines.append(m.row())
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "performance.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
