"""Signals the plans layer sends to the layers above it (DESIGN.md: a notification, not business logic).

`plan_content_changed` (kwargs `plan_id`): a plan's indicators, tasks or period were written (an import
or re-import). The reports layer answers by opening the plan's periods and expected reports once the
transaction commits, so a freshly imported plan shows up in the agencies' inboxes without waiting for
the nightly job.
"""

from django.dispatch import Signal

plan_content_changed = Signal()
