"""The bench's outputs: `bench/results/<timestamp>.json` and the generated part of docs/performance.md.

The JSON has exactly the keys of issue 14 §5 under "scale", "machine" and "figures"; "run" adds how each
figure was obtained (runs, median, p95, notes) and how long the bench took. docs/performance.md is the
table of every figure beside its budget, then everything after `KEEP_MARKER`, copied unchanged from the
previous file: the hand-written "what each change bought".
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.measure import Measurement

KEEP_MARKER = "<!-- Everything below this line is written by hand; `make bench` keeps it unchanged. -->"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    budget: str = ""
    holds: Callable[[Any, str], bool | None] | None = None  # (value, scale) → holds? None: budget not applicable


def _at_most(limit: float, scale: str | None = None):
    def check(value, run_scale):
        if scale is not None and run_scale != scale:
            return None
        return value <= limit
    return check


def _zero(value, _scale):
    return value == 0


FIGURES = [
    Figure("import_5000_rows_s", "Import of a 5,000-row appendix .xlsx", "s", "≤ 10 s", _at_most(10)),
    Figure("recompute_province_s", "Full recompute, one province", "s", "≤ 5 s", _at_most(5)),
    Figure("recompute_national_s", "Full recompute, the nation (34 provinces)", "s", "≤ 60 s", _at_most(60)),
    Figure("recompute_incremental_ms", "Incremental recompute after one approval", "ms", "≤ 200 ms", _at_most(200)),
    Figure("raw_sql_floor_s", "Floor: one SQL GROUP BY over one province's approved values", "s"),
    Figure("recompute_to_floor_ratio", "Full recompute ÷ floor (one province)", "×", "≤ 5×", _at_most(5)),
    Figure("recompute_peak_mb", "Peak memory of the nation's recompute (process RSS)", "MB"),
    Figure("dashboard_p50_ms", "Overview, server time p50 (test client)", "ms"),
    Figure("dashboard_p95_ms", "Overview, server time p95 (test client)", "ms", "≤ 150 ms at national scale",
           _at_most(150, "national")),
    Figure("dashboard_gunicorn_p95_ms", "Overview through gunicorn, 20 concurrent, p95", "ms"),
    Figure("submissions_per_s", "200 concurrent submitters: requests per second", "req/s"),
    Figure("submissions_errors", "Submitters: answers other than 200 or an expected 409", "", "0", _zero),
    Figure("submissions_lost", "Submitters: saves answered 200 but not in the database, or duplicated", "", "0",
           _zero),
    Figure("approval_to_fresh_s", "Approval → progress API fresh (real Celery worker), p95", "s", "≤ 5 s",
           _at_most(5)),
    Figure("pages_max_p95_ms", "Slowest page through gunicorn, p95", "ms", "≤ 300 ms at province scale",
           _at_most(300, "province")),
]
FIGURE_KEYS = [f.key for f in FIGURES] + ["pages_p95_ms"]
PAGE_BUDGET_MS = 300


def results(*, measurements: list[Measurement], scale: str, machine: dict, started_at: str,
            bench_seconds: float, settings: dict | None = None) -> dict:
    """The results document. Figures nobody measured are null, with a note saying so."""
    by_key = {m.figure: m for m in measurements if m.figure}
    figures: dict[str, Any] = {key: None for key in FIGURE_KEYS}
    notes: dict[str, Any] = {}
    for key in FIGURE_KEYS:
        m = by_key.get(key)
        if m is None:
            notes[key] = {"value": None, "note": "not measured in this run"}
            continue
        figures[key] = m.value
        notes[key] = m.summary()
    supporting = {m.label: m.summary() for m in measurements if not m.figure}
    return {
        "scale": scale,
        "machine": {key: machine.get(key) for key in ("cores", "memory", "postgres")},
        "figures": figures,
        "run": {"started_at": started_at, "bench_seconds": round(bench_seconds, 1), "settings": settings or {},
                "figures": notes, "supporting": supporting},
    }


def write_results(document: dict, folder: Path, stamp: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stamp}.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def _shown(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        text = f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    else:
        text = f"{value:,}"
    return f"{text} {unit}".strip()


def _verdict(figure: Figure, value: Any, scale: str) -> str:
    if not figure.budget:
        return ""
    if value is None:
        return "not measured"
    holds = figure.holds(value, scale) if figure.holds else None
    if holds is None:
        return "n/a at this scale"
    return "holds" if holds else "**fails**"


def render(document: dict, previous: str = "", results_path: str = "",
           others: list[tuple[dict, str]] = ()) -> str:
    """docs/performance.md: the generated table of this run, the latest run of every other scale (`others`:
    (document, results path); a province run must not hide the national figures, nor the reverse), then what
    followed KEEP_MARKER in `previous`."""
    lines = ["# Performance", "", *_run_lines(document, results_path)]
    for other, other_path in others:
        lines += ["", f"## Latest run at scale {other['scale']}", "", *_run_lines(other, other_path)]
    kept = previous.split(KEEP_MARKER, 1)[1] if KEEP_MARKER in previous else "\n\n## What each change bought\n"
    return "\n".join(lines) + "\n\n" + KEEP_MARKER + kept.rstrip("\n") + "\n"


def latest_of_other_scales(folder: Path, scale: str) -> list[tuple[dict, Path]]:
    """The newest results file of each scale other than `scale` (file names are UTC timestamps: they sort)."""
    newest: dict[str, tuple[dict, Path]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if document.get("scale") not in {None, scale} and "run" in document:
            newest[document["scale"]] = (document, path)
    return [newest[key] for key in sorted(newest)]


def _run_lines(document: dict, results_path: str = "") -> list[str]:
    figures, run, machine, scale = document["figures"], document["run"], document["machine"], document["scale"]
    notes = run.get("figures", {})
    minutes, seconds = divmod(int(round(run["bench_seconds"])), 60)
    lines = [
        f"Written by `make bench SCALE={scale}` on {run['started_at']} "
        f"({'results: `' + results_path + '`, ' if results_path else ''}total bench time {minutes} min {seconds} s).",
        f"Machine: {machine['cores']} cores, {machine['memory']} memory, {machine['postgres']}.",
        "",
        "| figure | measured | budget | result | how |",
        "|---|---|---|---|---|",
    ]
    for figure in FIGURES:
        value = figures.get(figure.key)
        how = _how(notes.get(figure.key, {}))
        lines.append(f"| {figure.label} (`{figure.key}`) | {_shown(value, figure.unit)} | {figure.budget or '—'} "
                     f"| {_verdict(figure, value, scale)} | {how} |")
    pages = figures.get("pages_p95_ms") or {}
    if pages:
        page_notes = notes.get("pages_p95_ms", {}).get("details", {})
        lines += ["", f"Every page through gunicorn (budget ≤ {PAGE_BUDGET_MS} ms p95 at province scale):", "",
                  "| page | p50 | p95 | queries | result |", "|---|---|---|---|---|"]
        for name, value in pages.items():
            detail = page_notes.get(name, {})
            verdict = "holds" if value is not None and value <= PAGE_BUDGET_MS else "**fails**"
            if value is None:
                verdict = "not measured"
            elif detail.get("note"):  # not the expected answer (a 403, a 500): its time says nothing
                verdict = f"**{detail['note']}**"
            elif scale != "province":
                verdict = "holds" if value <= PAGE_BUDGET_MS else f"over {PAGE_BUDGET_MS} ms (budget is at province scale)"
            lines.append(f"| {name} | {_shown(detail.get('p50_ms'), 'ms')} | {_shown(value, 'ms')} "
                         f"| {detail.get('queries', '—')} | {verdict} |")
    supporting = run.get("supporting") or {}
    if supporting:
        lines += ["", "Supporting measurements:", ""]
        lines += [f"- {label}: {_shown(s.get('value'), s.get('unit', ''))}{' — ' + s['note'] if s.get('note') else ''}"
                  for label, s in supporting.items()]
    return lines


def _how(note: dict) -> str:
    parts = []
    if note.get("runs"):
        parts.append(f"{note['runs']} runs")
    if note.get("median") is not None and note.get("unit") in {"s", "ms"}:
        scale = 1000 if note.get("unit") == "ms" else 1
        parts.append(f"median {note['median'] * scale:.3g} {note['unit']}, p95 {note['p95'] * scale:.3g} {note['unit']}")
    if note.get("note"):
        parts.append(note["note"])
    return "; ".join(parts).replace("|", "/").replace("\n", " ")
