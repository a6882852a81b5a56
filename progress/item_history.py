"""What the progress layer answers to `plans.signals.item_history`: indicators with computed progress."""

from django.utils.translation import gettext as _

from progress.models import IndicatorProgress


def progress_history(sender, *, ids: list[int], **kwargs) -> dict[int, list[tuple[int | None, str]]]:
    """{indicator id: [(year, "tiến độ năm 2026")]} for the years whose progress was computed from a value."""
    from indicators.models import Indicator

    if sender is not Indicator:
        return {}
    found: dict[int, list[tuple[int | None, str]]] = {}
    for indicator_id, year in (IndicatorProgress.objects.filter(indicator_id__in=ids, actual__isnull=False)
                               .values_list("indicator_id", "year").order_by("indicator_id", "year")):
        found.setdefault(indicator_id, []).append((year, _("tiến độ năm {year}").format(year=year)))
    return found
