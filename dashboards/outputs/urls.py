from django.urls import path

from dashboards.outputs import views

app_name = "outputs"
urlpatterns = [
    path("bao-cao-tong-hop/", views.compiled_report_page, name="compiled_report"),
    path("bao-cao-tong-hop/tai-ve/", views.compiled_report_download, name="compiled_report_docx"),
    path("du-lieu-mo/<slug:code>/", views.open_data_download, name="open_data_zip"),
]
