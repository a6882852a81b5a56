"""Notifications from the reports layer to the layers above it (progress).

Sent by `reports.services` after an approval or a reopening, with sender=AgencyReport and the
kwargs `report_id`, `plan_id` and `indicator_ids` (the indicators whose approved values changed).
The durable record of the change is the `RecomputeRequest` row written in the same transaction;
the signal only tells the progress layer to take it sooner than its periodic sweep would.
Receivers must only enqueue work with `transaction.on_commit`: no business logic in signal handlers.
"""

from django.dispatch import Signal

report_approved = Signal()
report_reopened = Signal()
