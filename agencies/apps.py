from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _register_sqlite_unaccent(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        from agencies.text import fold

        connection.connection.create_function("UNACCENT", 1, fold, deterministic=True)


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Cơ quan, đơn vị")

    def ready(self) -> None:
        from agencies import lookups

        lookups.register()
        connection_created.connect(_register_sqlite_unaccent, dispatch_uid="agencies.sqlite_unaccent")
