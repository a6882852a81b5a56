"""Notifications from the reports layer to the layers above it (progress).

Sent by `reports.services` after an approval or a reopening, with sender=AgencyReport and the
kwargs `report_id`, `plan_id` and `indicator_ids` (the indicators whose approved values changed).
The durable record of the change is the `RecomputeRequest` row written in the same transaction;
the signal only tells the progress layer to take it sooner than its periodic sweep would.
Their receivers must only enqueue work with `transaction.on_commit`: no business logic in signal handlers.
(`approved_values_changed` below is the one exception, and says why.)
"""

from django.dispatch import Signal

report_approved = Signal()
report_reopened = Signal()

# Sent by `reports.services` inside the transaction that changed which values are approved (an approval, a
# reopening), with the kwarg `report_ids`. Unlike the two above, its receiver does its work right there, in
# the sender's transaction (the progress layer's maintained per-agency figures, `progress.figures`): they
# must commit with the change or not at all, and an exception in the receiver rolls the change back.
approved_values_changed = Signal()
