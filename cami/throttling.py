"""API and export throttles. Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (README, "Security
settings"), read when a request arrives, so a test's settings override takes effect. Counts live in the
default cache, which every worker shares (CACHE_URL)."""
from __future__ import annotations

import math

from rest_framework import throttling
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings


class _RateFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Anonymous use of the API (scope `anon`), by address. Signed-in users are not throttled."""


class LoginThrottle(_RateFromSettings, throttling.SimpleRateThrottle):
    """Token requests (scope `login`) by address, whether the password is right or wrong."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AnonExportThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Anonymous exports (scope `exports`), by address: the browser downloads and the API share one count."""

    scope = "exports"


def throttled_error(wait: float | None, sentence: str) -> Throttled:
    """A 429 whose detail is just the sentence (DRF would append its own), with Retry-After."""
    exception = Throttled(detail=sentence)
    exception.wait = math.ceil(wait) if wait is not None else None
    return exception
