"""Sign-in lockout (django-axes) and the client address that lockouts and throttles count by.

One rule for "who is asking": ``client_ip`` reads the address the way DRF's throttles do with
``NUM_PROXIES`` (settings.PROXY_COUNT): behind N reverse proxies that append to X-Forwarded-For, the
N-th address from the right, which the client cannot forge; with no proxy, REMOTE_ADDR.
"""
from __future__ import annotations

import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: REMOTE_ADDR, or the one the nearest trusted proxy saw."""
    proxies = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR")


class AccountAddressHandler(AxesDatabaseHandler):
    """Axes' database handler, except that a successful sign-in clears only that account's failures from
    that address. Axes would clear every failure from the address (it locks by address too), so whoever
    knows one password could wipe the count of their guesses at other accounts between two guesses."""

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


def cool_off() -> datetime.timedelta:
    return settings.AXES_COOLOFF_TIME


def wait_text(seconds: float) -> str:
    """'in 15 minutes', 'in 40 seconds': when to try again."""
    seconds = max(1, int(seconds + 0.999))
    if seconds >= 90:
        minutes = (seconds + 59) // 60
        return ngettext("in %(count)d minute", "in %(count)d minutes", minutes) % {"count": minutes}
    return ngettext("in %(count)d second", "in %(count)d seconds", seconds) % {"count": seconds}


def lockout_message() -> str:
    limit = settings.AXES_FAILURE_LIMIT
    return ngettext(
        "Signing in is locked after %(limit)d failed attempt from your address. Try again %(wait)s, "
        "or ask the CMS Secretariat to unlock your account.",
        "Signing in is locked after %(limit)d failed attempts from your address. Try again %(wait)s, "
        "or ask the CMS Secretariat to unlock your account.",
        limit,
    ) % {"limit": limit, "wait": wait_text(cool_off().total_seconds())}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a 429 page in the site's layout, or JSON for the API."""
    retry_after = str(int(cool_off().total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": lockout_message()}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": lockout_message()}, status=429)
    response["Retry-After"] = retry_after
    return response
