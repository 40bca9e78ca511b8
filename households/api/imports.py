"""Imports through the API: upload a workbook for a dry run, read the job, confirm it.

``POST /api/v1/imports/`` (multipart: ``commune``, ``file``) runs the dry run and answers with the job: its
status, progress, counts and every error by sheet, row and column, in the caller's language.
``POST /api/v1/imports/{id}/commit/`` saves a file whose dry run found no errors (checked again).
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from households.imports.jobs import import_job_confirm, import_job_create
from households.imports.selectors import import_communes, import_job_list
from households.imports.upload import upload_problems
from households.models import AdministrativeUnit, ImportJob
from jobs.runner import stale_jobs_fail


class ImportErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    commune_name = serializers.CharField(source="commune.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    errors = ImportErrorSerializer(many=True, read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "commune",
            "commune_name",
            "file_name",
            "commit",
            "status",
            "status_label",
            "progress",
            "rows",
            "counts",
            "error_count",
            "errors",
            "failure",
            "duration",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    commune = serializers.PrimaryKeyRelatedField(queryset=AdministrativeUnit.objects.none())
    file = serializers.FileField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["commune"].queryset = import_communes(user=request.user)

    def validate_file(self, upload):
        problems = upload_problems(upload)
        if problems:
            raise serializers.ValidationError(problems)
        return upload


@extend_schema_view(
    list=extend_schema(description="The caller's imports, newest first, with their counts and errors."),
    retrieve=extend_schema(description="One import: status, progress (%), counts and every error."),
)
class ImportJobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Imports of households, members and reviews from Excel workbooks."""

    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]
    # Any id reaches the view, which answers a malformed one with the API's own 404 (not Django's HTML page).
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return ImportJob.objects.none()
        # A job whose process died answers "failed" with the reason, not "running" for ever.
        stale_jobs_fail(ImportJob)
        return import_job_list(user=self.request.user)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobSerializer},
        description=(
            "Upload a workbook (multipart: commune, file) for a dry run: nothing is saved. The answer lists "
            "every error by sheet, row and column in the caller's language, and what would be created, "
            "updated and left unchanged."
        ),
    )
    def create(self, request, *args, **kwargs):
        if not request.user.can_edit:
            raise PermissionDenied()
        upload = ImportUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        try:
            job = import_job_create(user=request.user, **upload.validated_data)
        except ValidationError as error:
            raise APIValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from None
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: ImportJobSerializer},
        description="Save a file whose dry run found no errors: checked again, then saved in one transaction.",
    )
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        job = self.get_object()
        try:
            job = import_job_confirm(user=request.user, job=job)
        except ValidationError as error:
            raise APIValidationError(error.messages) from None
        return Response(ImportJobSerializer(job).data)
