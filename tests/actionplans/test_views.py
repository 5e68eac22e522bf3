import re

import pytest
from django.urls import reverse

from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    ConservationUnitFactory,
    CountryFactory,
    PlanElementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_with_activities():
    kz = CountryFactory(code="QM", name="Testland QM")
    plan = ActionPlanFactory(slug="test-plan", range_states=[kz])
    result = PlanElementFactory(plan=plan, level="result", code="1.1", title="Poaching is reduced")
    ConservationUnitFactory(plan=plan, number=1, countries=[kz])
    ActivityFactory(plan=plan, result=result, code="1.1.1", text="Train rangers", countries=[kz])
    ActivityFactory(plan=plan, result=result, code="1.1.2", text="Equip posts", priority="1.27",
                    priority_level="low", countries=[kz])
    return plan, result, kz


def test_activity_list_filters_stay_in_the_url_and_in_the_form(client, plan_with_activities):
    response = client.get(reverse("actionplans:activity_list"), {"plan": "test-plan", "priority_level": "low"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Equip posts" in html and "Train rangers" not in html
    assert re.search(r'<input type="checkbox" name="priority_level" value="low"[^>]* checked>', html)


def test_activity_list_says_which_filter_is_wrong(client, plan_with_activities):
    response = client.get(reverse("actionplans:activity_list"), {"plan": "tiger"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_activity_page_shows_its_fields(client, plan_with_activities):
    plan, result, kz = plan_with_activities
    activity = plan.activities.get(code="1.1.1")
    response = client.get(reverse("actionplans:activity_detail", args=[activity.pk]))
    html = response.content.decode()
    assert "Train rangers" in html and "Testland QM" in html and "Poaching is reduced" in html


def test_activity_list_query_count_is_constant(client, django_assert_num_queries, plan_with_activities):
    plan, result, kz = plan_with_activities
    url = reverse("actionplans:activity_list") + "?plan=test-plan"
    # plan filter, count, page, its outline elements, countries, footnotes, and the filter form's plan, country
    # and commitment choices, the plan's outline (the section, theme, objective and result selects: one
    # query for the four) and its units (the unit select)
    with django_assert_num_queries(11) as before:
        client.get(url)
    for n in range(20):
        ActivityFactory(plan=plan, result=result, countries=[kz])
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(url)
    assert response.context["paginator"].count == 22


def test_plan_outline_query_count_is_constant(client, django_assert_num_queries, plan_with_activities):
    plan, result, kz = plan_with_activities
    url = reverse("actionplans:actionplan_detail", args=["test-plan"])
    # plan, its range states, elements, activity outline ids, units, their countries, footnotes
    with django_assert_num_queries(7) as before:
        client.get(url)
    for n in range(20):
        ConservationUnitFactory(plan=plan, countries=[kz])
        PlanElementFactory(plan=plan, level="result", parent=None)
        ActivityFactory(plan=plan, result=result, countries=[kz])
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)


def test_unknown_plan_page_is_404(client, db):
    assert client.get(reverse("actionplans:actionplan_detail", args=["tiger"])).status_code == 404


def test_pages_need_no_external_asset(client, plan_with_activities):
    plan = plan_with_activities[0]
    for url, shown in ((reverse("actionplans:actionplan_list"), plan.title),
                       (reverse("actionplans:activity_list") + "?plan=test-plan", "Train rangers")):
        response = client.get(url)
        html = response.content.decode()
        # The page itself, styled by the site's own stylesheet ...
        assert response.status_code == 200 and shown in html
        assert 'rel="stylesheet" href="/static/css/app.css"' in html
        # ... and nothing fetched from elsewhere.
        assert "<script" not in html
        assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
