"""How the province figure of an imported indicator is made from the agencies' values (DESIGN.md, progress
rule 1), guessed from who reports it and its unit, unless a "Cách tổng hợp" column says so:

- one reporting agency → latest (the agency's own figure is the province's);
- several agencies, or a group ("Các sở, ban, ngành tỉnh", "UBND các xã, phường"), with a count or an
  amount (Số lượng, hộ, km, triệu đồng …) → sum;
- several with a percentage → ratio (each reports numerator and denominator; Σnum / Σden);
- several with anything else (a speed, an index) → mean, flagged for staff to check.

Reads nothing but what the caller passes (its agency resolver, the aggregations already stored), so a dry
run says the same as an import.
"""

import re
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from agencies.text import fold
from indicators.importing.parsed import Issue, ParsedIndicator, ParsedPlan
from indicators.models import Indicator

LATEST, SUM, RATIO, MEAN = (Indicator.Aggregation.LATEST, Indicator.Aggregation.SUM, Indicator.Aggregation.RATIO,
                            Indicator.Aggregation.MEAN)

# Units that add up across agencies: things counted and amounts of money or length, folded.
_ADDITIVE_UNIT = re.compile(
    r"\b(?:so luong|ho|nguoi|km|m|ha|trieu dong|ty dong|nghin dong|dong|usd|doanh nghiep|cai|chiec|tram|diem|"
    r"thue bao|cong trinh|du an|he thong|co so|giai phap|ung dung|mo hinh|don vi|luot|ho so|tai khoan|"
    r"thiet bi|camera|cot|xa|phuong|truong|lop|san pham|dich vu|nen tang|co quan)\b")
_GROUP_NAME = re.compile(r"^(?:cac|ubnd cac|uy ban nhan dan cac|toan bo|tat ca)\b")


def _is_group(agency, text: str) -> bool:
    kind = getattr(agency, "kind", None)
    if kind is not None:
        return kind == "group"
    return bool(_GROUP_NAME.match(fold(text)))


def reporters(lead: Iterable[str], agencies_of: Callable[[str], list]) -> tuple[int, bool]:
    """(how many agencies lead it, whether one of them is a group of agencies)."""
    count, group = 0, False
    for text in lead:
        found = agencies_of(text) or []
        count += len(found)
        group = group or any(_is_group(agency, text) for agency in found) or bool(
            not found and _GROUP_NAME.match(fold(text)))
    return count, group


def guess(indicator: ParsedIndicator, *, agencies: int, group: bool) -> tuple[str, str]:
    """The aggregation and, in words, why."""
    if indicator.value_type == "milestone" or (agencies <= 1 and not group):
        return LATEST, _("một cơ quan báo cáo")
    who = _("nhóm cơ quan báo cáo") if group else _("{n} cơ quan báo cáo").format(n=agencies)
    unit = indicator.unit or "—"
    if indicator.value_type == "percent" or "%" in indicator.unit:
        return RATIO, _("{who}, đơn vị tính “{unit}”: mỗi cơ quan nhập tử số và mẫu số").format(who=who, unit=unit)
    if indicator.value_type == "count" or _ADDITIVE_UNIT.search(fold(indicator.unit)):
        return SUM, _("{who}, đơn vị tính “{unit}”: cộng số của các cơ quan").format(who=who, unit=unit)
    return MEAN, _("{who}, đơn vị tính “{unit}” không cộng được: lấy trung bình, cán bộ cần kiểm tra lại").format(
        who=who, unit=unit)


def stored_aggregations(plan_code: str) -> dict[str, str]:
    """code → aggregation of the plan's indicators already in the database (a re-import)."""
    return dict(Indicator.objects.filter(plan__code=plan_code).values_list("code", "aggregation"))


def infer_aggregations(parsed: ParsedPlan, agencies_of: Callable[[str], list],
                       stored: dict[str, str] | None = None) -> list[Issue]:
    """Set each indicator's aggregation (those without a "Cách tổng hợp" column) and say what was guessed.

    `agencies_of(text)` → the agencies a lead cell names (objects with a `kind`, or placeholders for names
    not in the directory yet). `stored`: on a re-import, the aggregations already set; one other than
    "latest" (the old default) was chosen by staff or an earlier import and is kept. Returns one notice per
    indicator whose figure is not simply the one agency's latest value, so the import report shows every
    guess that changes a province figure."""
    notices = []
    stored = stored or {}
    for indicator in parsed.indicators:
        if indicator.aggregation_explicit:
            continue
        if stored.get(indicator.code, LATEST) != LATEST:
            indicator.aggregation = stored[indicator.code]
            continue
        count, group = reporters(indicator.lead, agencies_of)
        method, why = guess(indicator, agencies=count, group=group)
        indicator.aggregation = str(method)
        if method != LATEST:
            notices.append(Issue(
                _("Chỉ tiêu {code}: cách tổng hợp “{label}” ({why}). Sửa bằng cột “Cách tổng hợp” hoặc trong trang "
                  "quản trị chỉ tiêu.").format(code=indicator.code, label=Indicator.Aggregation(method).label, why=why),
                indicator.line, _("Phụ lục {n}").format(n=indicator.appendix) if indicator.appendix else ""))
    return notices
