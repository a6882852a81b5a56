"""The agency directory of a province: turns agency names as officials write them into Agency rows.

Plan tables name agencies in free text: "Sở KH&CN", "Công an Tỉnh", "Các sở, ban, ngành tỉnh; UBND các
xã, phường; doanh nghiệp viễn thông và các đơn vị liên quan". The directory loads every agency of a
province once and answers, without further queries:

- `match(name)`: one name → one agency, by its folded full name, short name or aliases; an inactive
  agency that was merged or renamed answers with its `successor`.
- `resolve_list(cell)`: a whole cell → the agencies it names, in order, plus what it could not read.
- `closest(name)`: the full names nearest to an unknown name, for error messages.

Splitting rules for `resolve_list` (why they are this careful): "," and "và" both join agencies and
appear inside agency names ("Sở Khoa học và Công nghệ", "Sở Văn hóa, Thể thao và Du lịch", "Các sở,
ban, ngành tỉnh"). So a cell is first cut on ";" and line breaks, which never occur inside a name;
each piece is then cut on "," and "và" only where every resulting part is a known agency or a vague
phrase ("các đơn vị liên quan"), preferring the fewest, longest names. A piece that cannot be read
that way is tried once more at word boundaries (page breaks glue cells together: "Công an tỉnh Sở
Khoa học và Công nghệ"); if that fails too it is reported whole as unknown.
"""

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from agencies.models import Agency, Province
from agencies.provinces import RENAMED_BODIES, former_names
from agencies.text import fold

__all__ = ["AgencyDirectory", "ResolvedAgencies", "expand_abbreviations", "name_key", "split_by_shape"]

_PUNCTUATION = re.compile(r"[,.;:()\"“”'‘’\-–—/]+")
_SPACES = re.compile(r"\s+")
_AMPERSAND = re.compile(r"\s*&\s*")
# "Các sở, ban, ngành" and "sở, ban, ngành" are the same group; "Đề nghị VNPT" is VNPT.
_LEADING_NOISE = re.compile(r"^(de nghi |cac )+")
# Parts of a cell that name no agency: "và các đơn vị liên quan", "các tổ chức, cá nhân có liên quan".
_VAGUE = re.compile(
    r"^(va )?(cac )?((co quan|don vi|to chuc|ca nhan|dia phuong|nganh|doanh nghiep|tap the)( va | |$))+"
    r"(co )?lien quan( khac)?( tren dia ban( tinh)?)?$"
    r"|^(va )?(cac )?(co quan|don vi|dia phuong|to chuc|ca nhan)( va (cac )?(co quan|don vi|dia phuong|to chuc|ca nhan))*$"
    r"|^(va )?cac (co quan|don vi) khac$"
)
# "Các sở: Y tế; Giáo dục và Đào tạo": every following part is a "Sở …".
_DEPARTMENTS_PREFIX = re.compile(r"^\s*(các\s+)?sở\s*:\s*", re.IGNORECASE)
# "Sở Y tế tỉnh Tiền Giang", "Công an tỉnh Đồng Tháp": a province named after an agency.
_PROVINCE_SUFFIX = re.compile(r"\s+(tỉnh|thành phố|TP\.?)\s+([A-ZĐÂĂÊÔƠƯ][^\s,;]*)(\s+[A-ZĐÂĂÊÔƠƯ][^\s,;]*)*\s*$")
_BARE_PROVINCE_SUFFIX = re.compile(r"\s+tỉnh\s*$", re.IGNORECASE)
_JOINERS = re.compile(r"(\s*,\s*|\s+và\s+)", re.IGNORECASE)
_EDGE_JOINERS = re.compile(r"^(\s*(và|,|;|\.|:)\s*)+|(\s*(và|,|;|\.|:)\s*)+$", re.IGNORECASE)

_LOCALITY = {"dia phuong", "cac dia phuong", "dia phuong lien quan", "va dia phuong", "va cac dia phuong"}
_KNOWN_COST = 1
_VAGUE_COST = -1  # below zero so a trailing "và các đơn vị liên quan" is always cut off, even from unknowns
_UNKNOWN_COST = 100  # one long unknown beats an unknown plus pieces: split only when every part is known


# Abbreviations officials write in agency names, for any province and for central bodies; each expands to the name
# as printed in full. None of them is a Vietnamese word, so case does not matter ("so khcn" is typed too).
ABBREVIATIONS = [
    (r"KH\s*&\s*CN|KHCN", "Khoa học và Công nghệ"), (r"TT\s*&\s*TT|TTTT", "Thông tin và Truyền thông"),
    (r"GD\s*&\s*ĐT|GDĐT", "Giáo dục và Đào tạo"), (r"KH\s*&\s*ĐT|KHĐT", "Kế hoạch và Đầu tư"),
    (r"NN\s*&\s*PTNT|NNPTNT", "Nông nghiệp và Phát triển nông thôn"), (r"TN\s*&\s*MT|TNMT", "Tài nguyên và Môi trường"),
    (r"NN\s*&\s*MT|NNMT", "Nông nghiệp và Môi trường"),
    (r"LĐ\s*-?\s*TB\s*&\s*XH|LĐTBXH", "Lao động - Thương binh và Xã hội"),
    (r"VH\s*[,-]?\s*TT\s*&\s*DL|VHTTDL|VH-TT-DL", "Văn hóa, Thể thao và Du lịch"),
    (r"GTVT", "Giao thông vận tải"), (r"UBND", "Ủy ban nhân dân"), (r"HĐND", "Hội đồng nhân dân"),
    (r"MTTQ", "Mặt trận Tổ quốc"), (r"NHNN", "Ngân hàng Nhà nước Việt Nam"), (r"VTV", "Đài Truyền hình Việt Nam"),
    (r"VOV", "Đài Tiếng nói Việt Nam"), (r"TTXVN", "Thông tấn xã Việt Nam"),
    (r"BCH\s+Quân\s+sự", "Bộ Chỉ huy Quân sự"), (r"BCHQS", "Bộ Chỉ huy Quân sự"),
]
_ABBREVIATION = re.compile("|".join(f"(?<![\\w&])(?:{pattern})(?![\\w&])" for pattern, _full in ABBREVIATIONS),
                           re.IGNORECASE)
_EXPANSIONS = [(re.compile(f"^(?:{pattern})$", re.IGNORECASE), full) for pattern, full in ABBREVIATIONS]


def expand_abbreviations(text: str) -> str:
    """"Sở KH&CN" → "Sở Khoa học và Công nghệ", "UBND tỉnh" → "Ủy ban nhân dân tỉnh", "VTV" → its full name."""
    def full(match: re.Match) -> str:
        found = match.group(0)
        return next((name for pattern, name in _EXPANSIONS if pattern.match(found)), found)
    return _ABBREVIATION.sub(full, text or "")


def name_key(text: str | None) -> str:
    """The key an agency name is looked up by: abbreviations expanded, folded, punctuation and a leading "các"
    removed."""
    folded = _AMPERSAND.sub("&", fold(expand_abbreviations(text or "")))
    folded = _PUNCTUATION.sub(" ", folded)
    folded = _SPACES.sub(" ", folded).strip()
    return _LEADING_NOISE.sub("", folded)


def _is_vague(text: str) -> bool:
    key = name_key(text)
    return bool(key) and bool(_VAGUE.match(key))


@dataclass
class ResolvedAgencies:
    agencies: list[Agency] = field(default_factory=list)  # matched, in order of appearance, no duplicates
    unknown: list[str] = field(default_factory=list)  # names that matched nothing (after cleanup), in order


class AgencyDirectory:
    def __init__(self, province: Province):
        self.province = province
        self._by_id: dict[int, Agency] = {}
        self._by_key: dict[str, Agency] = {}
        # "… tỉnh Đồng Tháp", "… tỉnh Tiền Giang" (merged into it): the same agency named with its province.
        names = "|".join(re.escape(n) for n in former_names(province.name) if n)
        self._province_suffix = re.compile(rf"\s+(?:tinh\s+|thanh pho\s+|tp\s+)?(?:{names})$") if names else None
        self.renamed: dict[str, str] = {}  # name as written → the successor it was read as (for warnings)
        for agency in Agency.objects.filter(province=province).order_by("-active", "id"):
            self.add(agency)

    # -- building -------------------------------------------------------------------------------
    def add(self, agency: Agency) -> None:
        """Make an agency findable (used after an import creates one). Active agencies win a shared key."""
        self._by_id[agency.pk] = agency
        for key in {name_key(n) for n in [agency.name, agency.short_name, *(agency.aliases or [])] if n}:
            current = self._by_key.get(key)
            if current is None or (agency.active and not current.active):
                self._by_key[key] = agency

    # -- single names ---------------------------------------------------------------------------
    def match(self, name: str) -> Agency | None:
        agency = self._lookup(name)
        return self._follow_successor(agency) if agency is not None else None

    def _lookup(self, name: str) -> Agency | None:
        cleaned = _EDGE_JOINERS.sub("", (name or "").strip())
        if not cleaned:
            return None
        key = name_key(cleaned)
        found = self._by_key.get(key)
        if found is not None:
            return found
        if self._province_suffix is not None:
            bare = self._province_suffix.sub("", key)
            if bare != key:
                found = self._by_key.get(bare) or self._by_key.get(f"{bare} tinh")
                if found is not None:
                    return found
        # "… tỉnh Tiền Giang", "Sở Y tế tỉnh": the same agency named with its province.
        for pattern in (_PROVINCE_SUFFIX, _BARE_PROVINCE_SUFFIX):
            stripped = pattern.sub("", cleaned)
            if stripped != cleaned:
                for candidate in (stripped, f"{stripped} tỉnh"):
                    found = self._by_key.get(name_key(candidate))
                    if found is not None:
                        return found
        # A ministry or department renamed or merged in 2025, when the directory knows its successor.
        bare = re.sub(r"\s+tinh$", "", key)
        if bare in RENAMED_BODIES:
            found = self._by_key.get(name_key(RENAMED_BODIES[bare]))
            if found is not None:
                self.renamed[cleaned] = found.name
                return found
        return None

    def _follow_successor(self, agency: Agency) -> Agency:
        seen = {agency.pk}
        while not agency.active and agency.successor_id and agency.successor_id not in seen:
            successor = self._by_id.get(agency.successor_id)
            if successor is None:
                break
            seen.add(successor.pk)
            agency = successor
        return agency

    def closest(self, name: str, limit: int = 3) -> list[str]:
        """The full names nearest to `name` (diacritics and case ignored), best first."""
        key = name_key(name)
        if not key or not self._by_key:
            return []
        choices = {k: k for k in self._by_key}
        names: list[str] = []
        for _choice, _score, choice_key in process.extract(key, choices, scorer=fuzz.WRatio, limit=limit * 4):
            full_name = self._follow_successor(self._by_key[choice_key]).name
            if full_name not in names:
                names.append(full_name)
            if len(names) == limit:
                break
        return names

    # -- whole cells ----------------------------------------------------------------------------
    def resolve_list(self, text: str) -> ResolvedAgencies:
        result = ResolvedAgencies()
        departments_listed = False
        for raw_chunk in re.split(r"[;\n\r]+", text or ""):
            chunk = raw_chunk.strip()
            prefix = _DEPARTMENTS_PREFIX.match(chunk)
            if prefix:
                departments_listed = True
                chunk = chunk[prefix.end():]
            chunk = _EDGE_JOINERS.sub("", chunk).strip()
            if not chunk:
                continue
            if departments_listed and self.match(chunk) is None and self.match(f"Sở {chunk}") is not None:
                chunk = f"Sở {chunk}"
            if _is_locality(chunk) and (province := self._by_key.get("uy ban nhan dan tinh")) is not None:
                # "…; địa phương" on its own: in a plan of a province, the province itself.
                if province not in result.agencies:
                    result.agencies.append(province)
                continue
            for kind, value in self._read_chunk(chunk):
                if kind == "agency":
                    if value not in result.agencies:
                        result.agencies.append(value)
                elif value not in result.unknown:
                    result.unknown.append(value)
        return result

    def _read_chunk(self, chunk: str) -> list[tuple[str, object]]:
        pieces = _best_split(_JOINERS.split(chunk), self.match, allow_unknown=True)
        if all(kind != "unknown" for kind, _ in pieces):
            return pieces
        read: list[tuple[str, object]] = []
        for kind, value in pieces:
            if kind != "unknown":
                read.append((kind, value))
                continue
            value = _whole_collective(chunk, value)
            # Names the directory does not know yet still split where each part starts like an agency's name.
            for name in split_by_shape(value):
                if _is_locality(name):
                    name = "Ủy ban nhân dân tỉnh"
                if (agency := self.match(name)) is not None:
                    read.append(("agency", agency))
                    continue
                # Page breaks glue neighbouring names with a space only; try word boundaries, all parts known.
                words = re.split(r"(\s+)", name)
                by_words = _best_split(words, self.match, allow_unknown=False)
                read.extend(by_words if by_words else [("unknown", name)])
        return read


# How the name of an agency begins (folded). A part after "," or "và" that begins so, with a capital letter, is the
# next agency of a list; any other part belongs to the name before it ("Bộ Văn hóa, Thể thao và Du lịch").
_HEADS = re.compile(
    r"^(so|bo|uy ban|cong an|ban|van phong|ngan hang|tong cuc|cuc|chi cuc|dai|bao|truong|vien|trung tam|hoi|"
    r"lien doan|lien minh|tinh doan|thanh doan|doan thanh nien|mat tran|bo chi huy|kho bac|thanh tra|toa an|"
    r"tap doan|tong cong ty|cong ty|vnpt|viettel|mobifone|hoi dong|thong tan xa|chinh phu|thu tuong|quoc hoi|"
    r"buu dien|vien thong|dai hoc|bao hiem|quy|tinh uy|thanh uy|ban chi dao|kiem toan|hoc vien|benh vien|"
    r"cac (so|bo|co quan|don vi|doanh nghiep|to chuc|hoi|ban)|doanh nghiep|nhnn|vtv|vov|ttxvn)\b")


def _starts_an_agency(part: str) -> bool:
    part = part.strip()
    if not part:
        return False
    key = fold(expand_abbreviations(part))
    return bool(_HEADS.match(key)) and (part[:1].isupper() or key.startswith("cac "))


def split_by_shape(text: str) -> list[str]:
    """A list of agency names cut where each next name begins ("Sở Y tế, Sở Xây dựng và Công an tỉnh" → three), never
    inside a name ("Bộ Văn hóa, Thể thao và Du lịch", "Sở Nông nghiệp và Môi trường", "UBND các xã, phường"); vague
    parts ("các đơn vị liên quan") dropped. Needs no directory: it reads the names' shape."""
    tokens = _JOINERS.split(text or "")
    names: list[str] = []
    current = ""
    for index in range(0, len(tokens), 2):
        part = tokens[index]
        joiner = tokens[index - 1] if index else ""
        # "Các bộ, ngành, địa phương", "UBND các xã, phường": a collective name takes the lowercase parts after it.
        collective = " cac " in f" {fold(current)} " and not _is_vague(current)
        if current and _starts_an_agency(part) and not (collective and not part.strip()[:1].isupper()):
            names.append(current)
            current = part.strip()
        elif current and collective and part.strip()[:1].islower():
            current = f"{current}{joiner}{part}"
        elif current and (_is_vague(part) or _is_locality(part)):
            names.append(current)
            current = part.strip()
        else:
            current = f"{current}{joiner}{part}" if current else part.strip()
    if current:
        names.append(current)
    cleaned = [_EDGE_JOINERS.sub("", n).strip() for n in names]
    return [n for n in cleaned if n and (_is_locality(n) or not _is_vague(n))]


def _whole_collective(chunk: str, value: str) -> str:
    """"Các bộ, ngành, địa phương": a collective name the cheapest split cut short (its tail reads as a vague phrase)
    gets its lowercase parts back."""
    if " cac " not in f" {fold(value)} " or (start := chunk.find(value)) < 0:
        return value
    tokens = _JOINERS.split(chunk[start + len(value):])
    for index in range(1, len(tokens) - 1, 2):
        part = tokens[index + 1]
        if not part.strip() or not part.strip()[:1].islower():
            break
        value += tokens[index] + part
    return value


def _is_locality(text: str) -> bool:
    """"địa phương", "các địa phương": in a plan of a province, the province itself (see AgencyDirectory.match)."""
    return name_key(text) in _LOCALITY


def _best_split(tokens: list[str], match, *, allow_unknown: bool) -> list[tuple[str, object]]:
    """Group alternating [part, joiner, part, …] tokens into the cheapest sequence of names.

    Returns ("agency", Agency) and ("unknown", text) items (vague phrases are dropped), or [] when
    `allow_unknown` is off and no reading uses known names only.
    """
    parts = tokens[0::2]
    count = len(parts)

    def piece_text(start: int, end: int) -> str:
        return _EDGE_JOINERS.sub("", "".join(tokens[2 * start: 2 * end - 1])).strip()

    best: list[tuple[float, list[tuple[str, object]]] | None] = [None] * (count + 1)
    best[0] = (0, [])
    for end in range(1, count + 1):
        for start in range(end):
            if best[start] is None:
                continue
            text = piece_text(start, end)
            if not text:
                cost, item = 0, None
            elif (agency := match(text)) is not None:
                cost, item = _KNOWN_COST, ("agency", agency)
            elif _is_vague(text):
                cost, item = _VAGUE_COST, None
            elif allow_unknown:
                cost, item = _UNKNOWN_COST, ("unknown", text)
            else:
                continue
            total = best[start][0] + cost
            if best[end] is None or total < best[end][0]:
                best[end] = (total, best[start][1] + ([item] if item else []))
    return best[count][1] if best[count] is not None else []
