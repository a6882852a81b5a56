"""Writes on indicators. The plan import lives in indicators/importing/service.py; re-exported here."""

from indicators.importing.service import ImportReport, PlanOverrides, plan_import, plan_import_table

__all__ = ["ImportReport", "PlanOverrides", "plan_import", "plan_import_table"]
