"""What the OpenAPI schema says, where the Schemathesis run found it lied; and the answers it
holds the API to (page_size, integer filters, unknown /api/ addresses)."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

ERRORS_EVERYWHERE = {"401", "429"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def test_every_operation_documents_authentication_and_throttling_errors(schema):
    for method, path, operation in operations(schema):
        assert ERRORS_EVERYWHERE <= operation["responses"].keys(), (method, path)


def test_writes_document_400_and_403_and_paths_404(schema):
    for method, path, operation in operations(schema):
        responses = operation["responses"]
        if method != "GET":
            assert {"400", "403"} <= responses.keys(), (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)


def test_lists_document_400_for_filters_and_404_for_a_page_beyond_the_last(schema):
    responses = schema["paths"]["/api/v1/activities/"]["get"]["responses"]
    assert {"200", "400", "404"} <= responses.keys()
    assert responses["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/BadRequest"}


def test_error_bodies_are_named_components(schema):
    components = schema["components"]["schemas"]
    assert components["ValidationErrorBody"]["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    assert components["ErrorDetail"]["required"] == ["detail"]
    assert set(components["StaleEditBody"]["required"]) == {"detail", "current_version", "sent_version"}
    assert {"$ref": "#/components/schemas/ValidationErrorBody"} in components["BadRequest"]["oneOf"]


@pytest.mark.parametrize("path,method", [("/api/v1/progress/{id}/", "patch"),
                                         ("/api/v1/progress/{id}/confirm/", "post")])
def test_versioned_writes_require_version_and_document_409_and_428(schema, path, method):
    operation = schema["paths"][path][method]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "version" in schema["components"]["schemas"][body]["required"]
    assert "If-Match" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    responses = operation["responses"]
    assert responses["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/StaleEditBody"}
    assert responses["428"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorDetail"}


def test_activity_counts_is_an_object_of_numbers(schema):
    counts = schema["components"]["schemas"]["ActivityCounts"]
    assert counts["properties"]["total"]["type"] == "integer"
    assert counts["properties"]["by_kind"]["additionalProperties"]["type"] == "integer"
    assert set(counts["required"]) == {"total", "by_kind", "by_priority_level"}
    detail = schema["components"]["schemas"]["ActionPlanDetail"]["properties"]["activity_counts"]
    assert detail["allOf"][0] == {"$ref": "#/components/schemas/ActivityCounts"} or detail == {
        "$ref": "#/components/schemas/ActivityCounts"}


def test_who_changed_a_report_may_be_nobody(schema):
    components = schema["components"]["schemas"]
    assert components["ProgressReport"]["properties"]["updated_by"]["nullable"] is True
    assert components["ProgressChange"]["properties"]["changed_by"]["nullable"] is True
    assert components["ReportEvent"]["properties"]["actor"]["nullable"] is True


def test_page_parameters_are_whole_numbers_from_1(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/activities/"]["get"]["parameters"]}
    assert parameters["page"]["schema"]["minimum"] == 1
    assert parameters["page_size"]["schema"]["minimum"] == 1
    assert parameters["plan_id"]["schema"]["type"] == "integer"


# --- The answers --------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("page_size", ["null", "0", "-1", "abc", "1.5", "1e3"])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_400_naming_it(page_size):
    response = APIClient().get("/api/v1/activities/", {"page_size": page_size})
    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


@pytest.mark.django_db
def test_an_empty_page_size_is_as_if_not_given():
    response = APIClient().get("/api/v1/activities/", {"page_size": ""})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 50


@pytest.mark.django_db
def test_a_page_beyond_the_last_is_a_404():
    response = APIClient().get("/api/v1/plans/", {"page": 99})
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"plan_id": "1.5"}, {"plan_id": "1e30"}, {"country_id": str(10**20)},
                                   {"conservation_unit": str(-(10**20))}, {"target_year_min": "2e9"}])
def test_integer_filters_read_whole_numbers_within_range(query):
    response = APIClient().get("/api/v1/activities/", query)
    assert response.status_code == 400
    assert list(response.json()) == list(query)


@pytest.mark.django_db
def test_an_api_address_no_route_matches_answers_json():
    response = APIClient().get("/api/v1/activities/1.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_other_addresses_keep_the_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
