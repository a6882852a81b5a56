"""Issue 12 item 9: `make backup` then `make restore` into a fresh database finds the same plans, reports,
values and attachments (real pg_dump / pg_restore, real files)."""

import datetime as dt
import os
import subprocess
import uuid

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from reports.models import AgencyReport, Attachment
from reports.services import attachment_add, report_approve, report_save, report_submit
from tests.reports.factories import reporting_plan
from tests.services import ROOT, database_url

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
COUNTS = {
    "plans": "SELECT count(*) FROM plans_plan",
    "reports": "SELECT count(*) FROM reports_agencyreport WHERE status = 'approved'",
    "values": "SELECT string_agg(value::text, ',' ORDER BY id) FROM reports_indicatorentry",
    "attachments": "SELECT string_agg(file, ',' ORDER BY id) FROM reports_attachment",
}


def _make(target: str, **env: str) -> str:
    result = subprocess.run(["make", "--no-print-directory", target], cwd=ROOT, env=dict(os.environ, **env),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _counts(dsn: str) -> dict:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cursor:
        found = {}
        for name, sql in COUNTS.items():
            cursor.execute(sql)
            found[name] = cursor.fetchone()[0]
    conn.close()
    return found


@pytest.mark.usefixtures("postgresql_database")
@pytest.mark.django_db(transaction=True)  # pg_dump reads what the test committed
def test_backup_then_restore_into_a_fresh_database(province, agency_a, agency_b, reporter_a, staff, settings,
                                                   tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b, today=dt.date(2026, 3, 1))
    report = world.report(agency_a)
    report_save(report=report, user=reporter_a, version=report.version,
                data={"indicator_entries": [{"indicator": "I.1", "value": "86,58"}]})
    attachment = attachment_add(report=report, user=reporter_a,
                                uploaded_file=SimpleUploadedFile("cong-van.pdf", PDF, content_type="application/pdf"))
    report_submit(report=report, user=reporter_a)
    report_approve(report=report, user=staff)
    source = database_url()
    before = _counts(source.replace("postgres://", "postgresql://"))
    assert before["reports"] == 1 and before["values"] == "86.580000" and before["attachments"] == attachment.file.name

    base = _make("backup", DATABASE_URL=source, MEDIA_ROOT=str(tmp_path / "media"),
                 BACKUP_DIR=str(tmp_path / "backups")).strip().splitlines()[-1]
    assert os.path.exists(base + ".dump") and os.path.exists(base + ".media.tar.gz")

    fresh = f"chitieu_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {fresh}")
    try:
        target = source.rsplit("/", 1)[0] + "/" + fresh
        restored_media = tmp_path / "restored-media"
        _make("restore", BACKUP=base, DATABASE_URL=target, MEDIA_ROOT=str(restored_media))
        assert _counts(target.replace("postgres://", "postgresql://")) == before
        assert (restored_media / attachment.file.name).read_bytes() == PDF
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {fresh} WITH (FORCE)")
    assert _counts(source.replace("postgres://", "postgresql://")) == before  # the backup changed nothing
    assert AgencyReport.objects.filter(status="approved").count() == 1 and Attachment.objects.count() == 1


def test_restore_without_a_backup_says_how():
    result = subprocess.run(["make", "--no-print-directory", "restore"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0
    assert "make restore BACKUP=" in result.stdout
