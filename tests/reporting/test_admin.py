"""The reporting admin: what the Secretariat may change there."""
import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from reporting.models import ReportingRound
from tests.factories import ActionPlanFactory


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin-t", "a@example.org", "pw"))
    return client


def test_a_rounds_plan_cannot_be_changed_in_the_admin(admin_client, world):
    round, other = world["round"], ActionPlanFactory()
    url = reverse("admin:reporting_reportinground_change", args=[round.pk])
    assert 'name="plan"' not in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"plan": other.pk, "title": "Renamed", "opens_on": "2026-01-01",
                                       "due_on": "2026-12-31"})
    assert response.status_code == 302
    round.refresh_from_db()
    assert (round.plan, round.title) == (world["plan"], "Renamed")


def test_a_new_rounds_plan_would_be_chosen_in_the_admin(rf):
    admin = site._registry[ReportingRound]
    assert "plan" not in admin.get_readonly_fields(rf.get("/"), obj=None)

