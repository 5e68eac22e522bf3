"""Migration 0004 checks existing rows before the database enforces its new rules; 0006 gives
reopened reports a state of their own.

Rows that break the rules cannot be written once the constraints exist, so these tests step the
database back to 0003 (or 0005), write them, and migrate again (hence transactional tests). Once
stepped back, rows are written with the historical models: today's have columns (the funds of 0011,
...) that the older tables lack.
"""
import datetime
import importlib

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from reporting import services
from reporting.models import (
    Assignment, CountryReport, Evidence, ProgressChange, ProgressReport, PublishedEvidence, PublishedProgress,
    ReportEvent,
)
from reporting.services import ProgressInput
from tests.factories import CountryFactory

BEFORE, GUARDS = ("reporting", "0003_text_limits"), ("reporting", "0004_database_guards")
BEFORE_REOPENED, REOPENED_STATE = ("reporting", "0005_round_dates_message"), ("reporting", "0006_reopened_state")
guards = importlib.import_module("reporting.migrations.0004_database_guards")

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes("reporting")[0]


def applied():
    return MigrationRecorder(connection).applied_migrations()


def _empty_reporting_tables():
    """Deletes the rows the tests wrote, table by table in raw SQL: the current models may name columns
    that a database stepped back does not have, and their queries would fail."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in (PublishedEvidence, PublishedProgress, Evidence, ProgressChange, ProgressReport, ReportEvent,
                      CountryReport, Assignment):
            if model._meta.db_table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


@pytest.fixture
def step_back(world):
    """``step_back(target)`` migrates the database back to ``target`` and returns the models as they were
    there. Rows are written with the current models and services *before* stepping back (the migrations
    keep them), and with the returned historical models after. Afterwards the rows are emptied (as a
    transactional test's end would) and the database migrated forward again."""
    yield migrate
    _empty_reporting_tables()
    migrate(latest())


def _report(world):
    return services.progress_report_record(
        round=world["round"], activity=world["everywhere"], country=world["kz"], user=world["focal_kz"],
        values=ProgressInput(status="in_progress"))


def test_migration_stops_on_rows_breaking_the_new_rules_and_names_them(world, step_back):
    report = _report(world)
    old = step_back(BEFORE)
    twin = old.get_model("reporting", "ProgressChange").objects.create(
        progress_report_id=report.pk, version=1, changed_at=timezone.now(), source="admin", changes={})
    OldAssignment = old.get_model("reporting", "Assignment")
    again = OldAssignment.objects.create(user_id=world["focal_kz"].pk, country_id=world["kz"].pk)
    with_unit = OldAssignment.objects.create(user_id=world["observer"].pk, country_id=world["kz"].pk,
                                             plan_id=world["plan"].pk, conservation_unit_id=world["unit"].pk)
    old.get_model("reporting", "ProgressReport").objects.filter(pk=report.pk).update(status="done")

    with pytest.raises(CommandError) as stopped:
        migrate(GUARDS)

    text = str(stopped.value)
    assert "reporting_progresschange_one_per_version: history entries repeating the progress report and version " \
           f"of an earlier entry: 1 (ids {twin.pk})" in text
    assert "reporting_assignment_focal_point_once_for_every_plan: focal point assignments for every plan " \
           f"repeating an earlier one of the same user and country: 1 (ids {again.pk})" in text
    assert f"reporting_assignment_focal_point_has_no_unit: focal point assignments naming a conservation unit: " \
           f"1 (ids {with_unit.pk})" in text
    assert "reporting_progressreport_status_valid: progress reports whose status is none of not_started, " \
           f"in_progress, completed, ongoing, not_applicable: 1 (ids {report.pk})" in text
    assert "delete them in the admin" in text and "run migrate again" in text
    assert "reporting_countryreport_state_valid" not in text  # rules no row breaks are not listed
    assert GUARDS not in applied()
    assert old.get_model("reporting", "ProgressChange").objects.filter(pk=twin.pk).exists()
    assert OldAssignment.objects.filter(pk=again.pk).exists()


def test_the_check_reads_the_historical_models_and_shows_a_few_ids(world, step_back):
    report = _report(world)
    old = step_back(BEFORE)
    for _ in range(guards.SAMPLE_IDS + 2):
        old.get_model("reporting", "Evidence").objects.create(
            progress_report_id=report.pk, kind="link", title="Minutes", url="https://example.org", visibility="secret")
    [breach] = guards.rule_breaches(old)
    assert (breach.rule, breach.count, len(breach.ids)) == (
        "reporting_evidence_visibility_valid", guards.SAMPLE_IDS + 2, guards.SAMPLE_IDS)
    assert str(breach).endswith(", …). Set it to one of them in a Django shell.")


def test_texts_over_the_0003_limits_are_listed_but_do_not_stop_the_migration(world, step_back, capsys):
    report = _report(world)
    old = step_back(BEFORE)
    old.get_model("reporting", "ProgressReport").objects.filter(pk=report.pk).update(narrative="x" * 5001)
    migrate(GUARDS)
    assert GUARDS in applied()
    assert (f"- progressreport.narrative at most 5,000 characters: progress reports with a longer narrative: 1 "
            f"(ids {report.pk})"
            in capsys.readouterr().err)


def test_clean_data_migrates_silently(world, step_back, capsys):
    _report(world)
    step_back(BEFORE)
    migrate(GUARDS)
    assert GUARDS in applied()
    assert capsys.readouterr().err == ""


# --- 0006: reopened for corrections ------------------------------------------------------------------

def _country_report(old, world, state, *actions, at=None):
    """A country report of the round in ``state`` with workflow events ``actions``, a minute apart
    (``at``: the events' times instead, in the same order), written with the historical models ``old``."""
    country_report = old.get_model("reporting", "CountryReport").objects.create(
        round_id=world["round"].pk, country_id=CountryFactory().pk, state=state)
    start = timezone.now() - datetime.timedelta(hours=1)
    times = at or [start + datetime.timedelta(minutes=n) for n in range(len(actions))]
    for action, when in zip(actions, times):
        old.get_model("reporting", "ReportEvent").objects.create(
            country_report_id=country_report.pk, action=action, actor_id=world["focal_kz"].pk, at=when)
    return country_report


def test_submitted_reports_last_reopened_by_an_edit_become_reopened_and_go_back(world, step_back, capsys):
    old = step_back(BEFORE_REOPENED)
    reopened = _country_report(old, world, "submitted", "submitted", "validated", "reopened")
    by_the_secretariat = _country_report(old, world, "submitted", "submitted", "validated", "reopened")
    old.get_model("reporting", "ReportEvent").objects.filter(country_report_id=by_the_secretariat.pk).update(
        actor_id=world["secretariat"].pk)
    waiting = _country_report(old, world, "submitted", "submitted")
    withdrawn_then_sent = _country_report(old, world, "submitted", "submitted", "validated", "reopened",
                                          "withdrawn", "submitted")
    validated_again = _country_report(old, world, "validated", "submitted", "validated", "reopened", "validated")
    now = timezone.now()
    # Newest first by time, then by id: a later event with a lower id is still the latest.
    later_submission = _country_report(old, world, "submitted", "submitted", "reopened",
                                       at=[now, now - datetime.timedelta(minutes=5)])
    same_time = _country_report(old, world, "submitted", "submitted", "reopened", at=[now, now])

    after = migrate(REOPENED_STATE)

    states = dict(after.get_model("reporting", "CountryReport").objects.values_list("pk", "state"))
    assert {name: states[report.pk] for name, report in [
        ("reopened", reopened), ("by_the_secretariat", by_the_secretariat), ("waiting", waiting),
        ("withdrawn_then_sent", withdrawn_then_sent), ("validated_again", validated_again),
        ("later_submission", later_submission), ("same_time", same_time),
    ]} == {"reopened": "reopened", "by_the_secretariat": "reopened", "waiting": "submitted",
           "withdrawn_then_sent": "submitted", "validated_again": "validated", "later_submission": "submitted",
           "same_time": "reopened"}
    assert ("Country reports reopened for corrections (submitted, last reopened by an edit): 3"
            in capsys.readouterr().err)

    before = migrate(BEFORE_REOPENED)
    OldCountryReport = before.get_model("reporting", "CountryReport")
    assert set(OldCountryReport.objects.values_list("state", flat=True)) == {"submitted", "validated"}
    assert OldCountryReport.objects.get(pk=reopened.pk).state == "submitted"


def test_without_reopened_reports_0006_migrates_silently(world, step_back, capsys):
    _country_report(step_back(BEFORE_REOPENED), world, "submitted", "submitted")
    migrate(REOPENED_STATE)
    assert REOPENED_STATE in applied()
    assert capsys.readouterr().err == ""


BEFORE_UNIQUE_TITLES = ("reporting", "0007_profile_mail_on_workflow")


def test_rounds_sharing_a_title_get_their_dates_before_titles_become_unique(world, step_back):
    ReportingRound = step_back(BEFORE_UNIQUE_TITLES).get_model("reporting", "ReportingRound")  # as at 0007
    first = world["round"]  # "2026 report", opened 2026-01-01
    ReportingRound.objects.filter(pk=first.pk).update(status="closed")
    twin = ReportingRound.objects.create(plan_id=world["plan"].pk, title=first.title, opens_on=datetime.date(2026, 9, 1),
                                         due_on=datetime.date(2026, 12, 1))
    migrate(("reporting", "0008_round_title_unique_per_plan"))
    titles = dict(ReportingRound.objects.values_list("pk", "title"))
    assert titles == {first.pk: "2026 report", twin.pk: f"2026 report (2026-09-01, #{twin.pk})"}


# --- 0010: published versions ------------------------------------------------------------------------

PUBLISHED_VERSIONS = ("reporting", "0010_published_versions")
BEFORE_PUBLISHED = ("reporting", "0009_round_edition")


def test_migration_publishes_what_was_validated_even_when_corrected_since(world, step_back):
    from django.contrib.auth.models import AnonymousUser

    def record(activity, country, user, status, narrative="", version=None):
        return services.progress_report_record(
            round=world["round"], activity=world[activity], country=world[country], user=world[user],
            values=ProgressInput(status=status, narrative=narrative), expected_version=version)

    # Written with today's services; "validated" is set by hand as the service wrote it before 0010 (the
    # state and its event, no published version), and the database then stepped back to before 0010.
    report = record("in_unit", "kz", "focal_kz", "in_progress", "Patrols")
    services.evidence_add(report=report, user=world["focal_kz"], title="Patrol log", url="https://example.org/log",
                          visibility="public")
    record("everywhere", "kz", "focal_kz", "not_started")
    country_report = CountryReport.objects.get(country=world["kz"])
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    CountryReport.objects.filter(pk=country_report.pk).update(state="validated")
    ReportEvent.objects.create(country_report=country_report, action="validated", actor=world["secretariat"],
                               at=timezone.now())
    report.refresh_from_db()
    record("in_unit", "kz", "focal_kz", "completed", "Patrols and a census", version=report.version)
    services.evidence_add(report=report, user=world["focal_kz"], title="Census", url="https://example.org/census",
                          visibility="public")
    record("everywhere", "ir", "focal_ir", "ongoing")  # never validated
    assert CountryReport.objects.get(pk=country_report.pk).state == "reopened"
    assert not PublishedProgress.objects.exists()
    step_back(BEFORE_PUBLISHED)

    migrate(PUBLISHED_VERSIONS)
    migrate(latest())  # read with today's models

    published = {p.progress_report.activity.code: p for p in PublishedProgress.objects.select_related(
        "progress_report__activity")}
    assert {code: (p.status, p.narrative, p.version) for code, p in published.items()} == {
        "2.1": ("in_progress", "Patrols", 2), "2.2": ("not_started", "", 1)}
    assert published["2.1"].validated_by == world["secretariat"]
    assert [link.evidence.title for link in published["2.1"].evidence_links.all()] == ["Patrol log"]
    public = {r.activity.code: r.status for r in ProgressReport.objects.visible_to(AnonymousUser())
              .select_related("activity")}
    assert public == {"2.1": "in_progress", "2.2": "not_started"}
