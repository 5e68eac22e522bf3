"""POST /api/v1/auth/token/: a token for a user name and password, counted by django-axes like the
sign-in page (AuthTokenSerializer calls authenticate(request=...)) and throttled by address."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from reporting import services

from .security import cool_off, lockout_message, wait_text
from .throttling import LoginThrottle, throttled_error


class TokenObtainView(ObtainAuthToken):
    """Exchange `username` and `password` for the user's API token (`{"token": "…"}`).

    A wrong password answers 400. After repeated failures from one address (the same count as the
    sign-in page) the answer is 429 with a sentence saying when to try again, even for the right
    password; requests beyond the `login` rate answer 429 too.
    """

    throttle_classes = [LoginThrottle]

    @extend_schema(
        operation_id="auth_token_create",
        responses={
            200: inline_serializer("AuthToken", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong user name or password."),
            429: OpenApiResponse(description="Locked out after repeated failures, or too many requests."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # Axes marks the request it was given (this DRF request) when the address is locked out.
            if getattr(request, "axes_locked_out", False):
                return Response({"detail": lockout_message()}, status=429,
                                headers={"Retry-After": str(int(cool_off().total_seconds()))})
            serializer.is_valid(raise_exception=True)
        token = services.api_token_get_or_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    def throttled(self, request, wait):
        raise throttled_error(wait, _("Too many sign-in requests from your address: try again %(wait)s.")
                        % {"wait": wait_text(wait or 60)})


token_obtain = TokenObtainView.as_view()
