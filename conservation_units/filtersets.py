import django_filters
from django.utils.translation import gettext_lazy as _

from cami.filters import PlainFilterSet, WholeNumberFilter

from .models import ConservationUnit, Country

# The plans, reached through the unit's relation to its plan: this app does not import actionplans
# (actionplans builds on countries and units; see the README's layout section).
ActionPlan = ConservationUnit.plan.field.related_model


class ConservationUnitFilterSet(PlainFilterSet):
    plan = django_filters.ModelChoiceFilter(
        field_name="plan", to_field_name="slug", queryset=ActionPlan.objects.all(), label=_("Plan"),
        help_text=_("Plan slug."),
    )
    plan_id = WholeNumberFilter(field_name="plan_id", label=_("Plan (ID)"))
    country = django_filters.ModelChoiceFilter(
        field_name="countries", to_field_name="code", queryset=Country.objects.all(), label=_("Country"),
        help_text=_("ISO code: units that include this country."),
    )
    kind = django_filters.MultipleChoiceFilter(choices=ConservationUnit.Kind.choices, label=_("Kind"))

    class Meta:
        model = ConservationUnit
        fields = ["plan", "plan_id", "country", "kind"]


class CountryFilterSet(PlainFilterSet):
    plan = django_filters.ModelChoiceFilter(
        field_name="action_plans", to_field_name="slug", queryset=ActionPlan.objects.all(), label=_("Plan"),
        help_text=_("Plan slug: its range states."),
    )

    class Meta:
        model = Country
        fields = ["plan", "code"]
