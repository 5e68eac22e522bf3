from django.urls import path, register_converter

from . import account_views, commitment_views, dashboard_views, export_job_views, export_views, views, workbook_views


class CountryCodeConverter:
    """An ISO 3166-1 alpha-2 code in a URL (KZ), so that /rounds/1/close/ is never read as a country."""

    regex = "[A-Za-z]{2}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


register_converter(CountryCodeConverter, "iso")

app_name = "reporting"

urlpatterns = [
    path("home/", views.HomeView.as_view(), name="home"),
    path("account/", account_views.AccountView.as_view(), name="account"),
    path("language/", account_views.language_set, name="language_set"),
    path("progress/", views.ProgressListView.as_view(), name="progress_list"),
    path("validation/", views.ValidationQueueView.as_view(), name="validation_queue"),
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/close/", views.round_set_status, {"action": "close"}, name="round_close"),
    path("rounds/<int:pk>/reopen/", views.round_set_status, {"action": "reopen"}, name="round_reopen"),
    path("rounds/<int:round_id>/<iso:country_code>/", views.CountryReportView.as_view(), name="country_report"),
    path("rounds/<int:round_id>/<iso:country_code>/submit/", views.SubmitView.as_view(), name="submit"),
    path("rounds/<int:round_id>/<iso:country_code>/withdraw/", views.withdraw, name="withdraw"),
    path("rounds/<int:round_id>/<iso:country_code>/validate/", views.validate, name="validate"),
    path("rounds/<int:round_id>/<iso:country_code>/return/", views.return_report, name="return"),
    path("rounds/<int:round_id>/<iso:country_code>/activities/<int:activity_id>/", views.ProgressDetailView.as_view(),
         name="progress_detail"),
    path("rounds/<int:round_id>/<iso:country_code>/activities/<int:activity_id>/evidence/", views.evidence_add,
         name="evidence_add"),
    path("rounds/<int:round_id>/<iso:country_code>/workbook.xlsx", workbook_views.workbook_download,
         name="workbook_download"),
    path("rounds/<int:round_id>/<iso:country_code>/workbook/upload/", workbook_views.WorkbookUploadView.as_view(),
         name="workbook_upload"),
    path("rounds/<int:round_id>/<iso:country_code>/workbook/confirm/", workbook_views.workbook_confirm,
         name="workbook_confirm"),
    path("rounds/<int:round_id>/<iso:country_code>/print/", dashboard_views.NationalReportView.as_view(),
         name="national_report"),
    path("dashboards/plans/<slug:slug>/", dashboard_views.PlanDashboardView.as_view(), name="plan_dashboard"),
    path("dashboards/plans/<slug:slug>/rows/", dashboard_views.PlanDashboardRowsView.as_view(),
         name="plan_dashboard_rows"),
    path("dashboards/countries/<iso:country_code>/", dashboard_views.CountryDashboardView.as_view(),
         name="country_dashboard"),
    path("commitments/", commitment_views.CommitmentListView.as_view(), name="commitment_list"),
    # path: an item's code may hold anything but nothing is lost (CMS "11.24 (Rev.COP13)").
    path("commitments/<slug:scheme>/<path:code>/", commitment_views.CommitmentItemView.as_view(),
         name="commitment_item"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("exports/progress.xlsx", export_views.export_xlsx, name="export_xlsx"),
    path("exports/progress.csv", export_views.export_csv, name="export_csv"),
    path("exports/jobs/", export_job_views.export_job_create, name="export_job_create"),
    path("exports/mine/", export_job_views.ExportJobListView.as_view(), name="export_job_list"),
]
