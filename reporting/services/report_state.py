"""A country report's row lock and its moves between states: what every write that can change a report shares.

``locked_country_report`` is the one way into such a write (progress, evidence, the workflow); ``move_report``
records a move with its event; ``reopen_if_validated`` is the move a correction of a validated report makes.
"""
from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import CountryReport, ReportEvent, ReportingRound
from .common import deny_if


@contextmanager
def locked_country_report(*, user, round: ReportingRound, country, pk: int | None = None,
                           for_editing: bool = True):
    """The one way into a write that can change a country's report: a transaction holding its row lock.

    Every state-dependent decision is taken here on the locked row, never on a copy read before: is the
    round still open, and (``for_editing``) may ``user`` change the report now
    (permissions.why_locked_for_editing).
    Writes of one country report therefore run one after the other, each seeing what the previous one
    committed: evidence cannot slip in after a submission or a validation, and only the first edit after
    a validation records "reopened". Without ``pk`` the row of ``round`` and ``country`` is made if the
    country has none yet (race-safe: a concurrent creation is waited for, then locked). Yields the
    locked CountryReport.
    """
    with transaction.atomic():
        locked = CountryReport.objects.select_for_update()
        if pk is not None:
            country_report = locked.get(pk=pk)
        else:
            country_report, _created = locked.get_or_create(round=round, country=country)
        # The round as stored now: round_close takes these same row locks before it closes the round.
        round.status = ReportingRound.objects.filter(pk=round.pk).values_list("status", flat=True).get()
        country_report.round, country_report.country = round, country
        deny_if(permissions.why_round_closed(round))
        if for_editing:
            deny_if(permissions.why_locked_for_editing(user, country_report=country_report))
        yield country_report


def move_report(country_report: CountryReport, state: str, action: str, user, comment: str = ""):
    country_report.state = state
    if action == ReportEvent.Action.RETURNED:
        country_report.return_comment = comment
    country_report.save(update_fields=["state", "return_comment", "updated_at"])
    return ReportEvent.objects.create(country_report=country_report, action=action, actor=user, comment=comment,
                                      at=timezone.now())


def reopen_if_validated(country_report: CountryReport, user):
    """A validated report that changes is no longer the validated one: called on the locked row, so the
    first change after a validation moves it, once, with a REOPENED event.

    Corrected by the country (a focal point or contributor), it is reopened for corrections: the
    country goes on correcting it, and it stays out of the Secretariat's validation queue until the
    focal point submits it again. Corrected by the Secretariat itself, it goes back to submitted:
    waiting for (its own) validation, as the Secretariat may correct a submitted report too.
    """
    if country_report.state == CountryReport.State.VALIDATED:
        state = CountryReport.State.SUBMITTED if user.is_staff else CountryReport.State.REOPENED
        move_report(country_report, state, ReportEvent.Action.REOPENED, user)
