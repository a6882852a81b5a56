"""Plan export: JSON (the API's body), and the appendix tables as .xlsx and .docx.

`plan_to_json_bytes` is the single serialisation both `manage.py export_plan --format json` and
`GET /api/v1/plans/<code>/` return, so the two are identical byte for byte.
"""

from indicators.exporting.data import load_plan_contents, plan_to_dict, plan_to_json_bytes
from indicators.exporting.docx_writer import tables_to_docx
from indicators.exporting.layout import plan_tables
from indicators.exporting.xlsx_writer import tables_to_xlsx
from plans.models import Plan

__all__ = ["plan_to_dict", "plan_to_docx", "plan_to_json_bytes", "plan_to_xlsx"]


def plan_to_xlsx(plan: Plan) -> bytes:
    return tables_to_xlsx(plan_tables(load_plan_contents(plan), with_rules=True))


def plan_to_docx(plan: Plan) -> bytes:
    contents = load_plan_contents(plan)
    plan = contents.plan
    # The opening lines of an official plan, so the document reads (and imports) as the plan it is.
    heading = [f"Số: {plan.number}"] if plan.number else []
    if plan.issued:
        heading.append(f"{plan.province.name}, ngày {plan.issued.day} tháng {plan.issued.month} năm {plan.issued.year}")
    heading += ["KẾ HOẠCH", plan.title]
    return tables_to_docx(plan_tables(contents), heading=heading)
