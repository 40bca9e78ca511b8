from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("national/", views.national_view, name="national"),
    path("residents/", views.resident_counts_view, name="resident-counts"),
    path("residents/import/", views.resident_import_view, name="resident-import"),
    path("reports/<str:kind>/", views.report_view, name="report"),
    path("reports/jobs/<int:pk>/", views.job_detail_view, name="job-detail"),
    path("reports/jobs/<int:pk>/download/", views.job_download_view, name="job-download"),
    path("reports/jobs/<int:pk>/rerun/", views.job_rerun_view, name="job-rerun"),
]
