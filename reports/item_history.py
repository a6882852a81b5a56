"""What the reports layer answers to `plans.signals.item_history`: which items have reported values."""

from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from reports.models import (
    AgencyReport,
    IndicatorEntry,
    TaskEntry,
    indicator_entry_filled_q,
    task_entry_filled_q,
)


def reported_items(sender, *, ids: list[int], **kwargs) -> dict[int, list[tuple[int | None, str]]]:
    """{item id: [(year, "3 báo cáo năm 2026 (1 đã duyệt)")]}, only for entries that carry a value: an entry
    opened for an item but never filled holds nothing to lose."""
    from indicators.models import Indicator

    if sender is Indicator:
        entries, owner, filled = IndicatorEntry.objects, "indicator_id", indicator_entry_filled_q()
    else:
        entries, owner, filled = TaskEntry.objects, "task_id", task_entry_filled_q()
    rows = (entries.filter(filled, **{f"{owner}__in": ids})
            .values(owner, "report__period__year")
            .annotate(n=Count("pk"), approved=Count("pk", filter=Q(report__status=AgencyReport.Status.APPROVED)))
            .order_by(owner, "report__period__year"))
    found: dict[int, list[tuple[int | None, str]]] = defaultdict(list)
    for row in rows:
        found[row[owner]].append((row["report__period__year"], _(
            "{n} báo cáo năm {year} ({approved} đã duyệt)").format(
            n=row["n"], year=row["report__period__year"], approved=row["approved"])))
    return dict(found)
