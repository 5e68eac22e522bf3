"""Which rows an export holds: the request's parameters, checked (``export_scope``).

The activity filters are the activity list's FilterSet; the progress filters are
``filtersets.ExportProgressFilterSet``, the progress list's with "No information" among the statuses.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.filtersets import ActivityFilterSet
from actionplans.models import Activity
from conservation_units.models import Country

from ..filtersets import ExportProgressFilterSet
from ..models import ReportingRound


# --- Which rows: the request's filters ----------------------------------------------------------

# ?version=: which values the export holds. Published versions by default, for everyone: the figures
# the Secretariat sends on are those it validated; readers of drafts may ask for the working copies.
VERSION_PUBLISHED, VERSION_WORKING = "published", "working"

# ModelChoiceFilter says "Select a valid choice", which names neither the parameter's meaning nor the value.
UNKNOWN_VALUE = {
    "plan": gettext_lazy("There is no plan “%(value)s”."),
    "country": gettext_lazy("There is no country with the ISO code “%(value)s”."),
}


@dataclass
class Scope:
    """The filters of one export, checked."""

    activities: object  # Activity queryset picked by the activity filters
    plan: object
    plan_id: int | None
    country: Country | None
    round: ReportingRound | None
    statuses: set
    states: set
    updated_since: datetime.datetime | None
    search: str
    given: list  # (parameter, values) as the request gave them, for the Summary
    working: bool = False  # ?version=working: the working copies (readers of drafts), else published versions

    @property
    def picks_pairs(self) -> bool:
        """Whether some activity × country pairs are left out by the progress filters."""
        return bool(self.statuses or self.states or self.updated_since or self.search)


def _as_querydict(params) -> QueryDict:
    if isinstance(params, QueryDict):
        return params
    data = QueryDict(mutable=True)
    for key, value in (params or {}).items():
        values = value if isinstance(value, (list, tuple, set)) else [value]
        data.setlist(key, [str(v) for v in values if v is not None])
    return data


def _activity_rows():
    """Activities with what the Matrix and the Summary show, in one query (countries: see _applies)."""
    return (
        Activity.objects.select_related(
            "plan", "conservation_unit", "objective", "section", "theme", "result", "parent")
        .order_by("plan__slug", "position")
    )


def export_scope(params) -> Scope:
    """Check the parameters; a bad one raises ValidationError naming it."""
    data = _as_querydict(params).copy()
    if data.get("country"):
        data["country"] = data["country"].upper()  # kz as KZ, as in the country pages' addresses
    activity_data = data.copy()
    activity_data.pop("search", None)  # searched per pair below: the activity's words or the report's
    # Not only the current edition: each table takes its round's (tables.progress_tables).
    activity_filters = ActivityFilterSet(data=activity_data, queryset=_activity_rows(), every_edition=True)
    form = ExportProgressFilterSet(data=data).form
    errors = {}
    if not activity_filters.is_valid():
        for name, messages in activity_filters.errors.items():
            errors[name] = [UNKNOWN_VALUE[name] % {"value": data.get(name)}] if name in UNKNOWN_VALUE else messages
    if not form.is_valid():
        errors.update(form.errors)
    if errors:
        raise ValidationError({name: list(messages) for name, messages in errors.items()})
    version = (data.get("version") or VERSION_PUBLISHED).strip()
    if version not in (VERSION_PUBLISHED, VERSION_WORKING):
        errors["version"] = [_("Choose “published” (the default: as last validated) or “working” (working copies).")]
    if errors:
        raise ValidationError({name: list(messages) for name, messages in errors.items()})
    cleaned, progress = activity_filters.form.cleaned_data, form.cleaned_data
    round, plan = progress["round"], cleaned.get("plan")
    if round and plan and round.plan_id != plan.pk:
        raise ValidationError({"round": [_("Round %(round)s is not a round of %(plan)s.") % {
            "round": round.pk, "plan": plan}]})
    activities = activity_filters.qs
    if progress["activity"]:
        activities = activities.filter(pk=progress["activity"])
    known = set(activity_filters.filters) | set(ExportProgressFilterSet.base_filters)
    given = [(key, [v for v in data.getlist(key) if v.strip()]) for key in data if key in known]
    return Scope(
        activities=activities, plan=plan, plan_id=int(cleaned["plan_id"]) if cleaned.get("plan_id") else None,
        country=cleaned.get("country"), round=round, statuses=set(progress["status"]), states=set(progress["state"]),
        updated_since=progress["updated_since"], search=progress["search"],
        given=[(key, values) for key, values in given if values], working=version == VERSION_WORKING,
    )


