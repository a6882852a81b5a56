"""Provinces merged on 1 July 2025 (Nghị quyết 202/2025/QH15) and the ministries and departments renamed or merged
in 2025: a document written before then names the old body, the directory knows the new one."""

import re

from agencies.text import fold

# Folded name of a former province → the province it merged into.
PROVINCE_SUCCESSORS = {
    "ha giang": "Tuyên Quang", "yen bai": "Lào Cai", "bac kan": "Thái Nguyên", "vinh phuc": "Phú Thọ",
    "hoa binh": "Phú Thọ", "bac giang": "Bắc Ninh", "thai binh": "Hưng Yên", "hai duong": "Hải Phòng",
    "ha nam": "Ninh Bình", "nam dinh": "Ninh Bình", "quang binh": "Quảng Trị", "quang nam": "Đà Nẵng",
    "kon tum": "Quảng Ngãi", "binh dinh": "Gia Lai", "ninh thuan": "Khánh Hòa", "dak nong": "Lâm Đồng",
    "binh thuan": "Lâm Đồng", "phu yen": "Đắk Lắk", "binh duong": "Hồ Chí Minh", "ba ria vung tau": "Hồ Chí Minh",
    "binh phuoc": "Đồng Nai", "long an": "Tây Ninh", "soc trang": "Cần Thơ", "hau giang": "Cần Thơ",
    "ben tre": "Vĩnh Long", "tra vinh": "Vĩnh Long", "tien giang": "Đồng Tháp", "bac lieu": "Cà Mau",
    "kien giang": "An Giang",
}

# Folded former name (abbreviations expanded) → the body that took over its work in 2025.
RENAMED_BODIES = {
    "bo thong tin va truyen thong": "Bộ Khoa học và Công nghệ",
    "bo ke hoach va dau tu": "Bộ Tài chính",
    "bo lao dong thuong binh va xa hoi": "Bộ Nội vụ",
    "bo tai nguyen va moi truong": "Bộ Nông nghiệp và Môi trường",
    "bo nong nghiep va phat trien nong thon": "Bộ Nông nghiệp và Môi trường",
    "bo giao thong van tai": "Bộ Xây dựng",
    "uy ban dan toc": "Bộ Dân tộc và Tôn giáo",
    "so thong tin va truyen thong": "Sở Khoa học và Công nghệ",
    "so ke hoach va dau tu": "Sở Tài chính",
    "so lao dong thuong binh va xa hoi": "Sở Nội vụ",
    "so tai nguyen va moi truong": "Sở Nông nghiệp và Môi trường",
    "so nong nghiep va phat trien nong thon": "Sở Nông nghiệp và Môi trường",
    "so giao thong van tai": "Sở Xây dựng",
}


def province_key(name: str) -> str:
    """"Tỉnh Bà Rịa - Vũng Tàu" → "ba ria vung tau"."""
    bare = re.sub(r"^(tỉnh|thành phố|tp\.?)\s+", "", (name or "").strip(), flags=re.IGNORECASE)
    return re.sub(r"[^a-z0-9]+", " ", fold(bare)).strip()


def former_names(province_name: str) -> list[str]:
    """The folded names a province went by: its own and those of the provinces merged into it."""
    key = province_key(province_name)
    return [key, *(old for old, new in PROVINCE_SUCCESSORS.items() if province_key(new) == key)]
