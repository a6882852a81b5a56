from django.urls import path

from progress import views

app_name = "progress"
urlpatterns = [
    path("<slug:code>/ket-qua/<int:year>/", views.export_results, name="export_results"),
]
