from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cami.backups import backup_create


class Command(BaseCommand):
    help = ("Write the database and every uploaded evidence file, with a manifest of row counts and file "
            "checksums, to a new .tar.gz archive (see README, Backups). Safe while the site runs.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive to write, e.g. /var/backups/cami/cami-2026-12-02.tar.gz")

    def handle(self, *args, archive, **options):
        try:
            result = backup_create(archive=archive)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if options["verbosity"]:
            self.stdout.write(result.summary())
