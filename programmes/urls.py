from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("plans/", views.plan_list_view, name="plan-list"),
    path("plans/new/", views.plan_create_view, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail_view, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit_view, name="plan-edit"),
    path("plans/<int:pk>/targets/<int:year>/edit/", views.target_rows_edit_view, name="target-rows-edit"),
    path("plans/<int:pk>/goals/new/", views.goal_create_view, name="goal-create"),
    path("plans/<int:pk>/tasks/new/", views.task_create_view, name="task-create"),
    path(
        "plans/<int:pk>/targets-<int:year>.<str:fmt>",
        views.target_table_export_view,
        name="target-export",
    ),
    path("plans/<int:pk>/import/", views.target_import_view, name="target-import"),
    path("plans/<int:pk>/goals/<int:goal_pk>/", views.goal_actual_view, name="goal-actual"),
    path("plans/<int:pk>/tasks/<int:task_pk>/", views.task_edit_view, name="task-edit"),
]
