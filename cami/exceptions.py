"""Turn errors into the API's answers: 400 naming fields, 403 saying why, 409 on a stale edit, and a
JSON 400 (not Django's HTML page) for a request the server refuses to read, such as a body too large."""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from reporting.services import StaleEdit

API_PREFIX = "/api/"


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StaleEdit):
        return Response(
            {"detail": str(exc), "current_version": exc.current.version, "sent_version": exc.sent_version},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": body_too_large_text()}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def body_too_large_text() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return _("The request body is larger than the server accepts (at most %(size)s MB).") % {
        "size": f"{limit / (1024 * 1024):g}"}


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    """handler400: API clients get JSON; pages keep Django's own 400 page.

    Django answers 400 to a SuspiciousOperation raised outside a DRF view or not handled by it (a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a bad Host header).
    """
    if not request.path_info.startswith(API_PREFIX):
        return defaults.bad_request(request, exception, template_name)
    if isinstance(exception, RequestDataTooBig):
        detail = body_too_large_text()
    else:
        detail = _("The server could not read this request.")
    return JsonResponse({"detail": detail}, status=400)


def page_not_found(request, exception):
    """handler404: an address under /api/ that no route matches (`/api/v1/activities/1.5/`) answers
    JSON `{"detail"}` like every other API error; elsewhere Django's 404 page."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)
