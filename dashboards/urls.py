from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("chi-tieu/<int:pk>/", views.indicator_detail, name="indicator"),
    path("co-quan/<int:pk>/", views.agency_detail, name="agency"),
    path("tinh-lai/<slug:code>/", views.recompute, name="recompute"),
]
