"""What every model module of reporting refers to."""
from django.conf import settings


USER = settings.AUTH_USER_MODEL


