"""Everything a plan export needs, loaded in a fixed number of queries, and the JSON form of a plan.

The JSON follows the schema of issue 3 exactly. Numbers are JSON numbers: whole values as integers
(16861), others as the shortest float that reads back as the stored decimal (5.07); dates are ISO;
agencies are named by their full canonical name; every list has a fixed order, so the same plan always
gives the same bytes.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Prefetch

from agencies.models import Agency
from indicators.models import Indicator, Target
from plans.models import Appendix, Plan, Project, Result, Section, Task


@dataclass
class PlanContents:
    plan: Plan
    appendices: list[Appendix]
    sections: dict[int, Section]
    indicators: list[Indicator]
    tasks: list[Task]
    projects: list[Project]
    results: list[Result]

    def section_path(self, section_id: int | None) -> list[str]:
        """Titles from the top down, from the sections loaded once (no query per row)."""
        titles: list[str] = []
        seen: set[int] = set()
        while section_id is not None and section_id in self.sections and section_id not in seen:
            seen.add(section_id)
            section = self.sections[section_id]
            titles.append(section.title)
            section_id = section.parent_id
        return titles[::-1]

    def section_chain(self, section_id: int | None) -> list[Section]:
        chain: list[Section] = []
        seen: set[int] = set()
        while section_id is not None and section_id in self.sections and section_id not in seen:
            seen.add(section_id)
            chain.append(self.sections[section_id])
            section_id = self.sections[section_id].parent_id
        return chain[::-1]


def _agencies(attribute: str) -> Prefetch:
    return Prefetch(attribute, queryset=Agency.objects.only("id", "name").order_by("name", "id"))


def _item_order(model):
    return model.objects.order_by(F("appendix__order").asc(nulls_first=True), "appendix_id", "order", "code", "id")


def load_plan_contents(plan: Plan) -> PlanContents:
    """13 queries whatever the size of the plan: the plan, appendices, sections, each kind of item, its targets and agencies."""
    plan = Plan.objects.select_related("province").get(pk=plan.pk)
    appendices = list(plan.appendices.order_by("order", "number", "id"))
    sections = {s.id: s for s in Section.objects.filter(plan=plan).order_by("order", "id")}
    indicators = list(
        _item_order(Indicator).filter(plan=plan)
        .select_related("baseline", "task")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("year")),
                          _agencies("lead_agencies"), _agencies("coordinating_agencies"))
    )
    tasks = list(
        _item_order(Task).filter(plan=plan).select_related("partner")
        .prefetch_related(_agencies("lead_agencies"), _agencies("coordinating_agencies"))
    )
    projects = list(_item_order(Project).filter(plan=plan).prefetch_related(_agencies("investors")))
    results = list(_item_order(Result).filter(plan=plan))
    return PlanContents(plan, appendices, sections, indicators, tasks, projects, results)


def json_number(value: Decimal | int | None) -> int | float | None:
    if value is None:
        return None
    number = Decimal(value)
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _names(agencies) -> list[str]:
    return [agency.name for agency in agencies.all()]


def _baseline(indicator: Indicator) -> dict | None:
    try:
        baseline = indicator.baseline
    except Indicator.baseline.RelatedObjectDoesNotExist:
        return None
    return {"year": baseline.year, "value": json_number(baseline.value), "text": baseline.text}


def contents_to_dict(contents: PlanContents) -> dict:
    plan = contents.plan
    return {
        "plan": {
            "code": plan.code,
            "province": plan.province.name,
            "title": plan.title,
            "number": plan.number,
            "issued": _iso(plan.issued),
            "start_year": plan.start_year,
            "end_year": plan.end_year,
        },
        "indicators": [
            {
                "code": indicator.code,
                "section": contents.section_path(indicator.section_id),
                "name": indicator.name,
                "unit": indicator.unit,
                "value_type": indicator.value_type,
                "direction": indicator.direction,
                "aggregation": indicator.aggregation,
                "baseline": _baseline(indicator),
                "targets": [
                    {"year": target.year, "op": target.op, "low": json_number(target.low),
                     "high": json_number(target.high), "text": target.text}
                    for target in indicator.targets.all()
                ],
                "lead_agencies": _names(indicator.lead_agencies),
                "coordinating_agencies": _names(indicator.coordinating_agencies),
                "note": indicator.note,
                "task": indicator.task.code if indicator.task_id else None,
            }
            for indicator in contents.indicators
        ],
        "tasks": [
            {
                "code": task.code,
                "section": contents.section_path(task.section_id),
                "content": task.content,
                "lead_agencies": _names(task.lead_agencies),
                "coordinating_agencies": _names(task.coordinating_agencies),
                "partner": task.partner.name if task.partner_id else None,
                "deadline": {"text": task.deadline_text, "kind": task.deadline_kind,
                             "start": _iso(task.start_date), "due": _iso(task.due_date)},
                "expected_result": task.expected_result,
                "note": task.note,
            }
            for task in contents.tasks
        ],
        "projects": [
            {
                "code": project.code,
                "section": contents.section_path(project.section_id),
                "name": project.name,
                "investor": _names(project.investors),
                "total_investment": json_number(project.total_investment),
                "investment_unit": project.investment_unit,
                "funding_source": project.funding_source,
                "start_year": project.start_year,
                "end_year": project.end_year,
                "status": project.status,
                "note": project.note,
            }
            for project in contents.projects
        ],
        "results": [
            {
                "code": result.code,
                "section": contents.section_path(result.section_id),
                "target_text": result.target_text,
                "year": result.year,
                "status": result.status,
                "result_text": result.result_text,
            }
            for result in contents.results
        ],
    }


def plan_to_dict(plan: Plan) -> dict:
    return contents_to_dict(load_plan_contents(plan))


def plan_to_json_bytes(plan: Plan) -> bytes:
    """The one serialisation of a plan: `export_plan --format json` and `GET /api/v1/plans/<code>/`."""
    return (json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
