"""Comparing an upload with the tracker: the preview of what would change, row by row, nothing saved."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from actionplans.models import Activity
from conservation_units.models import Country

from .. import money, permissions
from ..models import CountryReport, ProgressReport, ReportingRound
from ..selectors import HISTORY_FIELD_LABELS
from .access import editing_scope_and_report
from .format import (
    COL,
    EDITABLE_FIELDS,
    TEXT_MAX_CHARS,
    YEAR_MAX,
    YEAR_MIN,
    amount_text,
    cell_safe,
    source_labels,
    source_lookup,
    values_fingerprint,
    flat_text,
    report_values,
    status_lookup,
    status_labels,
)
from .read import Upload, as_int, cell_text, check_expansion, check_target, read_upload, upload_bytes


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class WorkbookChange:
    """One row that will change a report: the values to save and each field's old and new value."""

    row: int
    activity: Activity
    version: int
    values: dict
    fields: list[FieldChange]

    def as_data(self) -> dict:
        """What workbook_changes_apply takes (and what the session keeps between preview and confirm)."""
        return {"row": self.row, "activity": self.activity.pk, "version": self.version, **self.values}


@dataclass
class RowError:
    row: int
    activity: str
    reason: str


@dataclass
class WorkbookPreview:
    round: ReportingRound
    country: Country
    changes: list[WorkbookChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0
    notices: list[str] = field(default_factory=list)

    @property
    def can_confirm(self) -> bool:
        return bool(self.changes) and not self.errors

    @property
    def change_count(self) -> int:
        return sum(len(change.fields) for change in self.changes)

    def as_data(self) -> list[dict]:
        return [change.as_data() for change in self.changes]


def workbook_preview(*, round: ReportingRound, country: Country, user, upload) -> WorkbookPreview:
    """Read an uploaded workbook (bytes or a file) and compare it with the tracker; nothing is saved.

    Raises BadWorkbook (a ValidationError) for a file that is not this round's and country's workbook,
    PermissionDenied (saying why) when the user may not change the country's reports. Row problems
    are listed in ``errors`` with their row numbers; ``changes`` lists what a confirm would save.
    """
    scope, country_report = editing_scope_and_report(user=user, round=round, country=country)
    data = upload_bytes(upload)
    check_expansion(data)
    upload = read_upload(data)
    check_target(upload, round=round, country=country)
    return _Comparison(round=round, country=country, user=user, scope=scope, country_report=country_report).run(upload)


class _Comparison:
    """The tracker's side of a preview, read in a fixed number of queries, and the row-by-row checks."""

    def __init__(self, *, round, country, user, scope, country_report):
        self.round, self.country, self.user = round, country, user
        applicable = Activity.objects.of_round(round).filter(countries=country)
        self.activities = {activity.pk: activity for activity in applicable.only("pk", "kind", "code", "text")}
        self.drafted = set(applicable.filter(scope).values_list("pk", flat=True))
        self.reports = {
            report.activity_id: report
            for report in ProgressReport.objects.filter(country_report__round=round, country_report__country=country)
            .select_related("updated_by")
        }
        self.state = country_report.state if country_report else None
        self.statuses = status_lookup()
        self.sources = source_lookup()

    def run(self, upload: Upload) -> WorkbookPreview:
        preview = WorkbookPreview(round=self.round, country=self.country, rows_read=len(upload.rows))
        seen = {}
        for number, cells in upload.rows:
            if number in upload.formulas:
                reasons, change = self._formulas(upload.formulas[number]), None
            else:
                reasons, change = self._row(number, cells, upload.downloaded, seen)
            label = self._label(cells)
            preview.errors.extend(RowError(number, label, reason) for reason in reasons)
            if change:
                preview.changes.append(change)
        self._check_state(preview)
        return preview

    def _formulas(self, formulas) -> list[str]:
        # A formula's result is not in the file when it was written without calculating (and may be stale
        # when it is): the tracker would read an empty cell and offer to clear the field.
        return [_("Column “%(column)s” holds a formula (%(formula)s): formulas are not read; type the value "
                  "itself.") % {"column": column.header, "formula": formula} for column, formula in formulas]

    def _label(self, cells) -> str:
        activity = self.activities.get(as_int(cells[COL["activity_id"]]))
        return str(activity) if activity else cell_text(cells[COL["code"]])

    def _row(self, number, cells, downloaded, seen) -> tuple[list[str], WorkbookChange | None]:
        activity_id = as_int(cells[COL["activity_id"]])
        if activity_id is None:
            return [_("The activity ID was changed or removed: do not edit the grey columns.")], None
        if activity_id in seen:
            return [_("The activity appears twice (also in row %(row)s): keep one row per activity.")
                    % {"row": seen[activity_id]}], None
        seen[activity_id] = number
        activity = self.activities.get(activity_id)
        if activity is None:
            return [_("This activity is not one of %(plan)s that applies to %(country)s.") % {
                "plan": self.round.plan, "country": self.country}], None
        if reason := self._why_keys_edited(activity, cells, downloaded):
            return [reason], None
        values, reasons = self._values(cells)
        if reasons:
            return reasons, None
        version, fingerprint = downloaded[activity_id]
        if values_fingerprint(**values) == fingerprint:
            return [], None  # untouched since the download, whatever happened in the tracker meanwhile
        if activity_id not in self.drafted:
            return [permissions.not_handed_over(activity, self.country)], None
        report = self.reports.get(activity_id)
        if values == report_values(report):
            return [], None  # the tracker already says exactly this (e.g. an earlier upload of the same file)
        if (report.version if report else 0) != version:
            return [self._stale(report, version)], None
        return self._change(number, activity, version, report, values)

    def _why_keys_edited(self, activity, cells, downloaded) -> str | None:
        code, text = cell_text(cells[COL["code"]]), cell_text(cells[COL["text"]])
        if flat_text(code) != flat_text(cell_safe(activity.code)) or flat_text(text) not in _texts_in_any_language(activity):
            return _("The code or text of %(activity)s differs from the tracker's: do not edit the grey columns. "
                     "If you did not, the activity was corrected after your download: download a fresh workbook."
                     ) % {"activity": activity}
        if activity.pk not in downloaded:
            return _("This row was not in the workbook as downloaded: do not add rows; download a fresh workbook.")
        if as_int(cells[COL["version"]]) != downloaded[activity.pk][0]:
            return _("The version column was edited: do not edit the grey columns.")
        return None

    def _values(self, cells) -> tuple[dict, list[str]]:
        reasons = []
        raw_status = cell_text(cells[COL["status"]])
        status = self.statuses.get(flat_text(raw_status).casefold()) if raw_status else ""
        if status is None:
            reasons.append(_("“%(value)s” is not a status: choose one from the list (%(labels)s).") % {
                "value": raw_status, "labels": ", ".join(status_labels())})
        raw_year = cells[COL["expected_year"]]
        year = as_int(raw_year)
        if raw_year not in (None, "") and (year is None or not YEAR_MIN <= year <= YEAR_MAX):
            reasons.append(_("Expected completion year: “%(value)s” is not a year from %(min)s to %(max)s.") % {
                "value": cell_text(raw_year), "min": YEAR_MIN, "max": YEAR_MAX})
        values = {"status": status or "", "narrative": cell_text(cells[COL["narrative"]]),
                  "obstacles": cell_text(cells[COL["obstacles"]]), "expected_year": year,
                  **self._funds(cells, reasons)}
        return values, reasons

    def _funds(self, cells, reasons: list) -> dict:
        """The funds columns read and checked as the service will check them, each refusal naming its column."""
        label = HISTORY_FIELD_LABELS
        raw_amount = cells[COL["funds_amount"]]
        try:
            amount = money.parse_amount(raw_amount)
        except ValueError:
            amount = None
            reasons.append(_("%(field)s: “%(value)s” is not an amount: type a number such as 12500 or 12500.50.") % {
                "field": label["funds_amount"], "value": cell_text(raw_amount)})
        if amount is not None and amount < 0:
            reasons.append(_("%(field)s: the amount cannot be negative.") % {"field": label["funds_amount"]})
        elif amount is not None and amount != amount.quantize(money.CENT):
            reasons.append(_("%(field)s: at most two decimals.") % {"field": label["funds_amount"]})
        currency = cell_text(cells[COL["funds_currency"]]).upper()
        if currency and currency not in money.currency_codes():
            reasons.append(_("%(field)s: “%(value)s” is not an ISO 4217 currency code (three capital letters such as "
                             "USD, EUR, KZT).") % {"field": label["funds_currency"], "value": currency})
        raw_source = cell_text(cells[COL["funds_source"]])
        source = self.sources.get(flat_text(raw_source).casefold()) if raw_source else ""
        if source is None:
            reasons.append(_("%(field)s: “%(value)s” is not a source: choose one from the list (%(labels)s).") % {
                "field": label["funds_source"], "value": raw_source, "labels": ", ".join(source_labels())})
        funder = cell_text(cells[COL["funds_funder"]])
        if amount is not None and not currency:
            reasons.append(_("%(field)s: give the currency of the amount.") % {"field": label["funds_currency"]})
        if amount is None and not reasons and (currency or source or funder):
            reasons.append(_("%(field)s: give the amount, or leave currency, source and funder empty.") % {
                "field": label["funds_amount"]})
        return {"funds_amount": amount_text(amount) if amount is not None and amount >= 0 else "",
                "funds_currency": currency, "funds_source": source or "", "funds_funder": funder}

    def _stale(self, report, version) -> str:
        who = report.updated_by.get_username() if report and report.updated_by else _("someone else")
        return _("Changed in the tracker by %(who)s after your download (version %(current)s now, %(sent)s in your "
                 "workbook): download a fresh workbook and copy your changes over, or make them in the browser.") % {
            "who": who, "current": report.version if report else 0, "sent": version}

    def _change(self, number, activity, version, report, values) -> tuple[list[str], WorkbookChange | None]:
        current = report_values(report)
        reasons = []
        if not values["status"]:
            reasons.append(_("A reported status cannot be emptied: choose one from the list.") if report else
                           _("Choose a status: the tracker records a report only with a status."))
        for name in ("narrative", "obstacles"):
            if values[name] != current[name] and len(values[name]) > TEXT_MAX_CHARS:
                reasons.append(_("%(field)s is %(length)s characters long; at most %(max)s are kept.") % {
                    "field": HISTORY_FIELD_LABELS[name], "length": len(values[name]), "max": TEXT_MAX_CHARS})
        if values["funds_funder"] != current["funds_funder"] and len(values["funds_funder"]) > money.FUNDER_MAX_CHARS:
            reasons.append(_("%(field)s is %(length)s characters long; at most %(max)s are kept.") % {
                "field": HISTORY_FIELD_LABELS["funds_funder"], "length": len(values["funds_funder"]),
                "max": money.FUNDER_MAX_CHARS})
        if reasons:
            return reasons, None
        # Unchanged fields keep the stored text exactly (the cell may have lost a trailing space).
        saved = {name: values[name] if values[name] != current[name] or not report else _stored(report, name)
                 for name in EDITABLE_FIELDS}
        fields = [FieldChange(name, str(HISTORY_FIELD_LABELS[name]), _shown(name, current[name] if report else None),
                              _shown(name, values[name]))
                  for name in EDITABLE_FIELDS if values[name] != current[name]]
        if not fields:
            return [], None
        if report and report.carried_over:
            fields.append(FieldChange("carried_over", str(HISTORY_FIELD_LABELS["carried_over"]), _("yes"), _("no")))
        return [], WorkbookChange(row=number, activity=activity, version=version, values=saved, fields=fields)

    def _check_state(self, preview: WorkbookPreview):
        """The report is open to edits (workbook_scope said so); say what saving does to a validated one."""
        if preview.changes and self.state == CountryReport.State.VALIDATED and not self.user.is_staff:
            preview.notices.append(_("The report of %(country)s is validated: saving these changes reopens it for "
                                     "corrections, and the Secretariat sees it again once it is submitted again."
                                     ) % {"country": self.country})


def _stored(report: ProgressReport, name: str):
    """A stored value as the session carries it to the confirm: an amount as text (JSON has no Decimal)."""
    return amount_text(report.funds_amount) if name == "funds_amount" else getattr(report, name)


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if name == "status":
        return str(ProgressReport.Status(value).label)
    if name == "funds_source":
        return str(money.FundsSource(value).label)
    return str(value)


def _texts_in_any_language(activity) -> set[str]:
    """The activity's text as a download may have written it: in the language of whoever downloaded, which
    need not be the uploader's (a colleague in Russian, the Secretariat in English), flattened."""
    texts = {getattr(activity, f"text_{language}", "") for language, _name in settings.LANGUAGES} | {activity.text}
    return {flat_text(cell_safe(text)) for text in texts if text}
