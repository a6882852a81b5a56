from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigConfig(AppConfig):
    """The wiring layer: it may import every app (DESIGN.md), so commands that span layers live here."""

    name = "config"
    verbose_name = _("Cấu hình")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from config.security import session_started

        user_logged_in.connect(session_started, dispatch_uid="config.session_started")
