import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Measurement:
    name: str
    seconds: float
    target_seconds: float | None = None
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.target_seconds is None or self.seconds <= self.target_seconds

    def line(self) -> str:
        target = f" (target {self.target_seconds:g} s)" if self.target_seconds is not None else ""
        return f"{self.name}: {self.seconds:.3f} s{target} {'OK' if self.ok else 'SLOW'} {self.note}"

    def row(self) -> str:
        target = f"< {self.target_seconds:g} s" if self.target_seconds is not None else "—"
        return f"| {self.name} | {self.seconds:.3f} s | {target} | {'đạt' if self.ok else 'CHƯA ĐẠT'} | {self.note} |"


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of `repeat` runs: the least disturbed by the other processes on the machine."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return min(timings)
