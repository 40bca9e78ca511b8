from django.urls import path

from . import views

app_name = "offline"

urlpatterns = [
    path("offline/", views.offline_home_view, name="home"),
    path("offline/app/", views.app_shell_view, name="app"),
    path("offline/manifest.webmanifest", views.manifest_view, name="manifest"),
    path("offline/sw.js", views.service_worker_view, name="service-worker"),
]
