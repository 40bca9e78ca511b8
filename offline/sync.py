"""The sync: the changes a phone queued offline, applied as the pages apply them.

Each change is checked by the forms the pages use (``households.forms``: the citizen-ID rules, the income's range,
the facts the round's standard needs) and written by the households services (scope, roles, the workflow,
optimistic versions), in a transaction of its own: a change refused leaves the others applied. Each answer is one
of:

- ``applied``: written; the change is kept under its ``client_id`` (``SyncedChange``) with its answer, so a batch
  sent again after a cut applies nothing twice and gets the same answers;
- ``refused``: nothing written, with the reason as the API's 400 gives it (``{field: [messages]}``); the phone
  keeps the change, the officer corrects it and sends it again;
- ``conflict``: the household (or the review) changed on the server since the phone's copy (``base_version``):
  nothing written, and the answer holds the server's values and the fields that differ, for the officer to
  choose field by field and send the choice as a change on the server's version (``resolves_conflict``), which
  the history records.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext_lazy

from common.api_errors import field_errors
from households.errors import ConflictError
from households.forms import HouseholdForm, MemberFormSet, ReviewForm
from households.models import Household, HouseholdReview, Member, ReviewKind
from households.review_facts import NONE_OF_CHOICE, fact_form_fields
from households.selectors import household_get, review_list
from households.services import household_create, household_update, review_create, review_update
from households.services.registry import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from standards.selectors import standard_rules

from .access import check_may_download
from .api.serializers import SyncHouseholdSerializer, SyncReviewSerializer
from .models import ChangeKind, SyncedChange
from .selectors import is_open, offline_round_get

if TYPE_CHECKING:
    from accounts.models import User
    from households.models import ReviewRound

FROM_SYNC = gettext_lazy("Entered offline, synced.")
FROM_SYNC_RESOLVED = gettext_lazy("Entered offline, synced: the officer chose between their values and the server's.")
NOT_FOUND = gettext_lazy("Not found.")
NO_HOUSEHOLD = gettext_lazy("Give the household's id.")
HOUSEHOLD_NOT_SAVED = gettext_lazy("The household this review is for was not saved: correct it and send both again.")
ROUND_OVER = gettext_lazy("This review round is over.")
NOT_SAVED = gettext_lazy("The change could not be saved at the same time as another one: send it again.")
NO_VERSION = gettext_lazy("Give the version of the household the change was made on.")
PREFIX = "members"


@dataclass
class Refused(Exception):
    code: str
    errors: dict[str, list[str]]


@dataclass
class Conflict(Exception):
    what: str  # "household" or "review"
    server: dict[str, Any]
    differences: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Applied:
    object_id: int
    version: int
    answer: dict[str, Any]


def sync_changes(*, user: User, changes: list[Mapping[str, Any]], today: datetime.date) -> list[dict[str, Any]]:
    """Apply ``changes`` (read by ``offline.api.serializers.SyncEnvelopeSerializer``) in order, each in a
    transaction of its own; one answer a change. A change applied before (its ``client_id`` kept) is answered as
    it was and not applied again."""
    done = {
        synced.client_id: synced
        for synced in SyncedChange.objects.filter(client_id__in=[change["client_id"] for change in changes])
    }
    # The rounds the batch names, each read and checked once a batch: its standard's rules are then fetched once,
    # not once a change (a phone sends up to 200 reviews of one round).
    rounds: dict[int, ReviewRound] = {}
    return [_answer(user, change, done.get(change["client_id"]), today, rounds) for change in changes]


def _answer(
    user: User,
    change: Mapping[str, Any],
    done: SyncedChange | None,
    today: datetime.date,
    rounds: dict[int, ReviewRound] | None = None,
) -> dict:
    head = {"client_id": str(change["client_id"]), "kind": change["kind"]}
    if done is not None:
        # Another user's id (a phone cannot make one by chance): refused as if unknown, telling nothing of it.
        if done.user_id != user.pk:
            return {**head, "outcome": "refused", "code": "not_found", "errors": _detail(NOT_FOUND)}
        return done.answer
    try:
        with transaction.atomic():
            applied = APPLY[change["kind"]](user, change, today, {} if rounds is None else rounds)
            answer = {**head, "outcome": "applied", **applied.answer}
            SyncedChange.objects.create(
                client_id=change["client_id"],
                user=user,
                kind=change["kind"],
                object_id=applied.object_id,
                version=applied.version,
                resolves_conflict=change.get("resolves_conflict", False),
                answer=answer,
            )
    except Refused as refusal:
        return _meanwhile(user, change) or {
            **head,
            "outcome": "refused",
            "code": refusal.code,
            "errors": refusal.errors,
        }
    except Conflict as conflict:
        return _meanwhile(user, change) or {
            **head,
            "outcome": "conflict",
            conflict.what: conflict.server,
            "differences": conflict.differences,
        }
    except IntegrityError:
        return _meanwhile(user, change) or {**head, "outcome": "refused", "code": "retry", "errors": _detail(NOT_SAVED)}
    return answer


def _meanwhile(user: User, change: Mapping[str, Any]) -> dict | None:
    """The answer of the same change applied by another request while this one ran (a retry sent while the first
    still ran): its household's code then exists, its version moved, or its record collided with this one's.
    The one that committed first answers for both."""
    synced = SyncedChange.objects.filter(client_id=change["client_id"], user=user).first()
    return synced.answer if synced is not None else None


def _detail(message) -> dict[str, list[str]]:
    return {"non_field_errors": [str(message)]}


def _refused(errors: Any, code: str = "invalid") -> Refused:
    return Refused(code, field_errors(errors))


def _service_errors(error: ValidationError) -> Refused:
    """A service's refusal as the API's 400 says it."""
    if isinstance(error, ConflictError):  # the version moved between the check and the write
        return Refused("conflict", _detail(error.messages[0]))
    if hasattr(error, "error_dict"):
        return _refused(
            {
                ("non_field_errors" if name == "__all__" else name): messages
                for name, messages in error.message_dict.items()
            }
        )
    return _refused({"non_field_errors": error.messages})


def _reason(change: Mapping[str, Any]) -> str:
    return str(FROM_SYNC_RESOLVED if change.get("resolves_conflict") else FROM_SYNC)


def _mark_history(instance: Household | HouseholdReview, change: Mapping[str, Any]) -> None:
    """Say on the history row the service just wrote that the change came from a sync (and whether it was the
    officer's choice after a conflict). A service that makes the object saves it more than once: the last row is
    the one the change left, in this transaction."""
    latest = instance.history.order_by("-history_date", "-history_id").values_list("history_id", flat=True)[:1]
    type(instance).history.filter(history_id__in=list(latest)).update(history_change_reason=_reason(change))


# --- households ---------------------------------------------------------------------------------------------


def _typed(serializer_class, data: Any) -> dict:
    """``data`` read by the sync's serializer of its kind (types only; a field left out stays out)."""
    serializer = serializer_class(data=data, partial=True)
    if not serializer.is_valid():
        raise _refused(serializer.errors)
    # The values as sent (JSON), of the fields the serializer knows: the forms read them as the pages' posts.
    known = serializer.fields.keys()
    return {name: value for name, value in data.items() if name in known}


def _member_values(member: Member) -> dict[str, Any]:
    values = {name: getattr(member, name) for name in MEMBER_FIELDS if name != "ethnicity"}
    values["ethnicity"] = member.ethnicity_id
    return values


def _household_values(household: Household) -> dict[str, Any]:
    values = {name: getattr(household, name) for name in HOUSEHOLD_FIELDS if name != "head_ethnicity"}
    values["head_ethnicity"] = household.head_ethnicity_id
    values["village"] = household.village_id
    return values


def _pk(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _household_forms(user: User, household: Household | None, sent: dict) -> tuple[HouseholdForm, Any, list[int]]:
    """The household form and the members' formset bound to what the phone sent over the server's values (a field
    left out keeps its value; members left out altogether keep theirs). Returns the payload's member places in
    the formset's order (members the server has first, as the formset wants them)."""
    # A field left out: the server's value, or for a new household or member the model's default, as the form
    # shows it.
    data: dict[str, Any] = _household_values(household or Household())
    if household is not None:
        data["version"] = household.version
    data.update({name: sent[name] for name in ("village", *HOUSEHOLD_FIELDS) if name in sent})
    existing = {member.pk: member for member in household.members.all()} if household is not None else {}
    if "members" in sent:
        members = list(enumerate(sent["members"]))
    else:
        members = [(place, {"id": pk}) for place, pk in enumerate(existing)]
    ordered = [item for item in members if item[1].get("id")] + [item for item in members if not item[1].get("id")]
    data.update(
        {
            f"{PREFIX}-TOTAL_FORMS": len(ordered),
            f"{PREFIX}-INITIAL_FORMS": sum(1 for _place, member in ordered if member.get("id")),
            f"{PREFIX}-MIN_NUM_FORMS": 0,
            f"{PREFIX}-MAX_NUM_FORMS": 1000,
        }
    )
    for n, (_place, member) in enumerate(ordered):
        server = existing.get(_pk(member.get("id")))
        values = {**_member_values(server or Member()), **member}
        for name in ("id", *MEMBER_FIELDS):
            if name in values:
                data[f"{PREFIX}-{n}-{name}"] = values[name]
    form = HouseholdForm(data, instance=household, user=user)
    formset = MemberFormSet(data, instance=household or Household(), user=user, prefix=PREFIX)
    return form, formset, [place for place, _member in ordered]


def _check_forms(form: HouseholdForm, formset, places: list[int]) -> None:
    valid = form.is_valid()
    valid = formset.is_valid() and valid
    if valid:
        return
    errors: dict[str, Any] = {name: list(messages) for name, messages in form.errors.items() if name != "version"}
    if "__all__" in errors:
        errors["non_field_errors"] = errors.pop("__all__")
    members: dict[int, Any] = {}
    for place, member_errors in zip(places, formset.errors, strict=False):
        if member_errors:
            members[place] = {name: list(messages) for name, messages in member_errors.items()}
    non_form = list(formset.non_form_errors())
    if members or non_form:
        errors["members"] = {**({"non_field_errors": non_form} if non_form else {}), **members}
    raise _refused(errors)


def _household_answer(household: Household, members: list[dict[str, Any]]) -> dict[str, Any]:
    return {"household": {"id": household.pk, "code": household.code, "version": household.version, "members": members}}


def _apply_household_create(user: User, change: Mapping[str, Any], today: datetime.date, _rounds: dict) -> Applied:
    sent = _typed(SyncHouseholdSerializer, change.get("household") or {})
    form, formset, places = _household_forms(user, None, sent)
    _check_forms(form, formset, places)
    data = {name: form.cleaned_data.get(name) for name in HOUSEHOLD_FIELDS}
    try:
        household = household_create(
            user=user, village=form.cleaned_data["village"], data=data, members=formset.member_data()
        )
    except ValidationError as error:
        raise _service_errors(error) from None
    except PermissionDenied as error:
        raise Refused("forbidden", _detail(error)) from None
    _mark_history(household, change)
    return Applied(household.pk, household.version, _household_answer(household, _member_places(household, places)))


def _member_places(household: Household, places: list[int], known: dict[int, int] | None = None) -> list[dict]:
    """Each member saved with its place in the change: the formset saved them in ``places``' order, the members
    the server had keeping their ids (``known``: id → place), the new ones taking ids in order."""
    known = known or {}
    new_places = iter(place for place in places if place not in known.values())
    rows = []
    for member in household.members.order_by("pk"):
        place = known.get(member.pk)
        if place is None:
            place = next(new_places, None)
        rows.append({"index": place, "id": member.pk, "full_name": member.full_name})
    return sorted(rows, key=lambda row: (row["index"] is None, row["index"] or 0))


def _household_of(user: User, pk: Any) -> Household:
    try:
        return household_get(user=user, pk=int(pk))
    except (Http404, TypeError, ValueError):
        raise Refused("not_found", _detail(NOT_FOUND)) from None


def _apply_household_update(user: User, change: Mapping[str, Any], today: datetime.date, _rounds: dict) -> Applied:
    sent = _typed(SyncHouseholdSerializer, change.get("household") or {})
    if "id" not in sent:
        raise _refused({"id": [str(NO_HOUSEHOLD)]})
    household = _household_of(user, sent["id"])
    base = change.get("base_version")
    if base is None:
        raise _refused({"base_version": [str(NO_VERSION)]})
    if base != household.version:
        raise Conflict("household", _household_now(household), _household_differences(household, sent))
    form, formset, places = _household_forms(user, household, sent)
    _check_forms(form, formset, places)
    data = {name: form.cleaned_data.get(name) for name in HOUSEHOLD_FIELDS}
    members = sent.get("members")
    known = {_pk(member["id"]): place for place, member in enumerate(members or []) if member.get("id")}
    household._change_reason = _reason(change)
    try:
        household = household_update(
            user=user,
            household=household,
            expected_version=base,
            village=form.cleaned_data["village"],
            data=data,
            members=formset.member_data(),
        )
    except ValidationError as error:
        raise _service_errors(error) from None
    except PermissionDenied as error:
        raise Refused("forbidden", _detail(error)) from None
    if members is None:
        rows = [{"id": m.pk, "full_name": m.full_name} for m in household.members.order_by("pk")]
    else:
        rows = _member_places(household, list(range(len(members))), known)
    return Applied(household.pk, household.version, _household_answer(household, rows))


def _json(value: Any) -> Any:
    """A value as JSON carries it, so that the phone's and the server's compare."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, frozenset | set | tuple):
        return sorted(value)
    return json.loads(json.dumps(value, default=str))


# The server's household shown in a conflict: what the phone holds of it (the members without their citizen ID,
# as the download sends them).
MEMBER_SHOWN = tuple(name for name in MEMBER_FIELDS if name != "national_id")


def _household_now(household: Household) -> dict[str, Any]:
    values = {name: _json(value) for name, value in _household_values(household).items()}
    members = [
        {
            "id": member.pk,
            **{name: _json(value) for name, value in _member_values(member).items() if name in MEMBER_SHOWN},
        }
        for member in household.members.all()
    ]
    return {
        "id": household.pk,
        "version": household.version,
        "head_name": household.head_name,
        **values,
        "members": members,
    }


def _household_differences(household: Household, sent: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The fields whose value sent differs from the server's, field by field: the household's, then each member's
    (``members.<id>.<field>``); a member on one side only is ``members.<id>`` with none on the other."""
    differences = []
    server = _household_values(household)
    for name in ("village", *HOUSEHOLD_FIELDS):
        if name in sent and _json(sent[name]) != _json(server[name]):
            differences.append({"field": name, "yours": _json(sent[name]), "server": _json(server[name])})
    if "members" not in sent:
        return differences
    existing = {member.pk: member for member in household.members.all()}
    sent_ids = set()
    for member in sent["members"]:
        pk = _pk(member.get("id"))
        if not pk:
            continue  # a member the phone added: nothing of the server's it replaces
        sent_ids.add(pk)
        on_server = existing.get(pk)
        if on_server is None:
            differences.append({"field": f"members.{pk}", "yours": _json(member), "server": None})
            continue
        values = _member_values(on_server)
        for name in MEMBER_FIELDS:
            if name in member and _json(member[name]) != _json(values[name]):
                differences.append(
                    {"field": f"members.{pk}.{name}", "yours": _json(member[name]), "server": _json(values[name])}
                )
    for pk, member in existing.items():
        if pk not in sent_ids:
            shown = {name: _json(value) for name, value in _member_values(member).items() if name in MEMBER_SHOWN}
            differences.append({"field": f"members.{pk}", "yours": None, "server": {"id": pk, **shown}})
    return differences


# --- reviews -------------------------------------------------------------------------------------------------


def _review_round(user: User, pk: int, today: datetime.date, rounds: dict[int, ReviewRound]) -> ReviewRound:
    """The round, checked (the user's area, their step, open today); kept in ``rounds`` for the batch's next
    changes. A refusal is not kept: each change naming that round is refused on its own."""
    if pk in rounds:
        return rounds[pk]
    try:
        review_round = offline_round_get(user=user, pk=pk)
    except Http404:
        raise Refused("not_found", _detail(NOT_FOUND)) from None
    try:
        check_may_download(user, review_round)
    except PermissionDenied as error:
        raise Refused("forbidden", _detail(error)) from None
    if not is_open(review_round, today=today):
        raise Refused("round_over", _detail(ROUND_OVER))
    rounds[pk] = review_round
    return review_round


def _review_household(user: User, reference: str) -> Household:
    """The household by its server id, or by the client_id of the household_create change that made it."""
    if reference.isdigit():
        return _household_of(user, reference)
    try:
        client_id = uuid.UUID(reference)
    except ValueError:
        raise _refused({"household": [str(NO_HOUSEHOLD)]}) from None
    made = SyncedChange.objects.filter(client_id=client_id, user=user, kind=ChangeKind.HOUSEHOLD_CREATE).values_list(
        "object_id", flat=True
    )
    if not made:
        raise Refused("household_not_saved", {"household": [str(HOUSEHOLD_NOT_SAVED)]})
    return _household_of(user, made[0])


def _fact_names(review_round: ReviewRound) -> list[str]:
    """The household facts the round's standard needs: what the phone enters (the members' are in the registry)."""
    return list(fact_form_fields(standard_rules(review_round.standard)))


def _review_now(review: HouseholdReview) -> dict[str, Any]:
    facts = {name: _json(review.facts.get(name)) for name in _fact_names(review.round)}
    return {
        "id": review.pk,
        "version": review.version,
        "household": review.household_id,
        "income_per_capita": review.income_per_capita,
        "facts": facts,
        "causes": list(review.causes),
        "status": review.status,
        "state": review.state,
    }


def _review_differences(review: HouseholdReview, sent: Mapping[str, Any]) -> list[dict[str, Any]]:
    differences = []
    if _json(sent["income_per_capita"]) != review.income_per_capita:
        differences.append(
            {"field": "income_per_capita", "yours": sent["income_per_capita"], "server": review.income_per_capita}
        )
    facts = sent.get("facts") or {}
    for name in _fact_names(review.round):  # a fact the standard does not read is not kept
        mine, theirs = _json(facts.get(name)), _json(review.facts.get(name))
        if mine != theirs:
            differences.append({"field": f"facts.{name}", "yours": mine, "server": theirs})
    if sorted(sent.get("causes") or []) != sorted(review.causes):
        differences.append({"field": "causes", "yours": sent.get("causes") or [], "server": list(review.causes)})
    return differences


def _review_form(review_round: ReviewRound, sent: Mapping[str, Any], *, requested: bool) -> ReviewForm:
    data: dict[str, Any] = {"income_per_capita": sent["income_per_capita"], "causes": sent.get("causes") or []}
    if requested and sent.get("requested_on"):
        data["requested_on"] = sent["requested_on"]
    for name, value in (sent.get("facts") or {}).items():
        # [] is the fact that none applies: the form's "none" box.
        data[f"fact_{name}"] = [NONE_OF_CHOICE] if value == [] else value
    form = ReviewForm(data, fact_fields=fact_form_fields(standard_rules(review_round.standard)), requested=requested)
    if not form.is_valid():
        errors = {}
        for name, messages in form.errors.items():
            if name.startswith("fact_"):
                errors.setdefault("facts", {})[name.removeprefix("fact_")] = list(messages)
            else:
                errors["non_field_errors" if name == "__all__" else name] = list(messages)
        raise _refused(errors)
    return form


def _apply_review_save(
    user: User, change: Mapping[str, Any], today: datetime.date, rounds: dict[int, ReviewRound]
) -> Applied:
    sent = change.get("review") or {}
    serializer = SyncReviewSerializer(data=sent)
    if not serializer.is_valid():
        raise _refused(serializer.errors)
    review_round = _review_round(user, serializer.validated_data["round"], today, rounds)
    household = _review_household(user, serializer.validated_data["household"])
    # Among the household's reviews (one a round) rather than by round and household: a round filling up has no
    # planner statistics yet, and PostgreSQL then scanned the round's reviews for each change (EXPLAIN: 1,151 rows
    # filtered to find none), a sync of n reviews costing n² / 2.
    review = next(
        (
            found
            for found in review_list(user=user).filter(household=household).order_by()
            if found.round_id == review_round.pk
        ),
        None,
    )
    if review is not None:
        review.round = review_round  # the batch's round, its standard's rules already fetched
    base = change.get("base_version")
    if review is not None and base != review.version:
        raise Conflict("review", _review_now(review), _review_differences(review, sent))
    if review is None and base is not None:
        raise Refused("not_found", _detail(NOT_FOUND))
    requested = review is None and review_round.kind == ReviewKind.ONGOING
    form = _review_form(review_round, sent, requested=requested)
    entered = {
        "income_per_capita": form.cleaned_data["income_per_capita"],
        "facts": form.facts(),
        "causes": form.cleaned_data["causes"],
    }
    try:
        if review is None:
            review = review_create(
                user=user,
                review_round=review_round,
                household=household,
                requested_on=form.cleaned_data.get("requested_on"),
                **entered,
            )
            _mark_history(review, change)
        else:
            review._change_reason = _reason(change)
            review = review_update(user=user, review=review, expected_version=base, **entered)
    except ValidationError as error:
        raise _service_errors(error) from None
    except PermissionDenied as error:
        raise Refused("forbidden", _detail(error)) from None
    answer = {
        "review": {
            "id": review.pk,
            "version": review.version,
            "household": household.pk,
            "status": review.status,
            "state": review.state,
        }
    }
    return Applied(review.pk, review.version, answer)


APPLY = {
    ChangeKind.HOUSEHOLD_CREATE: _apply_household_create,
    ChangeKind.HOUSEHOLD_UPDATE: _apply_household_update,
    ChangeKind.REVIEW_SAVE: _apply_review_save,
}
