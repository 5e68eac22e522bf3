"""The two real plans, loaded from fixtures/, against the documents."""
import json
import shutil

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from actionplans.models import ActionPlan, Activity, PlanElement
from actionplans.services import action_plan_load, fixtures_dir
from conservation_units.models import ConservationUnit

ARGALI_STATES = ["AF", "BT", "CN", "IN", "KG", "KZ", "MN", "NP", "PK", "RU", "TJ", "UZ"]
LEOPARD_STATES = ["AF", "AM", "AZ", "GE", "IQ", "IR", "KZ", "PK", "RU", "TM", "TR", "UZ"]

# Measures per section as counted in the Argali document (section 24.0, unit 23, has none).
ARGALI_MEASURES_PER_SECTION = {
    "1.0": 4, "2.0": 4, "3.0": 6, "4.0": 4, "5.0": 11, "6.0": 6, "7.0": 7, "8.0": 6, "9.0": 6, "10.0": 6,
    "11.0": 4, "12.0": 4, "13.0": 4, "14.0": 4, "15.0": 5, "16.0": 6, "17.0": 5, "18.0": 1, "19.0": 3,
    "20.0": 7, "21.0": 4, "22.0": 3, "23.0": 5, "24.0": 0,
}
ARGALI_ACTIONS_PER_OBJECTIVE = {"1": 16, "2": 16, "3": 10, "4": 9}


def api_activities(**params):
    response = APIClient().get(reverse("api:activity-list"), {"page_size": 500, **params})
    assert response.status_code == 200
    return response.json()


def test_argali_plan_as_printed(real_plans):
    plan = real_plans["argali"]
    assert plan.title == "Draft Action Plan for the Conservation of the Argali 2025-2032"
    assert (plan.species_scientific_name, plan.period_start, plan.period_end) == ("Ovis ammon", 2025, 2032)
    assert sorted(plan.range_states.values_list("code", flat=True)) == ARGALI_STATES
    units = ConservationUnit.objects.filter(plan=plan)
    assert units.filter(kind="transboundary").count() == 19
    assert units.filter(kind="single_country").count() == 4


def test_argali_measures_per_section(real_plans):
    for code, expected in ARGALI_MEASURES_PER_SECTION.items():
        section = PlanElement.objects.get(plan=real_plans["argali"], level="section", code=code)
        assert section.section_activities.count() == expected, code


def test_argali_annex_actions_per_objective(real_plans):
    for code, expected in ARGALI_ACTIONS_PER_OBJECTIVE.items():
        objective = PlanElement.objects.get(plan=real_plans["argali"], level="objective", code=code)
        assert objective.objective_activities.filter(kind="action").count() == expected, code


def test_api_returns_every_argali_measure_and_annex_action(real_plans):
    body = api_activities(plan="argali")
    assert body["count"] == 166 == len(body["results"])
    kinds = [row["kind"] for row in body["results"]]
    assert kinds.count("measure") == 115 and kinds.count("action") == 51
    assert body["results"][0]["code"] == "1.1" and body["results"][-1]["code"] == "4.1.9"


def test_api_returns_every_leopard_activity(real_plans):
    body = api_activities(plan="persian-leopard")
    assert body["count"] == 91 == len(body["results"])
    assert all(row["countries"] == LEOPARD_STATES for row in body["results"])
    assert sorted(real_plans["persian-leopard"].range_states.values_list("code", flat=True)) == LEOPARD_STATES


def test_leopard_outline_counts(real_plans):
    plan = real_plans["persian-leopard"]
    assert plan.elements.filter(level="theme").count() == 4
    assert plan.elements.filter(level="objective").count() == 12
    assert plan.conservation_units.count() == 4


def _activity(plan, key):
    activity = Activity.objects.get(plan__slug=plan, key=key)
    return APIClient().get(reverse("api:activity-detail", args=[activity.pk])).json()


def test_argali_unit_measure_field_by_field(real_plans):
    row = _activity("argali", "3.2")
    assert row["text"] == (
        "Conduct training for protected area staff, in particular on working with the public, law "
        "enforcement and monitoring, including application of SMART"
    )
    assert (row["priority"], row["priority_level"], row["priority_scale"]) == ("1", "high", "rank")
    assert row["actor"] == "GOs, NGOs"
    assert (row["section"], row["conservation_unit"]) == ("3.0", 2)
    assert row["countries"] == ["KG", "KZ", "UZ"]  # Western Tien Shan
    assert (row["timeline"], row["target_year"], row["budget"], row["budget_usd"]) == ("", None, "", None)


def test_argali_bulleted_measure_keeps_its_bullets_and_footnote(real_plans):
    row = _activity("argali", "10.5")
    lines = row["text"].split("\n")
    assert lines[0].startswith("Implement the conservation measures of relevance for Argali")
    assert len(lines) == 7 and all(line.startswith("·") for line in lines[1:])
    assert [f["number"] for f in row["footnotes"]] == [5]
    assert (row["priority"], row["priority_level"]) == ("3", "low")
    assert row["countries"] == ["CN", "KZ", "MN", "RU"]  # Altai


def test_argali_annex_action_field_by_field(real_plans):
    row = _activity("argali", "1.2.10")
    assert row["text"] == (
        "Discuss among all stakeholders the possibility of sustainable use of argali in countries where "
        "hunting does not exist at present."
    )
    assert row["applicability"] == "All, except Countries with trophy hunting programmes"
    assert row["countries"] == ["AF", "BT", "CN", "IN", "KZ", "NP", "PK", "RU"]
    assert (row["priority"], row["priority_level"], row["timeline"]) == ("Medium", "medium", "Medium")
    assert row["actor"] == (
        "Government agencies, Protected area managers, Hunting agencies, Hunting associations, CITES etc."
    )
    assert (row["objective"], row["result"]) == (1, "1.2")
    trophy = _activity("argali", "1.1.2")
    assert trophy["countries"] == ["KG", "MN", "TJ", "UZ"]
    assert [f["number"] for f in trophy["footnotes"]] == [6]


def test_cross_reference_links_both_ways(client, real_plans):
    measure = Activity.objects.get(plan__slug="argali", key="20.6")
    target = Activity.objects.get(plan__slug="argali", key="10.5")
    assert list(measure.linked_activities.all()) == [target]
    html = client.get(reverse("actionplans:activity_detail", args=[target.pk])).content.decode()
    assert "Referred to by" in html and reverse("actionplans:activity_detail", args=[measure.pk]) in html


def test_unit_23_is_kept_without_measures(real_plans):
    unit = ConservationUnit.objects.get(plan=real_plans["argali"], number=23)
    assert unit.name == "Gobi argali O.a.darwini in relevant areas of Mongolia"
    assert unit.activities.count() == 0


def test_fixtures_are_rebuilt_identically_from_the_source_documents():
    call_command("build_plan_fixtures", "--check", verbosity=0)


def _snapshot():
    models = [ActionPlan, PlanElement, Activity, ConservationUnit]
    return serializers.serialize("json", [obj for model in models for obj in model.objects.order_by("pk")])


def test_loading_again_changes_nothing(real_plans):
    before = _snapshot()
    assert action_plan_load(slug="argali").status == "already loaded"
    assert action_plan_load(slug="persian-leopard", update=True).status == "updated"
    assert _snapshot() == before


def test_staff_correction_survives_a_plain_reload(real_plans):
    Activity.objects.filter(plan__slug="argali", key="1.1").update(text="Corrected text")
    action_plan_load(slug="argali")
    assert Activity.objects.get(plan__slug="argali", key="1.1").text == "Corrected text"


def test_a_broken_fixture_loads_nothing(tmp_path, real_plans):
    source = fixtures_dir()
    shutil.copy(source / "countries.json", tmp_path / "countries.json")
    objects = json.loads((source / "argali.json").read_text().replace('"argali"', '"argali-copy"'))
    activities = [obj for obj in objects if obj["model"] == "actionplans.activity"]
    activities[-1]["fields"]["priority"] = "Urgent"  # not a word of the Annex scale
    (tmp_path / "argali-copy.json").write_text(json.dumps(objects))
    with pytest.raises(ValidationError) as error:
        action_plan_load(slug="argali-copy", directory=tmp_path)
    assert "Urgent" in str(error.value)
    assert not ActionPlan.objects.filter(slug="argali-copy").exists()
    assert not PlanElement.objects.filter(plan__slug="argali-copy").exists()
