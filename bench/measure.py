"""What a benchmark returns: `Measurement`s, each one figure of the results JSON (or a supporting line).

A measurement holds its samples (seconds, or milliseconds, as `unit` says) and the figure it stands for;
`bench.report` turns a list of them into `bench/results/<timestamp>.json` and the table of
docs/performance.md. Nothing here touches Django, so the writer can be tested without a bench run.
"""

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def p95(samples: list[float]) -> float:
    """The 95th percentile, nearest-rank (of 20 samples: the 19th smallest; of 1: itself)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


@dataclass
class Measurement:
    """One figure. `figure` is its key in the results' "figures" (empty: a supporting line, shown in the
    details only); `value` is what goes there (None: not measured, and `note` says why)."""

    figure: str
    value: Any
    label: str = ""
    unit: str = ""
    samples: list[float] = field(default_factory=list)
    note: str = ""
    details: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """The figure with how it was obtained: runs, median, p95 of the samples, and the details."""
        out: dict[str, Any] = {"value": self.value, "unit": self.unit, "note": self.note}
        if self.samples:
            out.update(runs=len(self.samples), median=round(median(self.samples), 6),
                       p95=round(p95(self.samples), 6))
        if self.details:
            out["details"] = self.details
        return out

    def line(self) -> str:
        shown = "not measured" if self.value is None else _short(self.value)
        return f"{self.figure or self.label}: {shown} {self.unit} {self.note}".rstrip()


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return f"{len(value)} entries"
    return str(value)


def timed(fn: Callable[[], object], repeat: int, warmup: int = 0) -> list[float]:
    """Wall-clock seconds of `repeat` runs of fn (after `warmup` untimed ones)."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
