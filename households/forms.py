import re

from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Role
from common.amounts import AmountError, parse_amount
from standards.models import PovertyStandard

from .bounds import INCOME_PER_CAPITA, ROUND_YEAR
from .minutes_upload import minutes_problems
from .models import Cause, Household, HouseholdReview, Member, Relation, ReviewKind, UnitLevel
from .registry_rules import birth_date_errors, cccd_errors, normalize_citizen_id
from .review_facts import FactChoicesField
from .selectors import cccd_conflicts, units_visible_to
from .services.registry import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from .widgets import UnitChoiceField


class DayInput(forms.DateInput):
    """A day typed dd/mm/yyyy in a text box; ``static/js/app.js`` adds a button that opens the phone's calendar.

    Not ``<input type="date">``: the browser shows that one in the phone's language, month first on a phone set
    to American English, so "01/07/2025" typed there would be 7 January."""

    input_type = "text"

    def __init__(self, attrs=None):
        # No "/" on a phone's number pad: "01072025" is read too (``DayField``).
        defaults = {"inputmode": "numeric", "autocomplete": "off", "placeholder": "dd/mm/yyyy", "data-day": ""}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class DayField(forms.DateField):
    """A day as offices write it, 01/07/2025 being 1 July in every language, or ISO (2025-07-01)."""

    widget = DayInput
    input_formats = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]
    # Django's own sentence first ("Nhập một ngày hợp lệ."), then how to type one.
    default_error_messages = {
        "invalid": format_lazy(
            "{} {}", _("Enter a valid date."), _("Type it as day/month/year, for example 01/07/2025.")
        )
    }

    def to_python(self, value):
        if isinstance(value, str) and re.fullmatch(r"[0-9]{8}", value.strip()):
            value = value.strip()
            value = f"{value[:2]}/{value[2:4]}/{value[4:]}"
        return super().to_python(value)


class WholeNumberField(forms.IntegerField):
    """A whole number, refused with an example of what is accepted (Django's Vietnamese says "số tổng thể")."""

    def __init__(self, *args, example: str, **kwargs):
        self.example = example
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                _("Enter a whole number, for example %(example)s."), code="invalid", params={"example": self.example}
            ) from None


class AmountInput(forms.TextInput):
    """An amount in a text box, shown grouped by thousands: "1,5 triệu" and "1500k" need letters."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        return intcomma(value) if isinstance(value, int) else super().format_value(value)


# What ``common.amounts.parse_amount`` refuses, said with an example of what it reads.
AMOUNT_MESSAGES = {
    "negative": _("An amount cannot be below zero. For example: 1.500.000."),
    "exponent": _("Write the amount in digits, for example 1.500.000 or 1,5 triệu."),
    "grouping": _("Group the thousands by three, for example 1.500.000."),
    "decimal_without_unit": _("A decimal needs its unit, for example 1,5 triệu or 0,8 triệu; or write 1.500.000."),
    "ambiguous": _("This can be read two ways: write 1.500.000, or 1,5 triệu."),
    "fraction": _("An amount is a whole number of đồng, for example 1.234.500."),
}


class AmountField(forms.IntegerField):
    """Đồng typed as people type them: "1.500.000", "1,5 triệu", "1500k", "1.5tr", "2 triệu" (``parse_amount``)."""

    widget = AmountInput
    default_error_messages = {
        "invalid": _("Enter an amount in đồng, for example 1.500.000, 1,5 triệu or 1500k."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return parse_amount(str(value))
        except AmountError as error:
            message = AMOUNT_MESSAGES.get(error.code, self.error_messages["invalid"])
            raise forms.ValidationError(message, code="invalid") from None


class AsOfForm(forms.Form):
    on = DayField(label=_("As of"), required=False)


class HouseholdForm(forms.ModelForm):
    # Grouped by commune, each "Thôn … — Xã …" (households.widgets.UnitSelect).
    village = UnitChoiceField(label=_("Village"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Household
        fields = ["village", *HOUSEHOLD_FIELDS]
        field_classes = {"status_date": DayField}
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Villages in force today, and the household's own (it may predate the 2025 reform).
        villages = units_visible_to(user).filter(level=UnitLevel.VILLAGE)
        current = Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate())
        if self.instance.pk:
            current |= Q(pk=self.instance.village_id)
        self.fields["village"].queryset = villages.filter(current)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)
        field_classes = {"date_of_birth": DayField}
        widgets = {"national_id": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A formset's forms carry no ``required`` (an empty extra member is no error); a screen reader is told.
        for field in self.fields.values():
            if field.required:
                field.widget.attrs["aria-required"] = "true"

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if errors := birth_date_errors(born, today=timezone.localdate()):
            raise forms.ValidationError(errors)
        return born

    def clean(self):
        data = super().clean()
        number = normalize_citizen_id(data.get("national_id") or "")
        data["national_id"] = number
        if number:
            for error in cccd_errors(number, sex=data.get("sex"), date_of_birth=data.get("date_of_birth")):
                self.add_error("national_id", error)
        return data

    def validate_unique(self):
        # Uniqueness of the citizen ID is checked by the formset, with messages that respect the user's scope.
        pass

    def _get_validation_exclusions(self):
        # Nor is the ID's unique constraint checked here: Django would report it as a bare "constraint
        # violated" above the member, before the formset could say who holds the number (``cccd_conflicts``).
        return {*super()._get_validation_exclusions(), "national_id"}


class BaseMemberFormSet(BaseInlineFormSet):
    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this member")

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        kept = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        heads = [f for f in kept if f.cleaned_data.get("relation") == Relation.HEAD]
        if len(heads) != 1:
            raise forms.ValidationError(_("A household has exactly one head."))
        seen: dict[str, MemberForm] = {}
        for form in kept:
            number = form.cleaned_data.get("national_id")
            if number and number in seen:
                form.add_error("national_id", _("This citizen ID is already given to another member above."))
            seen.setdefault(number, form)
        conflicts = cccd_conflicts(user=self.user, numbers=list(seen), exclude_household_id=self.instance.pk)
        for number, message in conflicts.items():
            seen[number].add_error("national_id", message)

    def member_data(self) -> list[dict]:
        """The members to keep, as plain dicts for ``household_create`` / ``household_update``."""
        return [
            {"id": form.instance.pk, **{field: form.cleaned_data.get(field) for field in MEMBER_FIELDS}}
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


MemberFormSet = inlineformset_factory(
    Household, Member, form=MemberForm, formset=BaseMemberFormSet, extra=1, can_delete=True, min_num=1
)


class RoundForm(forms.Form):
    commune = UnitChoiceField(label=_("Commune"))
    year = WholeNumberField(label=_("Year"), min_value=ROUND_YEAR.minimum, max_value=ROUND_YEAR.maximum, example="2026")
    kind = forms.ChoiceField(label=_("Kind"), choices=ReviewKind.choices)
    standard = forms.ModelChoiceField(
        label=_("Poverty standard"),
        queryset=PovertyStandard.objects.none(),
        required=False,
        empty_label=_("As the legal calendar gives it"),
        help_text=_("Only where the province's guidance departs from the legal calendar."),
    )
    # Ages are taken on this day (households.review_facts.review_reference_date).
    reference_date = DayField(
        label=_("Reference date"),
        required=False,
        help_text=_(
            "The day the members' ages are taken on. Empty: the day the round starts (1 September for the annual "
            "review)."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Communes of every period: a round of 2024 is held in the communes of before the 2025 reform.
        communes = units_visible_to(user).filter(level=UnitLevel.COMMUNE)
        self.fields["commune"].queryset = communes.order_by("-valid_from", "name")
        self.fields["year"].initial = timezone.localdate().year
        # The province sets a round's standard (``round_open`` refuses it to the others).
        if user.is_superuser or user.role == Role.PROVINCE_OFFICER:
            self.fields["standard"].queryset = PovertyStandard.objects.latest_versions().order_by("year_from")
        else:
            del self.fields["standard"]


class ReviewForm(forms.Form):
    household = forms.ModelChoiceField(label=_("Household"), queryset=Household.objects.none())
    income_per_capita = AmountField(
        label=_("Income per person per month (VND)"),
        min_value=INCOME_PER_CAPITA.minimum,
        max_value=INCOME_PER_CAPITA.maximum,
    )
    causes = forms.MultipleChoiceField(
        label=_("Causes of poverty"), choices=Cause.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # An ongoing review starts from the household's request (Form 01); its due dates count from it
    # (Decision 24/2021/QĐ-TTg, art. 5; ``households.ongoing``).
    requested_on = DayField(
        label=_("Request received on"),
        required=False,
        help_text=_("The day the household's request (Form 01) came; today if left empty."),
    )

    def __init__(self, *args, households=None, fact_fields=None, requested=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not requested:
            del self.fields["requested_on"]
        if households is None:
            del self.fields["household"]
        else:
            self.fields["household"].queryset = households
        for name, field in (fact_fields or {}).items():
            self.fields[f"fact_{name}"] = field
            if isinstance(field, FactChoicesField) and self.initial.get(f"fact_{name}") == []:
                # A review's facts hold "none of them" as [] ("not recorded" is null): its box is ticked.
                self.initial[f"fact_{name}"] = frozenset()

    def clean_requested_on(self):
        requested_on = self.cleaned_data.get("requested_on") or timezone.localdate()
        if requested_on > timezone.localdate():
            raise forms.ValidationError(_("The request cannot be dated in the future."))
        return requested_on

    def facts(self) -> dict:
        """The facts entered; a fact left blank is not among them. No box ticked (``[]``) is blank, where the
        "none" box of telecom or devices gives an empty set, the fact that none applies (``FactChoicesField``)."""
        return {
            name.removeprefix("fact_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("fact_") and value not in (None, "") and value != []
        }


class ReviewSelectionForm(forms.Form):
    """The reviews of a round a workflow step applies to: the ticked ones, or all of them.

    ``reviews`` are those the step may apply to (the posted ids are checked against them); ``offer`` lists the
    ones on the page (a round of thousands of households is shown a page at a time, and its forms list that
    page only).
    """

    # Checkboxes, not a multiple select (unusable on a phone): templates/households/_review_choices.html lays
    # them out village by village, with "select all in this village" (static/js/select_all.js).
    reviews = forms.ModelMultipleChoiceField(
        label=_("Households"),
        queryset=HouseholdReview.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    everything = forms.BooleanField(label=_("All households at this step"), required=False)

    def __init__(self, *args, reviews, **kwargs):
        super().__init__(*args, **kwargs)
        self.eligible = reviews
        self.fields["reviews"].queryset = reviews
        self.offered = []

    def offer(self, rows, *, eligible_count: int) -> None:
        """List ``rows`` (the page's reviews at this step) and say how many "all" means."""
        self.offered = list(rows)
        self.fields["reviews"].widget.choices = [(r.pk, f"{r.household.code} {r.household.head_name}") for r in rows]
        self.fields["everything"].label = ngettext(
            "All %(count)s household at this step", "All %(count)s households at this step", eligible_count
        ) % {"count": intcomma(eligible_count)}

    def village_groups(self) -> list[dict]:
        """The offered reviews village by village (in the order offered), each ticked if it was chosen."""
        chosen = {str(pk) for pk in self["reviews"].value() or ()}
        groups: dict[int, dict] = {}
        for review in self.offered:
            group = groups.setdefault(review.village_id, {"village": review.village, "rows": []})
            group["rows"].append({"review": review, "checked": str(review.pk) in chosen})
        return list(groups.values())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("everything"):
            cleaned["reviews"] = self.eligible
        elif not cleaned.get("reviews"):
            self.add_error("reviews", _("Tick at least one household."))
        return cleaned


class MeetingForm(ReviewSelectionForm):
    village = UnitChoiceField(label=_("Village"))
    held_on = DayField(label=_("Held on"))
    attendance = WholeNumberField(label=_("Attendance"), min_value=1, example="32")
    agreeing = WholeNumberField(label=_("Agreeing"), min_value=0, example="29")
    minutes = forms.FileField(
        label=_("Minutes"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages

    def clean_minutes(self):
        minutes = self.cleaned_data.get("minutes")
        if minutes and (problems := minutes_problems(minutes)):
            raise forms.ValidationError(problems)
        return minutes


class PostForm(ReviewSelectionForm):
    posted_on = DayField(label=_("Posted on"))


class PostingCorrectForm(ReviewSelectionForm):
    """A mistyped posting date, corrected before submission; the complaint period is counted again from it."""

    posted_on = DayField(label=_("Correct posting date"))


class SubmitForm(ReviewSelectionForm):
    submitted_on = DayField(
        label=_("Submitted on"),
        required=False,
        help_text=_("Today if left empty; an earlier day for a round entered afterwards."),
    )


class ConsultForm(ReviewSelectionForm):
    consulted_on = DayField(label=_("District chair's opinion given on"))


class ApproveForm(ReviewSelectionForm):
    decision_number = forms.CharField(label=_("Decision number"), max_length=50)
    signed_on = DayField(label=_("Signed on"))


class ReturnForm(ReviewSelectionForm):
    reason = forms.CharField(label=_("Reason for return"), widget=forms.Textarea(attrs={"rows": 2}))
