"""Agency and user services: validation in Vietnamese, idempotent directory load, staff admin access."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from agencies.models import Agency, Membership
from agencies.services import (
    STAFF_GROUP_NAME,
    agency_create,
    agency_directory_load,
    membership_add,
    role_from_text,
    user_create,
)

pytestmark = pytest.mark.django_db
Role = Membership.Role


def test_agency_create_cleans_aliases(province):
    agency = agency_create(province=province, name="  Sở Ngoại   vụ ", kind="department", short_name="SNgV",
                           aliases=["Sở Ngoại vụ", "SNGV ", "Sở NgV", ""])
    assert agency.name == "Sở Ngoại vụ"
    assert agency.aliases == ["SNGV", "Sở NgV"]


@pytest.mark.parametrize("name,kind,message", [
    ("", "department", "không được để trống"),
    ("Sở Mới", "ministry", "không hợp lệ"),
    ("Sở Y tế", "department", "đã có trong danh bạ"),
])
def test_agency_create_errors(province, agency_a, name, kind, message):
    with pytest.raises(ValidationError, match=message):
        agency_create(province=province, name=name, kind=kind)


def test_directory_load_sets_links_and_is_idempotent(province):
    entries = [
        {"name": "Sở Khoa học và Công nghệ", "short_name": "Sở KH&CN"},
        {"name": "Sở Thông tin và Truyền thông", "active": False, "successor": "Sở Khoa học và Công nghệ"},
        {"name": "Các sở, ban, ngành tỉnh", "kind": "group", "members": ["Sở Khoa học và Công nghệ"]},
        {"name": "Trung tâm Chuyển đổi số", "parent": "Sở Khoa học và Công nghệ"},
    ]
    first = agency_directory_load(province=province, entries=entries)
    assert len(first.created) == 4
    dost = Agency.objects.get(name="Sở Khoa học và Công nghệ")
    assert Agency.objects.get(name="Sở Thông tin và Truyền thông").successor == dost
    assert list(Agency.objects.get(name="Các sở, ban, ngành tỉnh").members.all()) == [dost]
    assert Agency.objects.get(name="Trung tâm Chuyển đổi số").parent == dost
    second = agency_directory_load(province=province, entries=entries)
    assert second.created == [] and second.updated == []
    entries[0]["short_name"] = "SKHCN"
    assert agency_directory_load(province=province, entries=entries).updated == ["Sở Khoa học và Công nghệ"]


def test_directory_load_is_all_or_nothing(province):
    with pytest.raises(ValidationError, match="không khai báo"):
        agency_directory_load(province=province, entries=[{"name": "Sở A", "successor": "Sở Không Có"}])
    assert not Agency.objects.exists()


def test_staff_user_gets_admin_access(dost):
    user = user_create(username="canbo", agency=dost, role=Role.STAFF, password="mat-khau-dai-2026")
    assert user.is_staff
    assert user.groups.get().name == STAFF_GROUP_NAME
    assert user.has_perm("plans.change_plan") and user.has_perm("indicators.add_target")
    assert user.has_perm("agencies.view_province") and not user.has_perm("agencies.change_province")


def test_reporter_does_not_enter_the_admin(agency_a):
    user = user_create(username="bc", agency=agency_a, role=Role.REPORTER)
    assert not user.is_staff and not user.has_usable_password()


@pytest.mark.parametrize("username,message", [("", "không được để trống"), ("có dấu", "chữ không dấu"),
                                              ("REPORTER_A", "đã tồn tại")])
def test_user_create_username_errors(agency_a, reporter_a, username, message):
    with pytest.raises(ValidationError, match=message):
        user_create(username=username, agency=agency_a, role=Role.REPORTER)


def test_user_create_bad_role_and_email(agency_a):
    with pytest.raises(ValidationError, match="Vai trò"):
        user_create(username="x", agency=agency_a, role="boss")
    with pytest.raises(ValidationError, match="thư điện tử"):
        user_create(username="x", agency=agency_a, role=Role.REPORTER, email="x@")
    assert not Membership.objects.exists()


def test_a_user_works_in_one_province(reporter_a, other_province):
    from tests.factories import AgencyFactory

    with pytest.raises(ValidationError, match="một tỉnh"):
        membership_add(user=reporter_a, agency=AgencyFactory(province=other_province), role=Role.REPORTER)


@pytest.mark.parametrize("text,role", [("staff", Role.STAFF), ("Người báo cáo", Role.REPORTER),
                                       ("nguoi bao cao", Role.REPORTER), ("agency-head", Role.AGENCY_HEAD),
                                       ("Lãnh đạo UBND tỉnh", Role.LEADER), ("LEADER", Role.LEADER),
                                       ("giám đốc", None), ("", None)])
def test_role_from_text(text, role):
    assert role_from_text(text) == role


User = get_user_model()


@pytest.mark.parametrize("password", ["123", "12345678901", "password123", "nguyen.van.b"])
def test_user_create_refuses_a_weak_password_and_writes_nothing(agency_a, password):
    """The settings' password validators apply to provisioned accounts too (create_user --password-stdin)."""
    with pytest.raises(ValidationError) as error:
        user_create(username="nguyen.van.b", agency=agency_a, role=Role.REPORTER, password=password)
    assert "Mật khẩu" in " ".join(error.value.messages)
    assert not User.objects.filter(username="nguyen.van.b").exists()
    assert not Membership.objects.filter(user__username="nguyen.van.b").exists()
