"""Agency names in a plan document → agencies of the province; unknown names reported or created."""

import re

from django.utils.translation import gettext as _

from agencies.matching import AgencyDirectory, expand_abbreviations, name_key, split_by_shape
from agencies.models import Agency, Province
from agencies.services import agency_create
from agencies.text import fold
from indicators.importing.parsed import Issue, ParsedPlan

_LISTED_COMMUNES = re.compile(r"(?:^|(?<=;))\s*các\s+(?P<kind>phường|xã)\s*:\s*(?P<names>[^;]+)", re.IGNORECASE)


def _expand_communes(match: re.Match) -> str:
    """"Các phường: Mỹ Tho, Cao Lãnh" → "UBND phường Mỹ Tho; UBND phường Cao Lãnh" (as "Các sở: …" does)."""
    kind = match.group("kind").lower()
    names = [n.strip(" .") for n in re.split(r",|\s+và\s+", match.group("names")) if n.strip(" .")]
    return "; ".join(f"UBND {kind} {name}" for name in names)


_GLUE = re.compile(r"\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][^\s]*)")


class AgencyResolver:
    """Agency names in the document → agencies of the province (H1's directory), unknown names reported."""

    def __init__(self, province: Province, *, create: bool) -> None:
        self.province = province
        self.create = create
        self.directory = AgencyDirectory(province)
        self.cache: dict[str, list] = {}
        self.unknown: dict[str, tuple[str, Issue]] = {}  # directory key → (name as written, where first seen)
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.created: dict[str, Agency] = {}

    def _resolve_text(self, text: str) -> tuple[list, list[str]]:
        text = _LISTED_COMMUNES.sub(_expand_communes, text)
        resolved = self.directory.resolve_list(text)
        agencies, unknown = list(resolved.agencies), []
        for name in resolved.unknown:
            found, rest = self._split_glued(name)
            for agency in found:
                if agency not in agencies:
                    agencies.append(agency)
            unknown.extend(rest)
        return agencies, unknown

    def _split_glued(self, name: str) -> tuple[list, list[str]]:
        """"Sở Khoa học và Công nghệ Hội Tin học": two agencies whose separator was lost in extraction."""
        for match in _GLUE.finditer(name):
            left, right = name[:match.start()], name[match.end():]
            agency = self.directory.match(left)
            if agency is not None:
                more, rest = self._resolve_text(right)
                return [agency, *more], rest
        return [], [name]

    def names(self, text: str, issue: Issue) -> list:
        """Agencies named in `text`; a name not found yet stands as ("new", key) until it is created."""
        if not text:
            return []
        if text not in self.cache:
            agencies, unknown = self._resolve_text(text)
            keys = [name_key(name) for name in unknown]
            self.cache[text] = (agencies, keys)
            for key, name in zip(keys, unknown, strict=True):
                self.unknown.setdefault(key, (name, issue))
        agencies, unknown_keys = self.cache[text]
        return [*agencies, *(("new", key) for key in unknown_keys)]

    def collect(self, parsed: ParsedPlan) -> None:
        for items in parsed.items().values():
            for item in items:
                issue = Issue("", item.line, _("Phụ lục {n}").format(n=item.appendix) if item.appendix else "")
                for attribute in ("lead", "coordinating", "investors"):
                    for text in getattr(item, attribute, []):
                        self.names(text, issue)
                partner = getattr(item, "partner", None)
                if partner:
                    self.names(partner, issue)
        for written, successor in self.directory.renamed.items():
            self.warnings.append(Issue(_("“{old}” đã đổi tên hoặc hợp nhất: hiểu là “{new}”.").format(
                old=written, new=successor)))
        for name, issue in self.unknown.values():
            if len(split_by_shape(name)) > 1 or ";" in name:
                # Never one agency named after a list of agencies, whatever --create-agencies says.
                self.errors.append(Issue(_("“{name}” là một danh sách cơ quan, không phải một cơ quan: tách bằng dấu "
                                           "“;” trong văn bản.").format(name=name), issue.line, issue.where))
        if self.unknown and not self.create:
            for name, issue in self.unknown.values():
                closest = ", ".join(f"“{n}”" for n in self.directory.closest(name, limit=3)) or _("(không có)")
                self.errors.append(Issue(_("Không tìm thấy cơ quan “{name}”. Gần nhất: {closest}. Thêm cơ quan "
                                           "(hoặc tên gọi khác) rồi nhập lại, hoặc dùng --create-agencies.").format(
                    name=name, closest=closest), issue.line, issue.where))

    def create_unknown(self, dry_run: bool) -> int:
        for key, (name, _where) in self.unknown.items():
            if dry_run:
                continue
            full = expand_abbreviations(name)
            agency = agency_create(province=self.province, name=full[:255], kind=guess_kind(name),
                                   short_name=name[:100] if full != name else "")
            self.directory.add(agency)
            self.created[key] = agency
        return len(self.unknown)

    def ids(self, values: list) -> set:
        result = set()
        for value in values:
            if isinstance(value, tuple):
                agency = self.created.get(value[1])
                result.add(agency.pk if agency else value)
            else:
                result.add(value.pk)
        return result


# Ministries and other bodies of the central government (folded, abbreviations expanded).
_CENTRAL = re.compile(
    r"^(bo |chinh phu|thu tuong|van phong chinh phu|van phong quoc hoi|quoc hoi|tong cuc |cuc |ngan hang nha nuoc|"
    r"dai truyen hinh viet nam|dai tieng noi viet nam|thong tan xa viet nam|kiem toan nha nuoc|"
    r"toa an nhan dan toi cao|vien kiem sat nhan dan toi cao|uy ban quan ly von|bao hiem xa hoi viet nam|"
    r"cac bo|trung uong|ban chi dao quoc gia|hoc vien chinh tri quoc gia)")


def guess_kind(name: str) -> str:
    folded = fold(expand_abbreviations(name))
    if folded.startswith("cac ") or " cac " in folded:
        return Agency.Kind.GROUP
    if _CENTRAL.match(folded) and not folded.startswith("bo chi huy"):
        return Agency.Kind.CENTRAL
    if re.search(r"\b(xa|phuong)\b", folded) and folded.startswith(("ubnd", "uy ban")):
        return Agency.Kind.COMMUNE
    if re.search(r"\b(doanh nghiep|cong ty|tap doan|vnpt|viettel|ngan hang)\b", folded):
        return Agency.Kind.ENTERPRISE
    if folded.startswith("cac "):
        return Agency.Kind.GROUP
    return Agency.Kind.DEPARTMENT
