"""Rendered parts of the dashboards kept in the Django cache (Redis in production).

Drawing a province's scorecard, compliance heatmap, task timeline and their figures' JSON costs more than
everything else on the overview; what they show changes only when a recompute writes a snapshot or a report
of the plan moves in its workflow. So the rendered HTML is cached under a key made of everything it depends
on: the plan and its last change, the year and filters, the day (the heatmap's "not due yet" and the
timeline's "today"), the language, the snapshot's `computed_at` and a stamp of the plan's reports. A
recompute or a submission gives a new key, so nothing has to be deleted; entries of old keys expire.

What no stamp sees (an agency renamed, a task's text re-imported without a recompute) shows at most
`FRAGMENT_SECONDS` late. A fragment never holds anything that depends on who reads it (no user, no CSRF
token, no permission-dependent button): those parts of a page are drawn on every request.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.utils import translation

FRAGMENT_SECONDS = 5 * 60
# Bump when a fragment's template or content changes shape, so a deploy never serves the old drawing.
VERSION = 1


def fragment_key(kind: str, **parts) -> str:
    """A short, stable key: the parts (and the active language) hashed, the kind kept readable."""
    parts["language"] = translation.get_language()
    text = "|".join(f"{name}={parts[name]!r}" for name in sorted(parts))
    return f"dashboards:{kind}:v{VERSION}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def cached_fragment(key: str, build: Callable[[], dict]) -> dict:
    """The fragment cached under `key`, or `build()` stored under it."""
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, FRAGMENT_SECONDS)
    return found
