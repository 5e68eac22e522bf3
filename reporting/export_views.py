"""Downloads of the progress tables, with the filters of the lists in the query string.

Browser: /exports/progress.xlsx and /exports/progress.csv; a bad parameter sends the user back to
the page with a message. API: /api/v1/exports/progress.xlsx, .csv and .json, with a token or a
session, or anonymously (validated reports only); a bad parameter answers 400 naming it.

Anonymous exports must name a plan (the all-plans workbook takes tens of seconds) and are throttled by
address (scope `exports`, one count for the browser and the API); signed-in users are neither, and their
exports of every plan start a background job (export_job_views, /api/v1/exports/) from the pages' links.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cami.redirects import safe_next
from cami.security import wait_text
from cami.throttling import AnonExportThrottle, AnonThrottle, throttled_error

from . import exports
from .models import CountryReport
from .services.export_jobs import validation_reasons

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {
    "xlsx": (XLSX, exports.workbook_bytes),
    "csv": ("text/csv; charset=utf-8", exports.details_csv),
}


def _download(tables: exports.ProgressTables, extension: str) -> HttpResponse:
    content_type, build = FORMATS[extension]
    response = HttpResponse(build(tables), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(tables, extension)}"'
    return response


def export_back(request) -> str:
    """The list the export link was on; the progress list if the referrer is missing or foreign."""
    return safe_next(request, reverse("reporting:progress_list"), url=request.META.get("HTTP_REFERER", ""))


def _plan_required(request, params) -> ValidationError | None:
    """Anonymous exports cover one plan: the all-plans tables are too heavy to build for anyone who asks."""
    if request.user.is_authenticated or params.get("plan"):
        return None
    return ValidationError({"plan": _(
        "Choose a plan: visitors who are not signed in export one plan at a time (plan=<slug>, "
        "e.g. plan=argali). Sign in to export every plan."
    )})


def _throttle_message(wait) -> str:
    return _("Too many exports from your address: try again %(wait)s, or sign in.") % {"wait": wait_text(wait or 60)}


def _browser_export(extension: str):
    @require_GET
    def view(request):
        missing_plan = _plan_required(request, request.GET)
        if missing_plan:
            messages.error(request, " ".join(missing_plan.messages))
            return HttpResponseRedirect(export_back(request))
        # The API's throttle, called here so that a visitor has one count for both.
        throttle = AnonExportThrottle()
        if not throttle.allow_request(request, None):
            wait = throttle.wait()
            response = render(request, "429.html", {"message": _throttle_message(wait)}, status=429)
            response["Retry-After"] = str(int(wait or 60))
            return response
        try:
            tables = exports.progress_tables(user=request.user, params=request.GET)
        except ValidationError as error:
            messages.error(request, _("Nothing was exported: %(reasons)s") % {"reasons": validation_reasons(error)})
            return HttpResponseRedirect(export_back(request))
        return _download(tables, extension)

    view.__name__ = f"export_{extension}"
    return view


export_xlsx = _browser_export("xlsx")
export_csv = _browser_export("csv")


# --- API ------------------------------------------------------------------------------------------

EXPORT_PARAMETERS = [
    OpenApiParameter("plan", OpenApiTypes.STR, description="Plan slug; all plans when left out."),
    OpenApiParameter("round", OpenApiTypes.INT, description="Round id; each plan's latest round when left out."),
    OpenApiParameter("country", OpenApiTypes.STR, description="ISO 3166-1 alpha-2 code."),
    OpenApiParameter("conservation_unit", OpenApiTypes.INT, description="Unit number as printed."),
    OpenApiParameter("priority_level", OpenApiTypes.STR, many=True, enum=["high", "medium", "low"]),
    OpenApiParameter("status", OpenApiTypes.STR, many=True, enum=list(exports.STATUS_ORDER),
                     description="`no_information`: activity × country pairs without a report."),
    OpenApiParameter("state", OpenApiTypes.STR, many=True, enum=CountryReport.State.values),
    OpenApiParameter("updated_since", OpenApiTypes.DATETIME),
    OpenApiParameter("version", OpenApiTypes.STR, enum=["published", "working"], description=(
        "`published` (default): each report as the Secretariat last validated it; `working`: the working "
        "copies, for signed-in users (anonymous: 400).")),
    OpenApiParameter("search", OpenApiTypes.STR,
                     description="Words in the activity's code, text, actor or indicator, or in the report."),
]


class FileContentNegotiation(BaseContentNegotiation):
    """A download answers in its own format whatever Accept says; its errors in JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


EXPORT_ERRORS = {
    400: OpenApiResponse(description="A bad parameter, or no `plan` from an anonymous client."),
    429: OpenApiResponse(description="Too many anonymous exports from this address; `Retry-After` says when."),
}


class ExportThrottling:
    """Anonymous clients: a plan is required (400) and exports are counted by address (429)."""

    throttle_classes = [AnonThrottle, AnonExportThrottle]

    def check_throttles(self, request):
        # Before the throttles, so that a request refused for its missing plan does not count.
        missing_plan = _plan_required(request, request.query_params)
        if missing_plan:
            raise missing_plan
        super().check_throttles(request)

    def throttled(self, request, wait):
        raise throttled_error(wait, _throttle_message(wait))


class ProgressExportFileView(ExportThrottling, APIView):
    """A file of the progress tables. Filters as the lists: `plan`, `round`, `country`,
    `conservation_unit`, `priority_level`, `status` (incl. `no_information`), `state`,
    `updated_since`, `search`, and the activity list's others (`section`, `objective`, ...)."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FileContentNegotiation
    extension = "xlsx"

    def get(self, request):
        tables = exports.progress_tables(user=request.user, params=request.query_params)
        return _download(tables, self.extension)


class ProgressExportXlsxView(ProgressExportFileView):
    """The progress tables as an Excel workbook: a Summary, a Matrix per plan (a row per activity, a
    column per range state, each cell the status in its colour, changes since the previous round in
    bold with ▲) and the Details (a row per progress report). Anonymous clients get validated reports only.
    """

    extension = "xlsx"

    @extend_schema(operation_id="exports_progress_xlsx", parameters=EXPORT_PARAMETERS,
                   responses={(200, XLSX): OpenApiTypes.BINARY, **EXPORT_ERRORS})
    def get(self, request):
        return super().get(request)


class ProgressExportCsvView(ProgressExportFileView):
    """The Details of the progress tables as CSV (UTF-8 with a byte-order mark): a row per progress
    report. Anonymous clients get validated reports only.
    """

    extension = "csv"

    @extend_schema(operation_id="exports_progress_csv", parameters=EXPORT_PARAMETERS,
                   responses={(200, "text/csv"): OpenApiTypes.BINARY, **EXPORT_ERRORS})
    def get(self, request):
        return super().get(request)


class ProgressDetailRowSerializer(serializers.Serializer):
    """One row of the Details sheet (for the schema; labels in the language of the request)."""

    plan = serializers.CharField(help_text="Plan short title.")
    activity_code = serializers.CharField()
    activity_text = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    country_name = serializers.CharField()
    round = serializers.CharField(help_text="Round title.")
    status = serializers.CharField(help_text="Status label, e.g. Completed.")
    narrative = serializers.CharField()
    obstacles = serializers.CharField()
    expected_year = serializers.IntegerField(allow_null=True)
    funds_amount = serializers.DecimalField(max_digits=15, decimal_places=2, allow_null=True,
                                            help_text="Funds spent or mobilised, in `funds_currency`.")
    funds_currency = serializers.CharField(help_text="ISO 4217 code; empty when no amount is given.")
    funds_usd = serializers.DecimalField(max_digits=15, decimal_places=2, allow_null=True, help_text=(
        "`funds_amount` in USD at the round's rate when the report was saved; null for no amount or no rate."))
    funds_source = serializers.CharField(help_text="Source label, e.g. Government.")
    funds_funder = serializers.CharField()
    evidence = serializers.ListField(child=serializers.URLField(), help_text="Public evidence: links, file downloads.")
    updated_by = serializers.CharField()
    updated_at = serializers.DateTimeField()
    state = serializers.CharField(help_text="Validation state label of the country's report.")


class ProgressExportJsonView(ExportThrottling, APIView):
    """The Details rows of the progress tables as one plain JSON list (not paginated).

    Same rows, fields and filters as the Details sheet and the CSV. Anonymous clients get
    validated reports only; evidence lists public evidence only.
    """

    permission_classes = [AllowAny]

    @extend_schema(operation_id="exports_progress_json", parameters=EXPORT_PARAMETERS,
                   responses={200: ProgressDetailRowSerializer(many=True), **EXPORT_ERRORS})
    def get(self, request):
        tables = exports.progress_tables(user=request.user, params=request.query_params)
        return Response(exports.details_json(tables))
