"""Shared fixtures: one province with named users per role, and an outsider.

staff (Sở KH&CN), reporter_a (agency A), reporter_b (agency B), head_a (agency A's head), leader
(UBND tỉnh), other_staff (staff of another province) and outsider (a user with no membership).
"""

import pytest

from agencies.models import Agency, Membership
from tests.factories import AgencyFactory, MembershipFactory, ProvinceFactory, UserFactory

Role = Membership.Role


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """DRF keeps its throttle counts (the token login's) in the cache, keyed by address: one test's
    logins must not throttle the next test's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def province(db):
    return ProvinceFactory(name="Đồng Tháp", code="dong-thap")


@pytest.fixture
def directory(province):
    """The province with its real agency directory (fixtures/dong_thap_agencies.json), as the seeds name them."""
    from pathlib import Path

    from django.conf import settings

    from agencies.services import agency_directory_load_file

    agency_directory_load_file(province=province, path=Path(settings.BASE_DIR) / "fixtures" / "dong_thap_agencies.json")
    return province


@pytest.fixture
def other_province(db):
    return ProvinceFactory(name="Cà Mau", code="ca-mau")


@pytest.fixture
def dost(province):
    return AgencyFactory(province=province, name="Sở Khoa học và Công nghệ", short_name="Sở KH&CN",
                         aliases=["SKHCN", "Sở KHCN"])


@pytest.fixture
def agency_a(province):
    return AgencyFactory(province=province, name="Sở Y tế", short_name="SYT")


@pytest.fixture
def agency_b(province):
    return AgencyFactory(province=province, name="UBND phường Cao Lãnh", kind=Agency.Kind.COMMUNE)


@pytest.fixture
def ubnd(province):
    return AgencyFactory(province=province, name="Ủy ban nhân dân tỉnh Đồng Tháp", short_name="UBND tỉnh")


def _member(username, agency, role):
    user = UserFactory(username=username)
    MembershipFactory(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def staff(dost):
    return _member("staff", dost, Role.STAFF)


@pytest.fixture
def reporter_a(agency_a):
    return _member("reporter_a", agency_a, Role.REPORTER)


@pytest.fixture
def head_a(agency_a):
    return _member("head_a", agency_a, Role.AGENCY_HEAD)


@pytest.fixture
def reporter_b(agency_b):
    return _member("reporter_b", agency_b, Role.REPORTER)


@pytest.fixture
def leader(ubnd):
    return _member("leader", ubnd, Role.LEADER)


@pytest.fixture
def other_staff(other_province):
    agency = AgencyFactory(province=other_province, name="Sở Khoa học và Công nghệ")
    return _member("other_staff", agency, Role.STAFF)


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


# -- admin access (H1): staff as `user_create` makes them, with is_staff and the "Sở KH&CN" group ------

@pytest.fixture
def staff_admin(staff, dost):
    from agencies.services import membership_add

    membership_add(user=staff, agency=dost, role=Role.STAFF)
    staff.refresh_from_db()
    return staff


@pytest.fixture
def other_staff_admin(other_staff):
    from agencies.services import membership_add

    membership = other_staff.memberships.get()
    membership_add(user=other_staff, agency=membership.agency, role=Role.STAFF)
    other_staff.refresh_from_db()
    return other_staff


# -- the real Celery worker's broker --------------------------------------------------------------------

@pytest.fixture
def worker_broker():
    """The Redis of REDIS_URL for a real Celery worker. Without it the test is skipped on a developer's
    machine, but fails where CI requires the services (CHITIEU_REQUIRE_SERVICES), like the browser tests."""
    import os

    if not os.environ.get("REDIS_URL"):
        message = "REDIS_URL is not set: no broker for a real worker"
        if os.environ.get("CHITIEU_REQUIRE_SERVICES"):
            pytest.fail(message + " (CHITIEU_REQUIRE_SERVICES is set)")
        pytest.skip(message)
    return os.environ["REDIS_URL"]


@pytest.fixture
def postgresql_database():
    """Tests of PostgreSQL tools (pg_dump, pg_restore): skipped on SQLite on a developer's machine, failed where CI
    requires the services (CHITIEU_REQUIRE_SERVICES)."""
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        message = "DATABASE_URL is not PostgreSQL"
        if os.environ.get("CHITIEU_REQUIRE_SERVICES"):
            pytest.fail(message + " (CHITIEU_REQUIRE_SERVICES is set)")
        pytest.skip(message)
