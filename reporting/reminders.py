"""Reminder mails to focal points whose countries still have activities to report in an open round."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from actionplans.models import Activity

from .models import Assignment, CountryReport, ReminderLog, ReportingRound

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
    pending = _pending_countries(round)
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


def _pending_countries(round: ReportingRound) -> dict:
    """Range states of the round's plan with unreported activities: {country id: (reported, total)}."""
    totals = dict(
        Activity.objects.filter(plan=round.plan).values_list("countries").annotate(n=Count("id")).order_by()
    )
    reported = {
        report.country_id: report.reported
        for report in CountryReport.objects.filter(round=round).annotate(
            reported=Count("progress_reports", filter=Q(progress_reports__carried_over=False)))
    }
    finished = set(CountryReport.objects.filter(
        round=round, state__in=[CountryReport.State.SUBMITTED, CountryReport.State.VALIDATED]
    ).values_list("country_id", flat=True))
    return {
        country_id: (reported.get(country_id, 0), total)
        for country_id, total in totals.items()
        if country_id not in finished and reported.get(country_id, 0) < total
    }


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
