from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Progress reporting")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import preferred_language_at_sign_in

        user_logged_in.connect(preferred_language_at_sign_in, dispatch_uid="reporting.preferred_language_at_sign_in")
