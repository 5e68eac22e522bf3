from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from actionplans.services import action_plan_load

PLANS = ("argali", "persian-leopard")


class Command(BaseCommand):
    help = "Load the action plans from fixtures/ (both by default). A plan already loaded is left as it is."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", default=list(PLANS), help="Plans to load (default: all).")
        parser.add_argument(
            "--update", action="store_true", help="Refresh plans already in the database from their fixtures."
        )

    def handle(self, *args, slugs, update, **options):
        for slug in slugs:
            try:
                result = action_plan_load(slug=slug, update=update)
            except ValidationError as error:
                raise CommandError(f"{slug}: {'; '.join(error.messages)}") from error
            if options["verbosity"]:
                self.stdout.write(result.summary())
