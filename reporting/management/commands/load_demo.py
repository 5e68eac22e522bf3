from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reporting.demo import DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = "Create the demo accounts and an open round per plan (development only: refused when DEBUG is off)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo creates accounts with a published password: it runs only with DEBUG=1.")
        for line in demo_data_load():
            self.stdout.write(line)
        self.stdout.write(f"Demo password for every account: '{DEMO_PASSWORD}'")
