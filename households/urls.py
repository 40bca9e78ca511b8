from django.urls import path

from . import views

app_name = "households"

urlpatterns = [
    path("units/", views.unit_tree_view, name="unit-tree"),
]
