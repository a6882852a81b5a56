import pytest
from django.db import IntegrityError, transaction

from agencies.models import Agency, Province
from tests.factories import AgencyFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def test_agency_name_unique_within_a_province(province, other_province):
    AgencyFactory(province=province, name="Sở Y tế")
    AgencyFactory(province=other_province, name="Sở Y tế")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory(province=province, name="Sở Y tế")


def test_agency_is_not_its_own_successor(province):
    agency = AgencyFactory(province=province)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(successor=agency)


def test_name_keys_cover_every_spelling(province):
    agency = AgencyFactory(province=province, name="Sở Khoa học và Công nghệ", short_name="Sở KH&CN",
                           aliases=["SKHCN"])
    assert agency.name_keys() == {"so khoa hoc va cong nghe", "so kh&cn", "skhcn"}
    assert agency.display_name == "Sở KH&CN"


def test_province_code_unique():
    ProvinceFactory(name="Đồng Tháp", code="dong-thap")
    with pytest.raises(IntegrityError), transaction.atomic():
        Province.objects.create(name="Đồng Tháp 2", code="dong-thap")
