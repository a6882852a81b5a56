"""The plan pages (namespace "plans"): they show progress, so they live in the top layer; the plan file
downloads are the indicators layer's own view."""

from django.urls import path

from dashboards import views
from indicators import views as indicator_views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<slug:code>/", views.plan_detail, name="detail"),
    path("<slug:code>/xuat/<slug:file_format>/", indicator_views.plan_export, name="export"),
]
