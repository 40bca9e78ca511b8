from django.urls import path

from .views import imports, minutes, registry, reviews, steps, todo, villages

app_name = "households"

urlpatterns = [
    path("units/", registry.unit_tree_view, name="unit-tree"),
    path("units/<int:pk>/villages/", villages.commune_villages_view, name="commune-villages"),
    path("units/carry-over/", villages.carry_over_view, name="carry-over"),
    path("households/", registry.household_list_view, name="household-list"),
    path("households/new/", registry.household_create_view, name="household-create"),
    path("households/<int:pk>/", registry.household_detail_view, name="household-detail"),
    path("households/<int:pk>/edit/", registry.household_edit_view, name="household-edit"),
]

urlpatterns += [
    path("reviews/", reviews.round_list_view, name="round-list"),
    path("reviews/queue/", reviews.approval_queue_view, name="approval-queue"),
    path("reviews/rounds/<int:pk>/", reviews.round_detail_view, name="round-detail"),
    path("reviews/rounds/<int:pk>/steps/<str:step>/", reviews.round_step_view, name="round-step"),
    path("reviews/rounds/<int:pk>/steps/<str:step>/choose/", steps.round_step_choose_view, name="round-step-choose"),
    path("reviews/todo/", todo.todo_view, name="todo"),
    path("reviews/rounds/<int:pk>/new/", reviews.review_create_view, name="review-create"),
    path(
        "reviews/rounds/<int:pk>/decisions/<int:decision_pk>.pdf",
        reviews.decision_pdf_view,
        name="decision-pdf",
    ),
    path("reviews/<int:pk>/", reviews.review_detail_view, name="review-detail"),
    path("reviews/meetings/<int:pk>/minutes", minutes.meeting_minutes_view, name="meeting-minutes"),
    path("reviews/<int:pk>/edit/", reviews.review_edit_view, name="review-edit"),
    path("reviews/<int:pk>/certificate.pdf", reviews.certificate_pdf_view, name="review-certificate"),
    path("households/<int:pk>/escape-request.pdf", reviews.escape_request_pdf_view, name="household-escape-request"),
]

urlpatterns += [
    path("households/import/", imports.import_start_view, name="import-start"),
    path("households/import/template.xlsx", imports.import_template_view, name="import-template"),
    path("households/import/<int:pk>/", imports.import_detail_view, name="import-detail"),
    path("households/import/<int:pk>/confirm/", imports.import_confirm_view, name="import-confirm"),
    path("households/import/<int:pk>/rerun/", imports.import_rerun_view, name="import-rerun"),
    path("households/import/<int:pk>/errors.xlsx", imports.import_errors_view, name="import-errors"),
    path("households/export.<str:fmt>", imports.household_export_view, name="household-export"),
    path("reviews/rounds/<int:pk>/export.<str:fmt>", imports.round_export_view, name="round-export"),
]
