"""Reminder mails to focal points whose countries' reports are awaited in an open round: not handed in
yet (``rules.is_awaited``), before the due date and, once overdue (``rules.is_overdue``), weekly."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import rules
from .models import Assignment, CountryReport, ReminderLog, ReportingRound
from .selectors import pair_counts, tallies

DAYS_BEFORE_DUE = (14, 3)


def reminder_kind(round: ReportingRound, today: datetime.date) -> str | None:
    """Which reminder a round calls for today: 14 and 3 days before it is due, then weekly once overdue."""
    days_left = (round.due_on - today).days
    if days_left in DAYS_BEFORE_DUE:
        return f"due-in-{days_left}"
    if days_left < 0:
        return f"overdue-week-{(-days_left - 1) // 7 + 1}"
    return None


def reminders_send(*, today: datetime.date) -> list[str]:
    """Mail each focal point once per reminder; returns one line per mail sent."""
    sent = []
    for round in ReportingRound.objects.open().select_related("plan"):
        kind = reminder_kind(round, today)
        if kind:
            sent += _remind_round(round, kind, today)
    return sent


def _remind_round(round: ReportingRound, kind: str, today: datetime.date) -> list[str]:
    pending = _pending_countries(round, today)
    focal_points = (
        Assignment.objects.filter(role=Assignment.Role.FOCAL_POINT, country_id__in=pending)
        .filter(Q(plan=round.plan) | Q(plan__isnull=True))
        .select_related("user__profile", "country")
        .order_by("user_id", "country__name")
    )
    by_user: dict = {}
    for assignment in focal_points:
        by_user.setdefault(assignment.user, []).append((assignment.country, pending[assignment.country_id]))
    return [line for user, countries in by_user.items()
            if (line := _mail_once(round, kind, today, user, countries))]


def _pending_countries(round: ReportingRound, today: datetime.date) -> dict:
    """Range states of the round's plan whose report is awaited (overdue, once past due):
    {country id: (reported, total)}, counted as the home page and the dashboards count."""
    counts = tallies(pair_counts(user=None, round_ids=[round.pk], keys=("country", "status", "carried_over", "state")),
                     "country")
    states = dict(CountryReport.objects.filter(round=round).values_list("country_id", "state"))
    pending = {}
    for country_id, tally in counts.items():
        state = states.get(country_id)
        if round.due_on < today:
            remind = rules.is_overdue(round=round, state=state, activities=tally.total, today=today)
        else:
            remind = rules.is_awaited(state=state, activities=tally.total)
        if remind:
            pending[country_id] = (tally.reported, tally.total)
    return pending


def _mail_once(round, kind, today, user, countries) -> str | None:
    if not user.email:
        return None
    try:
        with transaction.atomic():
            ReminderLog.objects.create(round=round, user=user, kind=kind, sent_on=today)
            language = getattr(getattr(user, "profile", None), "language", "") or settings.LANGUAGE_CODE
            with translation.override(language):
                context = {
                    "user": user, "round": round, "kind": kind, "overdue": kind.startswith("overdue"),
                    "countries": [
                        (country, reported, total,
                         settings.SITE_URL.rstrip("/") + reverse("reporting:country_report", args=[round.pk, country.code]))
                        for country, (reported, total) in countries
                    ],
                }
                subject = render_to_string("reporting/email/reminder_subject.txt", context).strip()
                body = render_to_string("reporting/email/reminder.txt", context)
            send_mail(subject, body, None, [user.email])
    except IntegrityError:
        return None  # already reminded of this one
    return f"{user.get_username()}: {kind} for {round}"
