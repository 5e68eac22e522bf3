"""load_plans writes a plan in bulk: its number of queries does not follow the number of activities
(issue #11: 8,026 queries for the two plans row by row). What it loads is checked in test_real_plans.py."""
import json
import shutil

import pytest
from django.core.exceptions import ValidationError

from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.models import ActionPlan, Activity
from actionplans.services import action_plan_load, fixtures_dir


def _argali_copy(directory, slug: str, copies: int) -> int:
    """The Argali fixture as plan ``slug``, its activities ``copies`` times over; returns how many."""
    source = fixtures_dir()
    shutil.copy(source / "countries.json", directory / "countries.json")
    objects = json.loads((source / "argali.json").read_text().replace('"argali"', f'"{slug}"'))
    activities = [obj for obj in objects if obj["model"] == "actionplans.activity"]
    for n in range(1, copies):
        for activity in activities:
            fields = dict(activity["fields"], key=f"{activity['fields']['key']}-{n}",
                          position=activity["fields"]["position"] + 1000 * n)
            objects.append({"model": "actionplans.activity", "fields": fields})
    (directory / f"{slug}.json").write_text(json.dumps(objects))
    return len(activities) * copies


def _queries_to_load(directory, slug: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = action_plan_load(slug=slug, directory=directory)
    assert result.status == "loaded"
    return len(queries)


def test_a_plan_twice_as_long_loads_in_about_as_many_queries(tmp_path, real_plans):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    assert _argali_copy(tmp_path / "one", "argali-one", 1) == 166
    assert _argali_copy(tmp_path / "two", "argali-two", 2) == 332
    one, two = _queries_to_load(tmp_path / "one", "argali-one"), _queries_to_load(tmp_path / "two", "argali-two")
    assert Activity.objects.filter(plan__slug="argali-two").count() == 332
    assert one < 60, "row by row it took over 4,000"
    # SQLite takes 999 parameters a query, so a bulk insert of many rows is split (about 28 activities, or
    # 499 links, a query); PostgreSQL inserts them in one.
    assert two - one <= 12


def test_reloading_with_update_takes_as_few_queries(real_plans):
    with CaptureQueriesContext(connection) as queries:
        assert action_plan_load(slug="argali", update=True).status == "updated"
    assert len(queries) < 80
    assert ActionPlan.objects.get(slug="argali").activities.current().count() == 166


def test_a_fixture_naming_an_unknown_row_loads_nothing_and_says_which(tmp_path, real_plans):
    _argali_copy(tmp_path, "argali-typo", 1)
    objects = json.loads((tmp_path / "argali-typo.json").read_text())
    activity = next(obj for obj in objects if obj["model"] == "actionplans.activity" and obj["fields"]["section"])
    activity["fields"]["section"] = ["argali-typo", "section", "99.0"]
    (tmp_path / "argali-typo.json").write_text(json.dumps(objects))
    with pytest.raises(ValidationError) as error:
        action_plan_load(slug="argali-typo", directory=tmp_path)
    assert "plan element argali-typo / section / 99.0 is named" in str(error.value)
    assert not ActionPlan.objects.filter(slug="argali-typo").exists()
