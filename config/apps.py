from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigConfig(AppConfig):
    """The wiring layer: it may import every app (DESIGN.md), so commands that span layers live here."""

    name = "config"
    verbose_name = _("Cấu hình")

    def ready(self) -> None:
        _vietnamese_token_admin()
        from django.contrib.auth.signals import user_logged_in

        from config.security import session_started

        user_logged_in.connect(session_started, dispatch_uid="config.session_started")


def _vietnamese_token_admin() -> None:
    """DRF's token app has no Vietnamese: its admin section read "AUTH TOKEN / Tokens". Named here, once
    (if the app is replaced by expiring tokens, the names move with it)."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    if not apps.is_installed("rest_framework.authtoken"):
        return
    apps.get_app_config("authtoken").verbose_name = _("Khóa truy cập API")
    for model in apps.get_app_config("authtoken").get_models():
        model._meta.verbose_name = _("khóa truy cập API")
        model._meta.verbose_name_plural = _("khóa truy cập API")
        for field, label in (("key", _("khóa")), ("user", _("người dùng")), ("created", _("tạo lúc"))):
            try:
                model._meta.get_field(field).verbose_name = label
            except FieldDoesNotExist:  # a field the installed version does not have
                continue
