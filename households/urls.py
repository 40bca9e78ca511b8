from django.urls import path

from . import import_views, review_views, views, village_views

app_name = "households"

urlpatterns = [
    path("units/", views.unit_tree_view, name="unit-tree"),
    path("units/<int:pk>/villages/", village_views.commune_villages_view, name="commune-villages"),
    path("units/carry-over/", village_views.carry_over_view, name="carry-over"),
    path("households/", views.household_list_view, name="household-list"),
    path("households/new/", views.household_create_view, name="household-create"),
    path("households/<int:pk>/", views.household_detail_view, name="household-detail"),
    path("households/<int:pk>/edit/", views.household_edit_view, name="household-edit"),
]

urlpatterns += [
    path("reviews/", review_views.round_list_view, name="round-list"),
    path("reviews/queue/", review_views.approval_queue_view, name="approval-queue"),
    path("reviews/rounds/<int:pk>/", review_views.round_detail_view, name="round-detail"),
    path("reviews/rounds/<int:pk>/steps/<str:step>/", review_views.round_step_view, name="round-step"),
    path("reviews/rounds/<int:pk>/new/", review_views.review_create_view, name="review-create"),
    path(
        "reviews/rounds/<int:pk>/decisions/<int:decision_pk>.pdf",
        review_views.decision_pdf_view,
        name="decision-pdf",
    ),
    path("reviews/<int:pk>/", review_views.review_detail_view, name="review-detail"),
    path("reviews/<int:pk>/edit/", review_views.review_edit_view, name="review-edit"),
    path("reviews/<int:pk>/certificate.pdf", review_views.certificate_pdf_view, name="review-certificate"),
    path(
        "households/<int:pk>/escape-request.pdf", review_views.escape_request_pdf_view, name="household-escape-request"
    ),
]

urlpatterns += [
    path("households/import/", import_views.import_start_view, name="import-start"),
    path("households/import/template.xlsx", import_views.import_template_view, name="import-template"),
    path("households/import/<int:pk>/", import_views.import_detail_view, name="import-detail"),
    path("households/import/<int:pk>/confirm/", import_views.import_confirm_view, name="import-confirm"),
    path("households/import/<int:pk>/rerun/", import_views.import_rerun_view, name="import-rerun"),
    path("households/export.<str:fmt>", import_views.household_export_view, name="household-export"),
    path("reviews/rounds/<int:pk>/export.<str:fmt>", import_views.round_export_view, name="round-export"),
]
