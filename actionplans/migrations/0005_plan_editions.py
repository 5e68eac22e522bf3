"""Plan editions: every plan gets edition 1, and every activity belongs to an edition.

Each existing plan gets edition 1, titled "Draft" where its document's title begins with "Draft" (both
loaded plans), else "First edition", and every existing activity is attached to it; nothing else changes.
The key and position of an activity become unique per edition instead of per plan (an activity of a
new edition may keep the key of the one it continues). Reversed: possible while each plan has one
edition (the per-plan uniqueness is restored).
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def first_edition_title(plan_title: str) -> str:
    return "Draft" if plan_title.strip().lower().startswith("draft") else "First edition"


def create_first_editions(apps, schema_editor):
    ActionPlan = apps.get_model("actionplans", "ActionPlan")
    PlanEdition = apps.get_model("actionplans", "PlanEdition")
    Activity = apps.get_model("actionplans", "Activity")
    for plan in ActionPlan.objects.all():
        title = first_edition_title(plan.title)
        edition = PlanEdition.objects.create(plan=plan, number=1, title=title, slug=title.lower().replace(" ", "-"))
        Activity.objects.filter(plan=plan).update(edition=edition)


class Migration(migrations.Migration):

    dependencies = [
        ("actionplans", "0004_plan_texts_per_language"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PlanEdition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveSmallIntegerField(help_text="1 for the first edition, then 2, 3 ...", verbose_name="number")),
                ("title", models.CharField(help_text="e.g. Draft, or Adopted by the range states, 2026.", max_length=200, verbose_name="title")),
                ("slug", models.SlugField(help_text="Names the edition in URLs and the API.", max_length=60, verbose_name="slug")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="created by")),
                ("plan", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="editions", to="actionplans.actionplan", verbose_name="plan")),
                ("source_import", models.ForeignKey(blank=True, help_text="The workbook import that made it; empty for the first edition.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="editions", to="actionplans.planimport", verbose_name="imported from")),
            ],
            options={
                "verbose_name": "plan edition",
                "verbose_name_plural": "plan editions",
                "ordering": ["plan", "number"],
                "constraints": [
                    models.UniqueConstraint(fields=("plan", "number"), name="actionplans_planedition_unique_number"),
                    models.UniqueConstraint(fields=("plan", "slug"), name="actionplans_planedition_unique_slug"),
                ],
            },
        ),
        migrations.AddField(
            model_name="activity",
            name="edition",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="activities", to="actionplans.planedition", verbose_name="edition"),
        ),
        migrations.RunPython(create_first_editions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="activity",
            name="edition",
            field=models.ForeignKey(help_text="The edition of the plan this wording and number belong to.", on_delete=django.db.models.deletion.PROTECT, related_name="activities", to="actionplans.planedition", verbose_name="edition"),
        ),
        migrations.AddField(
            model_name="activity",
            name="continues",
            field=models.ManyToManyField(blank=True, help_text="The activities of the previous edition it carries on (two or more: they were merged).", related_name="continued_by", to="actionplans.activity", verbose_name="continues"),
        ),
        migrations.RemoveConstraint(model_name="activity", name="actionplans_activity_unique_key"),
        migrations.RemoveConstraint(model_name="activity", name="actionplans_activity_unique_position"),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.UniqueConstraint(fields=("edition", "key"), name="actionplans_activity_unique_key"),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.UniqueConstraint(fields=("edition", "position"), name="actionplans_activity_unique_position"),
        ),
        migrations.AlterModelOptions(
            name="activity",
            options={"ordering": ["plan__slug", "edition__number", "position"], "verbose_name": "activity", "verbose_name_plural": "activities"},
        ),
        migrations.AlterField(
            model_name="activity",
            name="key",
            field=models.CharField(help_text="Unique within the edition: the code, except where the document prints a code twice.", max_length=30, verbose_name="key"),
        ),
        migrations.AlterField(
            model_name="planimport",
            name="outcome",
            field=models.CharField(choices=[("created", "Plan created"), ("corrected", "Current plan corrected"), ("new_edition", "New edition"), ("unchanged", "Nothing changed")], max_length=20, verbose_name="outcome"),
        ),
    ]
