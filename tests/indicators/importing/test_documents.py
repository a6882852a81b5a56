"""Whole plan documents in the other formats officials have: Word (.docx) and markdown with pipe tables."""

from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.importing.layout import LayoutError, layout_table
from indicators.importing.service import plan_import
from indicators.importing.tables import RawTable
from indicators.importing.textdoc import read_text
from plans.models import Plan
from tests.indicators.importing import factories

pytestmark = pytest.mark.django_db

HEAD = ["Số: 15/KH-UBND", "Đồng Tháp, ngày 20 tháng 3 năm 2026", "KẾ HOẠCH",
        "Thúc đẩy thanh toán không dùng tiền mặt", "giai đoạn 2026 - 2028", "Căn cứ Luật Ngân sách nhà nước;"]


def test_word_document_with_an_appendix_table(directory, tmp_path):
    document = Document()
    for line in HEAD:
        document.add_paragraph(line)
    document.add_paragraph("Phụ lục I")
    document.add_paragraph("CÁC CHỈ TIÊU")
    table = document.add_table(rows=0, cols=len(factories.HEADER))
    for row in [factories.HEADER, *factories.ROWS]:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    source = tmp_path / "ke-hoach.docx"
    document.save(source)
    report = plan_import(source=source, province=directory)
    assert report.ok, report.render()
    plan = Plan.objects.get(code=report.plan_code)
    assert (plan.title, plan.number, plan.issued, plan.start_year, plan.end_year) == (
        "Thúc đẩy thanh toán không dùng tiền mặt giai đoạn 2026 - 2028", "15/KH-UBND", date(2026, 3, 20), 2026, 2028)
    assert plan.appendices.get().title == "CÁC CHỈ TIÊU"
    assert plan.indicators.get(code="I.2").baseline.value == Decimal("16861")


def test_markdown_document_with_a_pipe_table(directory, tmp_path):
    lines = [f"**{line}**" if line == "KẾ HOẠCH" else line for line in HEAD]
    table = ["| " + " | ".join(row) + " |" for row in [factories.HEADER, *factories.ROWS]]
    table.insert(1, "|" + "---|" * len(factories.HEADER))
    source = tmp_path / "ke-hoach.md"
    source.write_text("\n\n".join(lines) + "\n\n## Phụ lục I\n\n" + "\n".join(table), encoding="utf-8")
    report = plan_import(source=source, province=directory)
    assert report.ok, report.render()
    assert Plan.objects.get().indicators.count() == 3


def test_indicator_table_in_the_body_is_imported_with_a_warning(directory, tmp_path):
    body_table = "\n".join("\t".join(r) for r in [factories.HEADER, *factories.ROWS])
    source = tmp_path / "ke-hoach.txt"
    source.write_text("\n".join(HEAD) + "\n" + body_table + "\n", encoding="utf-8")
    report = plan_import(source=source, province=directory, dry_run=True)
    assert report.ok, report.render()
    assert report.counts["indicators"].created == 3
    assert "Bảng trong thân văn bản (sau đoạn" in report.render()
    assert "được nhập như phụ lục B1" in report.render()


def test_a_body_table_that_is_not_a_plan_table_is_left_out(directory, tmp_path):
    source = tmp_path / "ke-hoach.txt"
    table = "STT\tTên cơ quan\tSố điện thoại\n1\tSở Tài chính\t0277"
    source.write_text("\n".join(HEAD) + "\n" + table + "\n", encoding="utf-8")
    report = plan_import(source=source, province=directory, dry_run=True)
    assert not report.ok  # nothing to import at all
    assert "Bảng trong thân văn bản (không thuộc phụ lục nào): không nhập." in report.render()


cells = st.text(alphabet=st.sampled_from(list("0123456789,.%≥>-–IVX ạăâđêôơưTtSốNămChỉtiêu\n")), max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cells, min_size=1, max_size=7), min_size=1, max_size=8))
def test_layout_never_crashes(rows):
    rows = [factories.HEADER, *rows]
    table = RawTable(rows=rows, row_numbers=list(range(1, len(rows) + 1)), breaks={2, 4})
    try:
        layout = layout_table(table)
    except LayoutError:
        return
    codes = [row.code for row in layout.rows]
    assert len(codes) == len(set(codes))  # codes are unique in a table, whatever the numbering


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_text_reader_never_crashes(text):
    read_text(text)


@pytest.mark.parametrize("after_title", [["PHỤ LỤC I", "CHỈ TIÊU"], ["Phụ lục I", "CHỈ TIÊU"],
                                         ["Số: 15/KH-UBND", "Phụ lục I"], ["Căn cứ Luật Ngân sách nhà nước;", "Phụ lục I"]])
def test_title_stops_at_the_next_part_of_the_document(directory, tmp_path, after_title):
    """No blank line between the title and what follows (a .docx exported and imported back)."""
    document = Document()
    head = [line for line in HEAD[:5] if not (after_title[0].startswith("Số") and line.startswith("Số"))]
    for line in [*head, *after_title, "(Kèm theo Kế hoạch số 15/KH-UBND ngày 20/3/2026)"]:
        document.add_paragraph(line)
    table = document.add_table(rows=0, cols=len(factories.HEADER))
    for row in [factories.HEADER, *factories.ROWS]:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    source = tmp_path / "ke-hoach.docx"
    document.save(source)
    report = plan_import(source=source, province=directory, dry_run=True)
    assert report.ok, report.render()
    assert report.plan_title == "Thúc đẩy thanh toán không dùng tiền mặt giai đoạn 2026 - 2028"


def test_exported_task_table_with_a_partner_imports_back(directory, tmp_path):
    from agencies.models import Agency
    from indicators.exporting import plan_to_docx
    from plans.models import Appendix, Task
    from tests.factories import AppendixFactory, PlanFactory, TaskFactory

    plan = PlanFactory(province=directory, code="goc", title="Hợp tác chuyển đổi số giai đoạn 2026 - 2030",
                       number="7/KH-UBND", start_year=2026, end_year=2030)
    appendix = AppendixFactory(plan=plan, number="I", title="Nhiệm vụ", kind=Appendix.Kind.TASKS)
    vnpt = Agency.objects.get(province=directory, short_name="VNPT")
    dost = Agency.objects.get(province=directory, name="Sở Khoa học và Công nghệ")
    for order, partner in enumerate([vnpt, None], start=1):
        task = TaskFactory(plan=plan, appendix=appendix, code=str(order), order=order, partner=partner,
                           content=f"Nhiệm vụ {order}", deadline_text="Thường xuyên",
                           deadline_kind=Task.DeadlineKind.ONGOING)
        task.lead_agencies.set([dost])
    source = tmp_path / "xuat.docx"
    source.write_bytes(plan_to_docx(plan))
    report = plan_import(source=source, province=directory, plan_code="nhap-lai")
    assert report.ok, report.render()
    imported = Task.objects.filter(plan__code="nhap-lai").order_by("code")
    assert [(t.code, t.partner, list(t.lead_agencies.all())) for t in imported] == [
        ("1", vnpt, [dost]), ("2", None, [dost])]
