"""The agency directory against cells copied from the seed plans (shared/seeds)."""

from pathlib import Path

import pytest
from django.conf import settings

from agencies.matching import AgencyDirectory, name_key
from agencies.models import Agency
from agencies.services import agency_directory_load_file
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

DIRECTORY_FILE = Path(settings.BASE_DIR) / "fixtures" / "dong_thap_agencies.json"


@pytest.fixture
def directory():
    province, _result = agency_directory_load_file(path=DIRECTORY_FILE)
    return AgencyDirectory(province)


def names(resolved):
    return [a.name for a in resolved.agencies]


def test_loads_the_province_in_one_query(django_assert_num_queries):
    province, _result = agency_directory_load_file(path=DIRECTORY_FILE)
    with django_assert_num_queries(1):
        directory = AgencyDirectory(province)
    with django_assert_num_queries(0):
        directory.resolve_list("Sở KH&CN; Công an Tỉnh; UBND các xã, phường")
        directory.closest("So khoa hoc")


@pytest.mark.parametrize("written,expected", [
    ("Sở Khoa học và Công nghệ", "Sở Khoa học và Công nghệ"),
    ("so khoa hoc va cong nghe", "Sở Khoa học và Công nghệ"),
    ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở VH TT & DL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
    ("Công an Tỉnh", "Công an tỉnh"),
    ("Công an tỉnh Tiền Giang", "Công an tỉnh"),
    ("Sở Y tế tỉnh Tiền Giang", "Sở Y tế"),
    ("Sở Tư pháp tỉnh", "Sở Tư pháp"),
    ("Sở Tư pháp Đồng Tháp", "Sở Tư pháp"),
    ("UBND TỈNH ĐỒNG THÁP", "Ủy ban nhân dân tỉnh Đồng Tháp"),
    ("VP UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
    ("Trường ĐHTG", "Trường Đại học Tiền Giang"),
    ("Thuế Đồng Tháp", "Thuế tỉnh Đồng Tháp"),
    ("Ngân hàng Nhà nước Khu vực 13", "Ngân hàng Nhà nước Việt Nam Chi nhánh Khu vực 13"),
    ("VNPT", "Tập đoàn Bưu chính Viễn thông Việt Nam"),
    ("Tập đoàn Bru chính Viễn thông Việt Nam", "Tập đoàn Bưu chính Viễn thông Việt Nam"),
    ("Ban Quản lý Khu kinh tế", "Ban Quản lý Khu kinh tế tỉnh"),
    ("Xây Dựng", None),
    # Renamed and merged agencies answer with their successor.
    ("Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ"),
    ("Sở TT&TT", "Sở Khoa học và Công nghệ"),
    ("Sở Kế hoạch và Đầu tư", "Sở Tài chính"),
    ("Đài Phát thanh và Truyền hình tỉnh", "Báo và Phát thanh, truyền hình Đồng Tháp"),
    ("Báo Ấp Bắc", "Báo và Phát thanh, truyền hình Đồng Tháp"),
    ("Ủy ban nhân dân tỉnh Tiền Giang", "Ủy ban nhân dân tỉnh Đồng Tháp"),
    ("Ủy ban nhân dân các huyện, thị xã, thành phố", "UBND các xã, phường"),
    ("Sở Khoa học", None),
    ("", None),
])
def test_match_one_name(directory, written, expected):
    found = directory.match(written)
    assert (found.name if found else None) == expected


# Cells copied from the seeds' appendix tables, with what an official reads in them.
SEED_CELLS = [
    ("Các sở, ban, ngành tỉnh; UBND các xã, phường; doanh nghiệp viễn thông và các đơn vị liên quan",
     ["Các sở, ban, ngành tỉnh", "UBND các xã, phường", "Các doanh nghiệp viễn thông"]),
    ("Các sở, ban, ngành tỉnh; UBND các xã, phường; doanh nghiệp viên thông và các đơn vị liên quan",
     ["Các sở, ban, ngành tỉnh", "UBND các xã, phường", "Các doanh nghiệp viễn thông"]),
    ("VNNIC; các sở, ban, ngành tỉnh; UBND các xã, phường; doanh nghiệp viễn thông và các đơn vị liên quan",
     ["Trung tâm Internet Việt Nam", "Các sở, ban, ngành tỉnh", "UBND các xã, phường",
      "Các doanh nghiệp viễn thông"]),
    ("Các sở, ban, ngành tỉnh; UBND các xã, phường; doanh nghiệp viễn thông, điện lực",
     ["Các sở, ban, ngành tỉnh", "UBND các xã, phường", "Các doanh nghiệp viễn thông",
      "Công ty Điện lực Đồng Tháp"]),
    ("Các sở, ban, ngành tỉnh; UBND các xã, phường; DN và các đơn vị liên quan",
     ["Các sở, ban, ngành tỉnh", "UBND các xã, phường", "Các doanh nghiệp"]),
    ("Các sở, ban, ngành tỉnh; UBND các xã, phường; các đơn vị liên quan",
     ["Các sở, ban, ngành tỉnh", "UBND các xã, phường"]),
    ("Các doanh nghiệp viễn thông, công nghệ số", ["Các doanh nghiệp viễn thông"]),
    ("Sở Khoa học và Công nghệ; doanh nghiệp viễn thông và các đơn vị liên quan",
     ["Sở Khoa học và Công nghệ", "Các doanh nghiệp viễn thông"]),
    ("Các sở: Khoa học và Công nghệ; Giáo dục và Đào tạo; Y tế; Xây Dựng; Nông nghiệp và Môi trường",
     ["Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Xây dựng",
      "Sở Nông nghiệp và Môi trường"]),
    ("Sở Công thương; Ngân hàng nhà nước, 102 xã, phường",
     ["Sở Công Thương", "Ngân hàng Nhà nước Việt Nam Chi nhánh Khu vực 13", "UBND các xã, phường"]),
    ("Sở Khoa học và Công nghệ; Công an tỉnh; các sở, ban, ngành và 102 xã, phường",
     ["Sở Khoa học và Công nghệ", "Công an tỉnh", "Các sở, ban, ngành tỉnh", "UBND các xã, phường"]),
    ("Sở Khoa học và Công nghệ; Sở Giáo dục và Đào tạo; các xã, phường.",
     ["Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "UBND các xã, phường"]),
    ("Văn phòng UBND tỉnh; Sở Khoa học và Công nghệ",
     ["Văn phòng Ủy ban nhân dân tỉnh", "Sở Khoa học và Công nghệ"]),
    ("Sở Y tế; các cơ sở y tế khu vực", ["Sở Y tế", "Các cơ sở y tế khu vực"]),
    ("Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh",
     ["Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh"]),
    ("Sở GD&ĐT; Sở Y tế", ["Sở Giáo dục và Đào tạo", "Sở Y tế"]),
    ("Sở Giáo dục và Đào tạo; Sở Y tế; Sở Xây dựng; Sở Nông nghiệp và Môi trường",
     ["Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường"]),
    ("Sở Nội vụ; Sở, ban, ngành; UBND xã, phường",
     ["Sở Nội vụ", "Các sở, ban, ngành tỉnh", "UBND các xã, phường"]),
    ("Sở, ban, ngành, cơ quan, tổ chức có liên quan; UBND xã, phường",
     ["Các sở, ban, ngành tỉnh", "UBND các xã, phường"]),
    ("Sở, ban, ngành, UBND xã, phường", ["Các sở, ban, ngành tỉnh", "UBND các xã, phường"]),
    ("Các Sở ban ngành tỉnh; UBND xã, phường", ["Các sở, ban, ngành tỉnh", "UBND các xã, phường"]),
    ("Tỉnh đoàn, Sở Khoa học và Công nghệ; Sở VH TT & DL; Báo và Phát thanh, truyền hình Đồng Tháp",
     ["Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh", "Sở Khoa học và Công nghệ",
      "Sở Văn hóa, Thể thao và Du lịch", "Báo và Phát thanh, truyền hình Đồng Tháp"]),
    ("Văn phòng Ủy ban nhân dân Tỉnh; Sở, ban, ngành; UBND xã, phường",
     ["Văn phòng Ủy ban nhân dân tỉnh", "Các sở, ban, ngành tỉnh", "UBND các xã, phường"]),
    ("Sở Khoa học và Công nghệ; Các doanh nghiệp cung cấp dịch vụ chữ ký số",
     ["Sở Khoa học và Công nghệ", "Các doanh nghiệp cung cấp dịch vụ chữ ký số"]),
    ("Sở Công Thương; Sở Tài chính", ["Sở Công Thương", "Sở Tài chính"]),
    ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
    # Page breaks glue two cells with a space only.
    ("Sở Khoa học và Công nghệ Hội Tin học", ["Sở Khoa học và Công nghệ", "Hội Tin học tỉnh Đồng Tháp"]),
    ("Công an tỉnh Sở Khoa học và Công nghệ", ["Công an tỉnh", "Sở Khoa học và Công nghệ"]),
    ("Sở Nội vụ Sở ban, ngành, UBND xã, phường",
     ["Sở Nội vụ", "Các sở, ban, ngành tỉnh", "UBND các xã, phường"]),
    ("Sở Khoa học và Công nghệ Các sở, ban, ngành tỉnh; UBND các xã, phường; doanh nghiệp viễn thông và",
     ["Sở Khoa học và Công nghệ", "Các sở, ban, ngành tỉnh", "UBND các xã, phường",
      "Các doanh nghiệp viễn thông"]),
    ("Sở Khoa học và Công nghệ\nCông an tỉnh", ["Sở Khoa học và Công nghệ", "Công an tỉnh"]),
    # Tiền Giang's plan (seed 003) names agencies merged into Đồng Tháp's in 2025.
    ("Sở Thông tin và Truyền thông, Ủy ban nhân dân các huyện, thị xã, thành phố",
     ["Sở Khoa học và Công nghệ", "UBND các xã, phường"]),
    ("Đài Phát thanh và Truyền hình tỉnh, đề nghị Báo Ấp Bắc", ["Báo và Phát thanh, truyền hình Đồng Tháp"]),
]


@pytest.mark.parametrize("cell,expected", SEED_CELLS, ids=[c[:50] for c, _ in SEED_CELLS])
def test_resolve_real_cells(directory, cell, expected):
    resolved = directory.resolve_list(cell)
    assert names(resolved) == expected
    assert resolved.unknown == []


def test_vague_phrases_are_dropped_not_unknown(directory):
    for phrase in ["và các đơn vị liên quan", "các cơ quan, đơn vị có liên quan", "các tổ chức, cá nhân có liên quan",
                   "Các cơ quan, đơn vị, địa phương"]:
        resolved = directory.resolve_list(phrase)
        assert resolved.agencies == [] and resolved.unknown == [], phrase


def test_unknown_names_split_by_their_shape(directory):
    # Splitting does not depend on every name being known: "Sở Hải sản và Công nghệ" is one (unknown) name.
    resolved = directory.resolve_list("Sở Tư pháp, Sở Hải sản và Công nghệ")
    assert names(resolved) == ["Sở Tư pháp"]
    assert resolved.unknown == ["Sở Hải sản và Công nghệ"]


def test_unknown_names_keep_their_neighbours(directory):
    resolved = directory.resolve_list("Sở Y tế; Sở Hải sản và các đơn vị liên quan")
    assert names(resolved) == ["Sở Y tế"]
    assert resolved.unknown == ["Sở Hải sản"]


def test_groups_are_returned_as_groups(directory):
    group = directory.resolve_list("UBND các xã, phường").agencies[0]
    assert group.kind == Agency.Kind.GROUP
    assert group.members.filter(name="UBND phường Cao Lãnh").exists()


def test_no_duplicates_in_order_of_appearance(directory):
    resolved = directory.resolve_list("Sở Y tế; SYT; Sở KH&CN; Sở Thông tin và Truyền thông")
    assert names(resolved) == ["Sở Y tế", "Sở Khoa học và Công nghệ"]


def test_closest_names_for_a_typo(directory):
    assert directory.closest("Sở Khoa hoc va Cong nge")[0] == "Sở Khoa học và Công nghệ"
    assert "Sở Y tế" in directory.closest("So y te", limit=3)
    assert len(directory.closest("Sở", limit=2)) == 2


def test_add_makes_a_new_agency_findable(directory):
    assert directory.match("Sở Ngoại vụ") is None
    agency = AgencyFactory(province=directory.province, name="Sở Ngoại vụ", aliases=["SNgV"])
    directory.add(agency)
    assert directory.match("so ngoai vu") == agency
    assert directory.match("SNgV") == agency


def test_other_provinces_are_not_matched(directory, other_province):
    AgencyFactory(province=other_province, name="Sở Du lịch")
    assert directory.match("Sở Du lịch") is None


def test_name_key_ignores_case_diacritics_punctuation_and_leading_cac():
    assert name_key("Các Sở, ban, ngành") == name_key("sở ban ngành") == "so ban nganh"
    assert name_key("Sở KH & CN") == name_key("Sở KH&CN")
