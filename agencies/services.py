"""Writes for provinces, agencies, users and memberships. Every caller (admin, commands, imports) uses these."""

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from agencies.matching import AgencyDirectory, name_key
from agencies.models import Agency, Membership, Province
from agencies.roles import forget_access
from agencies.text import fold

User = get_user_model()
Role = Membership.Role

# The Django group that lets Sở KH&CN staff into the admin; permissions by app and action.
STAFF_GROUP_NAME = "Sở KH&CN"
STAFF_PERMISSIONS = {
    "agencies": {"agency": "view add change", "membership": "view add change delete", "province": "view"},
    "plans": {m: "view add change delete" for m in ("plan", "appendix", "section", "task", "project", "result")},
    "indicators": {m: "view add change delete" for m in ("indicator", "baseline", "target")},
}


# -- provinces and agencies ----------------------------------------------------------------------

def province_ensure(*, name: str, code: str) -> Province:
    with transaction.atomic():
        province, _created = Province.objects.get_or_create(code=code, defaults={"name": name})
        return province


def agency_create(*, province: Province, name: str, kind: str, short_name: str = "",
                  aliases: Iterable[str] = (), parent: Agency | None = None, active: bool = True,
                  successor: Agency | None = None) -> Agency:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Tên cơ quan không được để trống."))
    if kind not in Agency.Kind.values:
        raise ValidationError(_("Loại cơ quan “%(kind)s” không hợp lệ.") % {"kind": kind})
    with transaction.atomic():
        if Agency.objects.filter(province=province, name__iexact=name).exists():
            raise ValidationError(_("Cơ quan “%(name)s” đã có trong danh bạ của tỉnh.") % {"name": name})
        agency = Agency(province=province, name=name, kind=kind, short_name=short_name.strip(),
                        aliases=_clean_aliases(aliases, name), parent=parent, active=active, successor=successor)
        agency.full_clean()
        agency.save()
        return agency


def _clean_aliases(aliases: Iterable[str], name: str) -> list[str]:
    seen, cleaned = {name_key(name)}, []
    for alias in aliases:
        alias = " ".join(str(alias).split())
        if alias and name_key(alias) not in seen:
            seen.add(name_key(alias))
            cleaned.append(alias)
    return cleaned


@dataclass
class DirectoryLoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def agency_directory_load(*, province: Province, entries: Sequence[dict]) -> DirectoryLoadResult:
    """Create or bring up to date the agencies described by `entries` (see fixtures/dong_thap_agencies.json).

    Idempotent: an agency whose fields already match is not written, so a second load changes nothing.
    Parents, successors and group members are set in a second pass because they refer to each other.
    """
    result = DirectoryLoadResult()
    with transaction.atomic():
        existing = {a.name: a for a in Agency.objects.filter(province=province)}
        for entry in entries:
            wanted = {
                "kind": entry.get("kind", Agency.Kind.DEPARTMENT),
                "short_name": entry.get("short_name", ""),
                "aliases": _clean_aliases(entry.get("aliases", ()), entry["name"]),
                "active": entry.get("active", True),
            }
            agency = existing.get(entry["name"])
            if agency is None:
                existing[entry["name"]] = agency_create(province=province, name=entry["name"], **wanted)
                result.created.append(entry["name"])
            elif _differs(agency, wanted):
                _assign(agency, wanted)
                result.updated.append(entry["name"])
        for entry in entries:
            agency = existing[entry["name"]]
            links = {
                "parent": _named(existing, entry.get("parent")),
                "successor": _named(existing, entry.get("successor")),
            }
            if _differs(agency, links):
                _assign(agency, links)
                if entry["name"] not in result.created + result.updated:
                    result.updated.append(entry["name"])
            if "members" in entry:
                wanted_members = {_named(existing, m).pk for m in entry["members"]}
                if set(agency.members.values_list("pk", flat=True)) != wanted_members:
                    agency.members.set(wanted_members)
                    if entry["name"] not in result.created + result.updated:
                        result.updated.append(entry["name"])
    return result


def agency_directory_load_file(*, province: Province | None = None, path: Path) -> tuple[Province, DirectoryLoadResult]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if province is None:
        province = province_ensure(**data["province"])
    return province, agency_directory_load(province=province, entries=data["agencies"])


def _named(existing: dict[str, Agency], name: str | None) -> Agency | None:
    if not name:
        return None
    try:
        return existing[name]
    except KeyError:
        raise ValidationError(_("Danh bạ nhắc đến cơ quan “%(name)s” nhưng không khai báo.") % {"name": name}) from None


def _differs(agency: Agency, values: dict) -> bool:
    return any(getattr(agency, key) != value for key, value in values.items())


def _assign(agency: Agency, values: dict) -> None:
    for key, value in values.items():
        setattr(agency, key, value)
    agency.full_clean(validate_unique=False)
    agency.save(update_fields=list(values))


# -- users -----------------------------------------------------------------------------------------

def staff_group_ensure() -> Group:
    """The "Sở KH&CN" group: model permissions staff need in the admin (the admin also scopes by province)."""
    with transaction.atomic():
        group, _created = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
        wanted = set()
        for app_label, models in STAFF_PERMISSIONS.items():
            for model, actions in models.items():
                for action in actions.split():
                    wanted.add((app_label, f"{action}_{model}"))
        permissions = [
            p for p in Permission.objects.filter(content_type__app_label__in=STAFF_PERMISSIONS)
            .select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        if set(group.permissions.all()) != set(permissions):
            group.permissions.set(permissions)
        return group


def role_from_text(text: str) -> str | None:
    """A role from its code ("reporter") or its Vietnamese label ("Người báo cáo"), diacritics optional."""
    key = fold(text).replace("-", "_").replace(" ", "_")
    for value, label in Role.choices:
        if key in {value, fold(str(label)).replace(" ", "_")}:
            return value
    return None


def _check_username(username: str) -> str:
    username = (username or "").strip()
    if not username:
        raise ValidationError(_("Tên đăng nhập không được để trống."))
    try:
        User.username_validator(username)
    except ValidationError:
        raise ValidationError(
            _("Tên đăng nhập “%(username)s” chỉ được gồm chữ không dấu, số và các ký tự @ . + - _.")
            % {"username": username}) from None
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("Tên đăng nhập “%(username)s” đã tồn tại.") % {"username": username})
    return username


def _check_email(email: str) -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(_("Địa chỉ thư điện tử “%(email)s” không hợp lệ.") % {"email": email}) from None
    return email


def user_create(*, username: str, agency: Agency, role: str, email: str = "", full_name: str = "",
                password: str | None = None) -> User:
    """A user with one membership. Staff get `is_staff` and the "Sở KH&CN" group so they can use the admin.

    Without a password the account gets an unusable one (to be set through password reset).
    The whole Vietnamese name goes into `first_name`, so `get_full_name()` keeps Vietnamese order.
    """
    if role not in Role.values:
        raise ValidationError(_("Vai trò “%(role)s” không hợp lệ.") % {"role": role})
    with transaction.atomic():
        username = _check_username(username)
        user = User(username=username, email=_check_email(email), first_name=" ".join(full_name.split()),
                    is_staff=role == Role.STAFF)
        if password:
            # The settings' validators (length, common, numeric, like the username), in Vietnamese.
            password_validation.validate_password(password, user=user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        membership_add(user=user, agency=agency, role=role)
        return user


def membership_add(*, user, agency: Agency, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError(_("Vai trò “%(role)s” không hợp lệ.") % {"role": role})
    with transaction.atomic():
        other_province = (Membership.objects.filter(user=user).exclude(agency__province=agency.province_id)
                          .exists())
        if other_province:
            raise ValidationError(_("Một người dùng chỉ làm việc trong một tỉnh."))
        membership, _created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
        forget_access(user)
        if role == Role.STAFF:
            if not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            user.groups.add(staff_group_ensure())
        return membership


# -- bulk provisioning -------------------------------------------------------------------------------

@dataclass
class UserRow:
    row_number: int
    username: str
    full_name: str = ""
    email: str = ""
    agency: str = ""
    role: str = ""


@dataclass
class ProvisionedUser:
    user: object
    password: str


class UsersImportError(Exception):
    """Every problem found in a file, one Vietnamese line per bad row."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def agency_not_found_message(directory: AgencyDirectory, name: str) -> str:
    suggestions = directory.closest(name)
    message = _("không tìm thấy cơ quan “%(name)s”") % {"name": name}
    if suggestions:
        message += _("; gần giống: %(names)s") % {"names": ", ".join(suggestions)}
    return message


def users_import(*, province: Province, rows: Sequence[UserRow]) -> list[ProvisionedUser]:
    """Create every user in `rows`, or none: all rows are checked first and all errors reported together.

    Each new user gets a random password, returned so the operator can hand it over.
    """
    directory = AgencyDirectory(province)
    errors: list[str] = []
    planned: list[tuple[UserRow, Agency, str]] = []
    seen: dict[str, int] = {}
    existing = {u.lower() for u in User.objects.filter(
        username__in=[r.username.strip() for r in rows]).values_list("username", flat=True)}
    for row in rows:
        problems = []
        username = row.username.strip()
        if not username:
            problems.append(_("thiếu tên đăng nhập"))
        elif username.lower() in seen:
            problems.append(_("tên đăng nhập “%(username)s” trùng với dòng %(row)d")
                            % {"username": username, "row": seen[username.lower()]})
        elif username.lower() in existing:
            problems.append(_("tên đăng nhập “%(username)s” đã tồn tại") % {"username": username})
        else:
            try:
                User.username_validator(username)
            except ValidationError:
                problems.append(_("tên đăng nhập “%(username)s” chỉ được gồm chữ không dấu, số và @ . + - _")
                                % {"username": username})
        if username:
            seen.setdefault(username.lower(), row.row_number)
        agency = directory.match(row.agency) if row.agency.strip() else None
        if not row.agency.strip():
            problems.append(_("thiếu cơ quan"))
        elif agency is None:
            problems.append(agency_not_found_message(directory, row.agency.strip()))
        elif agency.kind == Agency.Kind.GROUP:
            problems.append(_("“%(name)s” là nhóm cơ quan, hãy ghi một cơ quan cụ thể") % {"name": agency.name})
        role = role_from_text(row.role)
        if role is None:
            problems.append(_("vai trò “%(role)s” không hợp lệ (dùng: %(roles)s)")
                            % {"role": row.role, "roles": ", ".join(str(label) for label in Role.labels)})
        try:
            _check_email(row.email)
        except ValidationError as exc:
            message = exc.messages[0].rstrip(".")
            problems.append(message[:1].lower() + message[1:])
        if problems:
            errors.append(_("Dòng %(row)d: %(problems)s.") % {"row": row.row_number, "problems": "; ".join(problems)})
        else:
            planned.append((row, agency, role))
    if errors:
        raise UsersImportError(errors)
    created = []
    with transaction.atomic():
        for row, agency, role in planned:
            password = secrets.token_urlsafe(9)
            user = user_create(username=row.username, agency=agency, role=role, email=row.email,
                               full_name=row.full_name, password=password)
            created.append(ProvisionedUser(user=user, password=password))
    return created


def demo_user_ensure(*, province: Province, username: str, full_name: str, agency: str | None, role: str | None,
                     password: str) -> bool:
    """A demo login (seed_demo): created once, never reset afterwards. Returns whether it was created.

    `agency` None makes a superuser.
    """
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            return False
        if agency is None:
            User.objects.create_superuser(username=username, password=password, email="",
                                          first_name=full_name)
            return True
        found = AgencyDirectory(province).match(agency)
        if found is None:
            raise ValidationError(_("Không tìm thấy cơ quan “%(name)s” cho tài khoản demo.") % {"name": agency})
        user_create(username=username, agency=found, role=role, full_name=full_name, password=password)
        return True
