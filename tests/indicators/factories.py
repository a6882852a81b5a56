"""Factories for the indicators layer's tests: a small plan with an appendix of indicators (yearly targets)
and an appendix of tasks, as the exporters and the admin exports read them."""

from datetime import date

from plans.models import Appendix, Plan, Task
from tests.factories import (
    AppendixFactory,
    IndicatorFactory,
    PlanFactory,
    SectionFactory,
    TargetFactory,
    TaskFactory,
)


def plan_with_contents(*, province, lead, coordinating, code: str, label: str) -> Plan:
    """A 2026–2030 plan: two indicators under one section (targets for 2026, 2027, 2030) and two tasks.

    `label` goes into every name, so a test can tell this plan's rows from another plan's in a file.
    """
    plan = PlanFactory(province=province, code=code, title=f"Phát triển hạ tầng số {label}", start_year=2026,
                       end_year=2030, number="540/KH-UBND", issued=date(2025, 12, 26))
    indicators_appendix = AppendixFactory(plan=plan, number="I", title="Chỉ tiêu", order=1)
    tasks_appendix = AppendixFactory(plan=plan, number="II", title="Nhiệm vụ", kind=Appendix.Kind.TASKS, order=2)
    telecom = SectionFactory(plan=plan, appendix=indicators_appendix, code="I",
                             title=f"HẠ TẦNG VIỄN THÔNG {label}", order=1)
    task_section = SectionFactory(plan=plan, appendix=tasks_appendix, code="I", title=f"NHIỆM VỤ {label}", order=2)

    coverage = IndicatorFactory(plan=plan, appendix=indicators_appendix, section=telecom, code="I.1", order=1,
                                name=f"Tỷ lệ phủ sóng 5G {label}", unit="% dân số")
    TargetFactory(indicator=coverage, year=2026, op=">=", low=90, text="≥ 90")
    TargetFactory(indicator=coverage, year=2027, op=">=", low="95.5", text="95,5")
    TargetFactory(indicator=coverage, year=2030, op=">=", low=100, text="100")
    coverage.lead_agencies.set([lead])
    domains = IndicatorFactory(plan=plan, appendix=indicators_appendix, section=telecom, code="I.2", order=2,
                               name=f"Số lượng tên miền .vn {label}", unit="Tên miền", value_type="count")
    TargetFactory(indicator=domains, year=2026, op=">=", low=43863, text="43.863")
    domains.lead_agencies.set([lead, coordinating])

    first = TaskFactory(plan=plan, appendix=tasks_appendix, section=task_section, code="1", order=1,
                        content=f"Triển khai trạm 5G {label}", deadline_kind=Task.DeadlineKind.QUARTER,
                        deadline_text="Quý IV/2026", start_date=date(2026, 10, 1), due_date=date(2026, 12, 31))
    first.lead_agencies.set([lead])
    first.coordinating_agencies.set([coordinating])
    second = TaskFactory(plan=plan, appendix=tasks_appendix, section=task_section, code="2", order=2,
                         content=f"Rà soát hạ tầng dữ liệu {label}", deadline_kind=Task.DeadlineKind.ONGOING,
                         deadline_text="Thường xuyên")
    second.lead_agencies.set([coordinating])
    return plan
