from django.urls import path

from . import views

app_name = "actionplans"

urlpatterns = [
    path("", views.ActionPlanListView.as_view(), name="actionplan_list"),
    path("plans/<slug:slug>/", views.ActionPlanDetailView.as_view(), name="actionplan_detail"),
    path("activities/", views.ActivityListView.as_view(), name="activity_list"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
]
