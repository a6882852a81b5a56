from django.urls import path

from dashboards import views

app_name = "public"
urlpatterns = [
    path("<slug:code>/", views.public_progress, name="progress"),
]
