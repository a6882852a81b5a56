"""Template filters for the reporting screens (numbers come from indicators' `vn_numbers`)."""

import html
from urllib.parse import quote

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.templatetags.vn_numbers import vn_number
from reports.models import AgencyReport

register = template.Library()


@register.filter
def days_left_label(days: int | None) -> str:
    """How a deadline reads in the inbox: "còn 5 ngày", "hạn cuối hôm nay", "quá hạn 3 ngày"."""
    if days is None:
        return ""
    if days > 1:
        return ngettext("còn %(n)d ngày", "còn %(n)d ngày", days) % {"n": days}
    if days == 1:
        return _("hạn cuối hôm nay")
    overdue = 1 - days
    return ngettext("quá hạn %(n)d ngày", "quá hạn %(n)d ngày", overdue) % {"n": overdue}


@register.filter
def get_item(mapping, key):
    """dict lookup with a variable key (errors and values keyed by form field name)."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def ratio_input_labels(indicator) -> tuple[str, str]:
    """The labels of a ratio indicator's two inputs: "Tử số: Số hồ sơ …", "Mẫu số: Tổng số hồ sơ"."""
    from reports.forms import ratio_labels

    numerator, denominator = ratio_labels(indicator)
    if numerator == _("Tử số"):
        return numerator, denominator
    return f"{_('Tử số')}: {numerator}", f"{_('Mẫu số')}: {denominator}"


def _e(value) -> str:
    """Escaped like format_html's arguments (a safe string is kept as it is), without its per-call cost."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _entry_input_html(row, field: str, label: str, widget: str = "input", choices=(), inputmode: str = "",
                      placeholder: str = "") -> str:
    errors = row.errors.get(field) if row.errors else None
    current = row.values.get(field, "") if row.values else ""
    saved = row.conflict.get(field) if row.conflict else None
    name = _e(f"{row.prefix}-{field}")
    invalid = f' aria-invalid="true" aria-describedby="err-{name}"' if errors else ""
    if widget == "textarea":
        control = f'<textarea id="id-{name}" name="{name}" rows="2"{invalid}>{_e(current)}</textarea>'
    elif widget == "select":
        options = "".join(f'<option value="{_e(value)}"{" selected" if value == current else ""}>{_e(text)}</option>'
                          for value, text in choices)
        control = f'<select id="id-{name}" name="{name}"{invalid}>\n    <option value="">—</option>{options}</select>'
    else:
        control = (f'<input id="id-{name}" name="{name}" value="{_e(current)}" autocomplete="off"'
                   f'{f" inputmode={chr(34)}{_e(inputmode)}{chr(34)}" if inputmode else ""}'
                   f'{f" placeholder={chr(34)}{_e(placeholder)}{chr(34)}" if placeholder else ""}{invalid}>')
    parts = [f'<div class="field field-{_e(field)}{" invalid" if errors else ""}">\n'
             f'  <label for="id-{name}">{_e(label)}</label>\n  {control}']
    if errors:
        items = "".join(f"<li>{_e(message)}</li>" for message in errors)
        parts.append(f'\n  <ul class="field-errors" id="err-{name}">{items}</ul>')
    if saved is not None:
        parts.append(f'\n  <p class="conflict">{_e(_("Bản đã lưu:"))} {_e(saved or _("(trống)"))}</p>')
    parts.append("\n</div>")
    return "".join(parts)


def _form_labels(year: int) -> dict:
    """The words every line of the report form repeats, translated once per page rather than per line."""
    return {
        "unit": _("ĐVT"), "target": _("Mục tiêu %(year)s") % {"year": year}, "previous": _("Kỳ trước"),
        "prefilled": _("điền sẵn từ kỳ trước"), "return_reason": _("Lý do trả lại:"),
        "milestone_state": _("Tình trạng thực hiện"), "value": _("Giá trị"), "as_of": _("Số liệu tính đến ngày"),
        "source": _("Nguồn số liệu"), "note": _("Ghi chú, giải trình"), "deadline": _("Thời gian thực hiện"),
        "status": _("Tình trạng"), "progress": _("Tiến độ (%)"), "done": _("Kết quả thực hiện trong kỳ"),
        "next": _("Nhiệm vụ kỳ tới"),
    }


def _page_labels(context, year: int) -> dict:
    cache = context.render_context
    key = ("reports_ui.form_labels", year)
    if key not in cache:
        cache[key] = _form_labels(year)
    return cache[key]


def _previous_indicator_text(row) -> str:
    previous = row.previous
    if not previous:
        return "—"
    if row.kind == "milestone":
        return _e(previous.get_milestone_state_display() or "—")
    if row.kind == "ratio" and previous.denominator:
        return (f"{_e(vn_number(previous.numerator))}/{_e(vn_number(previous.denominator))} = "
                f"{_e(vn_number(previous.value, 2))}")
    return _e(vn_number(previous.value) or "—")


def _return_reason_html(entry, labels: dict) -> str:
    if not entry.return_reason:
        return ""
    return (f'\n      <p class="notice bad small"><strong>{_e(labels["return_reason"])}</strong> '
            f'{_e(entry.return_reason)}</p>')


@register.simple_tag(takes_context=True)
def indicator_entry_fieldset(context, row, period, milestone_choices) -> str:
    """One indicator line of the report form (its fieldset: code, name, target, previous period, inputs).

    Drawn in Python: a province's report has a hundred of these, and the template's tags for each line
    (translations, filters, five inputs) were most of the page's time (issue 14)."""
    labels = _page_labels(context, period.year)
    indicator = row.entry.indicator
    prefix = _e(row.prefix)
    if row.kind == "milestone":
        fill = f"{prefix}-milestone_state"
    elif row.kind == "ratio":
        fill = f"{prefix}-numerator {prefix}-denominator"
    else:
        fill = f"{prefix}-value"
    unit = (f'<span>{_e(labels["unit"])}: {_e(indicator.unit)}</span>' if indicator.unit else "")
    prefilled = f'\n        <span class="tag">{_e(labels["prefilled"])}</span>' if row.prefilled else ""
    if row.kind == "milestone":
        inputs = [_entry_input_html(row, "milestone_state", labels["milestone_state"], widget="select",
                                    choices=milestone_choices)]
    elif row.kind == "ratio":
        numerator, denominator = ratio_input_labels(indicator)
        inputs = [_entry_input_html(row, "numerator", numerator, inputmode="decimal"),
                  _entry_input_html(row, "denominator", denominator, inputmode="decimal")]
    else:
        inputs = [_entry_input_html(row, "value", labels["value"], inputmode="decimal", placeholder="95,5")]
    inputs += [
        _entry_input_html(row, "as_of", labels["as_of"], inputmode="numeric",
                          placeholder=period.data_to.strftime("%d/%m/%Y") if period.data_to else ""),
        _entry_input_html(row, "source", labels["source"]),
        _entry_input_html(row, "note", labels["note"], widget="textarea"),
    ]
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<fieldset class="entry{" has-errors" if row.has_errors else ""}" id="{prefix}" '
        f'data-code="{_e(indicator.code)}" data-fill="{fill}">\n'
        f'      <legend><h3><span class="code">{_e(indicator.code)}</span> {_e(indicator.name)}</h3></legend>\n'
        f'      <p class="meta">\n        {unit}\n'
        f'        <span>{_e(labels["target"])}: <strong>{_e(row.target_text or "—")}</strong></span>\n'
        f'        <span>{_e(labels["previous"])}: {_previous_indicator_text(row)}</span>{prefilled}\n'
        f'      </p>{_return_reason_html(row.entry, labels)}\n'
        f'      <div class="fields">\n        ' + "\n        ".join(inputs) + '\n      </div>\n    </fieldset>')


@register.simple_tag(takes_context=True)
def task_entry_fieldset(context, row, period, task_choices) -> str:
    """One task line of the report form, drawn in Python like `indicator_entry_fieldset`."""
    labels = _page_labels(context, period.year)
    task = row.entry.task
    prefix = _e(row.prefix)
    deadline = (f'<span>{_e(labels["deadline"])}: {_e(task.deadline_text)}</span>' if task.deadline_text else "")
    before = _task_status_text(row.previous) if row.previous and row.previous.status else "—"
    prefilled = f'\n        <span class="tag">{_e(labels["prefilled"])}</span>' if row.prefilled else ""
    inputs = [
        _entry_input_html(row, "status", labels["status"], widget="select", choices=task_choices),
        _entry_input_html(row, "progress", labels["progress"], inputmode="numeric", placeholder="0–100"),
        _entry_input_html(row, "done", labels["done"], widget="textarea"),
        _entry_input_html(row, "next", labels["next"], widget="textarea"),
    ]
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<fieldset class="entry{" has-errors" if row.has_errors else ""}" id="{prefix}" '
        f'data-code="{_e(task.code)}" data-fill="{prefix}-status">\n'
        f'      <legend><h3><span class="code">{_e(task.code)}</span> {_e(task.content)}</h3></legend>\n'
        f'      <p class="meta">\n        {deadline}\n'
        f'        <span>{_e(labels["previous"])}: {before}</span>{prefilled}\n'
        f'      </p>{_return_reason_html(row.entry, labels)}\n'
        f'      <div class="fields">\n        ' + "\n        ".join(inputs) + '\n      </div>\n    </fieldset>')


def _task_status_text(entry) -> str:
    """A task entry's status, with its progress when given: "Đang thực hiện (30%)"."""
    text = _e(entry.get_status_display() or "—")
    if entry.progress is not None:
        text += f" ({_e(entry.progress)}%)"
    return text


def _reason_box(key: str, label: str) -> str:
    """A reviewer's return-reason box of one entry, named by its unformatted id ("reason-i1234")."""
    return (f'<td><textarea name="reason-{_e(key)}" form="return-form" rows="2" aria-label="{label}">'
            f'</textarea></td>')


def _review_labels(context) -> dict:
    cache = context.render_context
    if "reports_ui.review_labels" not in cache:
        cache["reports_ui.review_labels"] = {
            "source": _("Nguồn"), "as_of": _("đến ngày"), "return_reason": _("Lý do trả lại:"),
        }
    return cache["reports_ui.review_labels"]


def _lines(text) -> str:
    return linebreaksbr(text, autoescape=True)


def _entry_notes_html(entry, labels: dict) -> str:
    return (f'\n          <p class="notice bad small">{_e(labels["return_reason"])} {_e(entry.return_reason)}</p>'
            if entry.return_reason else "")


@register.simple_tag(takes_context=True)
def indicator_review_row(context, row, several_on_latest, can_review) -> str:
    """One line of the read-only report's indicator table (previous period beside this one, notes, and for
    a reviewer the reason box). Drawn in Python like the form's lines: a hundred rows each time (issue 14)."""
    labels = _review_labels(context)
    entry, indicator = row.entry, row.entry.indicator
    agencies = several_on_latest.get(indicator.pk) if several_on_latest else None
    warning = ""
    if agencies:
        warning = ('\n        <p class="notice warn small">' + _(
            "%(n)s cơ quan báo cáo chỉ tiêu này trong kỳ nhưng cách tổng hợp là “Mới nhất”: số của tỉnh chỉ "
            "lấy một cơ quan. Xem lại cách tổng hợp (tổng, tỷ lệ) trong trang quản trị chỉ tiêu.")
            % {"n": _e(agencies)} + "</p>")
    previous = row.previous
    if not previous:
        before = "—"
    elif row.kind == "milestone":
        before = _e(previous.get_milestone_state_display() or "—")
    else:
        before = _e(vn_number(previous.value) or "—")
        if row.kind == "ratio" and previous.denominator:
            before += (f'<br><span class="muted small">{_e(vn_number(previous.numerator))}/'
                       f'{_e(vn_number(previous.denominator))}</span>')
    if row.kind == "milestone":
        now = _e(entry.get_milestone_state_display() or "—")
    else:
        now = _e(vn_number(entry.value) or "—")
        if row.kind == "ratio" and entry.denominator:
            now += (f'<br><span class="muted small">{_e(vn_number(entry.numerator))}/'
                    f'{_e(vn_number(entry.denominator))}</span>')
    notes = _lines(entry.note)
    if entry.source:
        notes += f'<br><span class="muted small">{_e(labels["source"])}: {_e(entry.source)}</span>'
    if entry.as_of:
        notes += f'<br><span class="muted small">{_e(labels["as_of"])} {entry.as_of.strftime("%d/%m/%Y")}</span>'
    reason = ""
    if can_review:
        reason = _reason_box(f"i{entry.pk}", _("Lý do trả lại chỉ tiêu %(code)s") % {"code": _e(indicator.code)})
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<tr id="{_e(row.prefix)}"><td>{_e(indicator.code)}</td><td>{_e(indicator.name)}{warning}</td>'
        f'<td>{_e(indicator.unit)}</td><td>{_e(row.target_text or "—")}</td>\n'
        f'        <td class="num">{before}</td>\n'
        f'        <td class="num current">{now}</td>\n'
        f'        <td>{notes}{_entry_notes_html(entry, labels)}</td>\n'
        f'        {reason}\n      </tr>')


@register.simple_tag(takes_context=True)
def task_review_row(context, row, can_review) -> str:
    """One line of the read-only report's task table, drawn in Python like `indicator_review_row`."""
    labels = _review_labels(context)
    entry, task = row.entry, row.entry.task
    deadline = f'<br><span class="muted small">{_e(task.deadline_text)}</span>' if task.deadline_text else ""
    before = _task_status_text(row.previous) if row.previous and row.previous.status else "—"
    now = _task_status_text(entry)
    reason = ""
    if can_review:
        reason = _reason_box(f"t{entry.pk}", _("Lý do trả lại nhiệm vụ %(code)s") % {"code": _e(task.code)})
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<tr id="{_e(row.prefix)}"><td>{_e(task.code)}</td><td>{_e(task.content)}{deadline}</td>\n'
        f'        <td>{before}</td>\n'
        f'        <td class="current">{now}</td>\n'
        f'        <td>{_lines(entry.done)}</td><td>{_lines(entry.next_steps)}{_entry_notes_html(entry, labels)}</td>\n'
        f'        {reason}\n      </tr>')


def _queue_context(context, here: str) -> dict:
    cache = context.render_context
    if "reports_ui.queue" not in cache:
        # The report URL pattern reversed once (with a stand-in id), not once a row.
        cache["reports_ui.queue"] = {
            "report_url": reverse("reports:report", args=[0]).replace("/0/", "/{}/"),
            "next": quote(here, safe="/"), "late": _("muộn"),
        }
    return cache["reports_ui.queue"]


@register.simple_tag(takes_context=True)
def review_queue_row(context, report, here: str) -> str:
    """One row of the review queue (a page holds a hundred), drawn in Python like the report form's lines.
    The checkbox carries the id unformatted: the template wrote "1.234" (thousands separator), which the bulk
    approval never read."""
    shared = _queue_context(context, here)
    period_label = _e(str(report.period.label).lower())
    agency, plan = _e(report.agency.name), _e(report.plan.title)
    choose = ""
    if report.status == AgencyReport.Status.SUBMITTED:
        label = _("Chọn báo cáo %(period)s của %(agency)s – %(plan)s") % {
            "period": period_label, "agency": agency, "plan": plan}
        choose = f'<input type="checkbox" name="report" value="{report.pk:d}" aria-label="{label}">'
    link_text = _(": báo cáo %(period)s – %(plan)s") % {"period": period_label, "plan": plan}
    submitted = (timezone.localtime(report.submitted_at).strftime("%H:%M %d/%m/%Y") if report.submitted_at
                 else "—")
    late = f' <span class="tag bad">{_e(shared["late"])}</span>' if report.is_late else ""
    done = f"{_e(vn_number(report.completeness))}%" if report.completeness is not None else "—"
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<tr>\n        <td>{choose}</td>\n'
        f'        <td><a href="{shared["report_url"].format(report.pk)}?next={shared["next"]}">{agency}'
        f'<span class="sr-only">{link_text}</span></a></td>\n'
        f'        <td>{plan}</td><td>{_e(report.period.label)}</td><td>{report.period.due_on.strftime("%d/%m/%Y")}</td>\n'
        f'        <td>{submitted}{late}</td>\n'
        f'        <td class="num">{done}</td>\n'
        f'        <td><span class="status status-{_e(report.status)}">{_e(report.get_status_display())}</span></td>\n'
        f'      </tr>')


def _count(value) -> str:
    """A count as the template shows it (localized: 1.234); below a thousand that is just its digits."""
    if isinstance(value, int) and -1000 < value < 1000:
        return str(value)
    return _e(formats.localize(value))


@register.simple_tag
def compliance_row(row) -> str:
    """One agency's row of the compliance page (a province has ~130), drawn in Python."""
    late, missing = row["late"], row["missing"]
    done = f"{_e(vn_number(row['completeness']))}%" if row["completeness"] is not None else "—"
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<tr><td>{_e(row["agency__name"])}</td><td class="num">{_count(row["expected"])}</td>'
        f'<td class="num">{_count(row["on_time"])}</td>\n'
        f'      <td class="num{" warn" if late else ""}">{_count(late)}</td>'
        f'<td class="num{" bad" if missing else ""}">{_count(missing)}</td>\n'
        f'      <td class="num">{_count(row["pending"])}</td><td class="num">{_count(row["returned"] or 0)}</td>\n'
        f'      <td class="num">{done}</td></tr>')
