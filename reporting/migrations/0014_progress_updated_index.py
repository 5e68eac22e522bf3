# The progress API orders by (updated_at, id): issue #11. Numbered 0013 because another branch adds 0012.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0013_activity_comments'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='progressreport',
            name='progress_updated_at_idx',
        ),
        migrations.AddIndex(
            model_name='progressreport',
            index=models.Index(fields=['updated_at', 'id'], name='progress_updated_id_idx'),
        ),
    ]
