"""The versioned REST API: every resource under /api/v1/. Path names are a public contract."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from actionplans.api.views import ActivityViewSet
from conservation_units.api.views import ConservationUnitViewSet, CountryViewSet
from reporting.api.export_jobs import ExportJobViewSet
from reporting.api.plans import ActionPlanWithMoneyViewSet
from reporting.api.views import CountryReportViewSet, ProgressReportViewSet, ReportingRoundViewSet
from reporting.export_views import ProgressExportCsvView, ProgressExportJsonView, ProgressExportXlsxView

from .api_auth import token_obtain

app_name = "api"

router = DefaultRouter()
router.register("plans", ActionPlanWithMoneyViewSet, basename="actionplan")
router.register("conservation-units", ConservationUnitViewSet, basename="conservationunit")
router.register("countries", CountryViewSet, basename="country")
router.register("activities", ActivityViewSet, basename="activity")
router.register("rounds", ReportingRoundViewSet, basename="reportinground")
router.register("progress", ProgressReportViewSet, basename="progressreport")
router.register("country-reports", CountryReportViewSet, basename="countryreport")
router.register("exports", ExportJobViewSet, basename="exportjob")

urlpatterns = router.urls + [
    path("auth/token/", token_obtain, name="auth-token"),
    path("exports/progress.xlsx", ProgressExportXlsxView.as_view(), name="export-progress-xlsx"),
    path("exports/progress.csv", ProgressExportCsvView.as_view(), name="export-progress-csv"),
    path("exports/progress.json", ProgressExportJsonView.as_view(), name="export-progress-json"),
]
