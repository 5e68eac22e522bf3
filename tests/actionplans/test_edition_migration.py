"""Migrations actionplans 0005_plan_editions and reporting 0009_round_edition: every existing plan gets
edition 1 ("Draft" where its document is a draft), with every activity and round attached to it."""
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("actionplans", "0004_plan_texts_per_language"), ("reporting", "0008_round_title_unique_per_plan")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest():
    graph = MigrationExecutor(connection).loader.graph
    return [graph.leaf_nodes(app)[0] for app in ("actionplans", "reporting")]


def test_existing_plans_activities_and_rounds_get_edition_one():
    apps = migrate(BEFORE)
    ActionPlan, PlanElement = apps.get_model("actionplans", "ActionPlan"), apps.get_model("actionplans", "PlanElement")
    Activity, ReportingRound = apps.get_model("actionplans", "Activity"), apps.get_model("reporting", "ReportingRound")
    plans = {}
    for slug, title in (("old-draft", "Draft Action Plan for Testing"), ("old-adopted", "Action Plan for Testing")):
        plan = plans[slug] = ActionPlan.objects.create(slug=slug, title=title, short_title=slug,
                                                       species_common_name="x", species_scientific_name="y",
                                                       period_start=2025, period_end=2030)
        result = PlanElement.objects.create(plan=plan, level="result", code="1.1", title="Result", position=1)
        Activity.objects.create(plan=plan, kind="activity", code="1.1.1", key="1.1.1", position=1, text="Survey",
                                result=result, priority_scale="score")
        ReportingRound.objects.create(plan=plan, title="2025 report", opens_on=datetime.date(2025, 1, 1),
                                      due_on=datetime.date(2025, 6, 30), status="closed")
    apps = migrate(latest())
    PlanEdition = apps.get_model("actionplans", "PlanEdition")
    Activity, ReportingRound = apps.get_model("actionplans", "Activity"), apps.get_model("reporting", "ReportingRound")
    expected = (("old-draft", "Draft", "draft"), ("old-adopted", "First edition", "first-edition"))
    for slug, title, edition_slug in expected:
        edition = PlanEdition.objects.get(plan__slug=slug)
        assert (edition.number, edition.title, edition.slug) == (1, title, edition_slug)
        assert list(Activity.objects.filter(plan__slug=slug).values_list("edition_id", flat=True)) == [edition.pk]
        assert list(ReportingRound.objects.filter(plan__slug=slug).values_list("edition_id", flat=True)) == [
            edition.pk]
