from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("plans/", views.plan_list_view, name="plan-list"),
    path("plans/<int:pk>/", views.plan_detail_view, name="plan-detail"),
    path("plans/<int:pk>/import/", views.target_import_view, name="target-import"),
    path("plans/<int:pk>/goals/<int:goal_pk>/", views.goal_actual_view, name="goal-actual"),
    path("plans/<int:pk>/tasks/<int:task_pk>/", views.task_edit_view, name="task-edit"),
]
