"""Turn the services' errors into the API's answers: 400 naming fields, 403 saying why, 409 on a stale edit."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
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
