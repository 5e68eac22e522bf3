"""A plan as a plan workbook (``format``): ``plan_workbook_build(plan=) -> bytes``."""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from django.utils import translation
from openpyxl.styles import Alignment, Font

from actionplans import normalise
from cami.languages import ORIGINAL_LANGUAGE, translated_fields
from actionplans.models import ActionPlan, Activity, PlanEdition
from conservation_units.models import Country

from . import format as fmt

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def plan_workbook_build(*, plan: ActionPlan | None, edition: PlanEdition | None = None) -> bytes:
    """The workbook of ``plan`` (its current edition's activities, or ``edition``'s); with ``plan=None`` the
    blank template (headers and instructions only)."""
    book = openpyxl.Workbook()
    _instructions(book.active)
    sheets = {name: book.create_sheet(name) for name in fmt.DATA_SHEETS}
    for name, sheet in sheets.items():
        _row(sheet, fmt.header(name), font=BOLD)
        sheet.freeze_panes = "A2"
    if plan is None:
        _plan_rows(sheets[fmt.PLAN], {}, [])
    else:
        _fill(plan, book, sheets, edition or plan.current_edition)
    for sheet in sheets.values():
        for column in sheet.iter_cols(max_row=1):
            sheet.column_dimensions[column[0].column_letter].width = 18
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _instructions(sheet):
    sheet.title = fmt.INSTRUCTIONS
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 110
    for heading, text in fmt.instructions():
        _row(sheet, [heading, text])
        sheet.cell(sheet.max_row, 1).font = BOLD
        sheet.cell(sheet.max_row, 2).alignment = WRAP


def _row(sheet, values, font=None):
    sheet.append([_cell_value(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text as printed, never a formula (a text may start with "=")
        if font:
            cell.font = font


def _cell_value(value):
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(item) for item in value)
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _translated(sheet_name: str, values: dict) -> list:
    """One row: each column's value, then the same text in each other language (empty where there is none)."""
    row = []
    for column in fmt.COLUMNS[sheet_name]:
        row.append(values.get(column.name, ""))
        if column.translated:
            row += [values.get(f"{column.name}_{language}", "") for language in fmt.translation_languages()]
    return row


def _translations(obj, columns: dict[str, str] | None = None) -> dict[str, str]:
    """The texts in other languages the tracker holds for ``obj`` ({"text_ru": ...}), under their column's
    name (``columns``: field → column where they differ, level_name → level).

    Only those that are there: a row without any keeps the digest it had before translations were stored,
    so a workbook exported then still corrects the plan."""
    found = {}
    for name in translated_fields(type(obj)):
        for language in fmt.translation_languages():
            value = getattr(obj, f"{name}_{language}", None)
            if value:
                found[f"{(columns or {}).get(name, name)}_{language}"] = value
    return found


@dataclass
class PlanRows:
    """What the export writes, as plain values: per sheet, each row's key and values by column."""

    fields: dict
    scale: list[list]
    sheets: dict[str, list[tuple[str, dict]]]

    def fingerprints(self) -> dict[tuple[str, str], str]:
        """(sheet, key) -> a digest of the row's values: what a correction checks the tracker still holds."""
        found = {(fmt.PLAN, PLAN_FIELDS_KEY): _digest(self.fields)}
        for row in self.scale:  # kind, scale, printed, level
            found[(fmt.PLAN, scale_key(row[0], row[2]))] = _digest(row)
        for sheet, rows in self.sheets.items():
            found.update({(sheet, key): _digest(values) for key, values in rows})
        return found


PLAN_FIELDS_KEY = "fields"


def scale_key(kind: str, printed: str) -> str:
    return f"priority {kind} {printed}"


def _digest(values) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:20]


@translation.override(ORIGINAL_LANGUAGE)  # the main columns hold the English originals, whoever exports
def plan_rows(plan: ActionPlan, edition: PlanEdition | None = None) -> PlanRows:
    """The plan's rows as the workbook holds them (the activities of ``edition``, else of the current
    edition), in a constant number of queries."""
    plan = ActionPlan.objects.prefetch_related("range_states").get(pk=plan.pk)
    range_states = sorted(plan.range_states.all(), key=lambda country: country.code)
    fields = {name: getattr(plan, name) for name, _help in fmt.PLAN_FIELDS if name != "languages"}
    fields.update(_translations(plan))
    sheets = {name: [] for name in fmt.DATA_SHEETS if name != fmt.PLAN}
    others = Country.objects.filter(conservation_units__plan=plan).exclude(action_plans=plan).distinct()
    for country in range_states + sorted(others, key=lambda country: country.code):
        sheets[fmt.COUNTRIES].append((country.code, {
            "code": country.code, "name": country.name, "range_state": "yes" if country in range_states else "no"}))
    units = {}
    for unit in plan.conservation_units.prefetch_related("countries").order_by("number"):
        codes = {country.code for country in unit.countries.all()}
        # "unit" in an activity's countries: the unit's countries that are range states of the plan.
        units[unit.pk] = codes & {country.code for country in range_states}
        sheets[fmt.UNITS].append((str(unit.number), {
            "number": unit.number, "name": unit.name, "kind": unit.kind, "countries": _codes(codes),
            "countries_as_printed": unit.countries_as_printed, "hotspot_id": unit.hotspot_id,
            "subspecies": unit.subspecies, "geographic_area": unit.geographic_area,
            **_translations(unit),
        }))
    elements = plan.elements.select_related("parent", "conservation_unit").prefetch_related("footnotes")
    for element in elements.order_by("position"):
        sheets[fmt.OUTLINE].append((f"{element.level} {element.code}", {
            "level": element.level_name or element.level, "code": element.code, "title": element.title,
            "parent": _element_ref(element.parent),
            "conservation_unit": element.conservation_unit.number if element.conservation_unit else "",
            "footnotes": [footnote.number for footnote in element.footnotes.all()],
            **_translations(element, columns=fmt.OUTLINE_COLUMN_OF_FIELD),
        }))
    all_states = {country.code for country in range_states}
    activities = Activity.objects.filter(edition=edition) if edition else Activity.objects.current().filter(plan=plan)
    for activity in activities.with_related().with_tags().order_by("position"):
        sheets[fmt.ACTIVITIES].append((activity.key, _activity_values(activity, all_states, units)))
    for footnote in plan.footnotes.order_by("number"):
        sheets[fmt.FOOTNOTES].append((str(footnote.number), {
            "number": footnote.number, "text": footnote.text, **_translations(footnote)}))
    fields["languages"] = ", ".join(_languages(fields, sheets))
    fields_with_states = {**fields, "range_states": sorted(all_states)}
    return PlanRows(fields_with_states, _scale_rows(plan), sheets)


def _languages(fields: dict, sheets: dict) -> list[str]:
    """The original's language, and each other language some text of the plan is given in."""
    keys = set(fields).union(*(values for rows in sheets.values() for _key, values in rows))
    return [ORIGINAL_LANGUAGE] + [language for language in fmt.translation_languages()
                                  if any(key.endswith(f"_{language}") for key in keys)]


def _fill(plan: ActionPlan, book, sheets: dict, edition: PlanEdition | None):
    rows = plan_rows(plan, edition)
    _plan_rows(sheets[fmt.PLAN], rows.fields, rows.scale)
    for name, sheet_rows in rows.sheets.items():
        for _key, values in sheet_rows:
            _row(sheets[name], _translated(name, values))
    _meta(book, rows, edition)


def _meta(book, rows: PlanRows, edition: PlanEdition | None):
    """A very hidden sheet: each row's digest at export, so that a correction can tell what changed since,
    and the edition exported, so that a correction applies to that edition only."""
    sheet = book.create_sheet(fmt.META)
    sheet.sheet_state = "veryHidden"
    _row(sheet, ["sheet", "key", "fingerprint"])
    for (name, key), digest in rows.fingerprints().items():
        _row(sheet, [name, key, digest])
    if edition is not None:
        _row(sheet, [fmt.META_EDITION, str(edition.number)])


def _plan_rows(sheet, fields: dict, scale: list[list]):
    for name, _help in fmt.PLAN_FIELDS:
        value = fields.get(name, "")
        row = [name, value] + [fields.get(f"{name}_{language}", "") for language in fmt.translation_languages()]
        _row(sheet, row, font=None)
        sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.append([])
    _row(sheet, fmt.scale_header(), font=BOLD)
    for values in scale:
        _row(sheet, values)


def _scale_rows(plan: ActionPlan) -> list[list]:
    declared = [[value.kind, value.scale, value.printed, value.level] for value in plan.priority_scale_values.all()]
    if declared:
        return declared
    # A plan loaded before scales were data: today's rules for the scales its activities use.
    used = plan.activities.current().order_by("position").values_list("kind", "priority_scale").distinct()
    return [[kind, scale, printed, level]
            for kind, scale in dict.fromkeys(used)
            for printed, level in normalise.DEFAULT_SCALE_VALUES.get(scale, [])]


def _codes(codes) -> str:
    return ", ".join(sorted(codes))


def _element_ref(element) -> str:
    return f"{element.level} {element.code}" if element else ""


def _countries_rule(codes: set[str], all_states: set[str], unit_countries: set[str] | None) -> str:
    """The shortest rule that gives these countries: all, unit, all except ..., or the codes."""
    if codes == all_states:
        return "all"
    if unit_countries is not None and codes == unit_countries:
        return "unit"
    left_out = all_states - codes
    if codes and codes < all_states and len(left_out) < len(codes):
        return f"all except {_codes(left_out)}"
    return _codes(codes)


def _activity_values(activity: Activity, all_states: set[str], units: dict) -> dict:
    codes = {country.code for country in activity.countries.all()}
    return {
        "key": activity.key, "code": activity.code, "kind": activity.kind, "text": activity.text,
        "priority": activity.priority, "actor": activity.actor, "indicator": activity.indicator,
        "timeline": activity.timeline, "budget": activity.budget, "cami_pow": activity.cami_pow,
        "applicability": activity.applicability,
        "countries": _countries_rule(codes, all_states, units.get(activity.conservation_unit_id)),
        "parent": _element_ref(activity.parent),
        "conservation_unit": activity.conservation_unit.number if activity.conservation_unit else "",
        "footnotes": [footnote.number for footnote in activity.footnotes.all()],
        "editorial_note": activity.editorial_note,
        "tags": "; ".join(item.tag for item in activity.tags.all()),
        **_translations(activity),
    }
