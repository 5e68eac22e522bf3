"""Response headers Django's SecurityMiddleware does not send; the API's `?lang=`."""
from django.utils import translation

from cami.languages import language_codes

# Features the pages never use; nothing on the site may ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()" for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class ApiLanguageMiddleware:
    """`?lang=ru` on an API request: plan texts (and messages) in that language, over Accept-Language and
    the user's saved choice. A language the tracker does not speak is ignored, as an unknown Accept-Language is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.GET.get("lang", "")
        if request.path.startswith("/api/") and language in language_codes():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
