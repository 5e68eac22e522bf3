from django.urls import path

from . import import_views, views

app_name = "actionplans"

urlpatterns = [
    path("", views.ActionPlanListView.as_view(), name="actionplan_list"),
    path("plans/<slug:slug>/", views.ActionPlanDetailView.as_view(), name="actionplan_detail"),
    path("plan-import/", import_views.PlanImportView.as_view(), name="plan_import"),
    path("plan-import/template.xlsx", import_views.PlanTemplateDownloadView.as_view(), name="plan_template"),
    path("plan-import/confirm/", import_views.PlanImportConfirmView.as_view(), name="plan_import_confirm"),
    path("plans/<slug:slug>/workbook.xlsx", import_views.PlanWorkbookDownloadView.as_view(), name="plan_workbook"),
    path("plans/<slug:slug>/import/", import_views.PlanImportView.as_view(), name="plan_import_into"),
    path("activities/", views.ActivityListView.as_view(), name="activity_list"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
]
