"""The staff's plan pages (namespace "plans"). They show indicators, so they live in the indicators layer."""

from django.urls import path

from indicators import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<slug:code>/", views.plan_detail, name="detail"),
    path("<slug:code>/xuat/<slug:file_format>/", views.plan_export, name="export"),
]
