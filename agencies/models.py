from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.text import fold


class Province(models.Model):
    """A province is the tenant: users, agencies and plans all belong to one."""

    name = models.CharField(_("tên"), max_length=100, unique=True)
    code = models.SlugField(_("mã"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tỉnh")
        verbose_name_plural = _("tỉnh")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyQuerySet(models.QuerySet):
    def in_province(self, province) -> "AgencyQuerySet":
        return self.filter(province=province)

    def active(self) -> "AgencyQuerySet":
        return self.filter(active=True)

    def reporting(self) -> "AgencyQuerySet":
        """Agencies that file reports themselves (groups only stand for their members)."""
        return self.exclude(kind=Agency.Kind.GROUP)


class Agency(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Sở, ban, ngành")
        COMMUNE = "commune", _("UBND xã, phường")
        ENTERPRISE = "enterprise", _("Doanh nghiệp")
        CENTRAL = "central", _("Cơ quan trung ương")
        UNION = "union", _("Tổ chức chính trị - xã hội")
        GROUP = "group", _("Nhóm cơ quan")

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="agencies",
                                 verbose_name=_("tỉnh"))
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    aliases = models.JSONField(_("tên gọi khác"), default=list, blank=True,
                               help_text=_("Các cách viết khác trong văn bản, ví dụ: Sở KH&CN, SKHCN"))
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("đơn vị cấp trên"))
    members = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="groups",
                                     verbose_name=_("thành viên (với nhóm)"))
    active = models.BooleanField(_("đang hoạt động"), default=True)
    successor = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="predecessors", verbose_name=_("đơn vị kế thừa"),
                                  help_text=_("Đơn vị tiếp nhận chức năng khi sáp nhập hoặc đổi tên"))

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="agency_name_unique_in_province"),
            models.CheckConstraint(condition=~Q(successor=models.F("id")), name="agency_not_own_successor"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def name_keys(self) -> set[str]:
        """Every folded spelling this agency answers to."""
        return {fold(n) for n in [self.name, self.short_name, *self.aliases] if n}


class Membership(models.Model):
    class Role(models.TextChoices):
        STAFF = "staff", _("Cán bộ Sở KH&CN")
        REPORTER = "reporter", _("Người báo cáo")
        AGENCY_HEAD = "agency_head", _("Lãnh đạo đơn vị")
        LEADER = "leader", _("Lãnh đạo UBND tỉnh")
        # Another system (the IOC, the open-data portal) reading with a token: the open-data feed only.
        SYSTEM = "system", _("Hệ thống")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("người dùng"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships",
                               verbose_name=_("cơ quan"))
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.agency}"
