"""Signals the plans layer sends to the layers above it (DESIGN.md: a notification, not business logic).

`plan_content_changed` (kwargs `plan_id`): a plan's indicators, tasks or period were written (an import
or re-import). The reports layer answers by opening the plan's periods and expected reports once the
transaction commits, so a freshly imported plan shows up in the agencies' inboxes without waiting for
the nightly job.
"""

from django.dispatch import Signal

plan_content_changed = Signal()

# `item_history` (kwargs `ids`; sender Task or Indicator): before an import deletes items it no longer lists, it
# asks the layers above which of them have reported data. Each receiver returns {item id: [(year or None,
# description)]}, e.g. {12: [(2026, "2 báo cáo (1 đã duyệt)")]}; an item with any answer is never deleted.
item_history = Signal()
