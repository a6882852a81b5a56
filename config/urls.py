from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from agencies import views as agency_views
from config.favicon import favicon
from reports.admin_audit import audit_view

admin.site.site_header = _("Chỉ tiêu – Quản trị")
admin.site.site_title = _("Chỉ tiêu")
admin.site.index_title = _("Quản trị hệ thống")

urlpatterns = [
    path("", agency_views.home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("quen-mat-khau/", auth_views.PasswordResetView.as_view(
        subject_template_name="registration/password_reset_subject.txt"), name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("dat-lai-mat-khau/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("dat-lai-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("chua-phan-quyen/", agency_views.no_role, name="no_role"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ke-hoach/", include("dashboards.plan_urls")),
    path("bao-cao/", include("reports.urls")),
    path("tien-do/", include("progress.urls")),
    path("tong-quan/", include("dashboards.urls")),
    path("cong-khai/", include("dashboards.public_urls")),
    path("dau-ra/", include("dashboards.outputs.urls")),
    path("api/v1/", include("config.api_urls")),
    path("admin/nhat-ky-thay-doi/", admin.site.admin_view(audit_view), name="admin_audit"),
    path("admin/", admin.site.urls),
]
