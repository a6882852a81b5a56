"""A plan's open data: a Frictionless Data Package (datapackage.json + one CSV per table) and the same
figures as JSON for other systems (the IOC, the province's open-data portal).

Only approved, aggregated, province-level figures: the indicators as the plan states them, their yearly
targets, the province figure by reporting period and the yearly status from the progress snapshots. No
agency, no note, no person. CSVs are UTF-8, dates ISO 8601, numbers with "." as the decimal mark and no
grouping (machine-readable); titles and descriptions in the schema are Vietnamese.

The values by period are the year's province figure as it stood at the end of each period, counted by
the recompute's own SQL and aggregation (`progress.selectors.indicator_year_figures` with
`through_order`, `progress.services.pick_actual`), from the values approved by the snapshots' `as_of`
date; so the last period of a year with data carries exactly the snapshot's actual.
"""

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.clock import local_today
from agencies.errors import UserError
from dashboards.outputs.text import clean_text
from indicators.exporting.cells import csv_text
from indicators.models import VALUE_DIGITS, Indicator, Target
from indicators.rules import STATUS_LABELS
from plans.models import Plan, Section
from progress.models import IndicatorProgress, PlanProgress
from progress.selectors import indicator_year_figures
from progress.services import pick_actual
from reports.models import ReportingPeriod

SNAPSHOT_PLACES = Decimal(1).scaleb(-VALUE_DIGITS["decimal_places"])


class OpenDataError(UserError):
    """A year outside the plan: `message` is one Vietnamese line."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, number, date, datetime
    title: str
    description: str
    required: bool = False


def table_columns() -> dict[str, list[Column]]:
    return {
        "chi-tieu": [
            Column("ma_chi_tieu", "string", _("Mã chỉ tiêu"), _("Mã của chỉ tiêu trong kế hoạch, ví dụ I.1"), True),
            Column("ten_chi_tieu", "string", _("Tên chỉ tiêu"), _("Tên chỉ tiêu như kế hoạch ghi"), True),
            Column("don_vi_tinh", "string", _("Đơn vị tính"), _("Đơn vị tính của chỉ tiêu (%, doanh nghiệp…)")),
            Column("ma_muc", "string", _("Số mục"), _("Số của mục, nhóm chỉ tiêu (I, II, …)")),
            Column("muc", "string", _("Mục, nhóm chỉ tiêu"), _("Các mục chứa chỉ tiêu, từ cấp trên xuống, "
                                                               "phân cách bằng “ > ”")),
            Column("cach_tong_hop", "string", _("Cách tổng hợp"),
                   _("latest (mới nhất), sum (tổng), ratio (tổng tử số / tổng mẫu số), mean (trung bình)")),
        ],
        "muc-tieu": [
            Column("ma_chi_tieu", "string", _("Mã chỉ tiêu"), _("Mã chỉ tiêu (bảng chi-tieu)"), True),
            Column("nam", "integer", _("Năm"), _("Năm của mục tiêu"), True),
            Column("phep_so_sanh", "string", _("Phép so sánh"),
                   _(">=, >, <=, <, =, range (khoảng), maintain (duy trì), text (mốc, mô tả)")),
            Column("can_duoi", "number", _("Cận dưới"), _("Giá trị mục tiêu (cận dưới)")),
            Column("can_tren", "number", _("Cận trên"), _("Cận trên của mục tiêu, nếu có")),
            Column("nguyen_van", "string", _("Mục tiêu (nguyên văn)"), _("Mục tiêu như kế hoạch ghi")),
        ],
        "gia-tri-theo-ky": [
            Column("ma_chi_tieu", "string", _("Mã chỉ tiêu"), _("Mã chỉ tiêu (bảng chi-tieu)"), True),
            Column("ky", "string", _("Kỳ báo cáo"), _("Mã kỳ: 2026-Q1 … 2026-Q4 (quý), 2026-Y (năm)"), True),
            Column("nam", "integer", _("Năm"), _("Năm của kỳ báo cáo"), True),
            Column("tu_ngay", "date", _("Từ ngày"), _("Ngày đầu của kỳ")),
            Column("den_ngay", "date", _("Đến ngày"), _("Ngày cuối của kỳ")),
            Column("gia_tri", "number", _("Giá trị cấp tỉnh"),
                   _("Số liệu cấp tỉnh của năm tính đến hết kỳ, tổng hợp từ số liệu đã được Sở KH&CN duyệt "
                     "theo cách tổng hợp của chỉ tiêu")),
            Column("tu_so", "number", _("Tổng tử số"), _("Với chỉ tiêu tỷ lệ: tổng tử số của các cơ quan")),
            Column("mau_so", "number", _("Tổng mẫu số"), _("Với chỉ tiêu tỷ lệ: tổng mẫu số của các cơ quan")),
            Column("so_co_quan", "integer", _("Số cơ quan có số liệu"),
                   _("Số cơ quan có số liệu được duyệt tính đến hết kỳ")),
        ],
        "trang-thai-theo-nam": [
            Column("ma_chi_tieu", "string", _("Mã chỉ tiêu"), _("Mã chỉ tiêu (bảng chi-tieu)"), True),
            Column("nam", "integer", _("Năm"), _("Năm được đánh giá"), True),
            Column("thuc_te", "number", _("Thực hiện"), _("Số liệu cấp tỉnh của năm (đã duyệt)")),
            # xgettext:no-python-format
            Column("phan_tram_muc_tieu", "number", _("% so với mục tiêu"), _("Thực hiện so với mục tiêu năm (%)")),
            Column("trang_thai", "string", _("Trạng thái"),
                   _("achieved, not_achieved, on_track, at_risk, off_track, no_data, stale"), True),
            Column("trang_thai_ten", "string", _("Trạng thái (tên)"), _("Tên trạng thái bằng tiếng Việt")),
            Column("giai_thich", "string", _("Giải thích"), _("Một dòng giải thích cách đánh giá")),
            Column("tinh_den_ngay", "date", _("Tính đến ngày"), _("Ngày chốt số liệu của lần tính tiến độ")),
        ],
    }


def _titles() -> dict[str, tuple[str, str]]:
    return {
        "chi-tieu": (_("Chỉ tiêu"), _("Các chỉ tiêu của kế hoạch: mã, tên, đơn vị tính, mục")),
        "muc-tieu": (_("Mục tiêu theo năm"), _("Mục tiêu từng năm của mỗi chỉ tiêu")),
        "gia-tri-theo-ky": (_("Giá trị cấp tỉnh theo kỳ"),
                            _("Số liệu cấp tỉnh đã được duyệt, theo kỳ báo cáo")),
        "trang-thai-theo-nam": (_("Trạng thái theo năm"),
                                _("Đánh giá từng chỉ tiêu theo năm, từ lần tính tiến độ gần nhất")),
    }


@dataclass
class OpenData:
    plan: Plan
    years: list[int]
    as_of: dt.date | None
    tables: dict[str, list[dict]]  # resource name → rows of typed values (Decimal, int, date, str, None)


def _section_paths(plan: Plan) -> dict[int, tuple[str, str]]:
    sections = {s.pk: s for s in Section.objects.filter(plan=plan).only("id", "parent_id", "code", "title")}
    paths = {}
    for pk, section in sections.items():
        titles, node, seen = [], section, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            titles.append(clean_text(node.title))
            node = sections.get(node.parent_id)
        paths[pk] = (section.code, " > ".join(reversed(titles)))
    return paths


def _period_order(period: ReportingPeriod) -> int:
    return period.quarter or 5


def open_data(*, plan: Plan, year: int | None = None) -> OpenData:
    """The four tables of a plan's open data, for every year of the plan or one year."""
    if year is not None and year not in plan.years:
        raise OpenDataError(_("Năm %(year)s không thuộc kỳ kế hoạch %(start)s–%(end)s.")
                            % {"year": year, "start": plan.start_year, "end": plan.end_year})
    years = [year] if year is not None else list(plan.years)
    indicators = list(Indicator.objects.filter(plan=plan).order_by("appendix__order", "order", "code")
                      .only("id", "code", "name", "unit", "section_id", "aggregation"))
    codes = {i.pk: i.code for i in indicators}
    paths = _section_paths(plan)
    indicator_rows = [{
        "ma_chi_tieu": i.code, "ten_chi_tieu": clean_text(i.name), "don_vi_tinh": clean_text(i.unit),
        "ma_muc": paths.get(i.section_id, ("", ""))[0], "muc": paths.get(i.section_id, ("", ""))[1],
        "cach_tong_hop": i.aggregation,
    } for i in indicators]

    targets = (Target.objects.filter(indicator__plan=plan, year__in=years)
               .order_by("indicator__appendix__order", "indicator__order", "indicator__code", "year"))
    target_rows = [{
        "ma_chi_tieu": codes[t.indicator_id], "nam": t.year, "phep_so_sanh": t.op, "can_duoi": t.low,
        "can_tren": t.high, "nguyen_van": clean_text(t.text),
    } for t in targets if t.indicator_id in codes]

    snapshots = list(IndicatorProgress.objects.filter(plan=plan, year__in=years)
                     .order_by("indicator__appendix__order", "indicator__order", "indicator__code", "year"))
    stamp = PlanProgress.objects.filter(plan=plan).order_by("-computed_at").first()
    as_of = stamp.as_of if stamp else (snapshots[0].as_of if snapshots else None)
    status_rows = [{
        "ma_chi_tieu": codes[s.indicator_id], "nam": s.year, "thuc_te": s.actual,
        "phan_tram_muc_tieu": s.percent_of_target, "trang_thai": s.status,
        "trang_thai_ten": str(STATUS_LABELS.get(s.status, s.status)), "giai_thich": clean_text(s.explanation),
        "tinh_den_ngay": s.as_of,
    } for s in snapshots if s.indicator_id in codes]

    value_rows = _values_by_period(plan=plan, years=years, indicators=indicators, as_of=as_of or local_today())
    return OpenData(plan=plan, years=years, as_of=as_of, tables={
        "chi-tieu": indicator_rows, "muc-tieu": target_rows, "gia-tri-theo-ky": value_rows,
        "trang-thai-theo-nam": status_rows})


def _values_by_period(*, plan: Plan, years: list[int], indicators: list[Indicator], as_of: dt.date) -> list[dict]:
    """One row per indicator and period that has an approved figure (five queries whatever the size: one
    per period order, each covering every year)."""
    periods = list(ReportingPeriod.objects.filter(plan=plan, year__in=years))
    orders = sorted({_period_order(p) for p in periods})
    by_key = {}
    for order in orders:
        for figures in indicator_year_figures(plan_id=plan.pk, as_of=as_of, from_year=min(years),
                                              through_order=order):
            if figures.year in years and figures.last_order == order:
                # Only the periods that brought a value: a quarter without new data repeats nothing.
                by_key[(figures.indicator_id, figures.year, order)] = figures
    periods_by = {(p.year, _period_order(p)): p for p in periods}
    rows = []
    for indicator in indicators:
        for year in years:
            for order in orders:
                figures = by_key.get((indicator.pk, year, order))
                period = periods_by.get((year, order))
                if figures is None or period is None:
                    continue
                value = pick_actual(indicator.aggregation, figures)
                if value is None:
                    continue  # a milestone: its state is in the yearly status
                # Rounded as the snapshot's column stores it (PostgreSQL numeric rounds half away from 0).
                value = value.quantize(SNAPSHOT_PLACES, rounding=ROUND_HALF_UP)
                ratio = indicator.aggregation == Indicator.Aggregation.RATIO
                rows.append({
                    "ma_chi_tieu": indicator.code, "ky": period.code, "nam": year, "tu_ngay": period.starts_on,
                    "den_ngay": period.ends_on, "gia_tri": value,
                    "tu_so": figures.sum_numerator if ratio else None,
                    "mau_so": figures.sum_denominator if ratio else None,
                    "so_co_quan": figures.agencies,
                })
    return rows


# ---------------------------------------------------------------- formats


def _number_text(value: Decimal | int | float) -> str:
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def csv_value(value, column: Column) -> str:
    """A value as the CSV holds it: ISO dates, "." decimals without grouping, text guarded against formulas."""
    if value is None:
        return ""
    if column.type == "number":
        return _number_text(value)
    if column.type == "integer":
        return str(int(value))
    if column.type == "date":
        return value.isoformat()
    return csv_text(str(value))


def json_value(value, column: Column):
    """A value as the JSON feed carries it: numbers as numbers, dates ISO, text as is."""
    if value is None:
        return None
    if column.type == "number":
        number = Decimal(_number_text(value))
        return int(number) if number == number.to_integral_value() else float(number)
    if column.type == "integer":
        return int(value)
    if column.type == "date":
        return value.isoformat()
    return str(value)


def _table_csv(rows: list[dict], columns: list[Column]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([csv_value(row.get(c.name), c) for c in columns])
    return buffer.getvalue().encode("utf-8")


def _schema(columns: list[Column]) -> dict:
    fields = []
    for column in columns:
        field = {"name": column.name, "type": column.type, "title": column.title, "description": column.description}
        if column.required:
            field["constraints"] = {"required": True}
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}


def package_name(plan: Plan, year: int | None = None) -> str:
    return f"chi-tieu-{plan.code}" + (f"-{year}" if year else "")


def datapackage(data: OpenData) -> dict:
    """The datapackage.json descriptor (Frictionless Data Package v1)."""
    plan, columns, titles = data.plan, table_columns(), _titles()
    period = (str(data.years[0]) if len(data.years) == 1 else f"{data.years[0]}–{data.years[-1]}")
    number = _(" (số %(number)s)") % {"number": plan.number} if plan.number else ""
    descriptor = {
        "profile": "tabular-data-package",
        "name": package_name(plan, data.years[0] if len(data.years) == 1 else None),
        "title": _("Chỉ tiêu kế hoạch: %(title)s") % {"title": clean_text(plan.title)},
        "description": _("Dữ liệu mở của Kế hoạch %(title)s%(number)s, %(province)s, năm %(period)s: các chỉ tiêu, "
                         "mục tiêu từng năm, số liệu cấp tỉnh đã được duyệt theo kỳ báo cáo và trạng thái theo năm. "
                         "Chỉ gồm số liệu tổng hợp đã duyệt; không có ghi chú của cơ quan hay thông tin cá nhân.")
                       % {"title": clean_text(plan.title), "number": number, "province": plan.province.name,
                          "period": period},
        "created": timezone.localtime().isoformat(timespec="seconds"),
        "keywords": ["chỉ tiêu", "kế hoạch", plan.province.name],
        "resources": [],
    }
    if data.as_of:
        descriptor["description"] += " " + _("Số liệu tính đến ngày %(day)s.") % {"day": data.as_of.isoformat()}
    for name, its_columns in columns.items():
        title, description = titles[name]
        descriptor["resources"].append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "title": title, "description": description,
            "schema": _schema(its_columns),
        })
    return descriptor


def package_files(data: OpenData) -> dict[str, bytes]:
    """File name → content: datapackage.json and the CSVs it describes."""
    columns = table_columns()
    files = {"datapackage.json": json.dumps(datapackage(data), ensure_ascii=False, indent=2).encode("utf-8")}
    for name, its_columns in columns.items():
        files[f"{name}.csv"] = _table_csv(data.tables[name], its_columns)
    return files


def package_write(data: OpenData, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in package_files(data).items():
        path = folder / name
        path.write_bytes(content)
        written.append(path)
    return written


def package_zip(data: OpenData) -> bytes:
    """The package in one zip, in a folder named after it (what the download link serves)."""
    root = datapackage(data)["name"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in package_files(data).items():
            archive.writestr(f"{root}/{name}", content)
    return buffer.getvalue()


def feed(data: OpenData) -> dict:
    """The JSON feed: the same tables and figures as the package, typed as JSON."""
    columns = table_columns()
    plan = data.plan
    return {
        "plan": {"code": plan.code, "number": plan.number, "title": plan.title, "province": plan.province.name,
                 "start_year": plan.start_year, "end_year": plan.end_year},
        "years": data.years,
        "as_of": data.as_of.isoformat() if data.as_of else None,
        **{name.replace("-", "_"): [{c.name: json_value(row.get(c.name), c) for c in its_columns}
                                    for row in data.tables[name]]
           for name, its_columns in columns.items()},
    }
