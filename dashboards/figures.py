"""Plotly figures of the dashboards, built on the server from snapshot rows and returned as plain JSON
(the page places it with `json_script`; static/js/dashboards.js draws it).

Every figure: Vietnamese labels, decimal comma and thousands dot (`separators`), the status palette of
`dashboards.palette`, and user text (agency names, indicator names) HTML-escaped, because Plotly renders
a subset of HTML in tick labels and hover text.
"""

import datetime as dt
import json
from decimal import Decimal

import plotly.io as pio
from django.utils.html import escape
from django.utils.translation import gettext as _

from dashboards import palette
from indicators.numbers import format_number

SEPARATORS = ",."
CONFIG = {"displaylogo": False, "responsive": True,
          "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}
# d3 formats: "," groups thousands (a dot, by `separators`), "~f" drops trailing zeros: 120.000 · 86,58.
NUMBER_AXIS = {"tickformat": ",~f", "hoverformat": ",~f"}
# Room between an axis's tick labels and its title (px); Plotly honours it only with `automargin`.
AXIS_TITLE_STANDOFF = 14
FONT = {"family": 'system-ui, "Segoe UI", Roboto, Arial, sans-serif', "size": 13, "color": "#1d2733"}


def _layout(**extra) -> dict:
    layout = {
        "separators": SEPARATORS,
        "font": FONT,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "hoverlabel": {"font": {"size": 13}},
        "autosize": True,
        # Plotly's default template adds kilobytes to each figure and colours of its own: the palette is ours.
        "template": {"layout": {}},
    }
    layout.update(extra)
    return layout


def _trace(kind: str, **props) -> dict:
    return {"type": kind, **props}


class _Figure:
    """Collects traces and layout as plain dicts; `as_json` serialises them with plotly.py's JSON encoder.

    plotly.py validates every property as it is set, which costs more than the rest of a page at province
    scale (a heatmap of 130 agencies); the figures are checked against plotly's schema by the tests
    (tests/dashboards/test_figures.py) instead, and built here without validation."""

    def __init__(self, *traces: dict) -> None:
        self.data = list(traces)
        self.layout: dict = {"shapes": [], "annotations": []}

    def add_trace(self, trace: dict) -> None:
        self.data.append(trace)

    def add_shape(self, **shape) -> None:
        self.layout["shapes"].append(shape)

    def add_annotation(self, **annotation) -> None:
        self.layout["annotations"].append(annotation)

    def update_layout(self, **layout) -> None:
        self.layout.update(layout)


def as_json(figure: _Figure) -> dict:
    """The figure as JSON-ready data (numbers as numbers, no NumPy), config included."""
    layout = {key: value for key, value in figure.layout.items() if value != []}
    data = json.loads(pio.json.to_json_plotly({"data": figure.data, "layout": layout}))
    return {"data": data["data"], "layout": data["layout"], "config": CONFIG}


def _num(value) -> float | None:
    return None if value is None else float(value)


def _short(text: str, width: int = 42) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------- overview


def status_by_section(sections) -> dict:
    """Stacked horizontal bar: one bar per top-level section of each appendix, one segment per status."""
    labels = [escape(_short(f"PL {s.section.appendix.number} · {s.section}" if s.section.appendix
                            else str(s.section))) for s in sections]
    full = [escape(str(s.section)) for s in sections]
    figure = _Figure()
    for swatch in palette.INDICATOR.values():
        counts = [s.counts.get(swatch.key, 0) for s in sections]
        if not any(counts):
            continue
        figure.add_trace(_trace("bar",
            y=labels, x=counts, name=str(swatch.label), orientation="h", marker={"color": swatch.color},
            customdata=full,
            hovertemplate="%{customdata}<br>" + escape(str(swatch.label)) + ": %{x}<extra></extra>"))
    figure.update_layout(**_layout(
        barmode="stack", height=max(180, 46 * len(sections) + 90),
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"title": {"text": _("Số chỉ tiêu"), "standoff": AXIS_TITLE_STANDOFF}, "automargin": True,
               "dtick": 1 if sum(sum(s.counts.values()) for s in sections) < 12 else None, "rangemode": "tozero"}))
    return as_json(figure)


COMPLIANCE_ORDER = list(palette.COMPLIANCE)


def compliance_heatmap(agencies: list[tuple[int, str]], periods, cells) -> dict:
    """Agency × period, each cell coloured by the report's state (discrete colour scale)."""
    codes = [p.code for p in periods]
    columns = [str(p.label) for p in periods]
    index = {key: n for n, key in enumerate(COMPLIANCE_ORDER)}
    by = {(c.agency_id, c.period_code): c for c in cells}
    z, text = [], []
    for agency_id, _name in agencies:
        row_z, row_text = [], []
        for code in codes:
            cell = by.get((agency_id, code))
            if cell is None:
                row_z.append(None)
                row_text.append(_("Không phải báo cáo"))
            else:
                row_z.append(index[cell.state])
                row_text.append(str(palette.COMPLIANCE[cell.state].label))
        z.append(row_z)
        text.append(row_text)
    n = len(COMPLIANCE_ORDER)
    scale = []
    for i, key in enumerate(COMPLIANCE_ORDER):
        color = palette.COMPLIANCE[key].color
        scale += [[i / n, color], [(i + 1) / n, color]]
    names = [escape(_short(name, 34)) for _id, name in agencies]
    figure = _Figure(_trace("heatmap",
        z=z, x=columns, y=names, text=text, zmin=-0.5, zmax=n - 0.5, colorscale=scale, showscale=False,
        xgap=2, ygap=2, hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>"))
    # A legend for a discrete heatmap: one invisible marker trace per state.
    for key in COMPLIANCE_ORDER:
        swatch = palette.COMPLIANCE[key]
        figure.add_trace(_trace("scatter", x=[None], y=[None], mode="markers", name=str(swatch.label),
                                    marker={"color": swatch.color, "size": 12, "symbol": "square"},
                                    hoverinfo="skip"))
    figure.update_layout(**_layout(
        height=max(200, 26 * len(agencies) + 120), yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"side": "top", "type": "category"}, showlegend=True,
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0}))
    return as_json(figure)


def task_timeline(tasks, today: dt.date) -> dict:
    """Gantt-like: each task from its start to its due date, coloured by its status; today marked."""
    figure = _Figure()
    dated = [t for t in tasks if t.due_date]
    for swatch in palette.TASK.values():
        mine = [t for t in dated if (t.progress_snapshot.status if getattr(t, "progress_snapshot", None)
                                     else "not_started") == swatch.key]
        if not mine:
            continue
        starts = [(t.start_date or dt.date(t.due_date.year, 1, 1)) for t in mine]
        ends = [t.due_date + dt.timedelta(days=1) for t in mine]
        figure.add_trace(_trace("bar",
            orientation="h", name=str(swatch.label), marker={"color": swatch.color},
            y=[escape(_short(f"{t.code}. {t.content}", 40)) for t in mine],
            base=[s.isoformat() for s in starts],
            x=[(e - s).days * 86_400_000 for s, e in zip(starts, ends, strict=True)],
            customdata=[[escape(_short(t.content, 90)), s.strftime("%d/%m/%Y"), t.due_date.strftime("%d/%m/%Y")]
                        for t, s in zip(mine, starts, strict=True)],
            hovertemplate=("%{customdata[0]}<br>" + _("Từ %{customdata[1]} đến %{customdata[2]}")
                           + "<br>" + escape(str(swatch.label)) + "<extra></extra>")))
    order = [escape(_short(f"{t.code}. {t.content}", 40)) for t in dated]
    figure.add_shape(type="line", x0=today.isoformat(), x1=today.isoformat(), y0=0, y1=1, yref="paper",
                     line={"color": "#1d2733", "width": 2, "dash": "dot"})
    figure.add_annotation(x=today.isoformat(), y=1, yref="paper", text=_("Hôm nay"), showarrow=False,
                          yanchor="bottom", font={"size": 12})
    figure.update_layout(**_layout(
        barmode="overlay", height=max(220, 24 * len(dated) + 120),
        yaxis={"autorange": "reversed", "automargin": True, "categoryorder": "array", "categoryarray": order},
        xaxis={"type": "date", "tickformat": "%m/%Y", "hoverformat": "%d/%m/%Y"},
        margin={"l": 10, "r": 10, "t": 24, "b": 10}))
    return as_json(figure)


def agency_status_bars(indicator_counts: dict, task_counts: dict) -> dict:
    """An agency's indicators and tasks by status: two stacked horizontal bars."""
    figure = _Figure()
    rows = [(_("Chỉ tiêu"), indicator_counts, palette.INDICATOR), (_("Nhiệm vụ"), task_counts, palette.TASK)]
    for label, counts, swatches in rows:
        for swatch in swatches.values():
            if counts.get(swatch.key):
                figure.add_trace(_trace("bar", y=[label], x=[counts[swatch.key]], orientation="h", name=str(swatch.label),
                                        marker={"color": swatch.color},
                                        hovertemplate=escape(str(swatch.label)) + ": %{x}<extra></extra>"))
    most = max(sum(indicator_counts.values()), sum(task_counts.values()), 1)
    figure.update_layout(**_layout(barmode="stack", height=220, yaxis={"automargin": True},
                                   xaxis={"rangemode": "tozero", "automargin": True,
                                          "title": {"text": _("Số mục"), "standoff": AXIS_TITLE_STANDOFF},
                                          "dtick": 1 if most <= 12 else None}))
    return as_json(figure)


# ---------------------------------------------------------------- one indicator


def indicator_course(*, indicator, targets, snapshots, series, final_year: int) -> dict:
    """Baseline, yearly targets (markers), actual per period and per year, and the straight course from the
    baseline to the final target (the path Open SDG's required growth follows, drawn linearly)."""
    unit = indicator.unit or ""
    figure = _Figure()
    baseline = getattr(indicator, "baseline", None)
    if baseline is not None and baseline.value is not None:
        base_year = baseline.year or indicator.plan.start_year - 1
        figure.add_trace(_trace("scatter",
            x=[f"{base_year}-12-31"], y=[_num(baseline.value)], mode="markers", name=_("Hiện trạng"),
            marker={"symbol": "diamond", "size": 12, "color": palette.GREY, "line": {"color": "#000", "width": 1}},
            hovertemplate=_("Hiện trạng %(year)s") % {"year": base_year} + ": %{y}" + f" {escape(unit)}<extra></extra>"))
    bounds = [t for t in targets if t.low is not None]
    if bounds:
        figure.add_trace(_trace("scatter",
            x=[f"{t.year}-12-31" for t in bounds], y=[_num(t.low) for t in bounds], mode="markers",
            name=_("Mục tiêu năm"), marker={"symbol": "line-ew-open", "size": 22, "color": palette.VERMILLION,
                                             "line": {"width": 3}},
            customdata=[escape(t.text or "") for t in bounds],
            hovertemplate=_("Mục tiêu") + " %{x|%Y}: %{customdata}<extra></extra>"))
        final = next((t for t in bounds if t.year == final_year), None)
        if final is not None and baseline is not None and baseline.value is not None:
            figure.add_trace(_trace("scatter",
                x=[f"{base_year}-12-31", f"{final_year}-12-31"], y=[_num(baseline.value), _num(final.low)],
                mode="lines", name=_("Lộ trình đến mục tiêu %(year)s") % {"year": final_year},
                line={"color": palette.GREY, "dash": "dash"}, hoverinfo="skip"))
    quarters = [p for p in series if p.quarter and p.value is not None]
    if quarters:
        figure.add_trace(_trace("scatter",
            x=[_quarter_end(p.year, p.quarter) for p in quarters], y=[_num(p.value) for p in quarters],
            mode="markers+lines", name=_("Thực tế theo quý"), line={"color": palette.SKY_BLUE},
            marker={"color": palette.SKY_BLUE, "size": 7}, customdata=[p.label for p in quarters],
            hovertemplate="%{customdata}: %{y}" + f" {escape(unit)}<extra></extra>"))
    yearly = [s for s in snapshots if s.actual is not None]
    if yearly:
        figure.add_trace(_trace("scatter",
            x=[f"{s.year}-12-31" for s in yearly], y=[_num(s.actual) for s in yearly], mode="markers+lines",
            name=_("Thực tế cả năm"), line={"color": palette.BLUE, "width": 3},
            marker={"size": 10, "color": [palette.swatch(s.status).color for s in yearly],
                    "line": {"color": "#000", "width": 1}},
            customdata=[[s.year, escape(s.explanation)] for s in yearly],
            hovertemplate=_("Năm") + " %{customdata[0]}: %{y}" + f" {escape(unit)}" + "<br>%{customdata[1]}<extra></extra>"))
    figure.update_layout(**_layout(
        height=360, xaxis={"type": "date", "tickformat": "%Y", "dtick": "M12", "hoverformat": "%d/%m/%Y"},
        yaxis={"title": {"text": escape(unit)}, "rangemode": "tozero", "automargin": True, **NUMBER_AXIS},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0}))
    return as_json(figure)


def _quarter_end(year: int, quarter: int) -> str:
    month = quarter * 3
    day = 31 if month in (3, 12) else 30
    return f"{year}-{month:02d}-{day:02d}"


def agency_values(rows, unit: str) -> dict:
    """The latest figure of each agency that reported in the year: one bar per agency."""
    shown = [r for r in rows if r["value"] is not None]
    names = [escape(_short(r["agency"].display_name, 34)) for r in shown]
    custom = [[escape(r["agency"].name),
               format_number(r["numerator"]) if r["numerator"] is not None else "",
               format_number(r["denominator"]) if r["denominator"] is not None else ""] for r in shown]
    ratio = any(r["numerator"] is not None for r in shown)
    hover = "%{customdata[0]}: %{x}" + f" {escape(unit)}"
    if ratio:
        hover += "<br>" + _("Tử số") + " %{customdata[1]} / " + _("mẫu số") + " %{customdata[2]}"
    figure = _Figure(_trace("bar", y=names, x=[_num(r["value"]) for r in shown], orientation="h",
                              marker={"color": palette.BLUE}, customdata=custom,
                              hovertemplate=hover + "<extra></extra>"))
    figure.update_layout(**_layout(height=max(160, 28 * len(shown) + 80),
                                   yaxis={"autorange": "reversed", "automargin": True},
                                   xaxis={"title": {"text": escape(unit), "standoff": AXIS_TITLE_STANDOFF},
                                          "automargin": True, "rangemode": "tozero", **NUMBER_AXIS}))
    return as_json(figure)


def percent(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"))
