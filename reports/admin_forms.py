"""Forms of the admin's "enter on behalf of an agency" page and its bulk upload.

None of these forms writes anything, and none holds a rule of its own: each turns what staff typed
into the data shape of `reports.validation` (the API's shape), asks `validate_report_data` — the same
check as the agency's own form, the API and the Excel upload — and puts each message back beside its
field. The admin then hands the collected data to `reports.services.report_save(on_behalf=True)`.

Numbers are typed as text ("95,5", "16.861") so a Vietnamese official's input reaches the shared
parser unchanged; the form shows stored numbers back the same way.
"""

import copy
import datetime as dt
import html
import re

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from agencies.admin_a11y import LabelledInlineFormSet
from agencies.uploads import UploadRefused
from indicators.numbers import format_value
from plans.models import Plan
from reports import services
from reports.forms import INDICATOR_FIELDS_BY_KIND, indicator_input_kind
from reports.models import AgencyReport, Attachment, IndicatorEntry, ReportingPeriod, TaskEntry
from reports.validation import validate_report_data

DATE_FORMAT = "%d/%m/%Y"
_SOURCE_WITH_DATE = re.compile(r"^(?P<number>.*?)\s+ngày\s+(?P<date>\d{1,2}/\d{1,2}/\d{4})\s*$")


def split_source_reference(text: str) -> tuple[str, dt.date | None]:
    """"Công văn số 123/STTTT-BCVT ngày 05/10/2026" → ("Công văn số 123/STTTT-BCVT", 5 Oct 2026)."""
    match = _SOURCE_WITH_DATE.match(text or "")
    if match:
        try:
            return match["number"].strip(), dt.datetime.strptime(match["date"], DATE_FORMAT).date()
        except ValueError:
            pass  # "ngày 31/02/2026": not a date, so the whole text stays the reference, nothing is lost
    return (text or "").strip(), None


def join_source_reference(number: str, date: dt.date | None) -> str:
    number = (number or "").strip()
    return f"{number} ngày {date:%d/%m/%Y}" if number and date else number


def _escaped(value) -> str:
    # The stdlib escape Django's `escape` calls, without its lazy-string wrapper (~1,000 inputs a page).
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _attributes(attrs: dict) -> str:
    """attrs.html in Python: in order, True as a bare name, False left out."""
    return "".join(f" {name}" if value is True else f' {name}="{_escaped(value)}"'
                   for name, value in attrs.items() if value is not False and value is not None)


class PlainRendered:
    """A widget drawn in Python with the markup of Django's own template (input, textarea; PlainSelect below).

    The admin's report page has a line per indicator and task, ~1,000 inputs for a large agency; drawing
    each through its widget templates (two templates an input) took most of the page's second or more
    (issue 14)."""

    def __deepcopy__(self, memo):
        # Widget.__deepcopy__ (the attributes copied, the rest shared; a select's fixed choices too) without
        # copy.copy's generic protocol: each line's form copies its widgets (~1,500 a page).
        copied = _shallow_copy(self)
        copied.attrs = self.attrs.copy()
        memo[id(self)] = copied
        return copied

    def render(self, name, value, attrs=None, renderer=None):
        # What Widget.get_context gives the template (the attributes merged, the value formatted), without
        # building the context.
        attributes = _attributes(self.build_attrs(self.attrs, attrs))
        shown = self.format_value(value)
        if isinstance(self, forms.Textarea):
            return mark_safe(f'<textarea name="{_escaped(name)}"{attributes}>\n{_escaped(shown or "")}</textarea>')  # noqa: S308 - escaped
        value_attr = f' value="{_escaped(shown)}"' if shown is not None else ""
        return mark_safe(f'<input type="{self.input_type}" name="{_escaped(name)}"{value_attr}{attributes}>')  # noqa: S308 - escaped


class PlainTextInput(PlainRendered, forms.TextInput):
    """A text input drawn without the widget template (one per entry line, ~100 a page)."""


class PlainTextarea(PlainRendered, forms.Textarea):
    """A textarea drawn without the widget template."""


class PlainSelect(PlainRendered, forms.Select):
    """A select drawn without the widget template, its options translated once a language, not once a line
    (their lazy labels were a tenth of the admin's report page, issue 14)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        # Shared by the copies Django makes for each form (a widget's copy shares its __dict__'s values).
        self._options_by_language: dict[str, tuple[list, list[tuple[str, str]]]] = {}

    def _options(self) -> list[tuple[str, str]] | None:
        """(value, escaped label) of each option in the active language, or None for grouped choices."""
        choices = list(self.choices)
        language = get_language()
        cached = self._options_by_language.get(language)
        # The same list if each value is equal and each label the same object (comparing labels by value
        # would translate them): the copies hold new tuples of the same labels.
        if cached is not None and len(cached[0]) == len(choices) and all(
                a[0] == b[0] and a[1] is b[1] for a, b in zip(cached[0], choices, strict=True)):
            return cached[1]
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return None
        options = [("" if value is None else str(value), _escaped(label)) for value, label in choices]
        self._options_by_language[language] = (choices, options)
        return options

    def render(self, name, value, attrs=None, renderer=None):
        options = self._options()
        if options is None:  # grouped choices (none of the entry lines has them): Django's own template
            return forms.Select.render(self, name, value, attrs, renderer)
        values = self.format_value(value)
        selected = None
        for option_value, _label in options:
            if option_value in values:
                selected = option_value  # the first match only, as Select.optgroups does
                break
        shown = "".join(f'<option value="{_escaped(option_value)}"{" selected" if option_value == selected else ""}>'
                        f'{label}</option>' for option_value, label in options)
        attributes = _attributes(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{_escaped(name)}"{attributes}>{shown}</select>')  # noqa: S308 - escaped


class PlainHiddenInput(PlainRendered, forms.HiddenInput):
    """A hidden input (entry id, report) drawn without the widget template."""


def _shallow_copy(obj):
    """copy.copy of a plain object (its __dict__ copied), without the generic copy protocol."""
    copied = object.__new__(type(obj))
    copied.__dict__.update(obj.__dict__)
    return copied


class QuickCopy:
    """Field.__deepcopy__ (own widget, error messages and validators; the rest shared), each form's copy made
    without copy.copy's generic protocol (~100 forms a page, a copy of each field each)."""

    def __deepcopy__(self, memo):
        copied = _shallow_copy(self)
        memo[id(self)] = copied
        copied.widget = copy.deepcopy(self.widget, memo)
        copied.error_messages = self.error_messages.copy()
        copied.validators = self.validators[:]
        return copied


class PlainCharField(QuickCopy, forms.CharField):
    """A line's text (a number as typed, a note, a date): a CharField copied quickly for each form."""


class SharedChoiceField(QuickCopy, forms.ChoiceField):
    """A choice of a fixed list (a line's state): each line's form shares the list instead of deep-copying
    it, ~100 copies a page (issue 14). Nothing changes the list once the form class is defined."""


def _text_input(size: int = 10, **attrs) -> forms.TextInput:
    return PlainTextInput(attrs={"size": size, "inputmode": "decimal", **attrs})


class OnBehalfReportForm(forms.ModelForm):
    """The report itself: where the figures came from, and the narrative."""

    document_number = forms.CharField(
        label=_("Số, ký hiệu văn bản nguồn"), max_length=200,
        help_text=_("Văn bản cơ quan gửi số liệu, ví dụ: Công văn số 123/STTTT-BCVT; hoặc “Thư điện tử của …”."),
        error_messages={"required": _("Vui lòng ghi văn bản nguồn của số liệu (số, ký hiệu công văn).")})
    document_date = forms.DateField(label=_("Ngày văn bản"), required=False, input_formats=[DATE_FORMAT],
                                    widget=forms.DateInput(format=DATE_FORMAT, attrs={"placeholder": "dd/mm/yyyy"}),
                                    error_messages={"invalid": _("Ngày viết theo dạng ngày/tháng/năm, ví dụ 05/10/2026.")})
    # The version staff read; a save over a newer one is refused (someone else saved meanwhile).
    version = forms.IntegerField(label=_("Phiên bản"), widget=forms.HiddenInput)

    class Meta:
        model = AgencyReport
        fields = list(AgencyReport.NARRATIVE_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 3, "cols": 80}) for name in AgencyReport.NARRATIVE_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            number, date = split_source_reference(self.instance.source_reference)
            self.initial.update(document_number=number, document_date=date, version=self.instance.version)

    @property
    def source_reference(self) -> str:
        return join_source_reference(self.cleaned_data.get("document_number", ""),
                                     self.cleaned_data.get("document_date"))

    def report_data(self) -> dict:
        """The report-level part of the data for `report_save`."""
        return {"narrative": {name: self.cleaned_data.get(name, "") for name in AgencyReport.NARRATIVE_FIELDS},
                "source_reference": self.source_reference}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        current = AgencyReport.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        if current is not None and cleaned.get("version") != current:
            raise forms.ValidationError(
                _("Báo cáo vừa được người khác lưu (phiên bản %(current)s, bạn đang sửa phiên bản %(yours)s). "
                  "Vui lòng tải lại trang để xem thay đổi rồi nhập lại.")
                % {"current": current, "yours": cleaned.get("version")})
        _cleaned, errors = validate_report_data(self.instance, self.report_data())
        for name, messages in (errors.get("narrative") or {}).items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        for message in errors.get("source_reference") or []:
            self.add_error("document_number", message)
        return cleaned


class IndicatorEntryAdminForm(forms.ModelForm):
    """One indicator line. The inputs are not model fields: the text typed goes to the shared validation."""

    entry_value = PlainCharField(label=_("Giá trị"), required=False, widget=_text_input())
    entry_numerator = PlainCharField(label=_("Tử số"), required=False, widget=_text_input())
    entry_denominator = PlainCharField(label=_("Mẫu số"), required=False, widget=_text_input())
    entry_milestone_state = SharedChoiceField(label=_("Tình trạng"), required=False, widget=PlainSelect,
                                              choices=[("", "—"), *IndicatorEntry.MilestoneState.choices])
    entry_note = PlainCharField(label=_("Ghi chú, giải trình"), required=False,
                                 widget=PlainTextarea(attrs={"rows": 2, "cols": 30}))
    entry_source = PlainCharField(label=_("Nguồn số liệu"), required=False, max_length=255,
                                   widget=PlainTextInput(attrs={"size": 18}))
    entry_as_of = PlainCharField(label=_("Tính đến ngày"), required=False,
                                  widget=PlainTextInput(attrs={"size": 10, "placeholder": "dd/mm/yyyy"}))

    FIELDS = ("value", "numerator", "denominator", "milestone_state", "note", "source", "as_of")

    class Meta:
        model = IndicatorEntry
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        entry = self.instance
        if entry.pk:
            for name in self.FIELDS:
                self.initial[f"entry_{name}"] = format_value(getattr(entry, name))
            # Only the inputs of the indicator's kind are open: a milestone takes a state, a ratio its
            # numerator and denominator, any other indicator one value.
            applicable = INDICATOR_FIELDS_BY_KIND[indicator_input_kind(entry.indicator)]
            not_applicable = gettext("Không áp dụng cho chỉ tiêu này")  # once, not a lazy string per input
            for name in self.FIELDS:
                if name not in applicable:
                    self.fields[f"entry_{name}"].disabled = True
                    self.fields[f"entry_{name}"].widget.attrs["title"] = not_applicable

    def item(self) -> dict:
        applicable = INDICATOR_FIELDS_BY_KIND[indicator_input_kind(self.instance.indicator)]
        return {"indicator": self.instance.indicator.code,
                **{name: self.cleaned_data.get(f"entry_{name}", "") for name in applicable}}


class TaskEntryAdminForm(forms.ModelForm):
    entry_status = SharedChoiceField(label=_("Tình trạng"), required=False, widget=PlainSelect,
                                     choices=[("", "—"), *TaskEntry.Status.choices])
    entry_progress = PlainCharField(label=_("Tiến độ (%)"), required=False, widget=_text_input(size=5))
    entry_done = PlainCharField(label=_("Kết quả thực hiện trong kỳ"), required=False,
                                 widget=PlainTextarea(attrs={"rows": 2, "cols": 40}))
    entry_next = PlainCharField(label=_("Nhiệm vụ kỳ tới"), required=False,
                                 widget=PlainTextarea(attrs={"rows": 2, "cols": 30}))

    # form suffix → the validation's key (and the model field it fills)
    FIELDS = {"status": "status", "progress": "progress", "done": "done", "next": "next_steps"}

    class Meta:
        model = TaskEntry
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name, model_field in self.FIELDS.items():
                self.initial[f"entry_{name}"] = format_value(getattr(self.instance, model_field))

    def item(self) -> dict:
        return {"task": self.instance.task.code,
                **{name: self.cleaned_data.get(f"entry_{name}", "") for name in self.FIELDS}}


class EntryFormSet(LabelledInlineFormSet):
    """Validates its changed lines together with `validate_report_data` and keeps them for the save."""

    data_key = ""  # "indicator_entries" or "task_entries"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():  # the line's id and its report: two more templates a line otherwise
            if type(field.widget) is forms.HiddenInput:
                field.widget = PlainHiddenInput(attrs=field.widget.attrs)

    def row_label(self, form, index):
        # "Giá trị – I.1": the line's code, which staff read on the dispatch they are typing in.
        item = getattr(form.instance, "indicator", None) or getattr(form.instance, "task", None)
        return item.code if item is not None and form.instance.pk else super().row_label(form, index)

    def clean(self):
        super().clean()
        self.items: list[dict] = []
        if any(self.errors):
            return
        changed = [form for form in self.forms if form.instance.pk and form.has_changed()]
        self.items = [form.item() for form in changed]
        if not self.items:
            return
        _cleaned, errors = validate_report_data(self.instance, {self.data_key: self.items})
        by_code = errors.get(self.data_key) or {}
        for form, item in zip(changed, self.items, strict=True):
            code = item.get("indicator") or item.get("task")
            for name, messages in (by_code.get(code) or {}).items():
                field = f"entry_{name}" if f"entry_{name}" in form.fields else None
                for message in messages:
                    form.add_error(field, message)
        for message in by_code.get("non_field_errors") or []:
            raise forms.ValidationError(message)


class IndicatorEntryFormSet(EntryFormSet):
    data_key = "indicator_entries"


class TaskEntryFormSet(EntryFormSet):
    data_key = "task_entries"


class AttachmentAdminForm(forms.ModelForm):
    """A new attachment (the dispatch, the spreadsheet): checked as `attachment_add` will check it."""

    upload = forms.FileField(label=_("Tệp (PDF, DOCX, XLSX, JPG, PNG; tối đa 20 MB)"), required=False)

    class Meta:
        model = Attachment
        fields: list[str] = []

    def clean_upload(self):
        uploaded = self.cleaned_data.get("upload")
        if uploaded is None:
            return None
        if uploaded.size > services.ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(_("Tệp “%(name)s” lớn hơn 20 MB.") % {"name": uploaded.name})
        # The same content check as attachment_add, so the message stands beside the field.
        try:
            extension = services._detect_attachment_type(uploaded)
        except UploadRefused as error:
            raise forms.ValidationError(error.message) from error
        if extension is None:
            raise forms.ValidationError(
                _("Tệp “%(name)s” không phải PDF, DOCX, XLSX, JPG hoặc PNG (kiểm tra theo nội dung tệp).")
                % {"name": uploaded.name})
        return uploaded


class ValuesUploadForm(forms.Form):
    """Step 1 of "Nhập số liệu từ tệp": which period, which file, which dispatch."""

    period = forms.ModelChoiceField(label=_("Kỳ báo cáo"), queryset=ReportingPeriod.objects.none(),
                                    error_messages={"required": _("Vui lòng chọn kỳ báo cáo.")})
    file = forms.FileField(label=_("Tệp số liệu (.xlsx hoặc .csv)"),
                           help_text=_("Mỗi dòng một cơ quan và một chỉ tiêu (cột “Cơ quan/Đơn vị”, “Mã chỉ tiêu”, "
                                       "“Giá trị” hoặc “Tử số”, “Mẫu số”, “Ghi chú”, “Nguồn”), hoặc mỗi dòng một cơ "
                                       "quan, mỗi cột một chỉ tiêu (tiêu đề cột là mã hoặc tên chỉ tiêu)."),
                           error_messages={"required": _("Vui lòng chọn tệp.")})
    source_reference = forms.CharField(label=_("Văn bản nguồn"), max_length=255, required=False,
                                       widget=forms.TextInput(attrs={"size": 60}),
                                       help_text=_("Ví dụ: Công văn số 123/STTTT-BCVT ngày 05/10/2026"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Periods that have started (their reports exist), the latest first.
        periods = (ReportingPeriod.objects.open().filter(plan__in=Plan.objects.reviewable_by(user))
                   .select_related("plan").order_by("-starts_on", "kind", "plan__title"))
        self.fields["period"].queryset = periods
        self.fields["period"].label_from_instance = lambda period: f"{period.plan.title} · {period.label}"
