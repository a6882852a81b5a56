from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigConfig(AppConfig):
    """The wiring layer: it may import every app (DESIGN.md), so commands that span layers live here."""

    name = "config"
    verbose_name = _("Cấu hình")
