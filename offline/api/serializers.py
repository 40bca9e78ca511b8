"""What the phone receives, the download of a round's villages (``GET /api/v1/offline/rounds/{id}/``), and what it
sends back, the sync (``POST /api/v1/offline/sync/``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from households.models import AdministrativeUnit, Cause, Household, Member, ReviewRound
from households.models.reviews import STATUS_CHOICES
from households.review_facts import member_facts
from households.services.registry import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from offline.models import ChangeKind
from standards.indicators import HouseholdFacts

# Changes a sync sends at most: a phone's queue is sent in batches of this many.
MAX_CHANGES = 200


class DownloadQuerySerializer(serializers.Serializer):
    village = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=500,
        help_text="The villages to take offline (repeat the parameter): villages of the round's commune in force "
        "today. Chọn các thôn cần tải.",
    )


class OfflineVillageSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdministrativeUnit
        fields = ["id", "code", "name", "is_urban"]
        read_only_fields = fields


class OfflineMemberSerializer(serializers.ModelSerializer):
    """A member as the household list shows them, and ``facts``: what the review's rule reads of them, as the server
    makes it (``households.review_facts.member_facts``), for ``static/offline/classify.js``. No citizen ID: the
    phone holds only what the review needs."""

    facts = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = ["id", "full_name", "sex", "date_of_birth", "relation", "facts"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_facts(self, member: Member) -> dict:
        return HouseholdFacts(members=(member_facts(member),)).to_json()["members"][0]


class ApprovedStatusSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    standard = serializers.CharField()
    status = serializers.ChoiceField(choices=STATUS_CHOICES)  # the review's (ReviewStatusEnum)


class OfflineHouseholdSerializer(serializers.ModelSerializer):
    """``version`` is the registry row's version the phone saw: a change sent back names it."""

    members = OfflineMemberSerializer(many=True, read_only=True)
    approved = serializers.SerializerMethodField(
        help_text="The approved statuses, oldest first (round year, standard, status): the last is the one standing."
    )

    class Meta:
        model = Household
        fields = ["id", "code", "village", "head_name", "address", "version", "members", "approved"]
        read_only_fields = fields

    @extend_schema_field(ApprovedStatusSerializer(many=True))
    def get_approved(self, household: Household) -> list[dict]:
        history = self.context["history"].get(household.pk, [])
        return [{"year": year, "standard": code, "status": status} for year, code, status in history]


class OfflineRoundSerializer(serializers.ModelSerializer):
    commune = serializers.SerializerMethodField()
    standard = serializers.SerializerMethodField()
    ages_on = serializers.DateField(read_only=True, help_text="The day the members' ages are taken on.")
    income_year = serializers.SerializerMethodField(help_text="The year whose income lines classify the round.")

    class Meta:
        model = ReviewRound
        fields = ["id", "year", "kind", "starts_on", "ends_on", "ages_on", "income_year", "commune", "standard"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_commune(self, review_round: ReviewRound) -> dict:
        commune = review_round.commune
        return {
            "id": commune.pk,
            "code": commune.code,
            "name": commune.name,
            "is_mountain_island": commune.is_mountain_island,
        }

    @extend_schema_field(serializers.DictField())
    def get_standard(self, review_round: ReviewRound) -> dict:
        standard = review_round.standard
        return {"code": standard.code, "version": standard.version, "name": standard.name}

    def get_income_year(self, review_round: ReviewRound) -> int:
        return self.context["income_year"]


class OfflineCountsSerializer(serializers.Serializer):
    villages = serializers.IntegerField()
    households = serializers.IntegerField()
    members = serializers.IntegerField()


class OfflineDownloadSerializer(serializers.Serializer):
    """The answer, documented for the schema; the view builds it from the serializers above."""

    format = serializers.IntegerField(help_text="The shape's version: a phone holding another downloads again.")
    downloaded_at = serializers.DateTimeField()
    user = serializers.DictField(help_text="Whose download it is: the phone clears it for anyone else.")
    keep_days = serializers.IntegerField(help_text="Days the phone keeps the data without a sync before clearing it.")
    round = OfflineRoundSerializer()
    villages = OfflineVillageSerializer(many=True)
    households = OfflineHouseholdSerializer(many=True)
    counts = OfflineCountsSerializer()
    rules = serializers.DictField(help_text="The standard's rule tables for static/offline/classify.js.")


# --- the sync: ``POST /api/v1/offline/sync/`` -----------------------------------------------------------------
# The shapes below type each change (a change of the wrong type is refused with DRF's messages); what a value
# means is then checked by the same forms and services as the pages (``offline.sync``).


class SyncMemberSerializer(serializers.ModelSerializer):
    """A member as the phone sends it: ``id`` for a member the server has (left out for a new one); a field left
    out keeps the server's value. A household's ``members`` is its full list: a member left out is removed."""

    id = serializers.IntegerField(required=False, allow_null=True, help_text="The server's id; none for a new one.")
    ethnicity = serializers.IntegerField(required=False, allow_null=True, help_text="An ethnicity's id.")

    class Meta:
        model = Member
        fields = ["id", *MEMBER_FIELDS]
        extra_kwargs = {field: {"required": False, "validators": []} for field in MEMBER_FIELDS}


class SyncHouseholdSerializer(serializers.ModelSerializer):
    """A household as the phone sends it. For a new household every field the form requires; for a change, the
    fields changed (one left out keeps the server's value) and, if the members changed, all of them."""

    id = serializers.IntegerField(required=False, help_text="The server's id (household_update).")
    village = serializers.IntegerField(required=False, help_text="A village of the officer's commune.")
    head_ethnicity = serializers.IntegerField(required=False, allow_null=True, help_text="An ethnicity's id.")
    members = SyncMemberSerializer(many=True, required=False, max_length=100)

    class Meta:
        model = Household
        fields = ["id", "village", *HOUSEHOLD_FIELDS, "members"]
        extra_kwargs = {field: {"required": False, "validators": []} for field in HOUSEHOLD_FIELDS}


class SyncReviewSerializer(serializers.Serializer):
    round = serializers.IntegerField(min_value=1, help_text="An open review round of the officer's commune.")
    household = serializers.CharField(
        max_length=36,
        help_text="The household: its server id, or the client_id of the household_create change that made it "
        "(in this batch, before this change, or in an earlier one).",
    )
    income_per_capita = serializers.IntegerField(help_text="VND a person a month.")
    facts = serializers.DictField(
        required=False,
        help_text="The household facts the round's standard needs, by name (the download's rules name them); a "
        "list fact's [] is the fact that none applies.",
    )
    causes = serializers.ListField(child=serializers.ChoiceField(choices=Cause.choices), required=False)
    requested_on = serializers.DateField(
        required=False, allow_null=True, help_text="An ongoing round: the day the household's request came."
    )


class SyncChangeSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(help_text="The phone's id of the change: the same change sent again keeps it.")
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    base_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="The version the change was made on: the household's (household_update) or the review's "
        "(review_save of a review the server has; none for a new review). After a conflict, the server's version.",
    )
    resolves_conflict = serializers.BooleanField(
        default=False, help_text="The officer's choice after a conflict: recorded in the history as such."
    )
    household = SyncHouseholdSerializer(required=False, help_text="household_create, household_update.")
    review = SyncReviewSerializer(required=False, help_text="review_save.")


class SyncEnvelopeSerializer(serializers.Serializer):
    """The batch as it is read before each change is applied: a change whose household or review is of the wrong
    shape is refused alone, the others applied."""

    client_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    base_version = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    resolves_conflict = serializers.BooleanField(default=False)
    household = serializers.DictField(required=False)
    review = serializers.DictField(required=False)


class SyncRequestSerializer(serializers.Serializer):
    changes = SyncChangeSerializer(many=True, min_length=1, max_length=MAX_CHANGES)


class SyncEnvelopeRequestSerializer(serializers.Serializer):
    changes = SyncEnvelopeSerializer(many=True, min_length=1, max_length=MAX_CHANGES)

    def validate_changes(self, changes: list[dict]) -> list[dict]:
        ids = [change["client_id"] for change in changes]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError(_("A change is sent twice in the batch (the same client_id)."))
        return changes


class SyncDifferenceSerializer(serializers.Serializer):
    field = serializers.CharField(help_text='"address", "members.12.full_name", "members.12" (one side has none).')
    yours = serializers.JSONField(allow_null=True)
    server = serializers.JSONField(allow_null=True)


class SyncAnswerSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    outcome = serializers.ChoiceField(choices=["applied", "refused", "conflict"])
    household = serializers.DictField(
        required=False,
        help_text="applied: id, code, version and the members' ids (index: the member's place in the change). "
        "conflict: the server's household now, with its version.",
    )
    review = serializers.DictField(
        required=False, help_text="applied: id, version, status, state. conflict: the server's review now."
    )
    code = serializers.CharField(
        required=False,
        help_text="refused: invalid (see errors), not_found (outside your area, or no such object), forbidden, "
        "round_over, household_not_saved (a review of a household whose creation was refused), conflict (changed "
        "on the server while being applied: send it again), retry.",
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="refused: {field: [messages]}, as the API's 400.",
    )
    differences = SyncDifferenceSerializer(many=True, required=False, help_text="conflict: the fields that differ.")


class SyncResponseSerializer(serializers.Serializer):
    results = SyncAnswerSerializer(many=True, help_text="One a change, in the order sent.")
