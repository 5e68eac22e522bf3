"""A validated report the country corrects is "reopened for corrections", a state of its own.

Until now such a report went back to "submitted", and the rule that let the country go on correcting it
read its latest workflow event ("reopened"). This migration allows the new state in the database and
moves every report that is submitted and whose latest event (newest ``at``, then ``id``) is "reopened"
to it: the reports the country could still correct stay correctable, and leave the Secretariat's
validation queue until they are submitted again. That includes those the Secretariat itself corrected
(the event does not say who was staff then, and the old rule let the country correct them too); from
now on the Secretariat's corrections leave a report submitted. Reports the country submitted keep
their state. Reversed, reopened reports go back to submitted (and the old constraint is restored after):
their latest event still says "reopened", which is what the old rule read.

The new constraint only adds a value to the allowed states, so no existing row can break it; the count
of reports moved is printed for whoever runs ``migrate`` (hence not translated).
"""
import sys

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# As at this migration (CountryReport.State, ReportEvent.Action); a migration keeps its own copy.
SUBMITTED, REOPENED = "submitted", "reopened"
STATES = ["draft", "submitted", "validated", "returned", "reopened"]


def reopened_by_their_latest_event(apps):
    """Submitted country reports whose latest workflow event is "reopened" (a correction after validation)."""
    CountryReport = apps.get_model("reporting", "CountryReport")
    ReportEvent = apps.get_model("reporting", "ReportEvent")
    latest = ReportEvent.objects.filter(country_report=OuterRef("pk")).order_by("-at", "-id").values("action")[:1]
    return CountryReport.objects.filter(state=SUBMITTED).annotate(latest_action=Subquery(latest)).filter(
        latest_action=REOPENED)


def mark_reopened(apps, schema_editor):
    CountryReport = apps.get_model("reporting", "CountryReport")
    ids = list(reopened_by_their_latest_event(apps).values_list("pk", flat=True))
    moved = CountryReport.objects.filter(pk__in=ids).update(state=REOPENED)
    if moved:
        sys.stderr.write(f"Country reports reopened for corrections (submitted, last reopened by an edit): {moved}\n")


def unmark_reopened(apps, schema_editor):
    CountryReport = apps.get_model("reporting", "CountryReport")
    CountryReport.objects.filter(state=REOPENED).update(state=SUBMITTED)


class Migration(migrations.Migration):

    dependencies = [
        ('conservation_units', '0001_initial'),
        ('reporting', '0005_round_dates_message'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='countryreport',
            name='reporting_countryreport_state_valid',
        ),
        migrations.AlterField(
            model_name='countryreport',
            name='state',
            field=models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('validated', 'Validated'), ('returned', 'Returned'), ('reopened', 'Reopened for corrections')], default='draft', max_length=10, verbose_name='state'),
        ),
        migrations.AlterField(
            model_name='reportevent',
            name='action',
            field=models.CharField(choices=[('submitted', 'Submitted'), ('withdrawn', 'Withdrawn'), ('validated', 'Validated'), ('returned', 'Returned with a comment'), ('reopened', 'Reopened by an edit')], max_length=20, verbose_name='action'),
        ),
        migrations.AddConstraint(
            model_name='countryreport',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', STATES)), name='reporting_countryreport_state_valid'),
        ),
        # Last, so that reversed it runs first: no reopened row is left when the old constraint returns.
        migrations.RunPython(mark_reopened, unmark_reopened),
    ]
