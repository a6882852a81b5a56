"""Property tests: splitting a cell of agency names must not depend on every name being known already."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agencies.matching import AgencyDirectory, expand_abbreviations, split_by_shape
from agencies.models import Agency
from tests.factories import AgencyFactory

NAMES = [
    "Bộ Văn hóa, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch", "Sở Nông nghiệp và Môi trường",
    "Sở Khoa học và Công nghệ", "Bộ Khoa học và Công nghệ", "Bộ Tài chính", "Công an tỉnh", "Sở Y tế",
    "Bộ Lao động - Thương binh và Xã hội", "Ngân hàng Nhà nước Việt Nam", "Đài Truyền hình Việt Nam",
    "Sở Giáo dục và Đào tạo", "Văn phòng Ủy ban nhân dân tỉnh", "Ban Dân tộc và Tôn giáo", "Hội Nông dân tỉnh",
    "Tỉnh đoàn", "Bộ Chỉ huy Quân sự tỉnh", "UBND các xã, phường", "Sở Công Thương", "Trung tâm Phục vụ hành chính công",
    "Tập đoàn Bưu chính Viễn thông Việt Nam", "Kho bạc Nhà nước khu vực XX", "Bộ Xây dựng",
    "Thông tấn xã Việt Nam", "Liên minh Hợp tác xã tỉnh", "Các bộ, ngành, địa phương",
]
JOINERS = [", ", " và ", " , ", ",  "]
# Words that follow "," or "và" inside one name: never the start of another agency.
INNER_WORDS = ["Thể thao", "Du lịch", "Môi trường", "Công nghệ", "Xã hội", "Đào tạo", "Thương binh", "Đầu tư",
               "Truyền thông", "Tôn giáo", "phường", "thị trấn", "Phát triển nông thôn", "Hải sản"]

name_lists = st.lists(st.sampled_from(NAMES), min_size=1, max_size=6, unique=True)


@settings(max_examples=200, deadline=None)
@given(name_lists, st.data())
def test_a_joined_list_splits_back_into_its_names(names, data):
    text = names[0]
    for name in names[1:]:
        text += data.draw(st.sampled_from(JOINERS)) + name
    assert split_by_shape(text) == names


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["Sở", "Bộ", "Ban", "Hội"]), st.sampled_from(["Văn hóa", "Nông nghiệp", "Khoa học", "Lao động"]),
       st.lists(st.tuples(st.sampled_from([", ", " và ", " - "]), st.sampled_from(INNER_WORDS)), min_size=1,
                max_size=4))
def test_a_single_name_with_commas_inside_is_never_split(head, first, rest):
    name = f"{head} {first}" + "".join(joiner + word for joiner, word in rest)
    assert split_by_shape(name) == [name]


@pytest.mark.django_db
def test_known_and_unknown_names_split_the_same_way(province):
    known = {name: AgencyFactory(province=province, name=name, kind=Agency.Kind.DEPARTMENT) for name in NAMES[:12]}
    directory = AgencyDirectory(province)

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(name_lists, st.data())
    def check(names, data):
        text = names[0]
        for name in names[1:]:
            text += data.draw(st.sampled_from([*JOINERS, "; "])) + name
        resolved = directory.resolve_list(text)
        expected_known = [known[n] for n in names if n in known]
        assert resolved.agencies == expected_known
        assert resolved.unknown == [n for n in names if n not in known]

    check()


@pytest.mark.parametrize(("written", "full"), [
    ("Sở KH&CN", "Sở Khoa học và Công nghệ"), ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh"), ("Bộ KH&CN", "Bộ Khoa học và Công nghệ"),
    ("Bộ TT & TT", "Bộ Thông tin và Truyền thông"), ("NHNN", "Ngân hàng Nhà nước Việt Nam"),
    ("VTV, VOV, TTXVN", "Đài Truyền hình Việt Nam, Đài Tiếng nói Việt Nam, Thông tấn xã Việt Nam"),
    ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"), ("Sở VH, TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
])
def test_abbreviations_expand_for_any_province(written, full):
    assert expand_abbreviations(written) == full


@pytest.mark.django_db
def test_a_province_name_and_its_merged_predecessors_are_recognised(other_province):
    # Any province, not only Đồng Tháp: "Sở Y tế tỉnh Cà Mau" and "… tỉnh Bạc Liêu" (merged into Cà Mau, 2025).
    health = AgencyFactory(province=other_province, name="Sở Y tế")
    directory = AgencyDirectory(other_province)
    assert directory.match(f"Sở Y tế tỉnh {other_province.name}") == health
    assert directory.match("Sở Y tế tỉnh Bạc Liêu") == health


@pytest.mark.django_db
def test_renamed_ministries_follow_their_successor(province):
    science = AgencyFactory(province=province, name="Bộ Khoa học và Công nghệ", kind=Agency.Kind.CENTRAL)
    directory = AgencyDirectory(province)
    assert directory.resolve_list("Bộ TT&TT").agencies == [science]
    assert directory.renamed == {"Bộ TT&TT": "Bộ Khoa học và Công nghệ"}
