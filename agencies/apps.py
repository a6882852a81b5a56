from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _register_sqlite_unaccent(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        from agencies.text import fold

        connection.connection.create_function("UNACCENT", 1, fold, deterministic=True)


def _revoke_tokens_at_logout(sender, request, user, **kwargs) -> None:
    from agencies.tokens import user_tokens_revoke

    user_tokens_revoke(user=user)


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Cơ quan, đơn vị")

    def ready(self) -> None:
        from agencies import lookups

        lookups.register()
        connection_created.connect(_register_sqlite_unaccent, dispatch_uid="agencies.sqlite_unaccent")
        user_logged_out.connect(_revoke_tokens_at_logout, dispatch_uid="agencies.revoke_tokens_at_logout")
