"""Where a view may send the user back to: only a page of this site.

A ``next`` field or a Referer header comes from the client: followed blindly, a link or form from
elsewhere turns the tracker into a forwarder to any site (an open redirect, handy for phishing).
"""
from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str, *, url: str | None = None) -> str:
    """``url`` (by default the POST's, else the query string's ``next``) if it stays on this site, else ``fallback``."""
    if url is None:
        url = request.POST.get("next") or request.GET.get("next") or ""
    url = url.strip()
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return fallback
