"""Reporting over REST: every write calls a service in reporting/services/.

The services' ValidationError, PermissionDenied and StaleEdit become 400, 403 and 409 in
cami/exceptions.py; writes without credentials answer 401 (IsAuthenticatedOrReadOnly).
"""
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cami.parsing import parse_int
from reporting import selectors, services
from reporting.filtersets import CountryReportFilterSet, ProgressReportFilterSet, ReportingRoundFilterSet
from reporting.models import (
    CountryReport, Evidence, ProgressChange, ProgressReport, ReportEvent, ReportingRound, sees_drafts,
)

from . import schema  # noqa: F401  (registers the schema extensions of the versioned writes)
from .serializers import (
    CountryReportSerializer,
    EvidenceCreateSerializer,
    EvidenceSerializer,
    ProgressChangeSerializer,
    ProgressReportCreateSerializer,
    ProgressReportSerializer,
    ProgressReportUpdateSerializer,
    ReportingRoundSerializer,
    ReturnCommentSerializer,
    VersionSerializer,
)

API = ProgressChange.Source.API

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description='The version you read, as `"3"`: an alternative to `version` in the body (the body wins).',
)
ETAG = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200, 201], required=True,
    description='The version of the report as it now is, as `"3"`: send it back as If-Match (or `version`).',
)
STALE = OpenApiResponse(description="Someone saved a newer version: nothing changed; the body gives current_version.")
NO_VERSION = OpenApiResponse(description="No `version` in the body and no If-Match header.")
REFUSED = OpenApiResponse(description="Not allowed: `detail` says why (not your country, round closed, ...).")
EXISTS = OpenApiResponse(description="The country already reports on this activity in this round: nothing changed; "
                                     "`detail` names the report to PATCH, `current_version` its version.")


# --- Rounds -----------------------------------------------------------------------------------------

class ReportingRoundViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):
    """Reporting rounds of the plans, newest first. Filters: `plan` (slug), `status` (open, closed).

    Anyone reads. The Secretariat opens a round (POST with plan, title, opens_on, due_on: every
    country's last status of each activity is carried into it), closes and reopens it.
    """

    serializer_class = ReportingRoundSerializer
    filterset_class = ReportingRoundFilterSet
    queryset = ReportingRound.objects.select_related("plan")

    @extend_schema(responses={201: ReportingRoundSerializer, 403: REFUSED})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.round_open(**serializer.validated_data, opened_by=self.request.user)

    @extend_schema(request=None, responses={200: ReportingRoundSerializer, 403: REFUSED})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the round: its reports can no longer change (Secretariat)."""
        round = services.round_close(round=self.get_object(), closed_by=request.user)
        return Response(self.get_serializer(round).data)

    @extend_schema(request=None, responses={200: ReportingRoundSerializer, 403: REFUSED})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Reopen a closed round, if its plan has no other open round (Secretariat)."""
        round = services.round_reopen(round=self.get_object(), opened_by=request.user)
        return Response(self.get_serializer(round).data)


# --- Progress reports -------------------------------------------------------------------------------

class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _('Send `version`: the version of the report you read (in the body, or as an If-Match: "3" '
                       "header), so that a save made from an old copy cannot overwrite someone else's change.")
    default_code = "version_required"


def _sent_version(request, body_version: int | None) -> int:
    """The version the client read: the body's `version`, else the If-Match header's."""
    if body_version is not None:
        return body_version
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    version = parse_int(header.removeprefix("W/").strip('"'), minimum=0)
    if version is None:
        raise serializers.ValidationError({"version": [gettext(
            'The If-Match header is not a version number: send the version you read, such as "3".')]})
    return version


def _with_etag(response: Response, report: ProgressReport) -> Response:
    response["ETag"] = f'"{report.version}"'
    return response


@extend_schema_view(
    retrieve=extend_schema(description="One progress report; the ETag header holds its version.", parameters=[ETAG]),
)
class ProgressReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What each country reports on each activity in each round: status, narrative, obstacles, evidence.

    Latest changes first. Anonymous visitors read validated reports only; evidence lists only what
    the user may see. Filters: `plan` (slug), `country` (ISO code), `round` (id), `status`, `state`
    (of the country's report), `activity` (id), `updated_since` (ISO date-time), `search`, `tag` (the
    activity's commitment item as `scheme:code`, repeatable: any of them). Pages: `page`, `page_size`.
    `return_comment`: the Secretariat's comment on the activity at the last return, for the country's own
    users and the Secretariat, until the country changes that report.

    Writes: POST creates a report; PATCH changes one and needs the `version` you read (or an
    If-Match header): without it 428, with an old one 409 and nothing changes. Nothing is deleted.
    """

    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilterSet

    def get_queryset(self):
        return selectors.progress_queryset(self.request.user)

    def get_serializer(self, *args, **kwargs):
        """A page of reports, or one, with the return comment on each (one query for the page)."""
        if args and args[0] is not None:
            selectors.progress_return_comments_mark(args[0] if kwargs.get("many") else [args[0]], self.request.user)
        return super().get_serializer(*args, **kwargs)

    def _saved(self, report: ProgressReport, status_code=status.HTTP_200_OK) -> Response:
        """Answer with the report as this request saved it (the service's instance, its version and the
        ETag of that version), not a re-read that could already show someone else's later save."""
        prefetch_related_objects([report], Prefetch(
            "evidence", queryset=Evidence.objects.visible_to(self.request.user), to_attr="visible_evidence"))
        return _with_etag(Response(self.get_serializer(report).data, status=status_code), report)

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        return _with_etag(Response(self.get_serializer(report).data), report)

    @extend_schema(request=ProgressReportCreateSerializer, parameters=[ETAG],
                   responses={201: ProgressReportSerializer, 403: REFUSED, 409: EXISTS})
    def create(self, request):
        """Report on an activity for a country in a round for the first time (one that exists: 409)."""
        serializer = ProgressReportCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            report = services.progress_report_record(
                round=data["round"], activity=data["activity"], country=data["country"], user=request.user,
                values=services.ProgressInput(**{field: data[field] for field in services.TRACKED_FIELDS}),
                # 0 = "there is no report yet": the service refuses to overwrite one (ReportExists)
                expected_version=0, source=API,
            )
        except services.ReportExists as exists:
            raise services.ReportExists(exists.current, message=gettext(
                "%(country)s already reports on %(activity)s in this round: change report %(id)s with "
                "PATCH /api/v1/progress/%(id)s/ and the version you read."
            ) % {"country": data["country"], "activity": data["activity"].code, "id": exists.current.pk}) from None
        return self._saved(report, status.HTTP_201_CREATED)

    @extend_schema(request=ProgressReportUpdateSerializer, parameters=[IF_MATCH, ETAG],
                   responses={200: ProgressReportSerializer, 403: REFUSED, 409: STALE, 428: NO_VERSION})
    def partial_update(self, request, pk=None):
        """Change some of status, narrative, obstacles, expected_year and the funds (funds_amount, funds_currency,
        funds_source, funds_funder); the others keep their value. funds_usd is computed, never sent."""
        report = self.get_object()
        serializer = ProgressReportUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = _sent_version(request, data.get("version"))
        values = services.ProgressInput(**{
            field: data.get(field, getattr(report, field)) for field in services.TRACKED_FIELDS})
        report = services.progress_report_record(
            round=report.country_report.round, activity=report.activity, country=report.country_report.country,
            user=request.user, values=values, expected_version=version, source=API,
        )
        return self._saved(report)

    @extend_schema(request=VersionSerializer, parameters=[IF_MATCH, ETAG],
                   responses={200: ProgressReportSerializer, 403: REFUSED, 409: STALE, 428: NO_VERSION})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """'No change since the last round': a carried-over report becomes this round's own."""
        report = self.get_object()
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = _sent_version(request, serializer.validated_data.get("version"))
        report = services.progress_report_confirm(report=report, user=request.user, expected_version=version,
                                                  source=API)
        return self._saved(report)

    @extend_schema(responses=ProgressChangeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        """Every saved change of the report, newest first: who, when, from where, each field's [old, new].

        Restricted evidence is listed under `restricted_evidence`, its title shown as "(restricted)"
        to those outside the country.
        """
        report = self.get_object()
        changes = list(selectors.history_queryset(report))
        for change in changes:
            change.changes = selectors.history_changes_for(request.user, report, change.changes)
        return Response(ProgressChangeSerializer(changes, many=True).data)

    @extend_schema(
        request={"application/json": EvidenceCreateSerializer, "multipart/form-data": EvidenceCreateSerializer},
        responses={201: EvidenceSerializer, 403: REFUSED},
    )
    @action(detail=True, methods=["post"], filter_backends=[],
            parser_classes=[JSONParser, MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        """Attach a link (JSON: url, title, visibility) or a file (multipart: file, title, visibility)."""
        report = self.get_object()
        serializer = EvidenceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evidence = services.evidence_add(report=report, user=request.user, source=API, **serializer.validated_data)
        return Response(EvidenceSerializer(evidence, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("evidence_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={204: None, 403: REFUSED, 404: OpenApiResponse(description="No such evidence on this report.")},
    )
    @action(detail=True, methods=["delete"], url_path=r"evidence/(?P<evidence_id>[0-9]+)", filter_backends=[])
    def evidence_remove(self, request, pk=None, evidence_id=None):
        """Remove evidence from the report: it is hidden, kept in the records, never deleted."""
        report = self.get_object()
        evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=evidence_id, progress_report=report)
        evidence.progress_report = report  # already loaded with what the service checks
        services.evidence_remove(evidence=evidence, user=request.user, source=API)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Country reports --------------------------------------------------------------------------------

def country_report_queryset(user):
    """Readers of published versions see each report as last validated: its events up to then, and
    what its published versions report (the serializer says "validated")."""
    published = not sees_drafts(user)
    events = ReportEvent.objects.select_related("actor")
    if published:
        events = events.filter(Exists(ReportEvent.objects.filter(
            country_report=OuterRef("country_report"), action=ReportEvent.Action.VALIDATED, at__gte=OuterRef("at"))))
    return (
        CountryReport.objects.visible_to(user).select_related("round__plan", "country")
        .annotate(reported=selectors.reported_count(published=published))
        .prefetch_related(Prefetch("events", queryset=events))
        .order_by("-round__opens_on", "-round_id", "country__name")  # newest round first, said outright
    )


class CountryReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Each country's report for a round: its state, the Secretariat's comment, its workflow events.

    Filters: `round` (id), `country` (ISO code), `state`. Anonymous visitors see validated reports only.
    A focal point submits and withdraws their country's report; the Secretariat validates it or
    returns it with a `comment`. A validated report the country corrects is `reopened` until the focal
    point submits it again. Each step answers with the report as it now is.
    """

    serializer_class = CountryReportSerializer
    filterset_class = CountryReportFilterSet

    def get_queryset(self):
        return country_report_queryset(self.request.user)

    def _move(self, service, **kwargs) -> Response:
        country_report = service(country_report=self.get_object(), user=self.request.user, **kwargs)
        return Response(self.get_serializer(self.get_queryset().get(pk=country_report.pk)).data)

    @extend_schema(request=None, responses={200: CountryReportSerializer, 403: REFUSED})
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        """Submit the report to the Secretariat (focal point)."""
        return self._move(services.country_report_submit)

    @extend_schema(request=None, responses={200: CountryReportSerializer, 403: REFUSED})
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request, pk=None):
        """Take a submitted report back to draft to edit it (focal point)."""
        return self._move(services.country_report_withdraw)

    @extend_schema(request=None, responses={200: CountryReportSerializer, 403: REFUSED})
    @action(detail=True, methods=["post"], filter_backends=[])
    def validate(self, request, pk=None):
        """Validate a submitted report: its progress becomes public (Secretariat)."""
        return self._move(services.country_report_validate)

    @extend_schema(request=ReturnCommentSerializer, responses={200: CountryReportSerializer, 403: REFUSED})
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def return_report(self, request, pk=None):
        """Return a submitted report to the country with a `comment` saying what to change (Secretariat)."""
        serializer = ReturnCommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._move(services.country_report_return, comment=serializer.validated_data["comment"])
