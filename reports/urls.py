from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.report_page, name="report"),
    path("<int:pk>/duyet/", views.report_action_view, {"action": "approve"}, name="approve"),
    path("<int:pk>/tra-lai/", views.report_action_view, {"action": "return"}, name="return"),
    path("<int:pk>/mo-lai/", views.report_action_view, {"action": "reopen"}, name="reopen"),
    path("<int:pk>/xac-nhan/", views.report_action_view, {"action": "confirm"}, name="confirm"),
    path("<int:pk>/tra-nguoi-bao-cao/", views.report_action_view, {"action": "send_back"}, name="send_back"),
    path("<int:pk>/dinh-kem/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/excel/", views.excel_download, name="excel_download"),
    path("<int:pk>/excel/tai-len/", views.excel_upload, name="excel_upload"),
    path("<int:pk>/excel/luu/", views.excel_confirm, name="excel_confirm"),
    path("tep/<int:pk>/", views.attachment_download, name="attachment"),
    path("tep/<int:pk>/xoa/", views.attachment_delete, name="attachment_delete"),
    path("duyet/", views.review_queue_view, name="review_queue"),
    path("duyet/hang-loat/", views.bulk_approve_view, name="bulk_approve"),
    path("tuan-thu/", views.compliance_view, name="compliance"),
]
