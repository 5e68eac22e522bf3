import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Mail reminders to focal points with unreported activities: 14 and 3 days before a round is due, "
        "then weekly once it is overdue. Meant for a daily timer; each reminder goes out once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        sent = reminders_send(today=today)
        for line in sent:
            self.stdout.write(line)
        self.stdout.write(f"{len(sent)} reminder(s) sent.")
