"""Recording progress: ``progress_report_record`` is where every channel (page, API, workbook) saves a status.

One report per activity, country and round, changed only from the version the user saw (StaleEdit
otherwise), each change written to the history with the channel it came from."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import money, permissions
from ..models import ExchangeRate, ProgressChange, ProgressReport, ReportingRound
from .common import ReportExists, StaleEdit, TRACKED_FIELDS, deny_if
from .report_state import locked_country_report, reopen_if_validated


@dataclass
class ProgressInput:
    status: str
    narrative: str = ""
    obstacles: str = ""
    expected_year: int | None = None
    # Funds spent or mobilised in the round: an amount (a Decimal, or text as a workbook or form gives it),
    # its ISO 4217 currency, the source (money.FundsSource) and optionally the funder's name.
    funds_amount: Decimal | str | None = None
    funds_currency: str = ""
    funds_source: str = ""
    funds_funder: str = ""


def _clean_funds(values: ProgressInput) -> ProgressInput:
    """The funds as stored: the amount a number (ValidationError naming it if it is not one), the currency in
    capitals, the texts trimmed. What may be stored (not negative, a known currency) is the model's rule."""
    try:
        amount = money.parse_amount(values.funds_amount)
    except ValueError:
        raise ValidationError({"funds_amount": _("“%(value)s” is not an amount: give a number such as 12500 or "
                                                 "12500.50.") % {"value": values.funds_amount}}) from None
    return ProgressInput(
        status=values.status, narrative=values.narrative, obstacles=values.obstacles,
        expected_year=values.expected_year, funds_amount=amount,
        funds_currency=(values.funds_currency or "").strip().upper(), funds_source=values.funds_source or "",
        funds_funder=(values.funds_funder or "").strip(),
    )


def _validate_target(*, round: ReportingRound, activity, country):
    errors = {}
    if activity.plan_id != round.plan_id:
        errors["activity"] = _("%(activity)s is not an activity of %(plan)s.") % {
            "activity": activity, "plan": round.plan}
    elif activity.edition_id != round.edition_id:
        errors["activity"] = _("%(activity)s belongs to another edition of %(plan)s than the one this round reports "
                               "on (%(edition)s).") % {"activity": activity, "plan": round.plan,
                                                       "edition": round.edition.title}
    elif not activity.countries.filter(pk=country.pk).exists():
        errors["country"] = _("%(activity)s does not apply to %(country)s.") % {
            "activity": activity, "country": country}
    if errors:
        raise ValidationError(errors)


def progress_report_record(
    *, round: ReportingRound, activity, country, user, values: ProgressInput, expected_version: int | None = None,
    source: str = ProgressChange.Source.BROWSER,
) -> ProgressReport:
    """Create or change what ``country`` reports on ``activity`` in ``round``.

    ``expected_version`` is the version the user's form or client read; a save from an older copy
    raises StaleEdit and changes nothing. 0 means "there is no report yet": if there is one (it existed,
    or someone made it meanwhile), ReportExists. Editing a validated report reopens it (reopen_if_validated).
    """
    _validate_target(round=round, activity=activity, country=country)
    deny_if(permissions.why_cannot_draft(user, activity=activity, country=country, round=round))
    values = _clean_funds(values)
    with locked_country_report(user=user, round=round, country=country) as country_report:
        report = (
            ProgressReport.objects.select_for_update()
            .filter(country_report=country_report, activity=activity).first()
        )
        if report is None:
            if expected_version not in (None, 0):
                raise StaleEdit(ProgressReport(version=0), expected_version)
            report = ProgressReport(country_report=country_report, activity=activity, version=0)
        elif expected_version == 0:
            raise ReportExists(report)
        elif expected_version is not None and expected_version != report.version:
            raise StaleEdit(report, expected_version)
        report.country_report = country_report
        changes = _apply(report, values)
        changes.update(_convert_funds(report, round=round, funds_changed="funds_amount" in changes
                                      or "funds_currency" in changes))
        if not changes and report.pk:
            return report
        if report.carried_over:
            changes["carried_over"] = [True, False]
            report.carried_over = False
        _save_with_history(report, user=user, changes=changes, source=source)
        reopen_if_validated(country_report, user)
    return report


def _apply(report: ProgressReport, values: ProgressInput) -> dict:
    changes = {}
    for field in TRACKED_FIELDS:
        new = getattr(values, field)
        old = getattr(report, field) if report.pk else None
        if report.pk is None and new in (None, ""):
            continue  # a new report's history lists what was said, not the empty fields
        if old != new:
            changes[field] = [_as_json(old), _as_json(new)]
            setattr(report, field, new)
    return changes


def _as_json(value):
    """An amount in the history as text: "12500.50" reads the same everywhere, a float might not."""
    return str(value) if isinstance(value, Decimal) else value


def _convert_funds(report: ProgressReport, *, round: ReportingRound, funds_changed: bool) -> dict:
    """The amount in USD, at the round's rate for the currency as it is now: computed when the funds change,
    or when a report that had no rate is saved again; otherwise kept, so that a rate changed later
    rewrites no report saved before. Returns the history's change, if any."""
    if not funds_changed and (report.funds_usd is not None or report.funds_amount is None):
        return {}
    currency = report.funds_currency
    rate = None
    if report.funds_amount is not None and currency and currency != money.USD:
        rate = (ExchangeRate.objects.filter(round=round, currency=currency)
                .values_list("usd_per_unit", flat=True).first())
    old, new = report.funds_usd, money.usd_of(report.funds_amount, currency, rate)
    if old == new:
        return {}
    report.funds_usd = new
    return {"funds_usd": [_as_json(old), _as_json(new)]}


def _save_with_history(report: ProgressReport, *, user, changes: dict, source: str):
    now = timezone.now()
    report.version += 1
    report.updated_by, report.updated_at = user, now
    report.full_clean()
    report.save()
    ProgressChange.objects.create(
        progress_report=report, version=report.version, changed_by=user, changed_at=now, source=source,
        changes=changes,
    )


def progress_report_confirm(*, report: ProgressReport, user, expected_version: int | None = None,
                            source: str = ProgressChange.Source.BROWSER) -> ProgressReport:
    """'No change since the last round': the carried-over report becomes this round's own."""
    country_report = report.country_report
    deny_if(permissions.why_cannot_draft(user, activity=report.activity, country=country_report.country,
                                          round=country_report.round))
    with locked_country_report(user=user, round=country_report.round, country=country_report.country,
                                pk=country_report.pk) as country_report:
        report = ProgressReport.objects.select_for_update().select_related("activity").get(pk=report.pk)
        report.country_report = country_report
        if expected_version is not None and expected_version != report.version:
            raise StaleEdit(report, expected_version)
        if not report.carried_over:
            return report
        report.carried_over = False
        _save_with_history(report, user=user, changes={"carried_over": [True, False]}, source=source)
        reopen_if_validated(country_report, user)
    return report


# --- The offline workbook ------------------------------------------------------------------------------

def workbook_changes_apply(*, round: ReportingRound, country, user, changes) -> int:
    """Save the rows of a confirmed workbook upload (``reporting.workbook``): all of them, or none.

    ``changes`` are mappings with ``row`` (the sheet's row number), ``activity`` (id), ``version`` (the
    report's version at download, 0 for none) and the values ``status``, ``narrative``, ``obstacles``,
    ``expected_year`` and the funds (``funds_amount`` as text, ``funds_currency``, ``funds_source``,
    ``funds_funder``). Each row goes through progress_report_record, so it follows the same rules and
    lands in the history as from the offline workbook. The first refused row raises its ValidationError,
    PermissionDenied or StaleEdit, with ``workbook_row`` set to its row number, and nothing is saved.
    Returns the number of reports changed.
    """
    from actionplans.models import Activity

    changes = list(changes)
    activities = Activity.objects.in_bulk([change["activity"] for change in changes])
    saved = 0
    with transaction.atomic():
        for change in changes:
            try:
                activity = activities.get(change["activity"])
                if activity is None:
                    raise ValidationError({"activity": _("This activity no longer exists.")})
                values = ProgressInput(**{field: change[field] for field in TRACKED_FIELDS if field in change})
                report = progress_report_record(round=round, activity=activity, country=country, user=user,
                                                values=values, expected_version=change["version"],
                                                source=ProgressChange.Source.WORKBOOK)
            except (ValidationError, PermissionDenied, StaleEdit) as error:
                error.workbook_row = change["row"]
                raise
            saved += report.version != change["version"]
    return saved



