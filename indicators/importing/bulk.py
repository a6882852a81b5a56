"""Rows of plain values into one table, without a model instance per row: COPY on PostgreSQL.

A 5,000-row appendix writes 25,000 yearly targets, 5,000 baselines and 10,000 agency links; building a Django
instance and an INSERT's parameters for each was a third of the import's CPU (issue 14). COPY runs in the
import's transaction like any other statement (all or nothing), its errors come out as Django's (an
IntegrityError names the rule broken, as before), and it is logged as one query where Django logs queries.
Other databases (the SQLite of a quick local run) get the same rows through bulk_create.
"""

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from decimal import Decimal

from django.db import connection
from django.db.backends.utils import CursorDebugWrapper

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: object) -> str:
    """One value in COPY's text format (the same value an INSERT would store)."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Insert `rows` (values in the order of `fields`, attnames such as "indicator_id") into `model`'s table.

    Values must already be what the column stores (ids, Decimals, str, None): nothing is converted by the
    model's fields, no default is filled in, no signal is sent (as with bulk_create)."""
    rows = list(rows)
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in rows])
        return len(rows)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    data = io.StringIO("".join("\t".join(map(_copy_text, row)) + "\n" for row in rows))
    connection.ensure_connection()
    with connection.cursor() as cursor:
        logged = cursor.debug_sql(sql) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
        with logged, connection.wrap_database_errors:
            cursor.cursor.copy_expert(sql, data)
    return len(rows)


_PLAIN_TYPES = (str, int, bool, Decimal, dt.date, dt.datetime)


def insert_objects(model, objs: list, *, key: str, scope: dict) -> None:
    """Unsaved instances of `model` into its table, their pk set after, as bulk_create does, without preparing each
    value through its field: plain values (str, int, Decimal, dates, None) go as they are; anything else through
    the field's own conversion. The pks are read back in one query over `scope` (a filter that holds them all), by
    `key` (a field unique in that scope, such as the item code within its plan)."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor != "postgresql" or any(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                                                for f in fields):
        model.objects.bulk_create(objs)
        return

    def stored(field, value):
        if value is None or isinstance(value, _PLAIN_TYPES):
            return value
        return field.get_db_prep_save(value, connection)

    insert_rows(model, [f.attname for f in fields],
                ([stored(f, getattr(obj, f.attname)) for f in fields] for obj in objs))
    pks = dict(model.objects.filter(**scope).values_list(key, "pk"))
    for obj in objs:
        obj.pk = pks[getattr(obj, key)]
        obj._state.adding = False
        obj._state.db = connection.alias
