"""The offline part of API v1, included under /api/v1/ next to ``povertyplan.api_urls``."""

from django.urls import path

from .views import OfflineDownloadView, OfflineSyncView

urlpatterns = [
    path("offline/rounds/<int:pk>/", OfflineDownloadView.as_view(), name="offline-download"),
    path("offline/sync/", OfflineSyncView.as_view(), name="offline-sync"),
]
