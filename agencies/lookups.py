"""A diacritic-insensitive `__unaccent` transform that works on PostgreSQL and SQLite.

PostgreSQL uses the `unaccent` extension (installed by agencies' first migration); SQLite gets a
Python function of the same name registered on each new connection (agencies.apps).
"""

from django.db.models import CharField, TextField, Transform


class Unaccent(Transform):
    lookup_name = "unaccent"
    function = "UNACCENT"
    bilateral = True


def register() -> None:
    CharField.register_lookup(Unaccent)
    TextField.register_lookup(Unaccent)
