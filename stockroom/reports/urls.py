from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path(
        "getting-started/hide/",
        views.GettingStartedDismissView.as_view(),
        name="getting_started_dismiss",
    ),
    path("reports/", views.ReportIndexView.as_view(), name="index"),
    path("reports/<slug:slug>/", views.ReportView.as_view(), name="report"),
    path("reports/<slug:slug>/print/", views.ReportPrintView.as_view(), name="report_print"),
    path(
        "reports/<slug:slug>/export.<str:file_format>",
        views.ReportExportView.as_view(),
        name="report_export",
    ),
    path(
        "codes/<str:kind>/<int:pk>/<str:symbology>.svg",
        views.BarcodeImageView.as_view(),
        name="barcode",
    ),
    path("labels/", views.LabelIndexView.as_view(), name="labels"),
    path("labels/<str:sheet>.pdf", views.LabelSheetView.as_view(), name="label_sheet"),
    path("scan/", views.ScanView.as_view(), name="scan"),
    path("history/<str:model>/<int:pk>/", views.HistoryView.as_view(), name="history"),
]
