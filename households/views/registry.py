"""Pages of the registry: the units, the households and their members. Thin: forms validate, services write,
selectors read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from households.access import check_can_edit, check_can_edit_unit, may_carry_over
from households.forms import AsOfForm, HouseholdForm, MemberFormSet
from households.models import REFORM_DATE, Household
from households.selectors import household_get, household_list, unit_tree
from households.selectors.history import household_history
from households.services import household_create, household_update
from households.views.guidance import household_review_offers

PAGE_SIZE = 50


@login_required
def unit_tree_view(request):
    form = AsOfForm(request.GET or None)
    on = form.cleaned_data["on"] if form.is_valid() and form.cleaned_data["on"] else timezone.localdate()
    context = {
        "form": form,
        "on": on,
        "tree": unit_tree(user=request.user, on=on),
        "reform_date": REFORM_DATE,
        "may_carry_over": may_carry_over(request.user),
    }
    return render(request, "households/unit_tree.html", context)


@login_required
def household_list_view(request):
    filterset = household_list(user=request.user, filters=request.GET)
    # Village and commune are shown in every row: fetched for the page's rows (two small queries), not
    # joined; with a join PostgreSQL joined all 12,000 households a search found before keeping a page
    # (150 instead of 30 ms at a million households).
    households = filterset.qs.prefetch_related("village", "commune")
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "households/household_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


@login_required
def household_detail_view(request, pk: int):
    household = household_get(user=request.user, pk=pk)
    context = {
        "household": household,
        "members": household.members.all(),
        "reviews": household.reviews.select_related("round").order_by("-round__year", "-created_at"),
        # Who changed what and when, field by field (households.selectors.history).
        "history": household_history(user=request.user, household=household),
        # "Review this household" in the commune's open round, or its review there (households.views.guidance).
        **household_review_offers(request.user, household, today=timezone.localdate()),
    }
    return render(request, "households/household_detail.html", context)


def _save_household(request, household: Household | None):
    user = request.user
    form = HouseholdForm(request.POST or None, instance=household, user=user)
    formset = MemberFormSet(request.POST or None, instance=household or Household(), user=user, prefix="members")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {field: form.cleaned_data.get(field) for field in form.Meta.fields if field != "village"}
        try:
            with transaction.atomic():
                if household is None:
                    household = household_create(
                        user=user, village=form.cleaned_data["village"], data=data, members=formset.member_data()
                    )
                else:
                    household = household_update(
                        user=user,
                        household=household,
                        expected_version=form.cleaned_data["version"] or 0,
                        village=form.cleaned_data["village"],
                        data=data,
                        members=formset.member_data(),
                    )
        except ValidationError as error:  # a ConflictError too: someone saved the household meanwhile
            form.add_error(None, error)
        else:
            messages.success(request, _("Household %(code)s saved.") % {"code": household.code})
            return redirect(household)
    return render(request, "households/household_form.html", {"form": form, "formset": formset, "household": household})


@login_required
def household_create_view(request):
    check_can_edit(request.user)
    return _save_household(request, None)


@login_required
def household_edit_view(request, pk: int):
    household = household_get(user=request.user, pk=pk)
    check_can_edit_unit(request.user, household.village)
    return _save_household(request, household)
