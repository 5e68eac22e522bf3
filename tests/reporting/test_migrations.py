"""Migration 0004 checks existing rows before the database enforces its new rules; 0006 gives
reopened reports a state of their own.

Rows that break the rules cannot be written once the constraints exist, so these tests step the
database back to 0003 (or 0005), write them, and migrate again (hence transactional tests).
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
from reporting.models import Assignment, CountryReport, Evidence, ProgressChange, ProgressReport, ReportEvent
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


def _stepped_back_to(target):
    """The database as at ``target`` (models' columns unchanged, so the current models write its rows)."""
    apps = migrate(target)
    yield apps
    # Emptied (as a transactional test's end would) so that the database can migrate forward again.
    for model in (Evidence, ProgressChange, ProgressReport, ReportEvent, CountryReport, Assignment):
        model.objects.all().delete()
    migrate(latest())


@pytest.fixture
def before_guards(world):
    yield from _stepped_back_to(BEFORE)


@pytest.fixture
def before_reopened(world):
    yield from _stepped_back_to(BEFORE_REOPENED)


def _report(world):
    return services.progress_report_record(
        round=world["round"], activity=world["everywhere"], country=world["kz"], user=world["focal_kz"],
        values=ProgressInput(status="in_progress"))


def test_migration_stops_on_rows_breaking_the_new_rules_and_names_them(world, before_guards):
    report = _report(world)
    twin = ProgressChange.objects.create(progress_report=report, version=1, changed_at=timezone.now(),
                                         source="admin", changes={})
    again = Assignment.objects.create(user=world["focal_kz"], country=world["kz"])
    with_unit = Assignment.objects.create(user=world["observer"], country=world["kz"], plan=world["plan"],
                                          conservation_unit=world["unit"])
    ProgressReport.objects.filter(pk=report.pk).update(status="done")

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
    assert ProgressChange.objects.filter(pk=twin.pk).exists() and Assignment.objects.filter(pk=again.pk).exists()


def test_the_check_reads_the_historical_models_and_shows_a_few_ids(world, before_guards):
    report = _report(world)
    for _ in range(guards.SAMPLE_IDS + 2):
        Evidence.objects.create(progress_report=report, kind="link", title="Minutes", url="https://example.org",
                                visibility="secret")
    [breach] = guards.rule_breaches(before_guards)
    assert (breach.rule, breach.count, len(breach.ids)) == (
        "reporting_evidence_visibility_valid", guards.SAMPLE_IDS + 2, guards.SAMPLE_IDS)
    assert str(breach).endswith(", …). Set it to one of them in a Django shell.")


def test_texts_over_the_0003_limits_are_listed_but_do_not_stop_the_migration(world, before_guards, capsys):
    report = _report(world)
    ProgressReport.objects.filter(pk=report.pk).update(narrative="x" * 5001)
    migrate(GUARDS)
    assert GUARDS in applied()
    assert (f"- progressreport.narrative at most 5,000 characters: progress reports with a longer narrative: 1 "
            f"(ids {report.pk})"
            in capsys.readouterr().err)


def test_clean_data_migrates_silently(world, before_guards, capsys):
    _report(world)
    migrate(GUARDS)
    assert GUARDS in applied()
    assert capsys.readouterr().err == ""


# --- 0006: reopened for corrections ------------------------------------------------------------------

def _country_report(world, state, *actions, at=None):
    """A country report of the round in ``state`` with workflow events ``actions``, a minute apart
    (``at``: the events' times instead, in the same order)."""
    country_report = CountryReport.objects.create(round=world["round"], country=CountryFactory(), state=state)
    start = timezone.now() - datetime.timedelta(hours=1)
    times = at or [start + datetime.timedelta(minutes=n) for n in range(len(actions))]
    for action, when in zip(actions, times):
        ReportEvent.objects.create(country_report=country_report, action=action, actor=world["focal_kz"], at=when)
    return country_report


def test_submitted_reports_last_reopened_by_an_edit_become_reopened_and_go_back(world, before_reopened, capsys):
    reopened = _country_report(world, "submitted", "submitted", "validated", "reopened")
    by_the_secretariat = _country_report(world, "submitted", "submitted", "validated", "reopened")
    ReportEvent.objects.filter(country_report=by_the_secretariat).update(actor=world["secretariat"])
    waiting = _country_report(world, "submitted", "submitted")
    withdrawn_then_sent = _country_report(world, "submitted", "submitted", "validated", "reopened", "withdrawn",
                                          "submitted")
    validated_again = _country_report(world, "validated", "submitted", "validated", "reopened", "validated")
    now = timezone.now()
    # Newest first by time, then by id: a later event with a lower id is still the latest.
    later_submission = _country_report(world, "submitted", "submitted", "reopened",
                                       at=[now, now - datetime.timedelta(minutes=5)])
    same_time = _country_report(world, "submitted", "submitted", "reopened", at=[now, now])

    migrate(REOPENED_STATE)

    states = dict(CountryReport.objects.values_list("pk", "state"))
    assert {name: states[report.pk] for name, report in [
        ("reopened", reopened), ("by_the_secretariat", by_the_secretariat), ("waiting", waiting),
        ("withdrawn_then_sent", withdrawn_then_sent), ("validated_again", validated_again),
        ("later_submission", later_submission), ("same_time", same_time),
    ]} == {"reopened": "reopened", "by_the_secretariat": "reopened", "waiting": "submitted",
           "withdrawn_then_sent": "submitted", "validated_again": "validated", "later_submission": "submitted",
           "same_time": "reopened"}
    assert ("Country reports reopened for corrections (submitted, last reopened by an edit): 3"
            in capsys.readouterr().err)

    migrate(BEFORE_REOPENED)
    assert set(CountryReport.objects.values_list("state", flat=True)) == {"submitted", "validated"}
    assert CountryReport.objects.get(pk=reopened.pk).state == "submitted"


def test_without_reopened_reports_0006_migrates_silently(world, before_reopened, capsys):
    _country_report(world, "submitted", "submitted")
    migrate(REOPENED_STATE)
    assert REOPENED_STATE in applied()
    assert capsys.readouterr().err == ""


BEFORE_UNIQUE_TITLES = ("reporting", "0007_profile_mail_on_workflow")


@pytest.fixture
def before_unique_titles(world):
    yield from _stepped_back_to(BEFORE_UNIQUE_TITLES)


def test_rounds_sharing_a_title_get_their_dates_before_titles_become_unique(world, before_unique_titles):
    ReportingRound = before_unique_titles.get_model("reporting", "ReportingRound")  # as at 0007
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


@pytest.fixture
def before_published(world):
    stepped = _stepped_back_to(BEFORE_PUBLISHED)
    yield next(stepped)
    from reporting.models import PublishedEvidence, PublishedProgress

    PublishedEvidence.objects.all().delete()  # they point at rows the step back deletes
    PublishedProgress.objects.all().delete()
    next(stepped, None)


def test_migration_publishes_what_was_validated_even_when_corrected_since(world, before_published):
    from django.contrib.auth.models import AnonymousUser

    from reporting.models import PublishedProgress

    def record(activity, country, user, status, narrative="", version=None):
        return services.progress_report_record(
            round=world["round"], activity=world[activity], country=world[country], user=world[user],
            values=ProgressInput(status=status, narrative=narrative), expected_version=version)

    report = record("in_unit", "kz", "focal_kz", "in_progress", "Patrols")
    services.evidence_add(report=report, user=world["focal_kz"], title="Patrol log", url="https://example.org/log",
                          visibility="public")
    record("everywhere", "kz", "focal_kz", "not_started")
    country_report = CountryReport.objects.get(country=world["kz"])
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    # Validated before 0010 existed: the state and its event, as the service wrote them then.
    CountryReport.objects.filter(pk=country_report.pk).update(state="validated")
    ReportEvent.objects.create(country_report=country_report, action="validated", actor=world["secretariat"],
                               at=timezone.now())
    report.refresh_from_db()
    record("in_unit", "kz", "focal_kz", "completed", "Patrols and a census", version=report.version)
    services.evidence_add(report=report, user=world["focal_kz"], title="Census", url="https://example.org/census",
                          visibility="public")
    record("everywhere", "ir", "focal_ir", "ongoing")  # never validated
    assert CountryReport.objects.get(pk=country_report.pk).state == "reopened"

    migrate(PUBLISHED_VERSIONS)

    published = {p.progress_report.activity.code: p for p in PublishedProgress.objects.select_related(
        "progress_report__activity")}
    assert {code: (p.status, p.narrative, p.version) for code, p in published.items()} == {
        "2.1": ("in_progress", "Patrols", 2), "2.2": ("not_started", "", 1)}
    assert published["2.1"].validated_by == world["secretariat"]
    assert [link.evidence.title for link in published["2.1"].evidence_links.all()] == ["Patrol log"]
    public = {r.activity.code: r.status for r in ProgressReport.objects.visible_to(AnonymousUser())
              .select_related("activity")}
    assert public == {"2.1": "in_progress", "2.2": "not_started"}
