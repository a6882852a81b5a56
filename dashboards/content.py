"""What each page shows, built from the selectors' rows: its charts (Plotly JSON) and its tables
(`DataTable`, drawn in the page and exported to .xlsx). Templates only place them."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dashboards import figures, palette
from dashboards.tables import DATE, LINK, NUMBER, PERCENT, STATUS, YEAR, Badge, Column, DataTable, Link
from indicators.rules import STATUS_LABELS, Status, TaskStatus


def _names(agencies) -> str:
    return "; ".join(a.display_name for a in agencies)


def indicator_link(indicator, year: int, *, url_pattern: str | None = None) -> Link:
    """`url_pattern` (from `indicator_url_pattern`): for a table of indicators, the URL reversed once."""
    href = (url_pattern.format(indicator.pk) if url_pattern
            else reverse("dashboards:indicator", args=[indicator.pk]))
    return Link(f"{indicator.code}. {indicator.name}", href + "?" + urlencode({"year": year}))


def indicator_url_pattern() -> str:
    """The indicator page's URL with "{}" for its id (reversed with a stand-in id)."""
    return reverse("dashboards:indicator", args=[0]).replace("/0/", "/{}/")


def agency_link(agency, plan, year: int) -> Link:
    return Link(agency.name, reverse("dashboards:agency", args=[agency.pk]) + "?"
                + urlencode({"plan": plan.code, "year": year}))


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


# ---------------------------------------------------------------- all plans


def plans_table(headlines) -> DataTable:
    columns = [Column(_("Kế hoạch"), LINK), Column(_("Năm"), YEAR), Column(_("Số chỉ tiêu"), NUMBER),
               *[Column(str(s.label), NUMBER) for s in palette.INDICATOR.values()],
               Column(_("Tỷ lệ đạt (%)"), PERCENT), Column(_("Nhiệm vụ hoàn thành"), NUMBER),
               Column(_("Nhiệm vụ quá hạn"), NUMBER), Column(_("Tính lúc"), DATE)]
    rows = []
    for h in headlines:
        link = Link(h.plan.title, reverse("dashboards:overview") + "?" + urlencode({"plan": h.plan.code,
                                                                                     "year": h.year}))
        rows.append([link, h.year, sum(h.counts.values()) if h.rollup else None,
                     *[h.counts.get(key, 0) if h.rollup else None for key in palette.INDICATOR],
                     h.rollup.share_achieved if h.rollup else None,
                     h.task_counts.get(TaskStatus.COMPLETED, 0) if h.rollup else None,
                     h.task_counts.get(TaskStatus.OVERDUE, 0) if h.rollup else None,
                     h.freshness.computed_at])
    return DataTable("ke-hoach", _("Các kế hoạch của tỉnh"), columns, rows,
                     empty=_("Chưa có kế hoạch nào."))


# ---------------------------------------------------------------- overview


def _cards(data) -> list[dict]:
    counts = data.rollup.counts if data.rollup else {}
    tasks = data.rollup.task_counts if data.rollup else {}
    base = reverse("plans:detail", args=[data.plan.code])
    cards = []
    keys = ([Status.ACHIEVED, Status.NOT_ACHIEVED, Status.NO_DATA] if data.year_over
            else [Status.ACHIEVED, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA])
    for key in keys:
        cards.append({"key": key, "label": STATUS_LABELS[key], "value": counts.get(key, 0) if data.rollup else None,
                      "unit": _("chỉ tiêu"),
                      "href": f"{base}?{urlencode({'year': data.year, 'trang_thai': key})}#chi-tieu"})
    for key in (TaskStatus.COMPLETED, TaskStatus.OVERDUE):
        cards.append({"key": key, "label": palette.TASK[key].label, "value": tasks.get(key, 0) if data.rollup else None,
                      "unit": _("nhiệm vụ"), "href": f"#{'tre-han' if key == TaskStatus.OVERDUE else 'tien-do-nv'}"})
    c = data.latest_compliance
    if data.latest_period is not None:
        share = _share(c.get("on_time", 0), c.get("expected", 0))
        cards.append({"key": on_time_key(share),
                      "label": _("Báo cáo đúng hạn %(period)s") % {"period": data.latest_period.label},
                      "value": share, "unit": "%", "percent": True, "href": "#tuan-thu"})
    return cards


# The on-time card's colour: green only when nearly every report came on time.
ON_TIME_GOOD = Decimal(90)
ON_TIME_FAIR = Decimal(70)


def on_time_key(share: Decimal | None) -> str:
    """The palette key of a share of reports on time: no reports expected is grey, not green."""
    if share is None:
        return palette.NOT_DUE
    if share >= ON_TIME_GOOD:
        return palette.ON_TIME
    return palette.LATE if share >= ON_TIME_FAIR else palette.MISSING


def overview_content(data, *, today: dt.date) -> dict:
    plan, year = data.plan, data.year
    tables: dict[str, DataTable] = {}
    charts: dict[str, dict] = {}

    # Status by section.
    keys = list(palette.INDICATOR)
    tables["theo-muc"] = DataTable(
        "theo-muc", _("Trạng thái chỉ tiêu theo mục, năm %(year)s") % {"year": year},
        [Column(_("Phụ lục")), Column(_("Mục")), *[Column(str(palette.INDICATOR[k].label), NUMBER) for k in keys],
         Column(_("Tỷ lệ đạt (%)"), PERCENT)],
        [[s.section.appendix.number if s.section.appendix else "", str(s.section),
          *[s.counts.get(k, 0) for k in keys], s.share_achieved] for s in data.sections],
        empty=_("Chưa có số liệu tiến độ theo mục."))
    if data.sections:
        charts["theo-muc"] = figures.status_by_section(data.sections)

    # Agency scorecard: the ranking leaders ask for (share achieved, then reports on time).
    tables["co-quan"] = DataTable(
        "co-quan", _("Xếp hạng cơ quan chủ trì, năm %(year)s") % {"year": year},
        [Column(_("Hạng"), NUMBER), Column(_("Cơ quan"), LINK), Column(_("Chỉ tiêu"), NUMBER),
         Column(_("Đạt / đúng tiến độ"), NUMBER), Column(_("Có nguy cơ / chậm / chưa đạt"), NUMBER),
         Column(_("Nhiệm vụ"), NUMBER), Column(_("Nhiệm vụ quá hạn"), NUMBER),
         Column(_("Tỷ lệ đạt (%)"), PERCENT), Column(_("Báo cáo đúng hạn"), NUMBER), Column(_("Trễ hạn"), NUMBER),
         Column(_("Chưa nộp"), NUMBER), Column(_("Bị trả lại"), NUMBER)],
        [[n, agency_link(row.agency, plan, year), sum(row.indicator_counts.values()),
          row.indicator_counts.get(Status.ACHIEVED, 0) + row.indicator_counts.get(Status.ON_TRACK, 0),
          sum(row.indicator_counts.get(k, 0) for k in (Status.AT_RISK, Status.OFF_TRACK, Status.NOT_ACHIEVED)),
          sum(row.task_counts.values()), row.task_counts.get(TaskStatus.OVERDUE, 0), row.share_achieved,
          row.reports_on_time, row.reports_late, row.reports_missing, row.reports_returned]
         for n, row in enumerate(data.scorecard, start=1)],
        empty=_("Chưa có số liệu theo cơ quan."))

    # Compliance heatmap.
    agency_rows = _agency_rows(data)
    by = {(c.agency_id, c.period_code): c for c in data.cells}
    tables["tuan-thu"] = DataTable(
        "tuan-thu", _("Tình hình nộp báo cáo theo kỳ, năm %(year)s") % {"year": year},
        [Column(_("Cơ quan")), *[Column(str(p.label), STATUS) for p in data.periods]],
        [[name, *[Badge(by[(aid, p.code)].state, by[(aid, p.code)].status_label) if (aid, p.code) in by else None
                  for p in data.periods]] for aid, name in agency_rows],
        empty=_("Chưa có báo cáo nào trong năm."))
    if agency_rows and data.periods:
        charts["tuan-thu"] = figures.compliance_heatmap(agency_rows, data.periods, data.cells)

    # Indicators that need attention.
    tables["can-chu-y"] = DataTable(
        "can-chu-y", (_("Chỉ tiêu chưa đạt năm %(year)s") if data.year_over
                      else _("Chỉ tiêu chậm tiến độ hoặc có nguy cơ, năm %(year)s")) % {"year": year},
        [Column(_("Chỉ tiêu"), LINK), Column(_("Trạng thái"), STATUS), Column(_("Giải thích"))],
        [[indicator_link(r.indicator, year), Badge(r.status, r.explanation), r.explanation] for r in data.attention],
        empty=_("Không có chỉ tiêu nào cần chú ý."))

    # Overdue tasks by lead agency.
    tables["tre-han"] = DataTable(
        "tre-han", _("Nhiệm vụ quá hạn theo cơ quan chủ trì"),
        [Column(_("Cơ quan chủ trì")), Column(_("Nhiệm vụ")), Column(_("Hạn"), DATE), Column(_("Giải thích"))],
        [[name, f"{t.code}. {t.content}", t.due_date, t.progress_snapshot.explanation]
         for name, tasks in data.overdue_by_agency for t in tasks],
        empty=_("Không có nhiệm vụ quá hạn."))

    # Task timeline.
    tables["tien-do-nv"] = DataTable(
        "tien-do-nv", _("Tiến độ nhiệm vụ"),
        [Column(_("Nhiệm vụ")), Column(_("Chủ trì")), Column(_("Bắt đầu"), DATE), Column(_("Hạn"), DATE),
         Column(_("Trạng thái"), STATUS), Column(_("Tiến độ (%)"), PERCENT)],
        [[f"{t.code}. {t.content}", _names(t.lead_agencies.all()), t.start_date, t.due_date,
          _task_badge(t), t.progress_snapshot.progress if _snap(t) else None] for t in data.tasks],
        empty=_("Không có nhiệm vụ nào."))
    if any(t.due_date for t in data.tasks):
        charts["tien-do-nv"] = figures.task_timeline(data.tasks, today)
    return {"cards": _cards(data), "tables": tables, "charts": charts}


def _agency_rows(data) -> list[tuple[int, str]]:
    """The heatmap's agencies in the scorecard's order, then the others that report, by name."""
    names = data.agency_names
    ranked = [(row.agency_id, names[row.agency_id]) for row in data.scorecard if row.agency_id in names]
    known = {agency_id for agency_id, _name in ranked}
    return ranked + sorted(((aid, name) for aid, name in names.items() if aid not in known),
                           key=lambda pair: pair[1])


def _snap(task):
    return getattr(task, "progress_snapshot", None)


def _task_badge(task) -> Badge:
    snap = _snap(task)
    if snap is None:
        return Badge("no_data", _("Chưa tính tiến độ"))
    return Badge(snap.status, snap.explanation)


# ---------------------------------------------------------------- indicator


def indicator_content(data, *, evidence_url) -> dict:
    indicator, year = data.indicator, data.year
    unit = indicator.unit or ""
    tables: dict[str, DataTable] = {}
    charts: dict[str, dict] = {}
    charts["dien-bien"] = figures.indicator_course(indicator=indicator, targets=data.targets,
                                                   snapshots=data.snapshots, series=data.series,
                                                   final_year=indicator.plan.end_year)
    snapshots = {s.year: s for s in data.snapshots}
    targets = {t.year: t for t in data.targets}
    baseline = _baseline(indicator)
    rows = []
    if baseline is not None:
        rows.append([_("Hiện trạng %(year)s") % {"year": baseline.year} if baseline.year else _("Hiện trạng"),
                     baseline.text or "", baseline.value, None, None])
    for y in indicator.plan.years:
        snap = snapshots.get(y)
        target = targets.get(y)
        rows.append([_("Năm %(year)s") % {"year": y}, target.text if target else "", snap.actual if snap else None,
                     Badge(snap.status, snap.explanation) if snap else None, snap.explanation if snap else ""])
    tables["theo-nam"] = DataTable(
        "theo-nam", _("Mục tiêu và thực tế theo năm"),
        [Column(_("Năm")), Column(_("Mục tiêu")), Column(_("Thực tế (%(unit)s)") % {"unit": unit} if unit
                                                         else _("Thực tế"), NUMBER),
         Column(_("Trạng thái"), STATUS), Column(_("Giải thích"))], rows)
    tables["theo-ky"] = DataTable(
        "theo-ky", _("Số liệu đã duyệt theo kỳ (toàn tỉnh)"),
        [Column(_("Kỳ")), Column(_("Giá trị"), NUMBER), Column(_("Tổng tử số"), NUMBER),
         Column(_("Tổng mẫu số"), NUMBER), Column(_("Số cơ quan"), NUMBER)],
        [[p.label, p.value, p.numerator, p.denominator, p.agencies] for p in data.series],
        empty=_("Chưa có số liệu nào được duyệt."))
    tables["theo-co-quan"] = DataTable(
        "theo-co-quan", _("Số liệu theo cơ quan, năm %(year)s") % {"year": year},
        [Column(_("Cơ quan")), Column(_("Giá trị"), NUMBER), Column(_("Tử số"), NUMBER), Column(_("Mẫu số"), NUMBER),
         Column(_("Kỳ gần nhất"))],
        [[r["agency"].name, r["value"], r["numerator"], r["denominator"], r["period"].label] for r in data.by_agency],
        empty=_("Chưa có cơ quan nào có số liệu được duyệt trong năm."))
    if len(data.by_agency) > 1:
        charts["theo-co-quan"] = figures.agency_values(data.by_agency, unit)
    report_url = reverse("reports:report", args=[0]).replace("/0/", "/{}/")  # one reverse, not one per row
    tables["gia-tri"] = DataTable(
        "gia-tri", _("Các giá trị đã duyệt, năm %(year)s") % {"year": year},
        [Column(_("Kỳ")), Column(_("Cơ quan")), Column(_("Giá trị"), NUMBER), Column(_("Tử số"), NUMBER),
         Column(_("Mẫu số"), NUMBER), Column(_("Duyệt ngày"), DATE), Column(_("Báo cáo"), LINK),
         Column(_("Minh chứng"), LINK)],
        [[e.report.period.label, e.report.agency.name, e.value, e.numerator, e.denominator,
          _local_date(e.report.approved_at), Link(_("Báo cáo %(period)s") % {"period": e.report.period.label},
                                                  report_url.format(e.report.pk)),
          [Link(a.original_name, evidence_url(a.pk)) for a in e.report.attachments.all()]]
         for e in data.entries],
        empty=_("Chưa có giá trị nào được duyệt trong năm."))
    return {"tables": tables, "charts": charts}


def _local_date(moment):
    from django.utils import timezone

    return timezone.localtime(moment).date() if moment else None


# ---------------------------------------------------------------- agency


def agency_content(data) -> dict:
    year = data.year
    tables: dict[str, DataTable] = {}
    charts: dict[str, dict] = {}
    tables["chi-tieu"] = DataTable(
        "chi-tieu", _("Chỉ tiêu do cơ quan chủ trì, năm %(year)s") % {"year": year},
        [Column(_("Chỉ tiêu"), LINK), Column(_("Thực tế"), NUMBER), Column(_("Mục tiêu")),
         Column(_("Trạng thái"), STATUS), Column(_("Giải thích"))],
        [[indicator_link(r.indicator, year), r.actual, r.target_text, Badge(r.status, r.explanation), r.explanation]
         for r in data.indicators]
        + [[indicator_link(i, year), None, "", Badge("no_data", _("Chưa tính tiến độ")), ""]
           for i in data.indicators_without_snapshot],
        empty=_("Cơ quan không chủ trì chỉ tiêu nào của kế hoạch."))
    tables["nhiem-vu"] = DataTable(
        "nhiem-vu", _("Nhiệm vụ do cơ quan chủ trì"),
        [Column(_("Nhiệm vụ")), Column(_("Hạn"), DATE), Column(_("Trạng thái"), STATUS),
         Column(_("Tiến độ (%)"), PERCENT), Column(_("Giải thích"))],
        [[f"{t.code}. {t.content}", t.due_date, _task_badge(t), _snap(t).progress if _snap(t) else None,
          _snap(t).explanation if _snap(t) else ""] for t in data.tasks],
        empty=_("Cơ quan không chủ trì nhiệm vụ nào của kế hoạch."))
    tables["bao-cao"] = DataTable(
        "bao-cao", _("Lịch sử nộp báo cáo"),
        [Column(_("Kỳ")), Column(_("Hạn nộp (trước ngày)"), DATE), Column(_("Nộp lần đầu"), DATE),
         Column(_("Tình hình"), STATUS), Column(_("Trạng thái báo cáo")), Column(_("Số lần bị trả lại"), NUMBER),
         Column(_("Đã điền"), NUMBER), Column(_("Số mục"), NUMBER)],
        [[_period_label(r), r["period__due_on"], _local_date(r["first_submitted_at"]),
          Badge(r["state"], r["status_label"]), r["status_label"], r["returned_count"] or 0, r["entries_filled"],
          r["entries_assigned"]] for r in data.reports],
        empty=_("Chưa có báo cáo nào."))
    counts = data.rollup.indicator_counts if data.rollup else {}
    task_counts = data.rollup.task_counts if data.rollup else {}
    if counts or task_counts:
        charts["trang-thai"] = figures.agency_status_bars(counts, task_counts)
    return {"tables": tables, "charts": charts}


def _period_label(report: dict) -> str:
    if report["period__quarter"]:
        return _("Quý %(quarter)s/%(year)s") % {"quarter": report["period__quarter"], "year": report["period__year"]}
    return _("Năm %(year)s") % {"year": report["period__year"]}


# ---------------------------------------------------------------- plan page


def plan_content(plan, data, year: int) -> dict:
    tables: dict[str, DataTable] = {}
    rows = []
    url_pattern = indicator_url_pattern()
    for indicator in data.indicators:
        snap = data.progress.get(indicator.pk)
        target = next((t for t in indicator.targets.all() if t.year == year), None)
        rows.append([indicator_link(indicator, year, url_pattern=url_pattern), indicator.unit,
                     (indicator.baseline.text or indicator.baseline.value) if _baseline(indicator) else None,
                     target.text if target else "", snap.actual if snap else None,
                     Badge(snap.status, snap.explanation) if snap else None, snap.explanation if snap else "",
                     "; ".join(data.indicator_leads.get(indicator.pk, []))])
    tables["chi-tieu"] = DataTable(
        "chi-tieu", _("Chỉ tiêu, năm %(year)s") % {"year": year},
        [Column(_("Chỉ tiêu"), LINK), Column(_("ĐVT")), Column(_("Hiện trạng")),
         Column(_("Mục tiêu năm %(year)s") % {"year": year}), Column(_("Thực tế"), NUMBER),
         Column(_("Trạng thái"), STATUS), Column(_("Giải thích")), Column(_("Chủ trì"))], rows,
        empty=_("Không có chỉ tiêu nào."))
    tables["nhiem-vu"] = DataTable(
        "nhiem-vu", _("Nhiệm vụ"),
        [Column(_("Nhiệm vụ")), Column(_("Chủ trì")), Column(_("Thời gian")), Column(_("Trạng thái"), STATUS),
         Column(_("Tiến độ (%)"), PERCENT), Column(_("Giải thích"))],
        [[f"{t.code}. {t.content}", "; ".join(data.task_leads.get(t.pk, [])), t.deadline_text, _task_badge(t),
          _snap(t).progress if _snap(t) else None, _snap(t).explanation if _snap(t) else ""] for t in data.tasks],
        empty=_("Không có nhiệm vụ nào."))
    return {"tables": tables}


def _baseline(indicator):
    from indicators.models import Baseline

    try:
        return indicator.baseline
    except Baseline.DoesNotExist:
        return None


# ---------------------------------------------------------------- public page


def public_content(rows) -> dict:
    return {"tables": {"chi-tieu": DataTable(
        "chi-tieu", _("Chỉ tiêu, mục tiêu và kết quả"),
        [Column(_("Mã")), Column(_("Chỉ tiêu")), Column(_("ĐVT")), Column(_("Mục tiêu")), Column(_("Thực tế"), NUMBER),
         Column(_("Trạng thái"), STATUS)],
        [[r.indicator.code, r.indicator.name, r.indicator.unit, r.target_text, r.actual, Badge(r.status)]
         for r in rows],
        empty=_("Chưa có số liệu công khai."))}}

