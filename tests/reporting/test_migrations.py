"""Migration 0004 checks existing rows before the database enforces its new rules.

Rows that break the rules cannot be written once the constraints exist, so these tests step the
database back to 0003, write them, and migrate again (hence transactional tests).
"""
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

BEFORE, GUARDS = ("reporting", "0003_text_limits"), ("reporting", "0004_database_guards")
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


@pytest.fixture
def before_guards(world):
    """The database as at 0003 (models' columns unchanged, so the current models write its rows)."""
    apps = migrate(BEFORE)
    yield apps
    # Emptied (as a transactional test's end would) so that the database can migrate forward again.
    for model in (Evidence, ProgressChange, ProgressReport, ReportEvent, CountryReport, Assignment):
        model.objects.all().delete()
    migrate(latest())


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
