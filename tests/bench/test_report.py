"""The bench's outputs (issue 14 §5) from a set of measurements, without running a bench: the results JSON
has exactly the issue's keys, docs/performance.md shows each figure beside its budget and keeps its
hand-written part; and the test suite (make test, .ci/run) never runs the bench itself."""

import json
import re
import tomllib
from pathlib import Path

from bench.measure import Measurement, p95
from bench.report import FIGURE_KEYS, KEEP_MARKER, render, results, write_results

ROOT = Path(__file__).resolve().parents[2]
ISSUE_FIGURES = {"import_5000_rows_s", "recompute_province_s", "recompute_national_s", "recompute_incremental_ms",
                 "raw_sql_floor_s", "recompute_to_floor_ratio", "dashboard_p50_ms", "dashboard_p95_ms",
                 "dashboard_gunicorn_p95_ms", "submissions_per_s", "submissions_errors", "submissions_lost",
                 "approval_to_fresh_s", "recompute_peak_mb", "pages_p95_ms", "pages_max_p95_ms"}
MACHINE = {"cores": 2, "memory": "23.5 GiB", "postgres": "PostgreSQL 15.19"}


def _measurements() -> list[Measurement]:
    return [
        Measurement("import_5000_rows_s", 5.3, unit="s", samples=[5.1, 5.3, 5.9]),
        Measurement("recompute_province_s", 0.44, unit="s", samples=[0.43, 0.44, 0.5]),
        Measurement("recompute_national_s", None, unit="s", note="not measured at province scale"),
        Measurement("recompute_incremental_ms", 250.0, unit="ms", samples=[0.24, 0.25, 0.3]),
        Measurement("raw_sql_floor_s", 0.07, unit="s"),
        Measurement("recompute_to_floor_ratio", 6.3, unit="×"),
        Measurement("dashboard_p95_ms", 260.0, unit="ms"),
        Measurement("submissions_errors", 0),
        Measurement("submissions_lost", 2, note="report 7: I.1 not as sent"),
        Measurement("pages_p95_ms", {"review queue (all statuses)": 1200.0, "plan page": 90.0}, unit="ms",
                    details={"plan page": {"p50_ms": 70.0, "queries": 14}}),
        Measurement("pages_max_p95_ms", 1200.0, unit="ms"),
        Measurement("", 31.0, label="data generation", unit="s", note="manage.py bench_data"),
    ]


def _document(scale="province") -> dict:
    return results(measurements=_measurements(), scale=scale, machine={**MACHINE, "extra": "dropped"},
                   started_at="2026-12-01 18:00 UTC", bench_seconds=372.4)


def test_the_results_json_has_exactly_the_issue_keys(tmp_path):
    path = write_results(_document(), tmp_path, "20261201T180000Z")

    written = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == "20261201T180000Z.json"
    assert {"scale", "machine", "figures"} <= set(written)
    assert set(written["machine"]) == {"cores", "memory", "postgres"}
    assert set(written["figures"]) == ISSUE_FIGURES == set(FIGURE_KEYS)
    assert written["figures"]["recompute_province_s"] == 0.44
    assert written["figures"]["recompute_national_s"] is None
    assert written["figures"]["dashboard_p50_ms"] is None  # nobody measured it: null, and the run says so
    assert written["run"]["figures"]["dashboard_p50_ms"]["note"] == "not measured in this run"
    assert written["figures"]["pages_p95_ms"] == {"review queue (all statuses)": 1200.0, "plan page": 90.0}
    assert written["run"]["figures"]["import_5000_rows_s"]["runs"] == 3
    assert written["run"]["bench_seconds"] == 372.4


def test_performance_md_shows_each_figure_beside_its_budget():
    page = render(_document(), previous="")

    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| [^|]*\(`(\w+)`\) \|.*$", page, re.M)}
    assert set(rows) == ISSUE_FIGURES - {"pages_p95_ms"}
    assert re.search(r"\| 5\.300 s \| ≤ 10 s \| holds \|", rows["import_5000_rows_s"])
    assert re.search(r"\| 250\.0 ms \| ≤ 200 ms \| \*\*fails\*\* \|", rows["recompute_incremental_ms"])
    assert "| 6.300 × | ≤ 5× | **fails** |" in rows["recompute_to_floor_ratio"]
    assert "not measured" in rows["recompute_national_s"]
    assert "| 2 | 0 | **fails** |" in rows["submissions_lost"]
    assert "| 0 | 0 | holds |" in rows["submissions_errors"]
    # The overview's budget is set at national scale: at province scale it is shown, not judged.
    assert "n/a at this scale" in rows["dashboard_p95_ms"]
    assert "**fails**" in render(_document("national"))
    assert "| review queue (all statuses) | — | 1,200.0 ms | — | **fails** |" in page
    assert "| plan page | 70.0 ms | 90.0 ms | 14 | holds |" in page
    assert "2 cores, 23.5 GiB memory, PostgreSQL 15.19" in page
    assert "SCALE=province" in page and "total bench time 6 min 12 s" in page
    assert "- data generation: 31.0 s — manage.py bench_data" in page


def test_performance_md_keeps_everything_after_the_marker():
    hand_written = "\n\n## What each change bought\n\n- An index on (plan, status): the queue 1.2 s → 90 ms.\n"
    previous = "# Performance\n\nan old table\n\n" + KEEP_MARKER + hand_written

    page = render(_document(), previous=previous)

    assert "an old table" not in page
    assert page.endswith(KEEP_MARKER + hand_written)
    assert render(_document(), previous=page) == page  # stable: a second run keeps it once
    assert "## What each change bought" in render(_document(), previous="")


def test_p95_is_nearest_rank():
    assert p95([0.1] * 19 + [9.0]) == 0.1
    assert p95([float(n) for n in range(1, 101)]) == 95.0
    assert p95([3.0]) == 3.0


def test_the_test_suite_does_not_run_the_bench():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "bench" not in ci and "bench" not in test_recipe
    assert re.search(r"^SCALE \?= province$", makefile, re.M)
    assert "--scale $(SCALE)" in re.search(r"^bench:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    pytest_options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]
    assert pytest_options["ini_options"]["testpaths"] == ["tests"]  # make test collects tests/, never bench/
    assert not [p for p in (ROOT / "tests").rglob("*.py") if "import bench." in p.read_text(encoding="utf-8")
                and re.search(r"bench\.(__main__|servers|submissions|freshness|pages|progress)\b",
                              p.read_text(encoding="utf-8"))]


def test_a_run_at_one_scale_keeps_the_latest_run_of_the_other_scale(tmp_path):
    from bench.report import latest_of_other_scales

    write_results(_document("national"), tmp_path, "20261201T170000Z")
    newer_national = _document("national")
    newer_national["figures"]["recompute_national_s"] = 17.5
    write_results(newer_national, tmp_path, "20261201T190000Z")
    write_results(_document("province"), tmp_path, "20261201T200000Z")

    others = latest_of_other_scales(tmp_path, "province")
    assert [(doc["scale"], path.name) for doc, path in others] == [("national", "20261201T190000Z.json")]
    page = render(_document("province"), "", "bench/results/p.json",
                  others=[(doc, f"bench/results/{path.name}") for doc, path in others])
    assert page.index("SCALE=province") < page.index("## Latest run at scale national") < page.index(KEEP_MARKER)
    national_part = page.split("## Latest run at scale national", 1)[1]
    assert "| 17.5 s |" in national_part and "20261201T190000Z.json" in national_part
    # At national scale, the per-page budget (a province-scale one) is not judged as failed.
    assert "over 300 ms (budget is at province scale)" in national_part
