"""Who may use the country workbook now, and what the downloaded file is called.

The answer is ``permissions.editing_access`` (the same as the report page's; the API's writes decide alike);
refused with its sentence."""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from conservation_units.models import Country

from .. import permissions
from ..models import CountryReport, ReportingRound


def workbook_scope(*, user, round: ReportingRound, country: Country) -> Q:
    """The activities ``user`` may change in the workbook now (a Q on Activity): permissions.editing_access.
    PermissionDenied saying why if none (a closed round, not their country, a submitted report)."""
    return editing_scope_and_report(user=user, round=round, country=country)[0]


def editing_scope_and_report(*, user, round: ReportingRound, country: Country) -> tuple[Q, CountryReport | None]:
    """workbook_scope, and the country report it was decided on."""
    country_report = CountryReport.objects.filter(round=round, country=country).first()
    access = permissions.editing_access(user, round=round, country=country, country_report=country_report)
    if access.scope is None:
        raise PermissionDenied(access.why_not)
    return access.scope, country_report


def workbook_filename(*, round: ReportingRound, country: Country, on: datetime.date | None = None) -> str:
    on = on or timezone.localdate()
    return f"{round.plan.slug}-round-{round.pk}-{country.code}-{on.isoformat()}.xlsx"


