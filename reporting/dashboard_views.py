"""Dashboards of a plan and of a country, the list behind their figures, and the printable national report.

Read-only pages, open to everyone: the selectors in ``dashboards`` count only what the visitor may see.
"""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from actionplans.models import ActionPlan
from cami.parsing import parse_int
from conservation_units.models import Country

from . import dashboards
from .models import CountryReport, ReportingRound, sees_drafts
from .views import _round_and_country


def _round_of(plan: ActionPlan, value: str | None):
    """The round asked for in the query string (one of the plan's), or None for the plan's latest."""
    if not value:
        return None
    pk = parse_int(value, minimum=1)
    if pk is None:
        raise Http404(_("No such round."))
    return get_object_or_404(plan.rounds.select_related("plan"), pk=pk)


class PlanDashboardView(View):
    """Status of a plan's activities in a round: overall, by country, unit or objective, priority; the trend."""

    template_name = "reporting/dashboards/plan.html"

    def get(self, request, slug):
        plan = get_object_or_404(ActionPlan, slug=slug)
        dashboard = dashboards.plan_dashboard(plan=plan, user=request.user,
                                              round=_round_of(plan, request.GET.get("round")))
        return render(request, self.template_name, {"dashboard": dashboard, "plan": plan, "round": dashboard.round,
                                                    "rounds": dashboard.rounds})


class PlanDashboardRowsView(ListView):
    """The activity × country pairs behind a figure of the plan dashboard, "No information" included."""

    template_name = "reporting/dashboards/plan.html"
    context_object_name = "pairs"
    paginate_by = 50

    def get_queryset(self):
        self.plan = get_object_or_404(ActionPlan, slug=self.kwargs["slug"])
        self.round = (_round_of(self.plan, self.request.GET.get("round"))
                      or ReportingRound.objects.latest_for(self.plan))
        if self.round is None:
            raise Http404(_("%(plan)s has no reporting round yet.") % {"plan": self.plan})
        self.filterset = dashboards.plan_dashboard_rows(plan=self.plan, round=self.round, user=self.request.user,
                                                        data=self.request.GET)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        context = super().get_context_data(
            plan=self.plan, round=self.round, filterset=self.filterset, filter_query=query.urlencode(),
            rows_view=True, **kwargs)
        states = dict(CountryReport.State.choices)
        for pair in context["pairs"]:
            pair.status_label = dashboards.STATUS_LABELS[pair.report_status]
            pair.state_label = states.get(pair.report_state, "")
        return context


class CountryDashboardView(View):
    """A country across plans: its activities by status, what is overdue, its reports."""

    template_name = "reporting/dashboards/country.html"

    def get(self, request, country_code):
        country = get_object_or_404(Country, code=country_code.upper())
        dashboard = dashboards.country_dashboard(country=country, user=request.user)
        return render(request, self.template_name, {"dashboard": dashboard, "country": country})


class NationalReportView(View):
    """A country's report for a round laid out to print, or to save as PDF from the browser."""

    template_name = "reporting/national_report.html"

    def get(self, request, round_id, country_code):
        round, country = _round_and_country(round_id, country_code)
        if not sees_drafts(request.user) and not CountryReport.objects.visible_to(request.user).filter(
                round=round, country=country).exists():
            raise Http404(_("This report is not published yet."))
        report = dashboards.national_report(round=round, country=country, user=request.user)
        for group in report.groups:
            for activity in group.activities:
                for evidence in activity.report.visible_evidence if activity.report else ():
                    # Printed on paper, a link must read in full: files get the site's address.
                    evidence.href = request.build_absolute_uri(evidence.get_absolute_url())
        return render(request, self.template_name, {"report": report, "round": round, "country": country,
                                                    "plan": round.plan})
