from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import ActionPlan
from .selectors import (
    action_plan_list,
    action_plan_outline,
    activity_detail_queryset,
    activity_filterset,
    outline_path,
)


class ActionPlanListView(ListView):
    template_name = "actionplans/actionplan_list.html"
    context_object_name = "plans"

    def get_queryset(self):
        return action_plan_list()


class ActionPlanDetailView(DetailView):
    """A plan's outline: its units and headings, each leading to its activities."""

    template_name = "actionplans/actionplan_detail.html"
    context_object_name = "plan"
    slug_url_kwarg = "slug"

    def get_object(self, queryset=None):
        return get_object_or_404(action_plan_list(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        plan = self.object
        return super().get_context_data(
            outline=action_plan_outline(plan),
            units=plan.conservation_units.with_related().order_by("number"),
            footnotes=plan.footnotes.order_by("number"),
            **kwargs,
        )


class ActivityListView(ListView):
    """Activities across plans with the filters of the API, kept in the URL."""

    template_name = "actionplans/activity_list.html"
    context_object_name = "activities"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = activity_filterset(data=self.request.GET or None)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        plan = self.filterset.form.cleaned_data.get("plan") if self.filterset.is_bound else None
        return super().get_context_data(
            filterset=self.filterset, filter_query=query.urlencode(), selected_plan=plan, **kwargs
        )


class ActivityDetailView(DetailView):
    template_name = "actionplans/activity_detail.html"
    context_object_name = "activity"

    def get_queryset(self):
        return activity_detail_queryset().with_tags()  # its commitments: the report pages do not show them

    def get_context_data(self, **kwargs):
        return super().get_context_data(outline_path=outline_path(self.object.parent), **kwargs)
