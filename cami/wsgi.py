import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cami.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (configured by get_wsgi_application)

if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
    # Sessions signed with a key published in the repository could be forged by anyone.
    raise ImproperlyConfigured("Set SECRET_KEY in the environment before serving with DEBUG off.")
