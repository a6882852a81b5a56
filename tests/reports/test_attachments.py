"""Attachments: PDF, DOCX, XLSX, JPG, PNG up to 20 MB, type checked by content, stored privately."""

import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Attachment
from reports.selectors import attachment_readable_by
from reports.services import ReportError, ReportNotAllowed, attachment_add, attachment_remove, report_submit

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def docx_bytes():
    document = docx.Document()
    document.add_paragraph("Báo cáo quý I/2026")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Chỉ tiêu"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "không phải văn bản Word")
    return buffer.getvalue()


@pytest.mark.parametrize("name,content,content_type", [
    ("bao-cao.pdf", PDF, "application/pdf"),
    ("Báo cáo quý 1.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("so-lieu.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("anh.jpg", JPG, "image/jpeg"),
    ("anh.png", PNG, "image/png"),
    ("scan-khong-duoi", PDF, "application/pdf"),  # the name does not matter, the content does
])
def test_accepted_types(report_a, reporter_a, private_media, name, content, content_type):
    attachment = attachment_add(report=report_a, user=reporter_a,
                                uploaded_file=SimpleUploadedFile(name, content, content_type="text/plain"))
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.size == len(content)
    stored = private_media / attachment.file.name
    assert stored.read_bytes() == content
    assert "static" not in str(stored)


@pytest.mark.parametrize("name,content", [
    ("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100),
    ("ghi-chu.pdf", "Đây là văn bản thường".encode()),
    ("nen.docx", plain_zip()),
    ("hong.xlsx", b"PK\x03\x04" + b"\x00" * 50),
])
def test_refused_by_content(report_a, reporter_a, name, content):
    with pytest.raises(ReportError, match="không phải PDF, DOCX, XLSX, JPG hoặc PNG"):
        attachment_add(report=report_a, user=reporter_a, uploaded_file=SimpleUploadedFile(name, content))
    assert not Attachment.objects.exists()


def test_size_limit_20_mb(report_a, reporter_a):
    exactly = SimpleUploadedFile("lon.pdf", PDF + b"0" * (20 * 1024 * 1024 - len(PDF)))
    attachment_add(report=report_a, user=reporter_a, uploaded_file=exactly)
    too_big = SimpleUploadedFile("qua-lon.pdf", PDF + b"0" * (20 * 1024 * 1024 + 1 - len(PDF)))
    with pytest.raises(ReportError, match="lớn hơn 20 MB"):
        attachment_add(report=report_a, user=reporter_a, uploaded_file=too_big)
    assert Attachment.objects.count() == 1


def test_only_while_the_report_is_being_written(report_a, reporter_a, reporter_b):
    with pytest.raises(ReportNotAllowed):
        attachment_add(report=report_a, user=reporter_b, uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    attachment = attachment_add(report=report_a, user=reporter_a, uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    report_submit(report=report_a, user=reporter_a)
    with pytest.raises(ReportNotAllowed):
        attachment_add(report=report_a, user=reporter_a, uploaded_file=SimpleUploadedFile("b.pdf", PDF))
    with pytest.raises(ReportNotAllowed):
        attachment_remove(attachment=attachment, user=reporter_a)


def test_remove_deletes_the_file(report_a, reporter_a, private_media, django_capture_on_commit_callbacks):
    attachment = attachment_add(report=report_a, user=reporter_a, uploaded_file=SimpleUploadedFile("a.png", PNG))
    stored = private_media / attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(attachment=attachment, user=reporter_a)
    assert not stored.exists()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("who,may", [
    ("reporter_a", True), ("head_a", True), ("staff", True), ("leader", True),
    ("reporter_b", False), ("other_staff", False), ("outsider", False),
])
def test_who_may_read_an_attachment(report_a, reporter_a, request, who, may):
    attachment = attachment_add(report=report_a, user=reporter_a, uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    assert attachment_readable_by(request.getfixturevalue(who), attachment) is may


def test_anonymous_may_not_read(report_a, reporter_a):
    from django.contrib.auth.models import AnonymousUser

    attachment = attachment_add(report=report_a, user=reporter_a, uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    assert attachment_readable_by(AnonymousUser(), attachment) is False
