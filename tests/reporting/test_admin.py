"""The reporting admin: what the Secretariat may change there."""
import datetime

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils import timezone

from reporting.models import Assignment, CountryReport, ProgressReport, ReportingRound
from tests.factories import ActionPlanFactory, CountryFactory


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
    # Only the fields read-only on every round: the plan is the one a saved round adds.
    assert admin.get_readonly_fields(rf.get("/"), obj=None) == [
        "status", "edition", "opened_by", "closed_by", "closed_at"]
    assert admin.get_readonly_fields(rf.get("/"), obj=ReportingRound(pk=1)) == [
        "status", "edition", "opened_by", "closed_by", "closed_at", "plan"]


def test_assignments_are_listed_by_country_then_user(admin_client, world, django_user_model):
    aaland = CountryFactory(name="Aaland")  # AA: before the world's QR and QZ
    Assignment.objects.create(user=django_user_model.objects.create_user("zz-t"), country=aaland)
    Assignment.objects.create(user=django_user_model.objects.create_user("aa-t"), country=aaland)
    response = admin_client.get(reverse("admin:reporting_assignment_changelist"))
    listed = [(a.country.name, a.user.username) for a in response.context["cl"].result_list]
    assert listed[:2] == [("Aaland", "aa-t"), ("Aaland", "zz-t")]
    assert listed == sorted(listed)


def test_reports_are_listed_newest_round_first_then_by_country(admin_client, world):
    older = ReportingRound.objects.create(plan=world["plan"], edition=world["plan"].current_edition,
                                          title="2024 report", opens_on=datetime.date(2024, 1, 1),
                                          due_on=datetime.date(2024, 12, 31), status=ReportingRound.Status.CLOSED)
    for round in (older, world["round"]):
        for country in (world["kz"], world["ir"]):
            report = CountryReport.objects.create(round=round, country=country)
            ProgressReport.objects.create(country_report=report, activity=world["everywhere"], status="ongoing",
                                          updated_at=timezone.now())
    expected = [("2026 report", "Testland QR"), ("2026 report", "Testland QZ"),
                ("2024 report", "Testland QR"), ("2024 report", "Testland QZ")]
    response = admin_client.get(reverse("admin:reporting_countryreport_changelist"))
    assert [(r.round.title, r.country.name) for r in response.context["cl"].result_list] == expected
    response = admin_client.get(reverse("admin:reporting_progressreport_changelist"))
    assert [(r.country_report.round.title, r.country_report.country.name)
            for r in response.context["cl"].result_list] == expected
