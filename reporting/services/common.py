"""What every reporting write shares: the fields whose changes are history, the stale-edit conflict, refusing."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..models import ProgressReport


# What a user gives (ProgressInput); the USD amount is computed from the funds, and its changes are history too.
TRACKED_FIELDS = ("status", "narrative", "obstacles", "expected_year", "funds_amount", "funds_currency", "funds_source",
                  "funds_funder")


class StaleEdit(Exception):
    """A save made from a copy someone else changed since it was read."""

    def __init__(self, current: ProgressReport, sent_version, message: str | None = None):
        self.current = current
        self.sent_version = sent_version
        super().__init__(message or (
            _("Someone else saved this report (version %(current)s) after you opened version %(sent)s. "
              "Your changes were not saved: compare both and save again.")
            % {"current": current.version, "sent": sent_version}
        ))


class ReportExists(StaleEdit):
    """A first report (version 0: "there is none yet") sent for an activity the country already reports
    on in the round: a conflict with the stored report, whose version ``current`` carries. Pages show
    it as any stale edit; the API answers 409 naming the report to change."""

    def __init__(self, current: ProgressReport, message: str | None = None):
        super().__init__(current, 0, message)


def deny_if(reason: str | None):
    if reason:
        raise PermissionDenied(reason)


