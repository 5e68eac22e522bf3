from django.conf import settings
from django.utils import translation

from .models import Profile

# The interface language of one signed-in session: the saved preference at sign-in, then whatever the header's
# switcher picks in this browser. Kept in the session, not on the profile, so that switching the language in
# one browser leaves the same account's other sessions alone.
SESSION_LANGUAGE_KEY = "cami_language"


def session_language_set(request, language: str) -> None:
    """This browser's session shows the interface in ``language`` (a code of settings.LANGUAGES)."""
    if hasattr(request, "session"):
        request.session[SESSION_LANGUAGE_KEY] = language


def preferred_language_at_sign_in(sender, request, user, **kwargs):
    """A saved preference applies from sign-in on, in the browser that signs in (a user_logged_in receiver,
    connected in ReportingConfig.ready)."""
    # Read afresh: the user object may carry a profile cached before the preference was last saved.
    language = Profile.objects.filter(user=user).values_list("language", flat=True).first()
    if language and request is not None:
        session_language_set(request, language)


class UserLanguageMiddleware:
    """A signed-in session's interface language: its own choice (see SESSION_LANGUAGE_KEY) over the cookie and
    Accept-Language that LocaleMiddleware read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = request.session.get(SESSION_LANGUAGE_KEY, "")
            if language in dict(settings.LANGUAGES):
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)

