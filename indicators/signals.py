"""Signals the indicators layer sends to the layers above it.

`indicator_rules_changed` (kwargs `indicator_ids`): how an indicator's province figure is made changed
(its aggregation), so the progress layer recomputes those indicators once the transaction commits.
"""

from django.dispatch import Signal

indicator_rules_changed = Signal()
