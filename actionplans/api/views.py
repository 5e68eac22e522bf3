from django.db.models import Count
from rest_framework import viewsets
from rest_framework.response import Response

from actionplans.filtersets import ActivityFilterSet
from actionplans.models import ActionPlan
from actionplans.selectors import action_plan_list, action_plan_outline, activity_api_queryset

from .serializers import ActionPlanDetailSerializer, ActionPlanSerializer, ActivitySerializer


class ActionPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Action plans of CAMI. The detail (`/plans/{slug}/`) adds the plan's outline with activity counts."""

    lookup_field = "slug"
    serializer_class = ActionPlanSerializer
    filter_backends = []

    def get_queryset(self):
        return action_plan_list()

    def get_serializer_class(self):
        return ActionPlanDetailSerializer if self.action == "retrieve" else ActionPlanSerializer

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        context = self.get_serializer_context() | self.detail_context(plan)
        return Response(self.get_serializer_class()(plan, context=context).data)

    def detail_context(self, plan: ActionPlan) -> dict:
        """What the detail serializer reads besides the plan (the reporting app's subclass adds money)."""
        return {"outline": action_plan_outline(plan), "activity_counts": _activity_counts(plan)}


def _activity_counts(plan: ActionPlan) -> dict:
    activities = plan.activities.current().order_by()
    return {
        "total": activities.count(),
        "by_kind": dict(activities.values_list("kind").annotate(n=Count("id"))),
        "by_priority_level": {
            (level or "none"): n for level, n in activities.values_list("priority_level").annotate(n=Count("id"))
        },
    }


class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    """Every measure, annex action and activity of the plans, with each field as printed.

    Ordered by plan and document order. Filters: `plan` (slug), `country` (ISO code: activities
    that apply to it), `conservation_unit` (number, with `plan`), `priority_level`, `section`,
    `theme`, `objective`, `result`, `kind`, `target_year_min`, `target_year_max`, `search` (code,
    text, actor, indicator), `tag` (a commitment item as `scheme:code`, e.g. `cami-pow:19.2`; repeatable:
    activities with any of them), `edition` (id or slug of an edition of the plan; without it, each plan's
    current edition). Pages: `page`, `page_size` (up to 500). The detail answers for an activity of any
    edition: an older edition's activities stay readable.
    """

    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet

    def get_queryset(self):
        return activity_api_queryset().with_tags()

    def filter_queryset(self, queryset):
        # The filters pick a list's rows; a detail is found by id in every edition.
        return super().filter_queryset(queryset) if self.action == "list" else queryset
