"""A zip bomb (a small .xlsx/.docx holding huge XML) is refused quickly, in little memory, on every upload path."""

import datetime as dt
import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from agencies import uploads
from agencies.uploads import UploadRefused, check_archive, open_workbook
from indicators.importing.readers import ReadError, read_blocks
from reports.services import ReportError, attachment_add
from reports.values_file import BulkFileError, read_uploaded_values
from tests.reports.factories import reporting_plan

pytestmark = pytest.mark.django_db

BOMB_XML_BYTES = 20 * 1024 * 1024
MEMORY_CEILING = 20 * 1024 * 1024  # what a refusal may allocate; parsing the bomb would take gigabytes
TIME_CEILING = 3.0


def _bomb_xml() -> bytes:
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 200 + b"</t></is></c></row>"
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>')
    return head + row * (BOMB_XML_BYTES // len(row)) + b"</sheetData></worksheet>"


def _replace_part(valid: bytes, part: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(valid)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = content if info.filename == part else source.read(info.filename)
            target.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb_xlsx() -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = "Chỉ tiêu"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _replace_part(buffer.getvalue(), "xl/worksheets/sheet1.xml", _bomb_xml())


@pytest.fixture(scope="module")
def bomb_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Kế hoạch")
    buffer = io.BytesIO()
    document.save(buffer)
    body = b"<w:p><w:r><w:t>" + b"B" * 200 + b"</w:t></w:r></w:p>"
    xml = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
           b'wordprocessingml/2006/main"><w:body>' + body * (BOMB_XML_BYTES // len(body)) + b"</w:body></w:document>")
    return _replace_part(buffer.getvalue(), "word/document.xml", xml)


def refused_quickly(action):
    """Run `action` (which must raise), return the exception; fail on time or memory past the ceilings."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(Exception) as caught:
            action()
        elapsed = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < TIME_CEILING, f"took {elapsed:.1f} s"
    assert peak < MEMORY_CEILING, f"allocated {peak / 1024 / 1024:.0f} MB"
    return caught.value


def test_the_bomb_is_small_on_disk(bomb_xlsx, bomb_docx):
    assert len(bomb_xlsx) < 1024 * 1024
    assert len(bomb_docx) < 1024 * 1024


def test_checker_names_the_ratio_limit(bomb_xlsx):
    error = refused_quickly(lambda: check_archive(io.BytesIO(bomb_xlsx), name="bom.xlsx"))
    assert isinstance(error, UploadRefused)
    assert "bom.xlsx" in error.message and "tỷ lệ nén 100:1" in error.message


def test_checker_names_the_total_size_limit(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_RATIO", 10_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/a.bin", b"\0" * (3 * 1024 * 1024))
    with pytest.raises(UploadRefused, match="vượt giới hạn 2 MB"):
        check_archive(io.BytesIO(buffer.getvalue()), name="x.xlsx", max_total=2 * 1024 * 1024)


def test_checker_names_the_entry_count_limit(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ENTRIES", 5)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(6):
            archive.writestr(f"part{number}.xml", "<a/>")
    with pytest.raises(UploadRefused, match="6 thành phần nén, vượt giới hạn 5"):
        check_archive(io.BytesIO(buffer.getvalue()), name="x.xlsx")


def test_rows_beyond_the_limit_are_refused_while_streaming(monkeypatch, tmp_path):
    monkeypatch.setattr(uploads, "MAX_ROWS", 50)
    workbook = Workbook()
    for number in range(60):
        workbook.active.append([number])
    path = tmp_path / "dai.xlsx"
    workbook.save(path)
    opened = open_workbook(path)
    with pytest.raises(UploadRefused, match="quá 50 dòng"):
        list(uploads.bounded_rows(opened.worksheets[0], name="dai.xlsx"))
    opened.close()


def test_an_ordinary_workbook_passes(tmp_path):
    workbook = Workbook()
    workbook.active.append(["Mã", "Giá trị"])
    path = tmp_path / "ok.xlsx"
    workbook.save(path)
    check_archive(path)
    assert load_workbook(path).active["A1"].value == "Mã"


# ---------------------------------------------------------------- every upload path


@pytest.fixture
def report_a(province, agency_a, agency_b):
    return reporting_plan(province=province, agency_a=agency_a, agency_b=agency_b,
                          today=dt.date(2026, 3, 1)).report(agency_a)


def test_report_excel_upload(client, reporter_a, report_a, bomb_xlsx):
    client.force_login(reporter_a)
    url = reverse("reports:excel_upload", args=[report_a.pk])
    upload = SimpleUploadedFile("bao-cao.xlsx", bomb_xlsx)
    started = time.monotonic()
    response = client.post(url, {"file": upload}, follow=True)
    assert time.monotonic() - started < TIME_CEILING
    assert "tỷ lệ nén" in response.content.decode()


def test_report_excel_reader_memory(report_a, bomb_xlsx):
    from reports.excel import WorkbookError, read_workbook

    error = refused_quickly(lambda: read_workbook(report_a, SimpleUploadedFile("bao-cao.xlsx", bomb_xlsx)))
    assert isinstance(error, WorkbookError) and "tỷ lệ nén" in error.message


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_plan_import(tmp_path, bomb_xlsx, bomb_docx, suffix):
    path = tmp_path / f"ke-hoach{suffix}"
    path.write_bytes(bomb_xlsx if suffix == ".xlsx" else bomb_docx)
    error = refused_quickly(lambda: read_blocks(path))
    assert isinstance(error, ReadError) and "giới hạn" in error.message


def test_plan_import_admin_page(client, staff_admin, bomb_docx):
    client.force_login(staff_admin)
    response = client.post(reverse("admin:plans_plan_import_document"),
                           {"document": SimpleUploadedFile("ke-hoach.docx", bomb_docx)})
    assert response.status_code == 200
    assert "giới hạn" in response.content.decode()


def test_bulk_values(bomb_xlsx):
    error = refused_quickly(lambda: read_uploaded_values(SimpleUploadedFile("so-lieu.xlsx", bomb_xlsx)))
    assert isinstance(error, BulkFileError) and "tỷ lệ nén" in error.message


def test_user_import(tmp_path, bomb_xlsx):
    path = tmp_path / "tai-khoan.xlsx"
    path.write_bytes(bomb_xlsx)
    error = refused_quickly(lambda: call_command("import_users", str(path), stdout=io.StringIO()))
    assert isinstance(error, CommandError) and "tỷ lệ nén" in str(error)


def test_agency_directory_import(tmp_path, bomb_xlsx, province):
    path = tmp_path / "co-quan.xlsx"
    path.write_bytes(bomb_xlsx)
    error = refused_quickly(lambda: call_command("import_agencies", str(path), stdout=io.StringIO()))
    assert isinstance(error, CommandError) and "tỷ lệ nén" in str(error)


def test_attachment(report_a, reporter_a, bomb_docx, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = SimpleUploadedFile("cong-van.docx", bomb_docx)
    error = refused_quickly(lambda: attachment_add(report=report_a, user=reporter_a, uploaded_file=upload))
    assert isinstance(error, ReportError) and "tỷ lệ nén" in error.message
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.docx"))
