"""A plan workbook's bytes -> plain data (``PlanData``) and the list of what is wrong with it.

Never touches the database: everything a row refers to (a unit, a country, an outline element, a
footnote, a value of the priority scale) must be in the workbook itself. Each error names the sheet,
the row and the column, in a sentence the Secretariat can act on.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from actionplans import normalise
from actionplans.commitments import tag_errors, tag_parse, tags_split
from actionplans.models import OUTLINE_FIELDS as OUTLINE_FK_LEVELS
from cami import archives

from . import format as fmt
from .data import (
    ActivityRow, CountryRow, ElementRow, PlanData, ReadResult, ScaleValue, UnitRow, WorkbookError,
)

ZIP_SIGNATURE = b"PK\x03\x04"
ISO_CODE = re.compile(r"^[A-Z]{2}$")
SPLIT = re.compile(r"\s*[,;]\s*|\s+")
ELEMENT_REF = re.compile(r"^(?P<level>.+?)\s+(?P<code>\S+)$")


def plan_workbook_read(source, *, expected_slug: str | None = None) -> ReadResult:
    """Read a plan workbook (bytes or a binary file); ``expected_slug``: refuse a workbook of another plan."""
    errors: list[WorkbookError] = []
    data = PlanData()
    raw = _bytes(source, errors)
    if raw is None:
        return ReadResult(data, errors)
    sheets = _open(raw, errors)
    if sheets is None:
        return ReadResult(data, errors)
    reader = _Reader(sheets, errors, data)
    reader.read(expected_slug)
    return ReadResult(data, errors)


# --- The file ------------------------------------------------------------------------------------


def _bytes(source, errors) -> bytes | None:
    if isinstance(source, (bytes, bytearray)):
        raw = bytes(source)
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        raw = source.read(fmt.MAX_FILE_BYTES + 1)
    if len(raw) > fmt.MAX_FILE_BYTES:
        errors.append(WorkbookError(_("The file is more than %(limit)s; a plan workbook may be at most %(limit)s.")
                                    % {"limit": filesizeformat(fmt.MAX_FILE_BYTES)}))
        return None
    if not raw.startswith(ZIP_SIGNATURE):
        errors.append(WorkbookError(_("This file is not an Excel workbook (.xlsx): save the plan workbook as .xlsx.")))
        return None
    return raw


def _open(raw: bytes, errors) -> dict | None:
    """Every data sheet's rows as lists of cells, after the zip guard; None if the file is refused."""
    file = io.BytesIO(raw)
    damaged = _("The file could not be read as an Excel workbook: it may be damaged.")
    try:
        archives.check_zip_archive(file, max_member_bytes=fmt.MAX_PART_BYTES,
                                   max_total_bytes=fmt.MAX_EXPANDED_BYTES, max_members=fmt.MAX_PARTS)
        archives.check_xlsx_size(file, max_member_bytes=fmt.MAX_PART_BYTES, max_total_bytes=fmt.MAX_EXPANDED_BYTES,
                                 max_rows=fmt.MAX_ROWS, max_cells=fmt.MAX_CELLS,
                                 max_cells_per_row=fmt.MAX_CELLS_PER_ROW)
    except ValidationError as error:
        errors.append(WorkbookError(" ".join(error.messages)))
        return None
    except archives.ZIP_ERRORS:
        errors.append(WorkbookError(damaged))
        return None
    try:
        # Formulas are read as formulas (data_only=False): a formula is refused, never its cached result.
        book = openpyxl.load_workbook(file, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
        errors.append(WorkbookError(damaged + f" ({error.__class__.__name__})"))
        return None
    try:
        sheets = {}
        for name in fmt.DATA_SHEETS:
            if name not in book.sheetnames:
                errors.append(WorkbookError(_("The sheet is missing: every sheet of the template must be there."),
                                            sheet=name))
                continue
            sheets[name] = [list(row) for row in book[name].iter_rows()]
        if fmt.META in book.sheetnames:
            sheets[fmt.META] = [list(row) for row in book[fmt.META].iter_rows(values_only=True)]
        return sheets
    finally:
        book.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


# --- The sheets ----------------------------------------------------------------------------------


class _Reader:
    def __init__(self, sheets: dict, errors: list, data: PlanData):
        self.sheets, self.errors, self.data = sheets, errors, data

    def error(self, message, sheet=None, row=None, column=None):
        self.errors.append(WorkbookError(message, sheet, row, column))

    def read(self, expected_slug):
        # A missing sheet or a broken header row is reported alone: reading the rows would only
        # repeat it (every unit "missing" when the sheet Units is).
        if not all(sheet in self.sheets for sheet in fmt.DATA_SHEETS):
            return
        for values in self.sheets.get(fmt.META, [])[1:]:
            if len(values) >= 3 and all(isinstance(value, str) for value in values[:3]):
                self.data.fingerprints[(values[0], values[1])] = values[2]
            elif len(values) >= 2 and values[0] == fmt.META_EDITION and str(values[1] or "").isdigit():
                self.data.edition_number = int(values[1])
        headers = {}
        for sheet in fmt.DATA_SHEETS[1:]:
            rows = self.sheets[sheet]
            if not rows:
                self.error(_("The header row is missing."), sheet, 1)
            else:
                headers[sheet] = self._header(sheet, rows[0], 1, fmt.COLUMNS[sheet])
        if self.errors:
            return
        self._plan(expected_slug)
        for sheet, method in ((fmt.FOOTNOTES, self._footnotes), (fmt.COUNTRIES, self._countries),
                              (fmt.UNITS, self._units), (fmt.OUTLINE, self._outline),
                              (fmt.ACTIVITIES, self._activities)):
            method(self._body(sheet, self.sheets[sheet][1:], 2, headers[sheet]))

    def _header(self, sheet, cells, number, columns) -> dict[int, str] | None:
        """Column names by position, if every column is there and no other; None (errors said) otherwise."""
        names = {index: _text(cell.value).strip() for index, cell in enumerate(cells) if _text(cell.value).strip()}
        known = {column.name for column in columns}
        translated = {f"{column.name}_{language}" for column in columns if column.translated
                      for language in fmt.translation_languages()}
        ok = True
        for name in [column.name for column in columns if column.name not in names.values()]:
            self.error(_("The column “%(name)s” is missing from the header row.") % {"name": name}, sheet, number, name)
            ok = False
        for index, name in names.items():
            if name not in known | translated:
                self.error(_("“%(name)s” is not a column of this sheet (columns: %(columns)s).")
                           % {"name": name, "columns": ", ".join(sorted(known))}, sheet, number, name)
                ok = False
        seen = [name for name in names.values()]
        for name in {name for name in seen if seen.count(name) > 1}:
            self.error(_("The column “%(name)s” appears twice.") % {"name": name}, sheet, number, name)
            ok = False
        return names if ok else None

    def _body(self, sheet, rows, first_number, names) -> list[tuple[int, dict]]:
        """The non-empty rows as (row number, {column: text}); a formula or a cell outside the columns is an error."""
        found = []
        for number, cells in enumerate(rows, start=first_number):
            values = {}
            for index, cell in enumerate(cells):
                if index not in names:
                    if cell.value not in (None, ""):
                        self.error(_("This cell is outside the sheet's columns: leave it empty."), sheet, number,
                                   getattr(cell, "column_letter", str(index + 1)))
                    continue
                if cell.data_type == "f":
                    self.error(_("A formula (%(formula)s): type the value itself.") % {"formula": _text(cell.value)},
                               sheet, number, names[index])
                    continue
                values[names[index]] = _text(cell.value)
            if not any(value.strip() for value in values.values()):
                continue
            for name, value in values.items():
                if value.strip() and any(name.endswith(f"_{language}") for language in fmt.translation_languages()):
                    self.data.translations += 1
            found.append((number, values))
        return found

    # --- Plan: fields, then the priority scale ---
    def _plan(self, expected_slug):
        rows = self.sheets[fmt.PLAN]
        blank = next((i for i, cells in enumerate(rows) if i and not any(_text(c.value).strip() for c in cells)),
                     len(rows))
        names = self._header(fmt.PLAN, rows[0], 1, fmt.PLAN_COLUMNS) if rows else None
        if names is None:
            if not rows:
                self.error(_("The header row is missing."), fmt.PLAN, 1)
            return
        field_rows = self._body(fmt.PLAN, rows[1:blank], 2, names)
        known = {name for name, _help in fmt.PLAN_FIELDS}
        rows_of = {}
        for number, values in field_rows:
            name = values.get("field", "").strip()
            if name not in known:
                self.error(_("“%(name)s” is not a field of a plan (fields: %(fields)s).")
                           % {"name": name, "fields": ", ".join(sorted(known))}, fmt.PLAN, number, "field")
                continue
            rows_of[name] = number
            self.data.fields[name] = values.get("value", "")
            self.data.field_translations.update(fmt.translations_of(values, column="value", field=name))
        for name in sorted(known - rows_of.keys()):
            self.error(_("The field “%(name)s” is missing: add a row with “%(name)s” in the column field.")
                       % {"name": name}, fmt.PLAN, len(field_rows) + 2, "field")
        self._plan_values(rows_of, expected_slug)
        scale_start = next((i for i in range(blank, len(rows)) if any(_text(c.value).strip() for c in rows[i])), None)
        if scale_start is None:
            self.error(_("The priority scale is missing: below the fields, a blank row, then a header row "
                         "“kind, scale, printed, level” and a row per printed value."), fmt.PLAN, blank + 1)
            return
        names = self._header(fmt.PLAN, rows[scale_start], scale_start + 1, fmt.SCALE_COLUMNS)
        if names is not None:
            self._scale(self._body(fmt.PLAN, rows[scale_start + 1:], scale_start + 2, names))

    def _plan_values(self, rows_of, expected_slug):
        fields = self.data.fields
        slug = fields.get("slug", "").strip()
        fields["slug"] = slug
        if "slug" in rows_of:
            try:
                validate_slug(slug)
            except ValidationError:
                self.error(_("“%(slug)s” is not a slug: lower case letters, digits and hyphens.") % {"slug": slug},
                           fmt.PLAN, rows_of["slug"], "value")
            if expected_slug and slug != expected_slug:
                self.error(_("This is the workbook of the plan “%(slug)s”, not of “%(expected)s”.")
                           % {"slug": slug, "expected": expected_slug}, fmt.PLAN, rows_of["slug"], "value")
        for name in ("period_start", "period_end"):
            if name in rows_of:
                value = fields[name].strip()
                if not value.isdigit():
                    self.error(_("“%(value)s” is not a year.") % {"value": value}, fmt.PLAN, rows_of[name], "value")
                    fields[name] = None
                else:
                    fields[name] = int(value)
        for name in ("title", "short_title", "species_common_name", "species_scientific_name"):
            if name in rows_of and not fields[name].strip():
                self.error(_("The %(field)s may not be empty.") % {"field": name}, fmt.PLAN, rows_of[name], "value")
        if "languages" in rows_of:
            codes = [code for code in SPLIT.split(fields.pop("languages").strip()) if code]
            allowed = [code for code, _name in settings.LANGUAGES]
            for code in codes:
                if code not in allowed:
                    self.error(_("“%(code)s” is not a language of the tracker (%(allowed)s).")
                               % {"code": code, "allowed": ", ".join(allowed)}, fmt.PLAN, rows_of["languages"], "value")
            self.data.languages = codes

    def _scale(self, rows):
        seen, scale_of = set(), {}
        for number, values in rows:
            value = ScaleValue(*(values.get(name, "").strip() for name in ("kind", "scale", "printed", "level")))
            checks = [
                ("kind", value.kind in fmt.ACTIVITY_KINDS,
                 _("“%(v)s” is not a kind of activity (%(allowed)s).") % {"v": value.kind,
                                                                         "allowed": ", ".join(fmt.ACTIVITY_KINDS)}),
                ("scale", value.scale in fmt.SCALES,
                 _("“%(v)s” is not a scale (%(allowed)s).") % {"v": value.scale, "allowed": ", ".join(fmt.SCALES)}),
                ("level", value.level in fmt.LEVELS,
                 _("“%(v)s” is not a level (%(allowed)s).") % {"v": value.level, "allowed": ", ".join(fmt.LEVELS)}),
                ("printed", bool(value.printed), _("The printed value may not be empty.")),
                ("printed", value.scale != "score" or normalise.score_bounds(value.printed) is not None,
                 _("A score is a number or a range such as 2.50-3.00.")),
                ("printed", (value.kind, value.printed.lower()) not in seen,
                 _("“%(v)s” is declared twice for %(kind)s.") % {"v": value.printed, "kind": value.kind}),
                ("scale", scale_of.setdefault(value.kind, value.scale) == value.scale,
                 _("Activities of kind %(kind)s are already on the %(scale)s scale: one scale per kind.")
                 % {"kind": value.kind, "scale": scale_of.get(value.kind)}),
            ]
            failed = [(column, message) for column, ok, message in checks if not ok]
            for column, message in failed:
                self.error(message, fmt.PLAN, number, column)
            seen.add((value.kind, value.printed.lower()))
            if not failed:
                self.data.scale.append(value)

    # --- Footnotes, Countries, Units ---
    def _number(self, sheet, number, values, column, required=True) -> int | None:
        text = values.get(column, "").strip()
        if not text and not required:
            return None
        if not text.isdigit():
            self.error(_("“%(value)s” is not a number.") % {"value": text}, sheet, number, column)
            return None
        return int(text)

    def _footnotes(self, rows):
        for number, values in rows:
            footnote = self._number(fmt.FOOTNOTES, number, values, "number")
            if footnote is None:
                continue
            if footnote in self.data.footnotes:
                self.error(_("Footnote %(n)s is listed twice.") % {"n": footnote}, fmt.FOOTNOTES, number, "number")
            self.data.footnotes[footnote] = values.get("text", "")
            self.data.footnote_translations[footnote] = fmt.translations_of(values)

    def _countries(self, rows):
        codes = set()
        for number, values in rows:
            code, name = values.get("code", "").strip(), values.get("name", "").strip()
            if not ISO_CODE.match(code):
                self.error(_("“%(code)s” is not an ISO 3166-1 alpha-2 code (two capital letters, e.g. KZ).")
                           % {"code": code}, fmt.COUNTRIES, number, "code")
                continue
            if code in codes:
                self.error(_("%(code)s is listed twice.") % {"code": code}, fmt.COUNTRIES, number, "code")
                continue
            if not name:
                self.error(_("The country's name may not be empty."), fmt.COUNTRIES, number, "name")
            range_state = values.get("range_state", "").strip().lower()
            if range_state not in ("yes", "no"):
                self.error(_("Write yes (a range state) or no."), fmt.COUNTRIES, number, "range_state")
            codes.add(code)
            self.data.countries.append(CountryRow(code, name, range_state != "no"))

    def _country_list(self, sheet, number, column, text, range_states_only=True) -> list[str]:
        known = {country.code for country in self.data.countries if country.range_state or not range_states_only}
        codes = [code for code in SPLIT.split(text.strip()) if code]
        for code in codes:
            if code not in known:
                message = (_("%(code)s is not a range state of the plan (sheet Countries).") if range_states_only
                           else _("%(code)s is not a country of the sheet Countries."))
                self.error(message % {"code": code}, sheet, number, column)
        return [code for code in codes if code in known]

    def _units(self, rows):
        for number, values in rows:
            unit_number = self._number(fmt.UNITS, number, values, "number")
            kind = values.get("kind", "").strip()
            if kind not in fmt.UNIT_KINDS:
                self.error(_("“%(v)s” is not a kind of unit (%(allowed)s).")
                           % {"v": kind, "allowed": ", ".join(fmt.UNIT_KINDS)}, fmt.UNITS, number, "kind")
            if not values.get("name", "").strip():
                self.error(_("The unit's name may not be empty."), fmt.UNITS, number, "name")
            if unit_number is None:
                continue
            if any(unit.number == unit_number for unit in self.data.units):
                self.error(_("Unit %(n)s is listed twice.") % {"n": unit_number}, fmt.UNITS, number, "number")
                continue
            countries = self._country_list(fmt.UNITS, number, "countries", values.get("countries", ""),
                                           range_states_only=False)
            self.data.units.append(UnitRow(
                unit_number, values.get("name", ""), kind, countries, values.get("countries_as_printed", ""),
                values.get("hotspot_id", "").strip(), values.get("subspecies", ""), values.get("geographic_area", ""),
                row=number, translations=fmt.translations_of(values)))

    def _unit(self, sheet, number, values) -> int | None:
        unit = self._number(sheet, number, values, "conservation_unit", required=False)
        if unit is not None and not any(row.number == unit for row in self.data.units):
            self.error(_("There is no conservation unit %(n)s in the sheet Units.") % {"n": unit}, sheet, number,
                       "conservation_unit")
            return None
        return unit

    def _footnote_list(self, sheet, number, values) -> list[int]:
        found = []
        for text in [text for text in SPLIT.split(values.get("footnotes", "").strip()) if text]:
            if not text.isdigit() or int(text) not in self.data.footnotes:
                self.error(_("There is no footnote %(n)s in the sheet Footnotes.") % {"n": text}, sheet, number,
                           "footnotes")
            else:
                found.append(int(text))
        return found

    # --- Outline ---
    def _element_ref(self, sheet, number, column, text, elements) -> tuple[str, str] | None:
        """(level, code) of an element named "level code" or by a code only one element has."""
        text = text.strip()
        match = ELEMENT_REF.match(text)
        if match and (fmt.level_of(match["level"]), match["code"]) in elements:
            return fmt.level_of(match["level"]), match["code"]
        candidates = [key for key in elements if key[1] == text]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            self.error(_("Several outline elements have the code %(code)s: write the level too (%(example)s).")
                       % {"code": text, "example": f"{candidates[0][0]} {text}"}, sheet, number, column)
        else:
            self.error(_("There is no outline element “%(ref)s” in the sheet Outline.") % {"ref": text},
                       sheet, number, column)
        return None

    def _level(self, number, name: str, names: dict) -> str | None:
        """The level a row's printed level name stands for; ``names``: level → (name, row) as first written."""
        level = fmt.level_of(name)
        if not level or not level[0].isalpha():
            self.error(_("“%(v)s” is not a level name: write it in Latin letters, e.g. Goal or objective (a name "
                         "in another language goes in its own column, such as level_ru).") % {"v": name},
                       fmt.OUTLINE, number, "level")
        elif len(level) > fmt.MAX_LEVEL or len(name) > fmt.MAX_LEVEL_NAME:
            self.error(_("The level name “%(v)s” is too long: at most %(n)s letters.")
                       % {"v": name, "n": fmt.MAX_LEVEL}, fmt.OUTLINE, number, "level")
        elif level not in fmt.OUTLINE_LEVELS and not _same_name(names.setdefault(level, (name, number))[0], name):
            self.error(_("The level “%(v)s” is written “%(first)s” in row %(row)s: write it the same way in every "
                         "row.") % {"v": name, "first": names[level][0], "row": names[level][1]},
                       fmt.OUTLINE, number, "level")
        else:
            return level
        return None

    def _outline(self, rows):
        keys, names = {}, {}
        for number, values in rows:
            name, code = values.get("level", "").strip(), values.get("code", "").strip()
            level = self._level(number, name, names)
            if level is None:
                continue
            if not code:
                self.error(_("The code may not be empty."), fmt.OUTLINE, number, "code")
                continue
            if (level, code) in keys:
                self.error(_("%(level)s %(code)s is listed twice (also row %(row)s).")
                           % {"level": level, "code": code, "row": keys[(level, code)]}, fmt.OUTLINE, number, "code")
                continue
            if not values.get("title", "").strip():
                self.error(_("The title may not be empty."), fmt.OUTLINE, number, "title")
            keys[(level, code)] = number
            self.data.elements.append(ElementRow(
                level, code, values.get("title", ""), None, self._unit(fmt.OUTLINE, number, values),
                self._footnote_list(fmt.OUTLINE, number, values), row=number,
                translations=fmt.translations_of(values, renamed=fmt.OUTLINE_FIELD_OF_COLUMN),
                level_name="" if level in fmt.OUTLINE_LEVELS else name))
        self._same_level_names()
        parents = dict(rows)
        for element in self.data.elements:
            text = parents[element.row].get("parent", "").strip()
            if text:
                element.parent = self._element_ref(fmt.OUTLINE, element.row, "parent", text, keys)
        self._check_cycles()

    def _same_level_names(self):
        """A level's name in another language (level_ru) is the level's, not one row's: given in one row,
        it names the level in every row that leaves it empty; two rows giving two names are refused."""
        given: dict[tuple[str, str], tuple[str, int]] = {}
        for element in self.data.elements:
            for field, name in element.translations.items():
                if field.startswith("level_name_") and name.strip():
                    first = given.setdefault((element.level, field), (name.strip(), element.row))
                    if first[0] != name.strip():
                        self.error(_("The level's name “%(v)s” differs from “%(first)s” in row %(row)s: write it the "
                                     "same way in every row.") % {"v": name, "first": first[0], "row": first[1]},
                                   fmt.OUTLINE, element.row, field.replace("level_name", "level", 1))
        for element in self.data.elements:
            for (level, field), (name, _row) in given.items():
                if element.level == level and not element.translations.get(field, "").strip():
                    element.translations[field] = name

    def _check_cycles(self):
        parent_of = {(e.level, e.code): e.parent for e in self.data.elements}
        for element in self.data.elements:
            seen, current = [], (element.level, element.code)
            while current and current not in seen:
                seen.append(current)
                current = parent_of.get(current)
            if current:
                self.error(_("The parent chain goes round in a circle: %(chain)s.")
                           % {"chain": " → ".join(f"{level} {code}" for level, code in seen + [current])},
                           fmt.OUTLINE, element.row, "parent")
                element.parent = None  # reported once per element in the circle; no chain to follow

    # --- Activities ---
    def _activities(self, rows):
        elements = {(e.level, e.code): e for e in self.data.elements}
        scales = {}
        for value in self.data.scale:
            scales.setdefault(value.kind, []).append(value)
        keys = {}
        for number, values in rows:
            activity = self._activity(number, values, elements, scales)
            if activity is None:
                continue
            if activity.key in keys:
                if values.get("key", "").strip():
                    message = _("The key %(key)s is used twice (also row %(row)s).")
                else:
                    message = _("The code %(key)s is printed twice (also row %(row)s): give each row a distinct key, "
                                "e.g. %(key)s-2.")
                self.error(message % {"key": activity.key, "row": keys[activity.key]}, fmt.ACTIVITIES, number, "key")
                continue
            keys[activity.key] = number
            self.data.activities.append(activity)
        if not rows:
            self.error(_("The sheet has no activities: a plan has at least one."), fmt.ACTIVITIES)

    def _activity(self, number, values, elements, scales) -> ActivityRow | None:
        sheet = fmt.ACTIVITIES
        errors_before = len(self.errors)
        code, kind = values.get("code", "").strip(), values.get("kind", "").strip()
        key = values.get("key", "").strip() or code
        if not code:
            self.error(_("The code may not be empty."), sheet, number, "code")
        if kind not in fmt.ACTIVITY_KINDS:
            self.error(_("“%(v)s” is not a kind of activity (%(allowed)s).")
                       % {"v": kind, "allowed": ", ".join(fmt.ACTIVITY_KINDS)}, sheet, number, "kind")
        elif kind not in scales:
            self.error(_("The Plan sheet declares no priority scale for activities of kind %(kind)s.") % {"kind": kind},
                       sheet, number, "kind")
        if not values.get("text", "").strip():
            self.error(_("The text may not be empty."), sheet, number, "text")
        priority = values.get("priority", "").strip()
        if priority and kind in scales:
            scale = scales[kind]
            if not normalise.priority_level_on_scale(priority, scale[0].scale, [(v.printed, v.level) for v in scale]):
                self.error(_("“%(priority)s” is not on the plan's priority scale for %(kind)s (%(values)s).")
                           % {"priority": priority, "kind": kind, "values": ", ".join(v.printed for v in scale)},
                           sheet, number, "priority")
        parent = None
        if not values.get("parent", "").strip():
            self.error(_("Name the outline element it sits under (e.g. result 1.1)."), sheet, number, "parent")
        else:
            parent = self._element_ref(sheet, number, "parent", values["parent"], elements)
        outline = self._outline_of(parent, elements) if parent else {}
        if parent and not outline:
            self.error(_("%(ref)s is not under a section, theme, objective or result.")
                       % {"ref": " ".join(parent)}, sheet, number, "parent")
        unit = self._unit(sheet, number, values)
        countries = self._activity_countries(number, values.get("countries", ""), unit)
        footnotes = self._footnote_list(sheet, number, values)
        tags = tags_split(values.get("tags", ""))
        for message in tag_errors([tag for tag in tags if tag_parse(tag) is None], known_items={}, known_schemes=set()):
            self.error(message, sheet, number, "tags")  # malformed; whether the items exist is the import's check
        if len(self.errors) > errors_before:
            return None
        activity = ActivityRow(
            key=key, code=code, kind=kind, text=values.get("text", ""), priority=priority,
            actor=values.get("actor", ""), indicator=values.get("indicator", ""), timeline=values.get("timeline", ""),
            budget=values.get("budget", ""),
            cami_pow=[item for item in re.split(r"\s*,\s*", values.get("cami_pow", "").strip()) if item],
            applicability=values.get("applicability", ""), countries=countries, parent=parent,
            conservation_unit=unit, footnotes=footnotes, editorial_note=values.get("editorial_note", ""), row=number,
            translations=fmt.translations_of(values),
            key_given=bool(values.get("key", "").strip()), tags=tags)
        activity.outline.update(outline)
        return activity

    def _outline_of(self, parent, elements) -> dict[str, str]:
        found, current = {}, parent
        while current:
            if current[0] in OUTLINE_FK_LEVELS:
                found.setdefault(current[0], current[1])
            current = elements[current].parent if current in elements else None
        return found

    def _activity_countries(self, number, text, unit) -> list[str]:
        """The codes a countries rule gives: all, unit, all except ..., or the codes themselves."""
        sheet, rule = fmt.ACTIVITIES, text.strip()
        all_states = [country.code for country in self.data.countries if country.range_state]
        if rule.lower() == "all":
            return all_states
        if rule.lower() == "unit":
            if unit is None:
                self.error(_("“unit” needs a conservation unit in the column conservation_unit."), sheet, number,
                           "countries")
                return []
            return [code for code in next(row.countries for row in self.data.units if row.number == unit)
                    if code in all_states]
        if rule.lower().startswith("all except"):
            left_out = self._country_list(sheet, number, "countries", rule[len("all except"):])
            return [code for code in all_states if code not in left_out]
        codes = self._country_list(sheet, number, "countries", rule)
        if not rule:
            self.error(_("Say which countries it applies to: all, unit, all except KZ, MN, or ISO codes."), sheet,
                       number, "countries")
        return codes


def _same_name(first: str, name: str) -> bool:
    """Goal and GOAL name one level; Goal and Goals two rows would not agree on."""
    return first.casefold() == name.casefold()
