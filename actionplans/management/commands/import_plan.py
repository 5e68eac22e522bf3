from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from actionplans.services import PlanImportError, action_plan_import


class Command(BaseCommand):
    help = ("Load a plan workbook (.xlsx) into the database: a new plan, a correction of the current edition of "
            "the plan with the same slug, or (--new-edition) its new edition. All or nothing; --dry-run lists what "
            "would change and saves nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Read and check everything, save nothing.")
        parser.add_argument("--plan", default=None, help="Refuse the workbook unless it is this plan's (slug).")
        parser.add_argument("--user", default=None, help="Username recorded as the importer.")
        parser.add_argument("--new-edition", default=None, metavar="TITLE",
                            help="Make the workbook the plan's new edition with this title, e.g. \"Adopted 2026\".")
        parser.add_argument("--match", action="append", default=[], metavar="NEW=OLD",
                            help="New edition: activity NEW (key) continues OLD of the current edition; "
                                 "OLD1+OLD2 merges them. Confirms a proposed match. Repeatable.")
        parser.add_argument("--no-match", action="append", default=[], metavar="NEW",
                            help="New edition: reject the proposed match of activity NEW (it is new). Repeatable.")
        parser.add_argument("--accept-matches", action="store_true",
                            help="New edition: confirm every proposed match not rejected.")

    def handle(self, *args, file, dry_run, plan, user, new_edition, match, no_match, accept_matches, **options):
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        imported_by = None
        if user:
            try:
                imported_by = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user '{user}'.") from None
        decisions = {key.strip(): None for key in no_match}
        for item in match:
            new, sep, old = item.partition("=")
            if not sep or not new.strip() or not old.strip():
                raise CommandError(f"--match {item}: write it as NEW=OLD (keys), e.g. --match 2.1=2.3.")
            decisions[new.strip()] = old.strip()
        with file.open("rb") as stream:
            try:
                result = action_plan_import(source=stream, imported_by=imported_by, file_name=file.name,
                                            expected_slug=plan, dry_run=dry_run, new_edition=new_edition,
                                            decisions=decisions, accept_proposed=accept_matches)
            except PlanImportError as error:
                raise CommandError(f"{file.name} is refused, nothing was saved:\n" +
                                   "\n".join(f"- {message}" for message in error.messages)) from error
        self.stdout.write(result.summary())
        if options["verbosity"]:
            if result.diff is not None:
                for line in result.diff.lines():
                    self.stdout.write(f"  {line}")
            for change in result.changes:
                self.stdout.write(f"  {change}")
            for warning in result.warnings:
                self.stdout.write(f"  note: {warning}")
