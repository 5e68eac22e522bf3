"""Round titles unique within a plan. Existing data is checked first: where a plan has two rounds of one
title, every one but the first opened gets its opening date in its title ("2026 report (2026-09-01)"),
so the constraint can be added and each round stays recognisable; nothing else changes."""
from django.db import migrations, models
from django.db.models import Count

TITLE_MAX = 200


def tell_duplicate_titles_apart(apps, schema_editor):
    ReportingRound = apps.get_model("reporting", "ReportingRound")
    duplicated = (ReportingRound.objects.values("plan_id", "title").annotate(rounds=Count("id"))
                  .filter(rounds__gt=1))
    for group in duplicated:
        rounds = ReportingRound.objects.filter(plan_id=group["plan_id"], title=group["title"]).order_by("opens_on", "id")
        for round in list(rounds)[1:]:
            suffix = f" ({round.opens_on.isoformat()}, #{round.pk})"
            round.title = round.title[:TITLE_MAX - len(suffix)] + suffix
            round.save(update_fields=["title"])


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0007_profile_mail_on_workflow'),
    ]

    operations = [
        migrations.RunPython(tell_duplicate_titles_apart, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='reportinground',
            constraint=models.UniqueConstraint(fields=('plan', 'title'), name='reporting_reportinground_title_unique_per_plan'),
        ),
    ]
