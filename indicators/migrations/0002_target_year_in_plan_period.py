"""A target's year must lie inside its plan's period.

The rule crosses tables, which a CHECK constraint cannot express, so it is a trigger (PostgreSQL and
SQLite each in their own dialect). Services check it first and give a friendly message; the trigger
guarantees it for every other writer.
"""

from django.db import migrations

MESSAGE = "target year outside plan period"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION indicators_target_year_in_plan() RETURNS trigger AS $$
DECLARE plan_start integer; plan_end integer;
BEGIN
    SELECT p.start_year, p.end_year INTO plan_start, plan_end
      FROM indicators_indicator i JOIN plans_plan p ON p.id = i.plan_id
     WHERE i.id = NEW.indicator_id;
    IF NEW.year < plan_start OR NEW.year > plan_end THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER indicators_target_year_in_plan BEFORE INSERT OR UPDATE ON indicators_target
    FOR EACH ROW EXECUTE FUNCTION indicators_target_year_in_plan();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS indicators_target_year_in_plan ON indicators_target;
DROP FUNCTION IF EXISTS indicators_target_year_in_plan();
"""
SQLITE_UP = [
    f"""
CREATE TRIGGER indicators_target_year_in_plan_{event.lower()} BEFORE {event} ON indicators_target
FOR EACH ROW WHEN EXISTS (
    SELECT 1 FROM indicators_indicator i JOIN plans_plan p ON p.id = i.plan_id
     WHERE i.id = NEW.indicator_id AND (NEW.year < p.start_year OR NEW.year > p.end_year))
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
"""
    for event in ("INSERT", "UPDATE")
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS indicators_target_year_in_plan_insert",
    "DROP TRIGGER IF EXISTS indicators_target_year_in_plan_update",
]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = [POSTGRES_UP] if vendor == "postgresql" else SQLITE_UP if vendor == "sqlite" else []
    for sql in statements:
        schema_editor.execute(sql)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = [POSTGRES_DOWN] if vendor == "postgresql" else SQLITE_DOWN if vendor == "sqlite" else []
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial"), ("plans", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
