"""Small data for tests that are not about the real plans."""
import factory

from actionplans.models import ActionPlan, Activity, PlanElement
from conservation_units.models import ConservationUnit, Country


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name = factory.LazyAttribute(lambda country: f"Country {country.code}")


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"test-plan-{n}")
    title = factory.Sequence(lambda n: f"Test Action Plan {n}")
    short_title = factory.Sequence(lambda n: f"Test plan {n}")
    species_common_name = "Snow leopard"
    species_scientific_name = "Panthera uncia"
    period_start = 2025
    period_end = 2032

    @factory.post_generation
    def range_states(self, create, extracted, **kwargs):
        if create and extracted:
            self.range_states.set(extracted)


class ConservationUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConservationUnit
        skip_postgeneration_save = True

    plan = factory.SubFactory(ActionPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = ConservationUnit.Kind.TRANSBOUNDARY

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.set(extracted)


class PlanElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanElement

    plan = factory.SubFactory(ActionPlanFactory)
    level = PlanElement.Level.RESULT
    code = factory.Sequence(lambda n: f"1.{n}")
    title = factory.Sequence(lambda n: f"Result {n} is achieved")
    position = factory.Sequence(lambda n: n + 1)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    plan = factory.SubFactory(ActionPlanFactory)
    kind = Activity.Kind.ACTIVITY
    code = factory.Sequence(lambda n: f"1.1.{n}")
    key = factory.LazyAttribute(lambda activity: activity.code)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Carry out survey number {n}")
    result = factory.SubFactory(PlanElementFactory, plan=factory.SelfAttribute("..plan"))
    priority = "2.58"
    priority_scale = Activity.PriorityScale.SCORE
    priority_level = "high"
    actor = "NGOs, GOs"
    timeline = "2028"
    target_year = 2028
    budget = "TBD"

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.set(extracted)
