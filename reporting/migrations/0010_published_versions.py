"""Published versions of progress reports: what the public reads while a correction is in review.

The data step publishes what was validated before this migration:
- a country report validated now: its reports' current values and public evidence;
- one validated, then corrected (reopened, submitted again, returned): the values at its last validation,
  read back from the history (each change after it undone, newest first: its old values restored), and
  the public evidence that was attached then and not yet removed. A report made after the validation
  has no published version (it was not validated).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


UNDONE_FIELDS = ("status", "narrative", "obstacles", "expected_year", "carried_over")


def _published_values(report, changes, validated_at):
    """The report's values at ``validated_at`` from its current values and its history, or None when
    it did not exist then. ``changes``: its history entries, newest first."""
    values = {name: getattr(report, name) for name in UNDONE_FIELDS}
    values.update(version=report.version, updated_at=report.updated_at, updated_by_id=report.updated_by_id)
    if validated_at is None:
        return values
    later = [change for change in changes if change.changed_at > validated_at]
    earlier = [change for change in changes if change.changed_at <= validated_at]
    if not later:
        return values
    if not earlier and report.created_at > validated_at:
        return None
    for change in later:  # newest first: each change undone restores what it replaced
        for name in UNDONE_FIELDS:
            if name in change.changes:
                values[name] = change.changes[name][0]
    values["version"] = min(change.version for change in later) - 1
    if values["version"] < 1:
        return None
    if earlier:
        values.update(updated_at=earlier[0].changed_at, updated_by_id=earlier[0].changed_by_id)
    return values


def publish_validated_reports(apps, schema_editor):
    CountryReport = apps.get_model("reporting", "CountryReport")
    ReportEvent = apps.get_model("reporting", "ReportEvent")
    ProgressReport = apps.get_model("reporting", "ProgressReport")
    ProgressChange = apps.get_model("reporting", "ProgressChange")
    Evidence = apps.get_model("reporting", "Evidence")
    PublishedProgress = apps.get_model("reporting", "PublishedProgress")
    PublishedEvidence = apps.get_model("reporting", "PublishedEvidence")
    last_validation = {}
    for event in ReportEvent.objects.filter(action="validated").order_by("at", "id"):
        last_validation[event.country_report_id] = event  # the latest wins
    ids = set(last_validation) | set(CountryReport.objects.filter(state="validated").values_list("pk", flat=True))
    for country_report in CountryReport.objects.filter(pk__in=ids).order_by("pk"):
        event = last_validation.get(country_report.pk)
        validated_at = event.at if event else None
        for report in ProgressReport.objects.filter(country_report=country_report).order_by("pk"):
            changes = list(ProgressChange.objects.filter(progress_report=report).order_by("-changed_at", "-id"))
            values = _published_values(report, changes, validated_at)
            if values is None:
                continue
            published = PublishedProgress.objects.create(
                progress_report=report, validated_at=validated_at or country_report.updated_at,
                validated_by_id=event.actor_id if event else None, **values)
            evidence = Evidence.objects.filter(progress_report=report, visibility="public")
            if validated_at is None:
                evidence = evidence.filter(removed_at__isnull=True)
            else:
                evidence = evidence.filter(added_at__lte=validated_at).exclude(removed_at__lte=validated_at)
            PublishedEvidence.objects.bulk_create(
                [PublishedEvidence(published=published, evidence=item) for item in evidence])


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0009_round_edition'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PublishedProgress',
            fields=[
                ('progress_report', models.OneToOneField(on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='published', serialize=False, to='reporting.progressreport', verbose_name='progress report')),
                ('status', models.CharField(max_length=20, verbose_name='status')),
                ('narrative', models.TextField(blank=True, verbose_name='what was done')),
                ('obstacles', models.TextField(blank=True, verbose_name='obstacles')),
                ('expected_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='expected completion year')),
                ('carried_over', models.BooleanField(default=False, verbose_name='carried over')),
                ('version', models.PositiveIntegerField(verbose_name='version')),
                ('updated_at', models.DateTimeField(verbose_name='updated')),
                ('validated_at', models.DateTimeField(verbose_name='validated at')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by')),
                ('validated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='validated by')),
            ],
            options={
                'verbose_name': 'published version',
                'verbose_name_plural': 'published versions',
            },
        ),
        migrations.CreateModel(
            name='PublishedEvidence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('evidence', models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='published_in', to='reporting.evidence')),
                ('published', models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='evidence_links', to='reporting.publishedprogress')),
            ],
            options={
                'verbose_name': 'published evidence',
                'verbose_name_plural': 'published evidence',
                'constraints': [models.UniqueConstraint(fields=('published', 'evidence'), name='reporting_publishedevidence_once')],
            },
        ),
        migrations.RunPython(publish_validated_reports, migrations.RunPython.noop),
    ]
