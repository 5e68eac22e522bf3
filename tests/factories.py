"""Small data for tests that are not about the real plans."""
import factory

from actionplans.editions import edition_current_or_first
from actionplans.models import ActionPlan, Activity, PlanElement
from conservation_units.models import ConservationUnit, Country


# ISO 3166-1 keeps these alpha-2 codes for user assignment: no real country has one, so a test's country
# can never be one of the real range states that tests/conftest.py loads (KZ, MN, IR, GE, ...). XK is left
# out: Kosovo goes by it in practice. The factory hands them out in this order, from the start in every
# test (tests/conftest.py resets the sequence), so a test that names its own code takes one of QM..QZ,
# which the factory reaches only after its 27th country.
USER_ASSIGNED_CODES = (
    "AA", "ZZ",
    *(f"X{letter}" for letter in "ABCDEFGHIJLMNOPQRSTUVWXYZ"),
    *(f"Q{letter}" for letter in "MNOPQRSTUVWXYZ"),
)


class CountryFactory(factory.django.DjangoModelFactory):
    """A country of the test's own. No get-or-create: a code that is taken fails on the unique code
    rather than handing over the real country with its plans and activities."""

    class Meta:
        model = Country

    code = factory.Sequence(lambda n: USER_ASSIGNED_CODES[n % len(USER_ASSIGNED_CODES)])
    name = factory.LazyAttribute(lambda country: f"Testland {country.code}")


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

    @factory.post_generation
    def first_edition(self, create, extracted, **kwargs):
        if create:
            edition_current_or_first(self)


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
    edition = factory.LazyAttribute(lambda activity: edition_current_or_first(activity.plan))
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
