"""Orderings that joined tables into every query are dropped; lists order explicitly."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0003_text_limits'),
    ]

    operations = [
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
    ]
