"""Every page's filter form speaks plainly (#10): checkboxes for the filters that take several values,
selects whose empty choice reads "All" rather than "---------", and the outline filters (section,
objective, result) chosen from the plan's outline rather than typed, with the same parameter and value."""
import re

import pytest
from django.urls import reverse

from reporting import services
from reporting.services import ProgressInput
from tests.factories import ActivityFactory, PlanElementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outlined(world):
    """The world's plan with a second section and an objective with a result, each with one measure for QZ."""
    plan = world["plan"]
    world["section"] = PlanElementFactory(plan=plan, level="section", code="3.0", title="Karatau ridges and valleys")
    objective = PlanElementFactory(plan=plan, level="objective", code="1", title="To stabilise argali numbers")
    world["result"] = PlanElementFactory(plan=plan, level="result", code="1.1", parent=objective,
                                         title="Poaching is reduced")
    world["in_section"] = ActivityFactory(plan=plan, result=None, section=world["section"], code="3.1",
                                          kind="measure", text="Count the Karatau herds", countries=[world["kz"]])
    world["in_result"] = ActivityFactory(plan=plan, section=None, objective=objective, result=world["result"],
                                         code="1.1.1", text="Train rangers against poaching", countries=[world["kz"]])
    return world


def filter_form(html: str) -> str:
    return re.search(r'<form class="filters".*?</form>', html, re.S).group(0)


def assert_plain(form: str):
    assert "---------" not in form
    assert '<option value="" selected>All</option>' in form
    assert not re.search(r"<select[^>]* multiple", form)  # several values: checkboxes, never Ctrl-click


def test_activity_list_filters_by_an_objective_chosen_from_the_outline(client, outlined):
    url = reverse("actionplans:activity_list")
    form = filter_form(client.get(url, {"plan": "test-plan"}).content.decode())
    assert_plain(form)
    assert re.search(r'<fieldset class="field checkboxes"><legend>Priority level</legend>', form)
    assert '<option value="1">Objective 1 — To stabilise argali numbers</option>' in form
    assert '<optgroup label="Objective 1 — To stabilise argali numbers">' in form  # results under their objective
    assert '<option value="1.1">Result 1.1 — Poaching is reduced</option>' in form
    html = client.get(url, {"plan": "test-plan", "objective": "1"}).content.decode()
    assert "Train rangers against poaching" in html and "Count the Karatau herds" not in html
    assert '<option value="1" selected>Objective 1 — To stabilise argali numbers</option>' in html


def test_activity_list_without_a_plan_groups_the_outline_by_plan(client, outlined):
    form = filter_form(client.get(reverse("actionplans:activity_list")).content.decode())
    assert '<optgroup label="Test plan · Objective 1 — To stabilise argali numbers">' in form
    assert '<optgroup label="Persian Leopard Strategy · Theme 1' in form
    # Themes: the test plan has none, so no select of nothing once it is chosen.
    form = filter_form(client.get(reverse("actionplans:activity_list"), {"plan": "test-plan"}).content.decode())
    assert 'name="theme"' not in form and 'name="section"' in form


def test_activity_list_filters_by_a_unit_chosen_by_name(client, outlined):
    url = reverse("actionplans:activity_list")
    form = filter_form(client.get(url, {"plan": "test-plan"}).content.decode())
    assert '<option value="1">1) Western Tien Shan</option>' in form
    html = client.get(url, {"plan": "test-plan", "conservation_unit": "1"}).content.decode()
    assert "Collaborate across borders" in html and "Train protected area staff" not in html
    assert '<option value="1" selected>1) Western Tien Shan</option>' in html
    # Without a plan, each plan's units under its name (the number alone is every plan's unit of that number).
    form = filter_form(client.get(url).content.decode())
    assert '<optgroup label="Test plan">' in form and '<option value="1">1) High Pamirs</option>' in form


def test_an_outline_code_from_an_old_link_still_filters_and_shows(client, outlined):
    html = client.get(reverse("actionplans:activity_list"), {"plan": "test-plan", "result": "9.9"}).content.decode()
    assert '<option value="9.9" selected>9.9</option>' in html
    assert "No activity matches these filters." in html


def test_country_report_filters_by_a_section_chosen_from_the_outline(client, outlined):
    world = outlined
    client.force_login(world["focal_kz"])
    url = reverse("reporting:country_report", args=[world["round"].pk, "QZ"])
    form = filter_form(client.get(url).content.decode())
    assert "---------" not in form and '<option value="" selected>All units</option>' in form
    assert '<option value="" selected>All</option>' in form
    assert re.search(r'<fieldset class="field checkboxes"><legend>Status</legend>', form)
    assert '<option value="3.0">Section 3.0 — Karatau ridges and valleys</option>' in form
    html = client.get(url, {"section": "3.0"}).content.decode()
    assert "Count the Karatau herds" in html and "Train protected area staff" not in html
    html = client.get(url, {"result": "1.1"}).content.decode()
    assert "Train rangers against poaching" in html and "Count the Karatau herds" not in html


def test_progress_list_offers_all_and_checkboxes(client, outlined):
    world = outlined
    for activity, status in (("in_section", "completed"), ("in_result", "ongoing")):
        services.progress_report_record(round=world["round"], activity=world[activity], country=world["kz"],
                                        user=world["focal_kz"], values=ProgressInput(status=status))
    client.force_login(world["secretariat"])
    url = reverse("reporting:progress_list")
    form = filter_form(client.get(url).content.decode())
    assert_plain(form)
    assert re.search(r'<fieldset class="field checkboxes"><legend>Report state</legend>', form)
    html = client.get(url, {"status": ["completed", "not_started"]}).content.decode()
    assert "Count the Karatau herds" in html and "Train rangers against poaching" not in html
    assert re.search(r'<input type="checkbox" name="status" value="completed"[^>]* checked>', html)


def test_dashboard_rows_filter_by_an_objective_named_with_its_title(client, outlined):
    world = outlined
    client.force_login(world["observer"])
    url = reverse("reporting:plan_dashboard_rows", args=["test-plan"])
    form = filter_form(client.get(url, {"round": world["round"].pk}).content.decode())
    assert_plain(form)
    assert '<option value="1">Objective 1 — To stabilise argali numbers</option>' in form
    html = client.get(url, {"round": world["round"].pk, "objective": "1"}).content.decode()
    assert "Train rangers against poaching" in html and "Count the Karatau herds" not in html


def test_all_reads_in_russian(client, outlined):
    client.cookies["django_language"] = "ru"
    form = filter_form(client.get(reverse("actionplans:activity_list"), {"plan": "test-plan"}).content.decode())
    assert '<option value="" selected>Все</option>' in form and "---------" not in form
    # A title with no Russian yet is shown in English, and says so to a screen reader.
    assert '<option value="1" lang="en">Задача 1 — To stabilise argali numbers</option>' in form
