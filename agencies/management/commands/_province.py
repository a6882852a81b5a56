from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from agencies.models import Province


def province_for_command(code: str | None) -> Province:
    """The province a provisioning command works in: --province CODE, or the only one there is."""
    if code:
        province = Province.objects.filter(code=code).first()
        if province is None:
            raise CommandError(_("Không có tỉnh mã “%(code)s”.") % {"code": code})
        return province
    provinces = list(Province.objects.all()[:2])
    if not provinces:
        raise CommandError(_("Chưa có tỉnh nào; hãy tạo tỉnh bằng create_province (hoặc chạy seed_demo)."))
    if len(provinces) > 1:
        raise CommandError(_("Có nhiều tỉnh; hãy chọn bằng --province MÃ_TỈNH."))
    return provinces[0]
