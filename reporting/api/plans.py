"""`/api/v1/plans/{slug}/` with the plan's money: planned against mobilised (``reporting.funds_totals``).

The plans API lives in ``actionplans``, which knows nothing of progress; the detail that adds what
countries reported is served from here, so that the dependency stays one-way (reporting → actionplans).
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from actionplans.api.serializers import ActionPlanDetailSerializer
from actionplans.api.views import ActionPlanViewSet
from actionplans.models import Activity, PlanElement

from ..funds_totals import Money, money_totals, reports_in_rounds

USD_FIELD = {"max_digits": 20, "decimal_places": 2, "coerce_to_string": True}


class MoneySerializer(serializers.Serializer):
    budget_usd_total = serializers.IntegerField(source="money.planned_usd", help_text=_(
        "What the plan budgets, in USD: a budget printed “per country” or “per State” counted once for each "
        "country the activity applies to. Budgets that print no amount (TBD) are not in it: see "
        "`budget_unknown_count`."))
    budget_unknown_count = serializers.IntegerField(source="money.planned_unknown", help_text=_(
        "Activities whose budget prints no amount (TBD, N/A or none): unknown, never counted as zero."))
    funds_usd_total = serializers.DecimalField(**USD_FIELD, source="money.mobilised_usd", help_text=_(
        "Funds spent or mobilised that countries reported, in USD at each round's rate when saved, over all the "
        "plan's rounds (the published version for readers who may not see drafts)."))
    funds_report_count = serializers.IntegerField(source="money.reports", help_text=_("Progress reports that give an amount."))
    funds_no_rate_count = serializers.IntegerField(source="money.no_rate", help_text=_(
        "Of them, reports in a currency without a rate for their round: not in `funds_usd_total`."))
    funds_no_rate_amounts = serializers.DictField(child=serializers.DecimalField(**USD_FIELD),
                                                  source="money.no_rate_amounts", help_text=_(
        "The amounts without a rate, per ISO 4217 currency."))


class CountryMoneySerializer(MoneySerializer):
    country = serializers.CharField(help_text=_("ISO 3166-1 alpha-2 code."))
    budget_shared_usd_total = serializers.IntegerField(source="money.shared_usd", help_text=_(
        "Budgets of activities the country shares with other range states, not split between them (the plan "
        "does not say how); `budget_usd_total` holds the country's per-country budgets and those of "
        "activities it alone applies to."))
    budget_shared_count = serializers.IntegerField(source="money.shared_count", help_text=_("Activities of those shared budgets."))


class GroupMoneySerializer(MoneySerializer):
    code = serializers.CharField(allow_null=True, help_text=_(
        "The conservation unit's number or the objective's code (as the `conservation_unit` and `objective` "
        "filters take them); null for activities outside any."))
    title = serializers.CharField()


@extend_schema_serializer(component_name="ActionPlanDetail")  # the schema's name for the plan detail, as before
class ActionPlanMoneySerializer(MoneySerializer, ActionPlanDetailSerializer):
    """A plan with its outline, activity counts and money planned against mobilised."""

    money_group_by = serializers.SerializerMethodField(help_text=_(
        "What `money_by_group` is grouped by: `conservation_unit` where the plan sets activities per unit, "
        "else `objective`."))
    money_by_country = serializers.SerializerMethodField()
    money_by_group = serializers.SerializerMethodField()

    class Meta(ActionPlanDetailSerializer.Meta):
        fields = ActionPlanDetailSerializer.Meta.fields + list(MoneySerializer._declared_fields) + [
            "money_group_by", "money_by_country", "money_by_group"]

    def to_representation(self, plan):
        plan.money = self.context["money"].plan  # the plan-wide figures, read by MoneySerializer's fields
        return super().to_representation(plan)

    def get_money_group_by(self, plan) -> str:
        return self.context["money"].group_by

    @extend_schema_field(CountryMoneySerializer(many=True))
    def get_money_by_country(self, plan):
        totals = self.context["money"]
        return [CountryMoneySerializer({"country": country.code, "money": totals.by_country.get(country.pk, Money())}).data
                for country in plan.range_states.order_by("code")]

    @extend_schema_field(GroupMoneySerializer(many=True))
    def get_money_by_group(self, plan):
        totals = self.context["money"]
        return [GroupMoneySerializer({"code": code, "title": title, "money": money}).data
                for code, title, money in _groups(plan, totals)]


def _groups(plan, totals):
    if totals.group_by == "conservation_unit":
        named = [(unit.pk, str(unit.number), unit.name) for unit in plan.conservation_units.order_by("number")]
    else:
        named = [(element.pk, element.code, element.title)
                 for element in plan.elements.filter(level=PlanElement.Level.OBJECTIVE).order_by("position")]
    named.append((None, None, str(_("Outside any"))))
    return [(code, title, totals.by_group[pk]) for pk, code, title in named if pk in totals.by_group]


class ActionPlanWithMoneyViewSet(ActionPlanViewSet):
    __doc__ = ActionPlanViewSet.__doc__ + (
        " It also gives the money the plan budgets against what countries reported as spent or mobilised, "
        "for the plan, per range state and per conservation unit or objective.")

    def get_serializer_class(self):
        return ActionPlanMoneySerializer if self.action == "retrieve" else super().get_serializer_class()

    def detail_context(self, plan):
        totals = money_totals(activities=Activity.objects.filter(plan=plan).current(),
                              reports=reports_in_rounds(self.request.user, plan.rounds.all()))
        return super().detail_context(plan) | {"money": totals}
