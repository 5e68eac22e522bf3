from django.conf import settings
from django.core.management.base import BaseCommand

from reporting import services


class Command(BaseCommand):
    help = ("Remove background exports (jobs and files) older than EXPORT_RETENTION_DAYS, and retry or fail "
            "the jobs a stopped worker left behind. Meant for a daily timer (README).")

    def handle(self, *args, **options):
        recovered = services.export_jobs_recover()
        removed = services.export_jobs_cleanup()
        self.stdout.write(f"{removed} export(s) older than {settings.EXPORT_RETENTION_DAYS} days removed; "
                          f"{recovered} interrupted export(s) retried or failed.")
