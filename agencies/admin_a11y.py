"""Accessible names for the admin's tabular inlines (WCAG 1.3.1, 4.1.2).

A tabular inline is a table of inputs under column headers, with no <label> per input: a screen reader
announces "edit text" thirty times. Each input is named for its column and its row ("Năm – dòng 2",
"Giá trị – I.1") with aria-label; the page looks the same. Used by every inline formset of the project
(`ProvinceScopedInline`, the report entry lines).
"""

from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext as _


class LabelledInlineFormSet(BaseInlineFormSet):
    def row_label(self, form, index: int | None) -> str:
        """What names the row: its number, or (when overridden) what the row is about."""
        if index is None:
            return _("dòng mới")  # the template row the admin's script copies for "add another"
        return _("dòng %(number)s") % {"number": index + 1}

    def add_fields(self, form, index):
        super().add_fields(form, index)  # adds the "delete" box and the foreign key, which need names too
        row = self.row_label(form, index)
        # Every form has the same columns: their (translated) names once a formset, not once a cell.
        columns = self.__dict__.setdefault("_column_names", {})
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            if name not in columns:
                columns[name] = capfirst(str(field.label or name))
            field.widget.attrs["aria-label"] = f"{columns[name]} – {row}"
