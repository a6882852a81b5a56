from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from agencies import views as agency_views

admin.site.site_header = _("Chỉ tiêu – Quản trị")
admin.site.site_title = _("Chỉ tiêu")
admin.site.index_title = _("Quản trị hệ thống")

urlpatterns = [
    path("", agency_views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("chua-phan-quyen/", agency_views.no_role, name="no_role"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ke-hoach/", include("dashboards.plan_urls")),
    path("bao-cao/", include("reports.urls")),
    path("tien-do/", include("progress.urls")),
    path("tong-quan/", include("dashboards.urls")),
    path("cong-khai/", include("dashboards.public_urls")),
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]
