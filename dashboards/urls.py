from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("", views.overview, name="home"),  # the name the pages used before the overview existed
    path("chi-tieu/<int:pk>/", views.indicator_detail, name="indicator"),
    path("co-quan/<int:pk>/", views.agency_detail, name="agency"),
    path("tinh-lai/<slug:code>/", views.recompute, name="recompute"),
]
