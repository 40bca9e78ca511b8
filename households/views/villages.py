"""The villages of a commune, and the carry-over of a province's registry across the 2025 reform.

Thin: forms validate, services write, selectors read; a refused change shows its message on the form,
with what was typed kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from households.access import check_can_edit_unit, may_carry_over
from households.models import AdministrativeUnit, UnitLevel
from households.selectors import carry_over_plan, commune_get, commune_villages, province_list, village_history
from households.services import (
    carry_over_commit,
    village_assign,
    village_close,
    village_create,
    village_merge,
    village_rename,
    villages_import,
)
from households.village_forms import (
    CarryOverAssignForm,
    CarryOverCommitForm,
    CarryOverProvinceForm,
    VillageCloseForm,
    VillageCreateForm,
    VillageImportForm,
    VillageMergeForm,
    VillageRenameForm,
)


def _village_action(request, commune, form, open_villages):
    """Run the service of the posted form; the message to show, or the form with the refusal on it."""
    data, user = form.cleaned_data, request.user
    action = request.POST["action"]
    if action == "create":
        village = village_create(commune=commune, user=user, **data)
        return _("%(village)s was added.") % {"village": village.name}
    if action == "rename":
        village = village_rename(user=user, village=data["village"], name=data["name"])
        return _("The village is now called %(village)s.") % {"village": village.name}
    if action == "close":
        village = village_close(user=user, village=data["village"], last_day=data["last_day"])
        return _("%(village)s ends on %(date)s.") % {
            "village": village.name,
            "date": data["last_day"].strftime("%d/%m/%Y"),
        }
    if action == "merge":
        village = village_merge(
            user=user, villages=list(data["villages"]), **{k: data[k] for k in ("name", "unit_type", "on", "decision")}
        )
        return _("The villages were merged into %(village)s.") % {"village": village.name}
    result = villages_import(user=user, file=data["file"])
    return _("%(created)s villages added, %(unchanged)s already there.") % {
        "created": result.created,
        "unchanged": result.unchanged,
    }


@login_required
def commune_villages_view(request, pk: int):
    commune = commune_get(user=request.user, pk=pk)
    villages = commune_villages(user=request.user, commune=commune)
    open_villages = villages.valid_on(timezone.localdate())
    action = request.POST.get("action") if request.method == "POST" else None
    posted = (request.POST, request.FILES)

    def bound(name, form_class, **kwargs):
        return form_class(*posted, **kwargs) if action == name else form_class(**kwargs)

    forms = {
        "create": bound("create", VillageCreateForm),
        "rename": bound("rename", VillageRenameForm, villages=open_villages),
        "close": bound("close", VillageCloseForm, villages=open_villages),
        "merge": bound("merge", VillageMergeForm, villages=open_villages),
        "import": bound("import", VillageImportForm),
    }
    if action is not None:
        check_can_edit_unit(request.user, commune)
        form = forms.get(action)
        if form is None:
            raise PermissionDenied(_("Unknown action."))
        if form.is_valid():
            try:
                message = _village_action(request, commune, form, open_villages)
            except ValidationError as refusal:
                _add_refusal(form, refusal)
            else:
                messages.success(request, message)
                return redirect(request.path)
    context = {
        "commune": commune,
        "villages": villages,
        "forms": forms,
        "action": action,
        "history": village_history(user=request.user, commune=commune),
        "today": timezone.localdate(),
    }
    return render(request, "households/commune_villages.html", context)


def _add_refusal(form, refusal: ValidationError) -> None:
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal)


@login_required
def carry_over_view(request):
    if not may_carry_over(request.user):
        raise PermissionDenied(_("Only the province carries its registry over the reform."))
    provinces = list(province_list(user=request.user))
    choose = CarryOverProvinceForm(request.GET or None, provinces=provinces)
    code = choose.cleaned_data["province"] if choose.is_bound and choose.is_valid() else None
    plan = carry_over_plan(user=request.user, code=code) if code else None
    commit_form = CarryOverCommitForm(request.POST if request.POST.get("action") == "commit" else None)
    assign_error = None
    if plan and request.method == "POST":
        here = f"{reverse('households:carry-over')}?province={code}"
        try:
            if request.POST.get("action") == "assign":
                form = CarryOverAssignForm(
                    request.POST,
                    villages=AdministrativeUnit.objects.filter(pk__in=[m.village.pk for m in plan.unassigned]),
                    successors=AdministrativeUnit.objects.filter(
                        level=UnitLevel.COMMUNE, pk__in=[c.pk for m in plan.unassigned for c in m.choices]
                    ),
                )
                if not form.is_valid():
                    raise ValidationError(_("Choose one of the new communes listed."))
                village_assign(user=request.user, **form.cleaned_data)
                messages.success(
                    request,
                    _("%(village)s will go to %(commune)s.")
                    % {"village": form.cleaned_data["village"].name, "commune": form.cleaned_data["successor"].name},
                )
                return redirect(here)
            if commit_form.is_valid():
                result = carry_over_commit(user=request.user, code=code, decision=commit_form.cleaned_data["decision"])
                messages.success(
                    request,
                    _("Carried over: %(villages)s villages created, %(households)s households moved.")
                    % {"villages": result.villages_created, "households": result.households_moved},
                )
                return redirect(here)
        except ValidationError as refusal:
            if request.POST.get("action") == "commit":
                _add_refusal(commit_form, refusal)
            else:
                assign_error = " ".join(refusal.messages)
    context = {"choose": choose, "plan": plan, "commit_form": commit_form, "code": code, "assign_error": assign_error}
    return render(request, "households/carry_over.html", context)
