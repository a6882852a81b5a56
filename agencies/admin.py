"""Admin for Sở KH&CN staff: Vietnamese, diacritic-insensitive search, and scoped to the staff's province.

`ProvinceScopedAdmin` is shared by the plans and indicators admins: every list, every change page and
every foreign-key choice (selects and autocompletes alike) is limited to the province of the signed-in
user, so staff of another province can neither see nor pick this province's rows. Superusers see all.
"""

import html

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.admin_a11y import LabelledInlineFormSet
from agencies.matching import name_key
from agencies.models import Agency, Membership, Province
from agencies.roles import sees_everything, user_province
from agencies.services import membership_add, province_create, province_update


def province_path(model) -> str | None:
    """The lookup from `model` to its Province, or None for models that do not belong to one."""
    if model is Province:
        return "pk"
    names = {f.name for f in model._meta.get_fields()}
    for field, path in (("province", "province"), ("plan", "plan__province"),
                        ("indicator", "indicator__plan__province"), ("agency", "agency__province")):
        if field in names:
            return path
    return None


def limit_to_province(queryset, request):
    if sees_everything(request.user):
        return queryset
    path = province_path(queryset.model)
    if path is None:
        return queryset
    province = user_province(request.user)
    if path == "pk":
        return queryset.filter(pk=province.pk if province else None)
    return queryset.filter(**{path: province})


class ProvinceScopedChoices:
    """Foreign-key and many-to-many choices limited to the user's province (admin pages and inlines)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._scoped(super().formfield_for_foreignkey(db_field, request, **kwargs), request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._scoped(super().formfield_for_manytomany(db_field, request, **kwargs), request)

    @staticmethod
    def _scoped(field, request):
        if field is not None and hasattr(field, "queryset"):
            field.queryset = limit_to_province(field.queryset, request)
        return field


def _plain_year(model, name: str):
    """A list column for a year field shown as written ("2026"): the admin would group it as a number ("2.026")."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def shown(obj):
        value = getattr(obj, name)
        return "" if value is None else str(value)

    shown.__name__ = name
    return shown


def is_year_field(model, name) -> bool:
    if not isinstance(name, str) or not (name == "year" or name.endswith("_year")):
        return False
    try:
        return isinstance(model._meta.get_field(name), models.IntegerField)
    except FieldDoesNotExist:
        return False


class PlainActionCheckbox:
    """The changelist's per-row checkbox with Django's markup, drawn without the widget templates: a
    CheckboxInput rendered through two templates a row was a third of a 100-row list (issue 14)."""

    def action_checkbox(self, obj):
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return mark_safe(  # noqa: S308 - the value is escaped, the label is format_html's (escaped) output
            f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="{html.escape(str(obj.pk))}"'
            f' class="action-select" aria-label="{label}">')


class PlainYearsAdmin(PlainActionCheckbox, admin.ModelAdmin):
    """Years in list columns and read-only fields never carry a thousands separator."""

    def get_list_display(self, request):
        return [_plain_year(self.model, name) if is_year_field(self.model, name) else name
                for name in super().get_list_display(request)]


class ProvinceScopedAdmin(ProvinceScopedChoices, PlainYearsAdmin):
    """Staff see and choose only their province's rows."""

    list_per_page = 50

    def get_queryset(self, request):
        return limit_to_province(super().get_queryset(request), request)


class ProvinceScopedInline(ProvinceScopedChoices):
    """The same limits for inline forms (whose inputs are named for their column and row)."""

    formset = LabelledInlineFormSet


@admin.register(Province)
class ProvinceAdmin(ProvinceScopedAdmin):
    """Superusers create provinces here (staff only see their own); the writes go through the services."""

    list_display = ("name", "code")
    search_fields = ("name__unaccent", "code")
    prepopulated_fields = {"code": ("name",)}

    def save_model(self, request, obj, form, change):
        if change:
            province_update(province=obj, name=obj.name, code=obj.code)
        else:
            obj.pk = province_create(name=obj.name, code=obj.code).pk


@admin.register(Agency)
class AgencyAdmin(ProvinceScopedAdmin):
    list_display = ("name", "short_name", "kind", "parent", "active", "successor")
    list_filter = ("kind", "active")
    search_fields = ("name__unaccent", "short_name__unaccent")
    autocomplete_fields = ("parent", "successor", "members")
    list_select_related = ("parent", "successor")
    fieldsets = (
        (None, {"fields": ("province", "name", "short_name", "aliases", "kind", "parent", "active", "successor")}),
        (_("Nhóm cơ quan"), {"fields": ("members",),
                              "description": _("Chỉ dùng cho nhóm, ví dụ “Các sở, ban, ngành tỉnh”.")}),
    )

    def get_search_results(self, request, queryset, search_term):
        """Names and short names in SQL; aliases ("SKHCN", "Sở VH TT & DL") too, as the agency directory reads them.

        Aliases are a JSON list, which SQLite stores with escaped diacritics, so they are matched in Python
        over the province's few hundred agencies rather than with a database lookup.
        """
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = name_key(search_term)
        if key:
            alias_hits = [pk for pk, aliases in queryset.values_list("pk", "aliases")
                          if any(key in name_key(alias) for alias in aliases or [])]
            if alias_hits:
                results = results | queryset.filter(pk__in=alias_hits)
        return results, may_have_duplicates


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "agency", "role")

    def clean(self):
        cleaned = super().clean()
        user, agency = cleaned.get("user"), cleaned.get("agency")
        if user and agency and (Membership.objects.filter(user=user).exclude(pk=self.instance.pk)
                                .exclude(agency__province=agency.province_id).exists()):
            # membership_add refuses it too; said here so the form comes back instead of an error page.
            raise forms.ValidationError(_("Một người dùng chỉ làm việc trong một tỉnh."))
        return cleaned


@admin.register(Membership)
class MembershipAdmin(ProvinceScopedAdmin):
    form = MembershipForm
    list_display = ("user", "agency", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name__unaccent", "agency__name__unaccent")
    autocomplete_fields = ("agency",)
    list_select_related = ("user", "agency")

    def save_model(self, request, obj, form, change):
        """Through membership_add, so a staff role brings `is_staff` and the "Sở KH&CN" group with it."""
        if change:
            super().save_model(request, obj, form, change)  # agency or role changed in place
        saved = membership_add(user=obj.user, agency=obj.agency, role=obj.role)
        obj.pk, obj._state.adding = saved.pk, False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user" and not request.user.is_superuser:
            # Users of this province, or not yet placed anywhere; never another province's users.
            province = user_province(request.user)
            field.queryset = get_user_model().objects.filter(
                Q(memberships__agency__province=province) | Q(memberships__isnull=True)).distinct()
        return field


def _register_user_admin() -> None:
    """Django's own user admin, with the plain row checkbox (its list shows 100 users a page)."""
    User = get_user_model()
    if admin.site.is_registered(User) and type(admin.site._registry[User]) is UserAdmin:
        admin.site.unregister(User)
        admin.site.register(User, type("UserAdmin", (PlainActionCheckbox, UserAdmin), {}))


_register_user_admin()
