"""The database guards the rules it can check, and drops orderings that joined tables into every query.

New constraints: one history entry per version of a progress report; a focal point once per country and
plan (or every plan) and never for a single conservation unit; roles, statuses, states and visibility
within their choices. Adding a constraint fails on rows that already break it, and on PostgreSQL with
an error naming only the constraint; so ``check_existing_rows`` runs first and stops the migration with
every rule broken, how many rows, a few of their ids and what to do. It changes and deletes nothing:
which duplicate to keep is for the Secretariat to decide. Texts longer than the 0003 limits are not
the database's rule but would make every later save of their report fail: listed as well, they do
not stop the migration.

The messages are for whoever runs ``migrate``, so they are not translated.
"""
import sys

from django.conf import settings
from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length

SAMPLE_IDS = 5

# As at 0003_text_limits (reporting.rules then); a migration keeps its own copy of what it checks.
TEXT_MAX_CHARS = 5000
CHOICES = {
    ("Assignment", "role"): ["focal_point", "contributor"],
    ("ReportingRound", "status"): ["open", "closed"],
    ("CountryReport", "state"): ["draft", "submitted", "validated", "returned"],
    ("ProgressReport", "status"): ["not_started", "in_progress", "completed", "ongoing", "not_applicable"],
    ("Evidence", "visibility"): ["public", "restricted"],
}
WHERE_TO_EDIT = {
    "Assignment": "in the admin (Reporting › Assignments)",
    "ReportingRound": "in a Django shell (the admin shows a round's status read-only)",
    "CountryReport": "in a Django shell (the admin shows a report's state read-only)",
    "ProgressReport": "in a Django shell (the admin shows progress reports read-only)",
    "Evidence": "in a Django shell",
}


class Breach:
    """Existing rows that break one rule: the rule's name, how many, a few ids, what to do."""

    def __init__(self, rule: str, queryset, description: str, advice: str):
        self.rule, self.description, self.advice = rule, description, advice
        self.count = queryset.count()
        self.ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:SAMPLE_IDS]) if self.count else []

    def __str__(self):
        more = ", …" if self.count > len(self.ids) else ""
        ids = ", ".join(str(pk) for pk in self.ids)
        return f"- {self.rule}: {self.description}: {self.count} (ids {ids}{more}). {self.advice}"


def _repeats(queryset, *fields):
    """The rows of ``queryset`` with an earlier row (lower id) equal in ``fields``: all but the first."""
    earlier = queryset.filter(pk__lt=OuterRef("pk"), **{field: OuterRef(field) for field in fields})
    return queryset.filter(Exists(earlier))


def rule_breaches(apps) -> list:
    """Existing rows that the new constraints would refuse, one Breach per rule with any."""
    Assignment = apps.get_model("reporting", "Assignment")
    ProgressChange = apps.get_model("reporting", "ProgressChange")
    focal_points = Assignment.objects.filter(role="focal_point")
    breaches = [
        Breach("reporting_progresschange_one_per_version",
               _repeats(ProgressChange.objects.all(), "progress_report", "version"),
               "history entries repeating the progress report and version of an earlier entry",
               "Each saved version has one entry: compare each with the earlier one of the same report and "
               "version, keep the one that matches the report, and delete or renumber the other in a Django "
               "shell."),
        Breach("reporting_assignment_focal_point_once_for_every_plan",
               _repeats(focal_points.filter(plan__isnull=True), "user", "country"),
               "focal point assignments for every plan repeating an earlier one of the same user and country",
               "They grant nothing more than the first: delete them in the admin (Reporting › Assignments)."),
        Breach("reporting_assignment_focal_point_once_per_plan",
               _repeats(focal_points.filter(plan__isnull=False), "user", "country", "plan"),
               "focal point assignments repeating an earlier one of the same user, country and plan",
               "They grant nothing more than the first: delete them in the admin (Reporting › Assignments)."),
        Breach("reporting_assignment_focal_point_has_no_unit",
               focal_points.filter(conservation_unit__isnull=False),
               "focal point assignments naming a conservation unit",
               "A focal point reports for the whole country: in the admin, empty their conservation unit, "
               "or make them contributor assignments if the person should draft that unit only."),
    ]
    for (model_name, field), values in CHOICES.items():
        model = apps.get_model("reporting", model_name)
        breaches.append(Breach(
            f"reporting_{model_name.lower()}_{field}_valid", model.objects.exclude(**{f"{field}__in": values}),
            f"{model._meta.verbose_name_plural} whose {field} is none of {', '.join(values)}",
            f"Set it to one of them {WHERE_TO_EDIT[model_name]}."))
    return [breach for breach in breaches if breach.count]


def text_breaches(apps) -> list:
    """Texts longer than the 0003 limits: every later save of them is refused until they are shortened."""
    found = []
    for model_name, field in [("ProgressReport", "narrative"), ("ProgressReport", "obstacles"),
                              ("CountryReport", "return_comment"), ("ReportEvent", "comment")]:
        model = apps.get_model("reporting", model_name)
        rows = model.objects.annotate(length=Length(field)).filter(length__gt=TEXT_MAX_CHARS)
        found.append(Breach(
            f"{model._meta.model_name}.{field} at most {TEXT_MAX_CHARS:,} characters", rows,
            f"{model._meta.verbose_name_plural} with a longer {field}",
            "Every later save of them is refused until the text is shortened: on the report page while its "
            "round is open, else in a Django shell."))
    return [breach for breach in found if breach.count]


def message(breaches: list, texts: list) -> str:
    lines = []
    if breaches:
        lines += ["Existing rows break rules the database is about to enforce. The migration stopped and "
                  "changed nothing; correct these rows, then run migrate again:", *map(str, breaches)]
    if texts:
        lines += ["Texts longer than their limit (they do not stop the migration):", *map(str, texts)]
    return "\n".join(lines)


def check_existing_rows(apps, schema_editor):
    breaches, texts = rule_breaches(apps), text_breaches(apps)
    if breaches:
        raise CommandError(message(breaches, texts))
    if texts:
        sys.stderr.write(message(breaches, texts) + "\n")


class Migration(migrations.Migration):

    dependencies = [
        ('actionplans', '0002_initial'),
        ('conservation_units', '0001_initial'),
        ('reporting', '0003_text_limits'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(check_existing_rows, migrations.RunPython.noop, elidable=True),
        migrations.AlterModelOptions(
            name='assignment',
            options={'verbose_name': 'assignment', 'verbose_name_plural': 'assignments'},
        ),
        migrations.AlterModelOptions(
            name='countryreport',
            options={'verbose_name': 'country report', 'verbose_name_plural': 'country reports'},
        ),
        migrations.AlterModelOptions(
            name='progressreport',
            options={'verbose_name': 'progress report', 'verbose_name_plural': 'progress reports'},
        ),
        migrations.AddConstraint(
            model_name='assignment',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['focal_point', 'contributor'])), name='reporting_assignment_role_valid'),
        ),
        migrations.AddConstraint(
            model_name='assignment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('role', 'focal_point'), _negated=True), ('conservation_unit__isnull', True), _connector='OR'), name='reporting_assignment_focal_point_has_no_unit', violation_error_message='A focal point reports for the whole country.'),
        ),
        migrations.AddConstraint(
            model_name='assignment',
            constraint=models.UniqueConstraint(condition=models.Q(('plan__isnull', True), ('role', 'focal_point')), fields=('user', 'country'), name='reporting_assignment_focal_point_once_for_every_plan', violation_error_message='This user is already focal point of this country for every plan.'),
        ),
        migrations.AddConstraint(
            model_name='assignment',
            constraint=models.UniqueConstraint(condition=models.Q(('plan__isnull', False), ('role', 'focal_point')), fields=('user', 'country', 'plan'), name='reporting_assignment_focal_point_once_per_plan', violation_error_message='This user is already focal point of this country for this plan.'),
        ),
        migrations.AddConstraint(
            model_name='countryreport',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['draft', 'submitted', 'validated', 'returned'])), name='reporting_countryreport_state_valid'),
        ),
        migrations.AddConstraint(
            model_name='evidence',
            constraint=models.CheckConstraint(condition=models.Q(('visibility__in', ['public', 'restricted'])), name='reporting_evidence_visibility_valid'),
        ),
        migrations.AddConstraint(
            model_name='progresschange',
            constraint=models.UniqueConstraint(fields=('progress_report', 'version'), name='reporting_progresschange_one_per_version'),
        ),
        migrations.AddConstraint(
            model_name='progressreport',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['not_started', 'in_progress', 'completed', 'ongoing', 'not_applicable'])), name='reporting_progressreport_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='reportinground',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['open', 'closed'])), name='reporting_reportinground_status_valid'),
        ),
    ]
