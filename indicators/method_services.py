"""Writes on how an indicator is computed (staff, from the indicator's admin page)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators.models import Indicator
from indicators.signals import indicator_rules_changed


def indicator_aggregation_set(*, indicator: Indicator, aggregation: str) -> bool:
    """Change how the province figure of `indicator` is made from the agencies' values; the progress layer
    recomputes it after the commit. Reported values are not touched. Returns whether anything changed."""
    if aggregation not in Indicator.Aggregation.values:
        raise ValidationError(_("Cách tổng hợp không hợp lệ: “%(value)s”.") % {"value": aggregation})
    with transaction.atomic():
        changed = Indicator.objects.filter(pk=indicator.pk).exclude(aggregation=aggregation).update(
            aggregation=aggregation)
        indicator.aggregation = aggregation
        if changed:
            indicator_rules_changed.send(sender=Indicator, indicator_ids=[indicator.pk])
    return bool(changed)
