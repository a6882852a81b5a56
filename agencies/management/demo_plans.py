"""Loads a seed plan written by hand as JSON (fixtures/plan_*.json) until the plan importer lands.

Used only by `seed_demo`'s `seed_plans`. A plan whose code already exists is left untouched, so the
load is idempotent; otherwise the whole plan is created in one transaction or not at all. Agency cells
go through the agency directory exactly as the importer's will, and an unknown agency is an error.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencies.matching import AgencyDirectory
from agencies.models import Province


def plan_fixture_load(*, province: Province, path: Path) -> tuple[object, bool]:
    # Plans and indicators sit above agencies in the layers; this demo loader is wiring, imported lazily.
    from indicators.models import Baseline, Indicator, Target
    from plans.deadlines import parse_deadline
    from plans.models import Appendix, Plan, Section, Task

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    spec = data["plan"]
    existing = Plan.objects.filter(code=spec["code"]).first()
    if existing is not None:
        return existing, False

    directory = AgencyDirectory(province)

    def agencies(cell: str, where: str):
        resolved = directory.resolve_list(cell)
        if resolved.unknown:
            raise ValidationError(_("%(where)s: không tìm thấy cơ quan %(names)s")
                                  % {"where": where, "names": ", ".join(resolved.unknown)})
        return resolved.agencies

    with transaction.atomic():
        plan = Plan.objects.create(
            province=province, code=spec["code"], number=spec.get("number", ""), title=spec["title"],
            start_year=spec["start_year"], end_year=spec["end_year"], status=spec.get("status", Plan.Status.DRAFT),
            monitoring_agency=directory.match(spec["monitoring_agency"]), source_document=spec.get("source_document", ""),
        )
        order = 0
        for appendix_spec in data["appendices"]:
            appendix = Appendix.objects.create(plan=plan, number=appendix_spec["number"], title=appendix_spec["title"],
                                               kind=appendix_spec["kind"], order=appendix_spec["order"])
            for section_order, section_spec in enumerate(appendix_spec["sections"]):
                section = Section.objects.create(plan=plan, appendix=appendix, code=section_spec["code"],
                                                 title=section_spec["title"], order=section_order)
                for item in section_spec.get("indicators", []):
                    order += 1
                    where = _("Chỉ tiêu %(code)s") % {"code": item["code"]}
                    indicator = Indicator.objects.create(
                        plan=plan, appendix=appendix, section=section, code=item["code"], order=order,
                        name=item["name"], unit=item["unit"], value_type=item["value_type"], note=item.get("note", ""))
                    indicator.lead_agencies.set(agencies(item["lead"], where))
                    indicator.coordinating_agencies.set(agencies(item.get("coordinating", ""), where))
                    if item.get("baseline"):
                        base = item["baseline"]
                        Baseline.objects.create(indicator=indicator, year=base["year"], text=base["text"],
                                                value=Decimal(base["value"]) if base["value"] is not None else None)
                    Target.objects.bulk_create([
                        Target(indicator=indicator, year=int(year), op=op, text=text,
                               low=Decimal(low) if low is not None else None)
                        for year, (op, low, text) in item["targets"].items()
                    ])
                for item in section_spec.get("tasks", []):
                    order += 1
                    where = _("Nhiệm vụ %(code)s") % {"code": item["code"]}
                    deadline = parse_deadline(item["deadline"], default_year=plan.start_year)
                    task = Task.objects.create(
                        plan=plan, appendix=appendix, section=section, code=item["code"], order=order,
                        content=item["content"], deadline_kind=deadline.kind, deadline_text=deadline.text,
                        start_date=deadline.start, due_date=deadline.due, note=item.get("note", ""))
                    task.lead_agencies.set(agencies(item["lead"], where))
                    task.coordinating_agencies.set(agencies(item.get("coordinating", ""), where))
    return plan, True
