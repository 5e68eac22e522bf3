"""Each reporting round reports on one edition of its plan: every existing round gets its plan's edition 1
(created by actionplans 0005_plan_editions, the only edition there is), so it lists the same activities."""
import django.db.models.deletion
from django.db import migrations, models


def attach_first_editions(apps, schema_editor):
    ReportingRound = apps.get_model("reporting", "ReportingRound")
    PlanEdition = apps.get_model("actionplans", "PlanEdition")
    for edition in PlanEdition.objects.filter(number=1):
        ReportingRound.objects.filter(plan_id=edition.plan_id).update(edition=edition)


class Migration(migrations.Migration):

    dependencies = [
        ("actionplans", "0005_plan_editions"),
        ("reporting", "0008_round_title_unique_per_plan"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportinground",
            name="edition",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="rounds", to="actionplans.planedition", verbose_name="edition"),
        ),
        migrations.RunPython(attach_first_editions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reportinground",
            name="edition",
            field=models.ForeignKey(help_text="The plan's edition when the round opened: its activities are the ones reported on.", on_delete=django.db.models.deletion.PROTECT, related_name="rounds", to="actionplans.planedition", verbose_name="edition"),
        ),
    ]
