"""What a plan workbook holds, as plain data (no database): ``PlanData`` and its rows, and
``WorkbookError``, one thing wrong with the workbook, by sheet, row and column."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class WorkbookError:
    """One thing wrong with the workbook; sheet, row and column are None for the file as a whole."""

    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.sheet is None:
            return self.message
        if self.row is None:
            return _("Sheet “%(sheet)s”: %(message)s") % {"sheet": self.sheet, "message": self.message}
        if self.column is None:
            return _("Sheet “%(sheet)s”, row %(row)s: %(message)s") % {
                "sheet": self.sheet, "row": self.row, "message": self.message}
        return _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: %(message)s") % {
            "sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class ScaleValue:
    kind: str
    scale: str
    printed: str
    level: str


@dataclass
class CountryRow:
    code: str
    name: str
    range_state: bool = True


@dataclass
class UnitRow:
    number: int
    name: str
    kind: str
    countries: list[str]
    countries_as_printed: str
    hotspot_id: str
    subspecies: str
    geographic_area: str
    row: int = 0
    translations: dict[str, str] = field(default_factory=dict)  # {"name_ru": ...}: <column>_<language> cells


@dataclass
class ElementRow:
    level: str
    code: str
    title: str
    parent: tuple[str, str] | None
    conservation_unit: int | None
    footnotes: list[int]
    row: int = 0
    translations: dict[str, str] = field(default_factory=dict)
    level_name: str = ""  # the plan's own name for a level the tracker does not name itself (Goal)


@dataclass
class ActivityRow:
    key: str
    code: str
    kind: str
    text: str
    priority: str
    actor: str
    indicator: str
    timeline: str
    budget: str
    cami_pow: list[str]
    applicability: str
    countries: list[str]
    parent: tuple[str, str]
    conservation_unit: int | None
    footnotes: list[int]
    editorial_note: str
    row: int = 0
    outline: dict[str, str] = field(default_factory=dict)  # code of its section, theme, objective, result
    translations: dict[str, str] = field(default_factory=dict)
    key_given: bool = True  # False: the key cell was empty (the key is the code); a new edition proposes a match
    tags: list[str] = field(default_factory=list)  # "scheme:code" as written (checked against the database on import)


@dataclass
class PlanData:
    fields: dict = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    scale: list[ScaleValue] = field(default_factory=list)
    countries: list[CountryRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    elements: list[ElementRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    footnotes: dict[int, str] = field(default_factory=dict)
    translations: int = 0  # non-empty <column>_<language> cells read
    # The other languages' texts of the plan's fields ({"title_ru": ...}) and footnotes ({number: {"text_ru": ...}});
    # the other rows hold theirs (their translations).
    field_translations: dict[str, str] = field(default_factory=dict)
    footnote_translations: dict[int, dict] = field(default_factory=dict)
    fingerprints: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, key) -> digest at export
    edition_number: int | None = None  # the edition exported (sheet _meta); None: not written by the export

    def root_of(self, level: str, code: str) -> str:
        """The top element of the branch (level, code) sits in, as "level code"."""
        parents = {(element.level, element.code): element.parent for element in self.elements}
        current = (level, code)
        while parents.get(current):
            current = parents[current]
        return f"{current[0]} {current[1]}"


@dataclass
class ReadResult:
    data: PlanData
    errors: list[WorkbookError]
