"""The plan workbook: one documented .xlsx template that holds a whole plan.

Sheets, in order: Instructions, Plan, Countries, Units, Outline, Activities, Footnotes. Row 1 of each
data sheet is its header row; columns are found by their header (any order). Every column listed
here must be present; a column marked ``translated`` may be followed by ``<column>_<language>`` for
each other language of ``settings.LANGUAGES`` (``text_ru``); any other column is an error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

INSTRUCTIONS = "Instructions"
PLAN = "Plan"
COUNTRIES = "Countries"
UNITS = "Units"
OUTLINE = "Outline"
ACTIVITIES = "Activities"
FOOTNOTES = "Footnotes"
DATA_SHEETS = (PLAN, COUNTRIES, UNITS, OUTLINE, ACTIVITIES, FOOTNOTES)
# Very hidden, written by the export: a digest of each row as exported (read by a correction).
META = "_meta"
META_EDITION = "edition"  # its row on the sheet _meta: the number of the edition exported

# The same limits as the country workbook upload (reporting/workbook/read.py; a test holds them equal),
# checked by cami.archives before openpyxl opens anything, and the file's own size.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_PART_BYTES = 20 * 1024 * 1024
MAX_EXPANDED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 500
MAX_CELLS = 200_000
MAX_CELLS_PER_ROW = 16_384
MAX_ROWS = 5010  # per sheet, header included


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    translated: bool = False


def translation_languages() -> list[str]:
    """Languages a text may be given in besides the printed one (the first of settings.LANGUAGES)."""
    return [code for code, _name in settings.LANGUAGES[1:]]


def translations_of(values: dict, column: str = "", field: str = "", renamed: dict | None = None) -> dict[str, str]:
    """A row's ``<column>_<language>`` cells, empty ones included (an emptied cell clears the text), by
    model field: ``{"text_ru": ...}``; on the Plan sheet ``column="value"`` and ``field`` the plan's field;
    ``renamed``: column → field where they differ (the Outline's level → level_name)."""
    found = {}
    for name, value in values.items():
        for language in translation_languages():
            if name.endswith(f"_{language}") and (not column or name == f"{column}_{language}"):
                base = name[:-len(language) - 1]
                found[f"{field or (renamed or {}).get(base, base)}_{language}"] = value
    return found


# Plan sheet: a table of fields (field, value) above a blank row, then the priority scale table.
PLAN_COLUMNS = (
    Column("field", _("The name of the plan's field (do not change).")),
    Column("value", _("Its value as printed."), translated=True),
)
PLAN_FIELDS = (
    ("slug", _("Short name in URLs and the API (lower case letters, digits, hyphens); it names the plan an "
               "import corrects.")),
    ("title", _("Title as printed.")),
    ("short_title", _("Short title.")),
    ("species_common_name", _("Species, common name.")),
    ("species_scientific_name", _("Species, scientific name.")),
    ("period_start", _("First year of the plan's period.")),
    ("period_end", _("Last year of the plan's period.")),
    ("document_symbol", _("Document symbol, e.g. UNEP/CMS/CAMI/RS-PL1/Doc.2/Rev.2; may be empty.")),
    ("goal", _("Goal as printed; may be empty.")),
    ("vision", _("Vision as printed; may be empty.")),
    ("languages", _("Languages the workbook's texts are in, comma-separated codes (en, ru).")),
)
TRANSLATED_PLAN_FIELDS = {"title", "short_title", "species_common_name", "goal", "vision"}
SCALE_COLUMNS = (
    Column("kind", _("The kind of activity that prints this value: measure, action or activity.")),
    Column("scale", _("rank (ordered values: 1, 2, 3 or A, B, C), word (Essential, High ...) or score "
                      "(numbers; a value may be a range such as 2.50-3.00).")),
    Column("printed", _("The value as the document prints it (letter case does not matter). A score range "
                        "covers its upper end up to the next step of its last decimal: 1.50-2.49 takes 2.499.")),
    Column("level", _("What it means: high, medium or low.")),
)

COUNTRY_COLUMNS = (
    Column("code", _("ISO 3166-1 alpha-2 code of a country the plan names, e.g. KZ.")),
    Column("name", _("English short name."), translated=True),
    Column("range_state", _("yes for a range state of the plan; no for another country a unit names (a region "
                            "reaching beyond the range states).")),
)

UNIT_COLUMNS = (
    Column("number", _("Number as printed (1, 2, ...).")),
    Column("name", _("Name as printed."), translated=True),
    Column("kind", _("transboundary, single_country or region.")),
    Column("countries", _("ISO codes of its countries, comma-separated (countries of the sheet Countries).")),
    Column("countries_as_printed", _("The countries as the document prints them; may be empty."), translated=True),
    Column("hotspot_id", _("Hotspot ID, where the plan gives one.")),
    Column("subspecies", _("Subspecies, where the plan gives one."), translated=True),
    Column("geographic_area", _("Geographic area, where the plan gives one."), translated=True),
)

OUTLINE_COLUMNS = (
    Column("level", _("part, theme, section, objective or result, or the plan's own name for the level as printed "
                      "(Goal, Target), in Latin letters; the same in every row of that level. Any depth: a level "
                      "may sit under one of its own."), translated=True),
    Column("code", _("Number as printed (1, 1.1, 2.0); a part gets a short code such as annex-1.")),
    Column("title", _("Heading as printed, without its label."), translated=True),
    Column("parent", _("The element it sits under, as level and code (objective 1) or a code used once; empty "
                       "at the top.")),
    Column("conservation_unit", _("Number of the conservation unit it is about, if any.")),
    Column("footnotes", _("Numbers of the footnotes that qualify it, comma-separated.")),
)

ACTIVITY_COLUMNS = (
    Column("key", _("Stable identifier, filled by the export: the import matches rows on it. Empty: the code "
                    "(a code printed twice needs a key, e.g. 1.2.3-2).")),
    Column("code", _("Number as printed.")),
    Column("kind", _("measure, action or activity.")),
    Column("text", _("Full text as printed (line breaks kept)."), translated=True),
    Column("priority", _("As printed; a value of the priority scale on the Plan sheet, or empty.")),
    Column("actor", _("Responsibility / actor as printed."), translated=True),
    Column("indicator", _("Indicator as printed."), translated=True),
    Column("timeline", _("Timeline as printed (2025, 2023-24, Every 3 years); the target year is read from it."),
           translated=True),
    Column("budget", _("Budget as printed (10.000 USD per country); the amount in USD is read from it."),
           translated=True),
    Column("cami_pow", _("CAMI Programme-of-Work activities, comma-separated (19.2, 5.6–5.11).")),
    Column("applicability", _("'Applicable to' as printed."), translated=True),
    Column("countries", _("all (every range state), unit (the countries of its conservation unit), "
                          "all except KZ, MN, or ISO codes: KZ, MN.")),
    Column("parent", _("The outline element it sits under, as level and code (result 1.1, section 2.0).")),
    Column("conservation_unit", _("Number of its conservation unit, if any.")),
    Column("footnotes", _("Numbers of the footnotes that qualify it, comma-separated.")),
    Column("editorial_note", _("Where and why the tracker corrected the printed text."), translated=True),
    Column("tags", _("Commitment items it serves, as scheme:code separated by ; or , (gbf:4; cms:14.167): items "
                     "the tracker holds. The CAMI PoW items its cami_pow prints are added whether listed or not.")),
)

FOOTNOTE_COLUMNS = (
    Column("number", _("Footnote number as printed.")),
    Column("text", _("Text as printed."), translated=True),
)

COLUMNS = {
    PLAN: PLAN_COLUMNS,
    COUNTRIES: COUNTRY_COLUMNS,
    UNITS: UNIT_COLUMNS,
    OUTLINE: OUTLINE_COLUMNS,
    ACTIVITIES: ACTIVITY_COLUMNS,
    FOOTNOTES: FOOTNOTE_COLUMNS,
}

OUTLINE_LEVELS = ("part", "theme", "section", "objective", "result")  # the tracker names these itself
MAX_LEVEL_NAME = 60  # PlanElement.level_name
MAX_LEVEL = 20  # PlanElement.level
# A column of the sheet Outline that holds a model field of another name (its translations too: level_ru).
OUTLINE_FIELD_OF_COLUMN = {"level": "level_name"}
OUTLINE_COLUMN_OF_FIELD = {field: column for column, field in OUTLINE_FIELD_OF_COLUMN.items()}


def level_of(name: str) -> str:
    """The level a printed level name stands for: "Sub-target" → sub_target, "Objective" → objective."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
ACTIVITY_KINDS = ("measure", "action", "activity")
UNIT_KINDS = ("transboundary", "single_country", "region")
SCALES = ("rank", "word", "score")
LEVELS = ("high", "medium", "low")


def header(sheet: str) -> list[str]:
    """The header row the export writes: each column, then its translations."""
    names = []
    for column in COLUMNS[sheet]:
        names.append(column.name)
        if column.translated:
            names += [f"{column.name}_{language}" for language in translation_languages()]
    return names


def scale_header() -> list[str]:
    return [column.name for column in SCALE_COLUMNS]


def instructions() -> list[tuple[str, str]]:
    """(heading, text) lines of the Instructions sheet."""
    lines = [
        (str(_("A whole action plan")), str(_(
            "This workbook holds one plan: its fields and priority scale (Plan), range states (Countries), "
            "conservation units (Units), outline (Outline), activities (Activities) and footnotes (Footnotes). "
            "Row 1 of each sheet is its header: keep it. Type values as text (a code 2.0 typed as a number "
            "becomes 2). No formulas: type the value itself."))),
        (str(_("Import")), str(_(
            "python manage.py import_plan <file.xlsx> loads it: a new plan if its slug is new, otherwise a "
            "correction of the current plan (typos, translations), refused if it adds or removes activities, "
            "outline elements, units, footnotes or priority values, or reorders rows, and refused if it would "
            "change a row the tracker changed after this workbook was exported (export again and correct "
            "there). --dry-run lists what would change and saves nothing. Every import is recorded. Bad input "
            "is refused with a sentence naming sheet, row and column; nothing is saved then."))),
        (str(_("Plan sheet")), str(_(
            "Above: one row per field of the plan (column field, then value). Below a blank row: the priority "
            "scale, a header row kind, scale, printed, level and one row per value the document prints, for "
            "each kind of activity the plan has."))),
        (str(_("Read from the printed values")), str(_(
            "The tracker reads, as for every plan: the priority level from the priority on the plan's scale; "
            "the target year from the timeline; the amount in USD from the budget; the countries of each "
            "activity from its countries rule; the links between items from the references printed in their "
            "texts (Activity 1.1.4, R 5.1, see 10.5)."))),
        (str(_("Translations")), str(_(
            "A text column may be followed by the same text in another language: <column>_ru (text_ru, "
            "title_ru). Where it is empty, pages show the English original. Timelines, budgets and country "
            "names are kept in English only: those columns are read and not stored."))),
    ]
    for sheet in DATA_SHEETS:
        for column in COLUMNS[sheet]:
            lines.append((f"{sheet}: {column.name}", str(column.help)))
        if sheet == PLAN:
            lines += [(f"{PLAN}: {name}", str(help_text)) for name, help_text in PLAN_FIELDS]
            lines += [(f"{PLAN} ({_('priority scale')}): {column.name}", str(column.help))
                      for column in SCALE_COLUMNS]
    return lines
