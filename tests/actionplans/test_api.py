import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from actionplans.models import Activity
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    ConservationUnitFactory,
    CountryFactory,
    PlanElementFactory,
)

pytestmark = pytest.mark.django_db

ACTIVITY_FIELDS = {
    "id", "plan", "code", "text", "priority", "priority_level", "actor", "indicator", "timeline", "target_year",
    "budget", "budget_usd", "cami_pow", "conservation_unit", "theme", "objective", "result", "countries", "url",
}


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def small_plan():
    """A plan of two range states with one theme/objective/result and two activities."""
    kz, mn = CountryFactory(code="QM", name="Testland QM"), CountryFactory(code="QN", name="Testland QN")
    plan = ActionPlanFactory(slug="test-plan", range_states=[kz, mn])
    theme = PlanElementFactory(plan=plan, level="theme", code="1", title="Conservation")
    objective = PlanElementFactory(plan=plan, level="objective", code="2", title="Stop poaching", parent=theme)
    result = PlanElementFactory(plan=plan, level="result", code="2.1", title="Rangers trained", parent=objective)
    unit = ConservationUnitFactory(plan=plan, number=5, countries=[kz])
    first = ActivityFactory(
        plan=plan, code="2.1.1", theme=theme, objective=objective, result=result, conservation_unit=unit,
        text="Train rangers in SMART patrolling", priority="2.58", priority_level="high", timeline="2025",
        target_year=2025, budget="10.000 USD per country", budget_usd=10000, budget_basis="per country",
        cami_pow=["19.2", "19.5"], countries=[kz],
    )
    second = ActivityFactory(
        plan=plan, code="2.1.2", theme=theme, objective=objective, result=result, text="Equip ranger posts",
        actor="Border guards", priority="1.27", priority_level="low", timeline="2030", target_year=2030,
        countries=[kz, mn],
    )
    return {"plan": plan, "kz": kz, "mn": mn, "first": first, "second": second}


def activities(client, **params):
    response = client.get(reverse("api:activity-list"), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_activity_carries_every_public_field_with_its_value(client, small_plan):
    body = activities(client, plan="test-plan")
    assert body["count"] == 2
    first = body["results"][0]
    assert ACTIVITY_FIELDS <= first.keys()
    assert first["plan"] == "test-plan"
    assert first["code"] == "2.1.1"
    assert first["theme"] == 1 and first["objective"] == 2 and first["result"] == "2.1"
    assert first["conservation_unit"] == 5
    assert first["countries"] == ["QM"]
    assert first["cami_pow"] == ["19.2", "19.5"]
    assert first["budget"] == "10.000 USD per country" and first["budget_usd"] == 10000
    assert first["priority"] == "2.58" and first["priority_level"] == "high"
    assert first["url"].endswith(reverse("api:activity-detail", args=[small_plan["first"].pk]))


def test_activities_come_in_document_order(client, small_plan):
    codes = [row["code"] for row in activities(client, plan="test-plan")["results"]]
    assert codes == ["2.1.1", "2.1.2"]


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"country": "QN"}, ["2.1.2"]),
        ({"country": "QM"}, ["2.1.1", "2.1.2"]),
        ({"conservation_unit": 5}, ["2.1.1"]),
        ({"priority_level": "low"}, ["2.1.2"]),
        ({"priority_level": ["low", "high"]}, ["2.1.1", "2.1.2"]),
        ({"theme": 1}, ["2.1.1", "2.1.2"]),
        ({"objective": 2}, ["2.1.1", "2.1.2"]),
        ({"objective": 3}, []),
        ({"result": "2.1"}, ["2.1.1", "2.1.2"]),
        ({"target_year_min": 2026}, ["2.1.2"]),
        ({"target_year_max": 2026}, ["2.1.1"]),
        ({"search": "smart"}, ["2.1.1"]),
        ({"search": "border guards"}, ["2.1.2"]),
        ({"search": "2.1.2"}, ["2.1.2"]),
        ({"search": "  "}, ["2.1.1", "2.1.2"]),
    ],
)
def test_activity_filters(client, small_plan, params, codes):
    body = activities(client, plan="test-plan", **params)
    assert [row["code"] for row in body["results"]] == codes


def test_unknown_plan_is_a_400_naming_the_filter(client, small_plan):
    response = client.get(reverse("api:activity-list"), {"plan": "tiger"})
    assert response.status_code == 400
    assert "plan" in response.json()


def test_bad_priority_level_is_a_400_naming_the_filter(client, small_plan):
    response = client.get(reverse("api:activity-list"), {"priority_level": "urgent"})
    assert response.status_code == 400
    assert "priority_level" in response.json()


def test_page_size_is_capped_at_500(client, small_plan):
    plan = small_plan["plan"]
    result = small_plan["first"].result
    Activity.objects.bulk_create(
        Activity(plan=plan, edition=plan.current_edition, kind="activity", code=f"9.9.{n}", key=f"9.9.{n}",
                 position=10_000 + n, text="x", result=result, priority_scale="score")
        for n in range(505)
    )
    body = activities(client, plan="test-plan", page_size=1000)
    assert body["count"] == 507
    assert len(body["results"]) == 500
    assert body["next"] is not None


def _make_activities(plan_info, count):
    plan, result = plan_info["plan"], plan_info["first"].result
    for n in range(count):
        ActivityFactory(plan=plan, result=result, theme=result.parent.parent, objective=result.parent,
                        countries=[plan_info["kz"], plan_info["mn"]])


def test_activity_list_query_count_does_not_grow_with_page_size(client, small_plan, django_assert_num_queries):
    _make_activities(small_plan, 20)
    # plan filter, count, page, its outline elements, countries, footnotes, tags with their schemes
    with django_assert_num_queries(7):
        assert len(activities(client, plan="test-plan", page_size=10)["results"]) == 10
    with django_assert_num_queries(7):
        assert len(activities(client, plan="test-plan", page_size=500)["results"]) == 22


def test_activity_detail(client, small_plan):
    response = client.get(reverse("api:activity-detail", args=[small_plan["second"].pk]))
    assert response.status_code == 200
    assert response.json()["text"] == "Equip ranger posts"
    assert response.json()["countries"] == ["QM", "QN"]


def test_api_is_read_only_for_now(client, small_plan):
    response = client.post(reverse("api:activity-list"), {"code": "x"})
    assert response.status_code in (401, 403, 405)
    assert Activity.objects.filter(plan=small_plan["plan"]).count() == 2


def test_plan_detail_has_outline_and_counts(client, small_plan):
    response = client.get(reverse("api:actionplan-detail", args=["test-plan"]))
    assert response.status_code == 200
    body = response.json()
    assert body["range_states"] == ["QM", "QN"]
    assert body["activity_counts"]["total"] == 2
    assert body["activity_counts"]["by_priority_level"] == {"high": 1, "low": 1}
    [theme] = body["outline"]
    assert (theme["level"], theme["code"], theme["activity_count"]) == ("theme", "1", 2)
    result = theme["children"][0]["children"][0]
    assert (result["level"], result["code"], result["title"]) == ("result", "2.1", "Rangers trained")


def test_conservation_units_filter_by_plan(client, small_plan):
    ConservationUnitFactory(number=1)  # another plan's unit
    response = client.get(reverse("api:conservationunit-list"), {"plan": "test-plan"})
    assert [unit["number"] for unit in response.json()["results"]] == [5]
    assert response.json()["results"][0]["countries"] == ["QM"]
    assert response.json()["results"][0]["activity_count"] == 1


def test_countries_list_and_detail_by_iso_code(client, small_plan):
    response = client.get(reverse("api:country-detail", args=["QN"]))
    assert response.json()["name"] == "Testland QN"
    codes = [c["code"] for c in client.get(reverse("api:country-list"), {"plan": "test-plan"}).json()["results"]]
    assert codes == ["QM", "QN"]


def test_openapi_schema_documents_activity_fields_and_filters(client):
    response = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert ACTIVITY_FIELDS <= schema["components"]["schemas"]["Activity"]["properties"].keys()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/activities/"]["get"]["parameters"]}
    assert {"plan", "country", "conservation_unit", "priority_level", "theme", "objective", "result",
            "target_year_min", "target_year_max", "search", "page", "page_size"} <= parameters


def test_api_docs_load_their_assets_from_this_server(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
