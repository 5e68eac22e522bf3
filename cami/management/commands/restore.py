from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cami.backups import backup_restore


class Command(BaseCommand):
    help = ("Restore an archive written by `backup` into an empty installation: DATABASE_URL names a new "
            "database without tables (do not run migrate first) and MEDIA_ROOT is empty. Anything else is "
            "refused; there is no option to overwrite. Row counts and file checksums are then checked.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="An archive written by manage.py backup")

    def handle(self, *args, archive, **options):
        try:
            result = backup_restore(archive=archive)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if options["verbosity"]:
            self.stdout.write(result.summary())
