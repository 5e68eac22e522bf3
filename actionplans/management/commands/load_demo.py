from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_PASSWORD = "demo"


class Command(BaseCommand):
    help = "Create the demo accounts (development only: refused when DEBUG is off)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo creates accounts with a published password: it runs only with DEBUG=1.")
        user, created = get_user_model().objects.get_or_create(
            username="secretariat",
            defaults={"is_staff": True, "is_superuser": True, "email": "secretariat@example.org"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        self.stdout.write(f"secretariat: {'created' if created else 'already there'} (password '{DEMO_PASSWORD}')")
