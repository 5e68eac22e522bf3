"""Turn the services' errors into the API's answers: 400 naming fields, 403 saying why, 409 on a stale edit."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from reporting.services import StaleEdit


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StaleEdit):
        return Response(
            {"detail": str(exc), "current_version": exc.current.version, "sent_version": exc.sent_version},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


def page_not_found(request, exception):
    """handler404: an address under /api/ that no route matches (`/api/v1/activities/1.5/`) answers
    JSON `{"detail"}` like every other API error; elsewhere Django's 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)
