"""A plan with approved, submitted and missing reports for 2026-Q3, recomputed: what the outputs read."""

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from agencies.models import Agency, Membership
from progress.services import plan_recompute
from reports.models import VIETNAM
from reports.services import periods_open, report_approve, report_save, report_submit
from tests.factories import (
    AgencyFactory,
    BaselineFactory,
    MembershipFactory,
    SectionFactory,
    TargetFactory,
    UserFactory,
)
from tests.reports.factories import ReportingWorld, reporting_plan

AS_OF = dt.date(2026, 9, 25)


def file_report(world: ReportingWorld, *, agency, reporter, staff, code: str, indicators=None, tasks=None,
                narrative=None, approve: bool = True, on: dt.date | None = None):
    """Fill, submit and (unless `approve=False`) approve `agency`'s report of period `code`, through the
    real services, on the local day `on` (default: the day before the due day)."""
    period = world.period(code)
    on = on or period.due_on - dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(on, dt.time(9, 0), tzinfo=VIETNAM), tick=False):
        periods_open(plan=world.plan, today=on)
        report = world.report(agency, code)
        data = {"indicator_entries": [{"indicator": c, **v} for c, v in (indicators or {}).items()],
                "task_entries": [{"task": c, **v} for c, v in (tasks or {}).items()],
                "narrative": narrative or {}}
        report_save(report=report, user=reporter, version=report.version, data=data)
        report_submit(report=report, user=reporter)
        if approve:
            report_approve(report=report, user=staff)
    report.refresh_from_db()
    return report


@dataclass
class OutputsWorld:
    world: ReportingWorld
    agency_c: Agency

    @property
    def plan(self):
        return self.world.plan


@pytest.fixture
def outputs_world(province, agency_a, agency_b, staff, reporter_a, reporter_b):
    """Plan 2026–2030 (number 540/KH-UBND), sections "I. HẠ TẦNG SỐ" (I.1, I.2, I.3, task II.1) and
    "II. KINH TẾ SỐ" (I.4, task II.2). 2026-Q3: Sở Y tế (A) approved with narratives; UBND phường Cao
    Lãnh (B) submitted, not approved; Sở Công Thương (C, a third agency leading nothing but expected to
    report) never reported. B's 2026-Q1 and Q2 reports (I.4 = 5 then 7 new businesses, a flow) approved."""
    world = reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b, today=dt.date(2026, 9, 1),
                           number="540/KH-UBND", title="Phát triển hạ tầng số trên địa bàn tỉnh giai đoạn 2026 - 2030")
    agency_c = AgencyFactory(province=province, name="Sở Công Thương")
    i1, i2, i3, i4 = (world.indicators[c] for c in ("I.1", "I.2", "I.3", "I.4"))
    i4.lead_agencies.add(agency_c)
    i4.cumulative = False
    i4.save(update_fields=["cumulative"])
    infra = SectionFactory(plan=world.plan, code="I", title="HẠ TẦNG SỐ", order=1)
    economy = SectionFactory(plan=world.plan, code="II", title="KINH TẾ SỐ", order=2)
    for item, section in ((i1, infra), (i2, infra), (i3, infra), (world.tasks["II.1"], infra), (i4, economy),
                          (world.tasks["II.2"], economy)):
        item.section = section
        item.save(update_fields=["section"])
    BaselineFactory(indicator=i1, year=2025, value=50)
    TargetFactory(indicator=i1, year=2026, op=">=", low=90, text="≥ 90%")
    TargetFactory(indicator=i2, year=2026, op=">=", low=80, text="80%")
    TargetFactory(indicator=i3, year=2026, op="text", low=None, text="Hoàn thành")
    TargetFactory(indicator=i4, year=2026, op=">=", low=20, text="20 doanh nghiệp")
    TargetFactory(indicator=i4, year=2027, op=">=", low=1500.5, text="1.500,5 doanh nghiệp")
    periods_open(plan=world.plan, today=dt.date(2026, 9, 1))

    file_report(world, agency=agency_b, reporter=reporter_b, staff=staff, code="2026-Q1",
                indicators={"I.4": {"value": "5"}})
    file_report(world, agency=agency_b, reporter=reporter_b, staff=staff, code="2026-Q2",
                indicators={"I.4": {"value": "7"}})
    file_report(world, agency=agency_a, reporter=reporter_a, staff=staff, code="2026-Q3",
                indicators={"I.1": {"value": "92,5"}, "I.2": {"numerator": "1.016", "denominator": "1.095"},
                            "I.3": {"milestone_state": "in_progress"}},
                tasks={"II.1": {"status": "in_progress", "progress": "60", "done": "Lắp đặt 120 trạm BTS 5G."}},
                narrative={"achievements": "Phủ sóng 5G toàn bộ trung tâm các phường.",
                           "shortcomings": "Hạ tầng ở vùng sâu còn thiếu.",
                           "difficulties": "Kinh phí cấp chậm.",
                           "proposals": "Đề nghị bổ sung kinh phí năm 2027."})
    file_report(world, agency=agency_b, reporter=reporter_b, staff=staff, code="2026-Q3", approve=False,
                indicators={"I.4": {"value": "9"}},
                narrative={"achievements": "Chưa duyệt: không được tính.", "proposals": "Đề xuất chưa duyệt."})
    plan_recompute(plan=world.plan, as_of=AS_OF)
    return OutputsWorld(world=world, agency_c=agency_c)


@pytest.fixture
def system_user(agency_a):
    user = UserFactory(username="ioc")
    MembershipFactory(user=user, agency=agency_a, role=Membership.Role.SYSTEM)
    return user


@pytest.fixture
def other_system_user(other_province):
    user = UserFactory(username="ioc_ca_mau")
    MembershipFactory(user=user, agency=AgencyFactory(province=other_province, name="Sở KH&CN Cà Mau"),
                      role=Membership.Role.SYSTEM)
    return user
