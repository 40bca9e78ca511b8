from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from .forms import AsOfForm
from .models import REFORM_DATE
from .selectors import unit_tree


@login_required
def unit_tree_view(request):
    form = AsOfForm(request.GET or None)
    on = form.cleaned_data["on"] if form.is_valid() and form.cleaned_data["on"] else timezone.localdate()
    context = {"form": form, "on": on, "tree": unit_tree(user=request.user, on=on), "reform_date": REFORM_DATE}
    return render(request, "households/unit_tree.html", context)
