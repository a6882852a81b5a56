"""Python's cycle collector paused around one bounded piece of work (an import, a page of ~100 forms).

Such work allocates many short-lived objects that survive a few young collections and get promoted, so full
collections of the whole heap fall inside it: a fifth of a 5,000-row import's CPU, and the p95 tail of the
admin's report page (issue 14). The caller's input is bounded, whatever cycles it leaves are freed by the next
collection, and the collector is back as it was whatever happens.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
