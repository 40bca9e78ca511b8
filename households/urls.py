from django.urls import path

from . import review_views, views

app_name = "households"

urlpatterns = [
    path("units/", views.unit_tree_view, name="unit-tree"),
    path("households/", views.household_list_view, name="household-list"),
    path("households/new/", views.household_create_view, name="household-create"),
    path("households/<int:pk>/", views.household_detail_view, name="household-detail"),
    path("households/<int:pk>/edit/", views.household_edit_view, name="household-edit"),
]

urlpatterns += [
    path("reviews/", review_views.round_list_view, name="round-list"),
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
]
