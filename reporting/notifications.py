"""Telling people that a report moved: a mail to whoever acts next, in the recipient's language.

Submitted: the Secretariat (staff with an address). Returned, validated: the country's focal points and
the colleagues drafting for them, with the Secretariat's comment. Drafting handed over: the colleague.
Each user may turn these mails off on the account page (``Profile.mail_on_workflow``); reminders are
``reminders.py``'s and do not depend on it. Mails leave once the write is committed (never for a move
that was rolled back), and a mail server that fails does not undo the move: the home page lists the
same events (``selectors.recent_messages``).
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import ActivityComment, Assignment, CountryReport, ReportEvent

logger = logging.getLogger(__name__)

# The workflow moves that someone else must hear about (withdrawn and reopened concern only the sender).
MAILED_ACTIONS = (ReportEvent.Action.SUBMITTED, ReportEvent.Action.RETURNED, ReportEvent.Action.VALIDATED)


def report_moved(country_report: CountryReport, *, action: str, actor, comment: str = "",
                 event: ReportEvent | None = None):
    """After the transaction commits, mail the people ``action`` on ``country_report`` concerns (a return
    lists the comments on single activities of its ``event`` below the comment on the whole)."""
    if action not in MAILED_ACTIONS:
        return
    event_id = event.pk if event is not None else None
    transaction.on_commit(lambda: _mail_report_moved(country_report.pk, action, actor, comment, event_id))


def drafting_handed_over(assignment):
    transaction.on_commit(lambda: _mail_handed_over(assignment.pk))


def _mail_report_moved(country_report_id: int, action: str, actor, comment: str, event_id: int | None = None):
    country_report = CountryReport.objects.select_related("round__plan", "country").get(pk=country_report_id)
    activity_comments = []
    if action == ReportEvent.Action.RETURNED and event_id is not None:
        activity_comments = list(ActivityComment.objects.filter(event_id=event_id).select_related("activity")
                                 .order_by("activity__position"))
    if action == ReportEvent.Action.SUBMITTED:
        recipients = get_user_model().objects.filter(is_staff=True, is_active=True)
    else:
        recipients = _people_of(country_report)
    url = _absolute(reverse("reporting:country_report", args=[country_report.round_id, country_report.country.code]))
    context = {"country_report": country_report, "round": country_report.round, "country": country_report.country,
               "action": action, "actor": actor, "comment": comment, "activity_comments": activity_comments,
               "url": url}
    _send(recipients.exclude(pk=actor.pk), "reporting/email/report_moved", context)


def _mail_handed_over(assignment_id: int):
    assignment = Assignment.objects.select_related("user", "country", "plan", "conservation_unit", "granted_by").get(
        pk=assignment_id)
    url = _absolute(reverse("reporting:home"))
    context = {"assignment": assignment, "country": assignment.country, "plan": assignment.plan,
               "activities": list(assignment.activities.order_by("position")), "url": url}
    _send(get_user_model().objects.filter(pk=assignment.user_id), "reporting/email/handed_over", context)


def _people_of(country_report: CountryReport):
    """The focal points and contributors of the report's country (for its plan, or for every plan)."""
    assignments = Assignment.objects.filter(country=country_report.country).filter(
        Q(plan=country_report.round.plan) | Q(plan__isnull=True))
    return get_user_model().objects.filter(is_active=True, pk__in=assignments.values("user_id"))


def _send(recipients, template: str, context: dict):
    for user in recipients.exclude(email="").select_related("profile").order_by("pk"):
        profile = getattr(user, "profile", None)
        if profile is not None and not profile.mail_on_workflow:
            continue
        with translation.override((profile.language if profile else "") or settings.LANGUAGE_CODE):
            subject = render_to_string(f"{template}_subject.txt", {**context, "user": user}).strip()
            body = render_to_string(f"{template}.txt", {**context, "user": user})
        try:
            send_mail(subject, body, None, [user.email])
        except OSError:  # the move is saved; the home page shows it; say so in the log, once
            logger.warning("Workflow mail to %s not sent (%s)", user.get_username(), subject, exc_info=False)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path
