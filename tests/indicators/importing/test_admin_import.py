"""The plan import in the admin: staff upload, see the dry-run preview, confirm; nobody else may."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.services import staff_group_ensure
from plans.models import Plan
from tests.indicators.importing.conftest import SEED_000

pytestmark = pytest.mark.django_db
URL = "/admin/plans/plan/nhap-van-ban/"


@pytest.fixture
def staff_admin(staff, directory, client):
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    return client


def upload(name="ke-hoach.txt", content=None):
    return SimpleUploadedFile(name, content if content is not None else SEED_000.read_bytes())


def test_url_name():
    assert reverse("admin:plans_plan_import_document") == URL


def test_preview_writes_nothing_then_confirm_imports(staff_admin):
    response = staff_admin.post(URL, {"document": upload(), "plan_code": "ha-tang-so"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Xem trước (chưa ghi gì)" in body
    assert '<th scope="row">Chỉ tiêu</th><td>10</td>' in body  # counts on top: created first
    assert "<caption>Phụ lục I</caption>" in body and "<caption>Phụ lục II</caption>" in body
    assert ("<td>350</td><td>Chỉ tiêu</td><td>I.1</td>\n              <td>Tỷ lệ phủ sóng di động 5G cho người dân</td>"
            in body)
    assert "2026: ≥ 90<br>2027: ≥ 95" in body
    assert "--dry-run" not in body and "year_range" not in body
    assert not Plan.objects.exists()
    token = response.context["token"]
    confirmed = staff_admin.post(URL, {"token": token})
    assert confirmed.status_code == 302
    plan = Plan.objects.get(code="ha-tang-so")
    assert plan.indicators.count() == 10 and plan.province.name == "Đồng Tháp"
    again = staff_admin.post(URL, {"token": token})  # a token is used once
    assert again.status_code == 302 and Plan.objects.count() == 1


def test_errors_are_shown_and_nothing_can_be_confirmed(staff_admin):
    response = staff_admin.post(URL, {"document": upload(content=b"STT\tCot A\n1\tx\n"), "plan_code": "x",
                                      "title": "Thử", "start_year": 2026, "end_year": 2026})
    body = response.content.decode()
    assert "Không nhập được" in body and "Không nhận ra loại bảng" in body
    assert "token" not in response.context or not response.context.get("token")
    assert not Plan.objects.exists()


def test_form_keeps_what_was_typed_on_bad_input(staff_admin):
    response = staff_admin.post(URL, {"document": upload(name="ke-hoach.pdf"), "plan_code": "ma-cua-toi",
                                      "title": "Tên đã gõ"})
    body = response.content.decode()
    assert "Chỉ nhận tệp .docx, .xlsx, .csv, .tsv, .txt, .md." in body
    assert 'value="ma-cua-toi"' in body and 'value="Tên đã gõ"' in body


def test_changelist_offers_the_import(staff_admin):
    assert URL in staff_admin.get("/admin/plans/plan/").content.decode()


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader", "outsider"])
def test_others_may_not_import(who, request, client):
    user = request.getfixturevalue(who)
    user.is_staff = True  # even with admin access, only Sở KH&CN staff import plans
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"document": upload()}).status_code == 403
    assert not Plan.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_other_province_staff_imports_into_their_own_province(other_staff, client, directory):
    other_staff.is_staff = True
    other_staff.save(update_fields=["is_staff"])
    other_staff.groups.add(staff_group_ensure())
    client.force_login(other_staff)
    response = client.post(URL, {"document": upload(), "plan_code": "ca-mau", "create_agencies": "on"})
    client.post(URL, {"token": response.context["token"]})
    assert Plan.objects.get(code="ca-mau").province.name == "Cà Mau"


def test_plan_page_offers_the_update_and_the_upload_updates_that_plan(staff_admin):
    first = staff_admin.post(URL, {"document": upload(), "plan_code": "ha-tang-so"})
    staff_admin.post(URL, {"token": first.context["token"]})
    plan = Plan.objects.get(code="ha-tang-so")
    page = staff_admin.get(f"/admin/plans/plan/{plan.pk}/change/").content.decode()
    assert f"{URL}?plan=ha-tang-so" in page and "Nhập/cập nhật từ văn bản" in page
    form = staff_admin.get(URL, {"plan": "ha-tang-so"})
    assert form.context["form"]["plan_code"].value() == "ha-tang-so"
    again = staff_admin.post(URL, {"document": upload(), "plan_code": "ha-tang-so"})
    assert again.context["report"].counts["indicators"].unchanged == 10
    assert again.context["report"].counts["plan"].created == 0


def test_upload_like_an_existing_plan_offers_to_update_it(staff_admin):
    first = staff_admin.post(URL, {"document": upload(), "plan_code": "ha-tang-so"})
    staff_admin.post(URL, {"token": first.context["token"]})
    response = staff_admin.post(URL, {"document": upload()})  # no code: would create a second plan
    body = response.content.decode()
    assert response.context["report"].similar_plan[0] == "ha-tang-so"
    assert "Cập nhật kế hoạch đã có thay vì tạo mới" in body and "--plan" not in body
    switched = staff_admin.post(URL, {"token": response.context["token"], "use_plan": "ha-tang-so"})
    assert switched.context["report"].plan_code == "ha-tang-so"
    staff_admin.post(URL, {"token": switched.context["token"]})
    assert Plan.objects.count() == 1


def test_single_table_into_an_appendix_from_the_admin(staff_admin):
    first = staff_admin.post(URL, {"document": upload(), "plan_code": "ha-tang-so"})
    staff_admin.post(URL, {"token": first.context["token"]})
    table = "TT\tNhiệm vụ\tCơ quan chủ trì\tThời gian thực hiện\n1\tSố hóa hồ sơ\tSở Tài chính\tQuý II/2027\n"
    response = staff_admin.post(URL, {"document": upload(name="bang.txt", content=table.encode()),
                                      "plan_code": "ha-tang-so", "appendix": "iii"})
    report = response.context["report"]
    assert report.ok, report.render()
    assert report.counts["tasks"].created == 1 and report.counts["tasks"].removed == 0
    staff_admin.post(URL, {"token": response.context["token"]})
    assert Plan.objects.get().tasks.filter(appendix__number="III").count() == 1
    assert Plan.objects.get().tasks.count() == 23
