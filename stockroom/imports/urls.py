from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportListView.as_view(), name="import_list"),
    path("new/", views.ImportCreateView.as_view(), name="import_create"),
    path("template/<str:kind>.csv", views.ImportTemplateView.as_view(), name="import_template"),
    path("<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("<int:pk>/progress/", views.ImportProgressView.as_view(), name="import_progress"),
    path("exports/", views.ExportListView.as_view(), name="export_list"),
    path("exports/<int:pk>/", views.ExportDetailView.as_view(), name="export_detail"),
    path("exports/<int:pk>/status/", views.ExportStatusView.as_view(), name="export_status"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export_download"),
]
