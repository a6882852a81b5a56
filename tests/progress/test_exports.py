"""The year-end results appendix: xlsx and docx, command and staff download."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from progress.services import plan_recompute
from tests.factories import SectionFactory
from tests.progress.factories import approve_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_end(world, agency_a, agency_b, reporter_a, reporter_b, staff):
    group = SectionFactory(plan=world.plan, code="I", title="Hạ tầng số", order=1)
    sub = SectionFactory(plan=world.plan, code="1", title="Viễn thông", parent=group, order=2)
    for code in ("I.1", "I.2", "I.3"):
        world.indicators[code].section = sub
        world.indicators[code].save(update_fields=["section"])
    other = SectionFactory(plan=world.plan, code="II", title="Kinh tế số", order=3)
    world.indicators["I.4"].section = other
    world.indicators["I.4"].save(update_fields=["section"])
    approve_report(world, agency=agency_a, reporter=reporter_a, staff=staff,
                   indicators={"I.1": {"value": "86,58"}, "I.2": {"numerator": "1016", "denominator": "1095"},
                               "I.3": {"milestone_state": "completed"}})
    plan_recompute(plan=world.plan, as_of=dt.date(2027, 1, 5))
    return world


def rows_of_xlsx(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(c for c in row) for row in sheet.iter_rows(values_only=True)]


def test_xlsx_is_laid_out_like_appendix_one(year_end, tmp_path):
    path = tmp_path / "ket-qua.xlsx"
    call_command("export_results", year_end.plan.code, "--year", "2026", "--format", "xlsx", "-o", str(path))
    rows = rows_of_xlsx(path.read_bytes())
    assert rows[1][0] == "KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, CHỈ TIÊU NĂM 2026"
    assert rows[4] == ("Mục tiêu", "Mục tiêu năm 2026", "Kết quả thực hiện")
    assert rows[5][0] == "Hạ tầng số"
    name = year_end.indicators["I.1"].name
    assert rows[6] == (f"1. {name}", "≥ 90%", "CHƯA ĐẠT\nĐạt 86,58%")
    assert rows[7][2] == "ĐẠT\nĐạt 92,79% (1.016/1.095)"
    assert rows[8][1:] == ("Hoàn thành", "ĐẠT\nHoàn thành")
    assert rows[9][0] == "Kinh tế số"
    assert rows[10][0].startswith("1. ")
    assert rows[10][2] == "Không có số liệu thống kê."
    assert "05/01/2027" in rows[-1][0]


def test_docx(year_end, tmp_path):
    path = tmp_path / "ket-qua.docx"
    call_command("export_results", year_end.plan.code, "--year", "2026", "--format", "docx", "-o", str(path))
    document = Document(str(path))
    assert any(p.text == "KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, CHỈ TIÊU NĂM 2026" for p in document.paragraphs)
    table = document.tables[0]
    texts = [[cell.text for cell in row.cells] for row in table.rows]
    assert texts[0] == ["Mục tiêu", "Mục tiêu năm 2026", "Kết quả thực hiện"]
    assert texts[1][0] == "Hạ tầng số"
    assert texts[2][1:] == ["≥ 90%", "CHƯA ĐẠT Đạt 86,58%"]


def test_without_a_recompute_the_command_explains(world):
    with pytest.raises(CommandError, match="hãy tính lại tiến độ trước"):
        call_command("export_results", world.plan.code, "--year", "2026")


def test_unknown_plan_and_year(world):
    with pytest.raises(CommandError, match="Không có kế hoạch"):
        call_command("export_results", "khong-co", "--year", "2026")
    with pytest.raises(CommandError, match="không thuộc kỳ kế hoạch"):
        call_command("export_results", world.plan.code, "--year", "2040")


def download(client, world, fmt="xlsx"):
    return client.get(f"/tien-do/{world.plan.code}/ket-qua/2026/?format={fmt}")


def test_staff_downloads(client, year_end, staff):
    client.force_login(staff)
    response = download(client, year_end)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="ket-qua-{year_end.plan.code}-2026.xlsx"'
    assert rows_of_xlsx(response.content)[4][0] == "Mục tiêu"
    assert download(client, year_end, "docx").status_code == 200
    assert download(client, year_end, "pdf").status_code == 404


@pytest.mark.parametrize(("user", "status"), [("leader", 403), ("reporter_a", 403), ("outsider", 403),
                                              ("other_staff", 404)])
def test_others_may_not_download(client, year_end, user, status, request):
    client.force_login(request.getfixturevalue(user))
    assert download(client, year_end).status_code == status


def test_anonymous_goes_to_login(client, year_end):
    assert download(client, year_end).status_code == 302
