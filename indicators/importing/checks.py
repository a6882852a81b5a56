"""Consistency warnings over a whole parsed document: what a careful reader of the plan would point out
before it goes into the system. None stops an import; each names its appendix and line.

- an item number typed twice under one heading, or two items given one code (the later one is renumbered,
  and the warning says to what);
- two indicators with the same name in one appendix;
- the same project twice in one appendix;
- a target on the wrong side of the baseline for the indicator's direction;
- a year without a target between two years that have one.
"""

from collections import defaultdict
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz

from agencies.text import fold
from indicators.importing.parsed import Issue, ParsedIndicator, ParsedPlan
from indicators.numbers import format_number

KIND_WORDS = {"indicators": gettext_lazy("chỉ tiêu"), "tasks": gettext_lazy("nhiệm vụ"),
              "projects": gettext_lazy("dự án"), "results": gettext_lazy("kết quả")}


def _where(item) -> str:
    return _("Phụ lục {n}").format(n=item.appendix) if item.appendix else ""


def consistency_checks(plan: ParsedPlan, *, renumber: Callable[[ParsedPlan], None]) -> None:
    """Run `renumber` (which makes item codes unique) and warn of every renumbering it did within one
    appendix, then add the other consistency warnings to `plan.warnings`."""
    before = {kind: [(item, item.code) for item in items] for kind, items in plan.items().items()}
    renumber(plan)
    plan.warnings.extend(repeated_numbers(plan))
    plan.warnings.extend(duplicate_numbers(before))
    plan.warnings.extend(duplicate_indicator_names(plan))
    plan.warnings.extend(repeated_projects(plan))
    plan.warnings.extend(targets_against_baseline(plan))
    plan.warnings.extend(missing_target_years(plan))


def repeated_numbers(plan: ParsedPlan) -> list[Issue]:
    """The same number typed twice under one heading of a table (a merged number cell is not a repeat):
    the table's reader gave the later item a suffix ("1.2"); say so."""
    warnings = []
    for kind, items in plan.items().items():
        first: dict[tuple, object] = {}
        for item in items:
            if not item.written_number:
                continue
            key = (item.appendix, item.section_key, item.written_number)
            if key in first:
                warnings.append(Issue(
                    _("Số thứ tự “{code}” của {kind} bị trùng (đã có ở dòng {line}): mục này được ghi với mã “{new}”; "
                      "kiểm tra lại số thứ tự trong văn bản.").format(
                        code=item.written_number, kind=KIND_WORDS[kind], line=first[key].line or "?", new=item.code),
                    item.line, _where(item)))
            else:
                first[key] = item
    return warnings


def duplicate_numbers(before: dict[str, list[tuple]]) -> list[Issue]:
    warnings = []
    for kind, pairs in before.items():
        first: dict[tuple, object] = {}
        for item, code in pairs:
            key = (item.appendix, code)
            if key not in first:
                first[key] = item
                continue
            earlier = first[key]
            warnings.append(Issue(
                _("Số thứ tự “{code}” của {kind} bị trùng (đã có ở dòng {line}): mục này được ghi với mã “{new}”; "
                  "kiểm tra lại số thứ tự trong văn bản.").format(
                    code=code, kind=KIND_WORDS[kind], line=earlier.line or "?", new=item.code),
                item.line, _where(item)))
    return warnings


def duplicate_indicator_names(plan: ParsedPlan) -> list[Issue]:
    warnings, seen = [], {}
    for indicator in plan.indicators:
        key = (indicator.appendix, " ".join(fold(indicator.name).split()))
        if key in seen:
            warnings.append(Issue(_("Chỉ tiêu {code} trùng tên với chỉ tiêu {other} (dòng {line}): “{name}”.").format(
                code=indicator.code, other=seen[key].code, line=seen[key].line or "?", name=indicator.name[:120]),
                indicator.line, _where(indicator)))
        else:
            seen[key] = indicator
    return warnings


def repeated_projects(plan: ParsedPlan) -> list[Issue]:
    """The same project twice in one appendix (across appendices, interpret already says so)."""
    warnings = []
    by_appendix = defaultdict(list)
    for project in plan.projects:
        by_appendix[project.appendix].append(project)
    for projects in by_appendix.values():
        keys = [" ".join(fold(p.name).split()) for p in projects]
        for index, project in enumerate(projects):
            for other, other_key in zip(projects[index + 1:], keys[index + 1:], strict=True):
                if keys[index] and fuzz.token_sort_ratio(keys[index], other_key) >= 95:
                    warnings.append(Issue(_("Dự án “{name}” được ghi hai lần trong cùng phụ lục (dòng {a} và dòng {b})."
                                            ).format(name=other.name[:120], a=project.line or "?",
                                                     b=other.line or "?"), other.line, _where(other)))
                    break
    return warnings


def _bound(target):
    return target.low if target.low is not None else target.high


def targets_against_baseline(plan: ParsedPlan) -> list[Issue]:
    warnings = []
    for indicator in plan.indicators:
        if not indicator.baseline or indicator.baseline[1] is None:
            continue
        baseline = indicator.baseline[1]
        for target in indicator.targets:
            bound = _bound(target)
            if target.op in ("text", "maintain") or bound is None:
                continue
            wrong = bound < baseline if indicator.direction == "increase" else bound > baseline
            if wrong:
                warnings.append(Issue(_(
                    "Chỉ tiêu {code}: mục tiêu năm {year} ({target}) {side} hiện trạng ({baseline}) trong khi chỉ tiêu "
                    "{direction}.").format(
                    code=indicator.code, year=target.year, target=format_number(bound),
                    side=_("thấp hơn") if indicator.direction == "increase" else _("cao hơn"),
                    baseline=format_number(baseline),
                    direction=_("càng cao càng tốt") if indicator.direction == "increase" else _("càng thấp càng tốt")),
                    indicator.line, _where(indicator)))
                break
    return warnings


def _empty_cell_warning(year: int) -> str:
    # The table interpreter's own words for an empty year cell: the same gap is not reported twice.
    return _("Ô mục tiêu năm {year} trống: có thể là ô gộp với năm bên cạnh; không ghi mục tiêu năm này.").format(
        year=year)


def missing_target_years(plan: ParsedPlan) -> list[Issue]:
    warnings = []
    said = {(w.line, w.where, w.message) for w in plan.warnings}
    for indicator in plan.indicators:
        years = sorted({t.year for t in indicator.targets})
        if len(years) < 2:
            continue
        missing = [y for y in range(years[0], years[-1] + 1)
                   if y not in years and (indicator.line, _where(indicator), _empty_cell_warning(y)) not in said]
        if missing:
            warnings.append(_missing_issue(indicator, missing, years))
    return warnings


def _missing_issue(indicator: ParsedIndicator, missing: list[int], years: list[int]) -> Issue:
    return Issue(_("Chỉ tiêu {code}: có mục tiêu năm {first} và năm {last} nhưng thiếu năm {missing}.").format(
        code=indicator.code, first=years[0], last=years[-1], missing=", ".join(str(y) for y in missing)),
        indicator.line, _where(indicator))
