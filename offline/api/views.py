"""The download of a round's villages for offline work, ``GET /api/v1/offline/rounds/{id}/?village=…``, and the
sync of the changes made offline, ``POST /api/v1/offline/sync/``.

A DRF view (in the OpenAPI schema, authenticated by session or token, throttled like the rest of the API and
by a rate of its own): the page's script fetches it with the session and stores the answer in IndexedDB. A GET
changes nothing, so CSRF does not apply; the later sync endpoint, a POST, gets DRF's session CSRF check.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.audit import audit_record
from accounts.models import AuditAction
from accounts.throttling import UserThrottle
from common.parsers import JSONParser
from offline.access import check_may_download, check_may_work_offline
from offline.rule_tables import FORMAT, rule_tables
from offline.selectors import is_open, offline_round_get, offline_scope, village_choices
from offline.sync import sync_changes
from standards.selectors import rules_year, standard_rules

from .serializers import (
    DownloadQuerySerializer,
    OfflineDownloadSerializer,
    OfflineHouseholdSerializer,
    OfflineRoundSerializer,
    OfflineVillageSerializer,
    SyncEnvelopeRequestSerializer,
    SyncRequestSerializer,
    SyncResponseSerializer,
)


class OfflineDownloadThrottle(UserThrottle):
    """A rate of its own (``OFFLINE_DOWNLOAD_RATE``, by default 60 an hour, per user): a download is a commune's
    households, many times the cost of an API page, and no officer needs it more often."""

    scope = "offline_download"

    def get_rate(self) -> str:
        return settings.OFFLINE_DOWNLOAD_RATE


class OfflineDownloadView(APIView):
    """The households of the chosen villages of an open review round, for a commune officer's phone.

    Tải về các hộ của các thôn đã chọn trong đợt rà soát đang mở, để cán bộ xã làm việc ngoại tuyến: thôn, hộ,
    thành viên, kết quả đã phê duyệt và bảng quy tắc của chuẩn nghèo. Only commune officers who may enter reviews
    in the round (``offline.access``); only villages of the round's commune in force today; recorded in the audit
    log.
    """

    throttle_classes = [*APIView.throttle_classes, OfflineDownloadThrottle]
    # One nested document for the phone: no table to give as CSV or XLSX.
    renderer_classes = [JSONRenderer]

    @extend_schema(
        parameters=[
            DownloadQuerySerializer,
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="The review round."),
        ],
        responses={
            200: OfflineDownloadSerializer,
            400: OpenApiResponse(description='Field errors: {"village": ["…"]}'),
            403: OpenApiResponse(description="Not a commune officer who may enter reviews in this round."),
            404: OpenApiResponse(description="No such round in your area."),
            409: OpenApiResponse(description='The round is over: {"detail": "…"}'),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request.user
        review_round = offline_round_get(user=user, pk=pk)
        try:
            check_may_download(user, review_round)
        except PermissionDenied as error:
            raise ApiPermissionDenied(str(error)) from None
        now = timezone.now()
        today = timezone.localdate(now)
        if not is_open(review_round, today=today):
            return Response({"detail": _("This review round is over.")}, status=status.HTTP_409_CONFLICT)
        query = DownloadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        wanted = set(query.validated_data["village"])
        villages = list(village_choices(user=user, commune=review_round.commune, today=today).filter(pk__in=wanted))
        unknown = wanted - {village.pk for village in villages}
        if unknown:
            raise ValidationError(
                {
                    "village": [
                        _("Not a village of %(commune)s in force today: %(ids)s.")
                        % {"commune": review_round.commune.name, "ids": ", ".join(map(str, sorted(unknown)))}
                    ]
                }
            )
        scope = offline_scope(user=user, villages=villages)
        standard = review_round.standard
        income_year = rules_year(year=review_round.year, kind=review_round.kind, standard=standard)
        counts = {"villages": len(villages), "households": len(scope.households), "members": scope.member_count}
        audit_record(
            action=AuditAction.EXPORT,
            user=user,
            request=request,
            what="offline",
            round=review_round.pk,
            villages=sorted(wanted),
            **{key: counts[key] for key in ("households", "members")},
        )
        return Response(
            {
                "format": FORMAT,
                "downloaded_at": now.isoformat(),
                "user": {"id": user.pk, "username": user.get_username()},
                "keep_days": settings.OFFLINE_KEEP_DAYS,
                "round": OfflineRoundSerializer(review_round, context={"income_year": income_year}).data,
                "villages": OfflineVillageSerializer(villages, many=True).data,
                "households": OfflineHouseholdSerializer(
                    scope.households, many=True, context={"history": scope.history}
                ).data,
                "counts": counts,
                "rules": rule_tables(standard_rules(standard)),
            }
        )


class OfflineSyncThrottle(OfflineDownloadThrottle):
    """A rate of its own (``OFFLINE_SYNC_RATE``, by default 120 an hour, per user): each request applies up to
    ``MAX_CHANGES`` changes through the services, and a phone retries after a cut."""

    scope = "offline_sync"

    def get_rate(self) -> str:
        return settings.OFFLINE_SYNC_RATE


class OfflineSyncView(APIView):
    """Send the changes made offline: new households, changed households, reviews entered.

    Đồng bộ: gửi các thay đổi đã nhập ngoại tuyến. Each change is applied in a transaction of its own, through the
    forms' checks and the households services, so that one refused leaves the others applied; the answer gives,
    change by change, ``applied`` (with the server's ids and versions), ``refused`` (with the errors, as a 400
    gives them) or ``conflict`` (the server's values and the fields that differ; nothing written). A change sent
    again under the same ``client_id`` after it was applied is answered as it was, and nothing is written twice.
    Only commune officers (``offline.access``), within their area: a household or round outside it is refused as
    not found. A session must send the CSRF token.
    """

    throttle_classes = [*APIView.throttle_classes, OfflineSyncThrottle]
    # A batch is nested JSON, and its answer is JSON: no form bodies, no CSV.
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        request=SyncRequestSerializer,
        responses={
            200: SyncResponseSerializer,
            400: OpenApiResponse(description='The batch cannot be read: {"changes": ["…"]}'),
            403: OpenApiResponse(description="Not a commune officer, or no CSRF token with a session."),
            415: OpenApiResponse(description="Not JSON."),
        },
    )
    def post(self, request: Request) -> Response:
        try:
            check_may_work_offline(request.user)
        except PermissionDenied as error:
            raise ApiPermissionDenied(str(error)) from None
        batch = SyncEnvelopeRequestSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        results = sync_changes(user=request.user, changes=batch.validated_data["changes"], today=timezone.localdate())
        return Response({"results": results})
