from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from actionplans.services import PlanImportError, action_plan_import


class Command(BaseCommand):
    help = ("Load a plan workbook (.xlsx) into the database: a new plan, or a correction of the current plan "
            "with the same slug. All or nothing; --dry-run lists what would change and saves nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Read and check everything, save nothing.")
        parser.add_argument("--plan", default=None, help="Refuse the workbook unless it is this plan's (slug).")
        parser.add_argument("--user", default=None, help="Username recorded as the importer.")

    def handle(self, *args, file, dry_run, plan, user, **options):
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        imported_by = None
        if user:
            try:
                imported_by = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user '{user}'.") from None
        with file.open("rb") as stream:
            try:
                result = action_plan_import(source=stream, imported_by=imported_by, file_name=file.name,
                                            expected_slug=plan, dry_run=dry_run)
            except PlanImportError as error:
                raise CommandError(f"{file.name} is refused, nothing was saved:\n" +
                                   "\n".join(f"- {message}" for message in error.messages)) from error
        self.stdout.write(result.summary())
        if options["verbosity"]:
            for change in result.changes:
                self.stdout.write(f"  {change}")
            for warning in result.warnings:
                self.stdout.write(f"  note: {warning}")
