"""Background exports over REST: start one, follow it, download its file.

POST /api/v1/exports/ needs a signed-in client (token or session), even for the published versions
that anonymous clients may download directly from /api/v1/exports/progress.*: a job is kept for its
requester. A job is seen by its requester and the Secretariat only; anyone else gets 404.
"""
import os

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from reporting import services
from reporting.export_views import FileContentNegotiation
from reporting.exports import STATUS_ORDER
from reporting.models import CountryReport, ExportJob


class ExportJobSerializer(serializers.ModelSerializer):
    """A background export: `file` is its download address once `status` is `done`, `error` what went
    wrong once it is `failed` (both null before)."""

    url = serializers.SerializerMethodField()
    file = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = ["id", "url", "status", "format", "created_at", "file", "error"]

    def _absolute(self, path):
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, job) -> str:
        return self._absolute(job.get_absolute_url())

    def get_file(self, job) -> str | None:
        path = job.get_download_url()
        return self._absolute(path) if path else None

    def get_error(self, job) -> str | None:
        return job.error if job.status == ExportJob.Status.FAILED else None


class ExportJobStartedSerializer(ExportJobSerializer):
    class Meta(ExportJobSerializer.Meta):
        fields = ["id", "url", "status"]


def _many(choices, text):
    return serializers.ListField(child=serializers.ChoiceField(choices=choices), required=False, help_text=text)


class ExportJobCreateSerializer(serializers.Serializer):
    """What to export: `format` and the filters of GET /api/v1/exports/progress.* (the same names and
    values; lists for the filters that take several). Filters the list of activities knows (`section`,
    `objective`, ...) are accepted too."""

    format = serializers.ChoiceField(choices=ExportJob.Format.values)
    plan = serializers.CharField(required=False, help_text="Plan slug; all plans when left out.")
    round = serializers.IntegerField(required=False, help_text="Round id; each plan's latest round when left out.")
    country = serializers.CharField(required=False, help_text="ISO 3166-1 alpha-2 code.")
    conservation_unit = serializers.IntegerField(required=False, help_text="Unit number as printed.")
    priority_level = _many(["high", "medium", "low"], "")
    status = _many(list(STATUS_ORDER), "`no_information`: activity × country pairs without a report.")
    state = _many(CountryReport.State.choices, "")
    updated_since = serializers.DateTimeField(required=False)
    version = serializers.ChoiceField(choices=["published", "working"], required=False, help_text=(
        "`published` (default): as the Secretariat last validated; `working`: the working copies."))
    search = serializers.CharField(required=False)


def _params(request) -> dict:
    """The filters from the query string and the body (the body wins), each as a list of values."""
    params = {key: request.query_params.getlist(key) for key in request.query_params}
    data = request.data
    if not hasattr(data, "keys"):
        raise serializers.ValidationError({"non_field_errors": [_("Send an object: the format and the filters.")]})
    for key in data:
        params[key] = data.getlist(key) if hasattr(data, "getlist") else data[key]
    params.pop("format", None)
    return params


def _format(request) -> str:
    # From the body only: DRF reads ?format= as the format of its own answer.
    value = request.data.get("format") or "" if hasattr(request.data, "get") else ""
    return value if isinstance(value, str) else ""


class ExportJobViewSet(viewsets.GenericViewSet):
    """Exports of the progress tables built in the background (any size: every plan, every country).

    POST with `format` (`xlsx`, `csv`, `json`) and the filters answers 202 with the job's `url`; GET that
    url until `status` is `done` (then `file` is the download address) or `failed` (then `error` says why).
    Signed-in clients only (401 otherwise). Only the requester and the Secretariat see a job (others: 404).
    Files are kept EXPORT_RETENTION_DAYS days.
    """

    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.all()
    # Digits only: the router's format-suffix routes would otherwise read exports/progress.csv as job "progress".
    lookup_value_regex = r"[0-9]+"

    def get_permissions(self):
        # Reading a job someone else cannot see answers 404, signed in or not: its existence is not told.
        return [IsAuthenticated()] if self.action == "create" else [AllowAny()]

    def get_queryset(self):
        return ExportJob.objects.visible_to(self.request.user)

    def get_object(self):
        job = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if job.in_flight and services.export_jobs_recover(pk=job.pk):
            job.refresh_from_db()
        return job

    @extend_schema(operation_id="exports_create", request=ExportJobCreateSerializer,
                   responses={202: ExportJobStartedSerializer,
                              400: OpenApiResponse(description="A bad filter or format, named."),
                              401: OpenApiResponse(description="Not signed in: a job is kept for its requester.")})
    def create(self, request):
        job = services.export_job_start(user=request.user, params=_params(request), format=_format(request))
        serializer = ExportJobStartedSerializer(job, context={"request": request})
        return Response(serializer.data, status=status.HTTP_202_ACCEPTED, headers={"Location": serializer.data["url"]})

    @extend_schema(operation_id="exports_retrieve", responses={200: ExportJobSerializer,
                                                               404: OpenApiResponse(description="No such job for you.")})
    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(operation_id="exports_file", responses={
        (200, "application/octet-stream"): OpenApiResponse(description="The file (xlsx, csv or json)."),
        404: OpenApiResponse(description="No such job for you."),
        409: OpenApiResponse(description="Not done yet (or failed): `detail` says its status."),
    })
    @action(detail=True, methods=["get"], url_path="file", url_name="download",
            content_negotiation_class=FileContentNegotiation)
    def download(self, request, pk=None):
        job = self.get_object()
        if job.status != ExportJob.Status.DONE:
            return Response({"detail": job.get_status_display(), "status": job.status}, status=status.HTTP_409_CONFLICT)
        name = os.path.basename(job.file.name).split("-", 1)[-1]
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=name)
