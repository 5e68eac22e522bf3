"""Parser for the Argali action plan seed (``000_eb7772ba479bd17a.txt``).

The seed is a text export of a Word document whose tables came out one cell a line: each cell
starts with a tab, a line without the tab continues the cell above (a paragraph break inside the
cell) and blank lines only separate rows, although Word also left some inside a row. The document
is read in the order it prints:

1. the heading (the title in capitals) and an introduction (only its footnote is kept);
2. the table of the 19 transboundary units (hotspots), six cells a unit;
3. the list of the 4 single-country units, one line each ("20) <subspecies> in <place>");
4. the goal ("Goal: ...");
5. the table of conservation measures: section 1.0 (all units), then sections 2.0-24.0, one per
   unit but numbered one above it (section 2.0 is unit 1);
6. Annex 1: objectives, results and actions, where "Applicable to:" sits inside the action cell
   and the Result cell is filled only on a result's first row.

Every field is kept as printed (see ``RULES["argali"]`` in ``corrections.py`` for how whitespace,
footnotes and the export's quirks are handled); ``read_seed("argali")`` has applied the one-off
corrections before this module sees the text. The parser fails loudly on anything it does not
recognise, so a changed seed cannot be half-read.
"""
from __future__ import annotations

import re

from .countries import COUNTRY_NAMES
from .document import (
    ACTION,
    MEASURE,
    OBJECTIVE,
    PART,
    RANK,
    RESULT,
    SECTION,
    WORD,
    ActivitySource,
    CrossReference,
    ElementRef,
    ElementSource,
    FootnoteSource,
    PlanSource,
    UnitSource,
)

SLUG = "argali"
# The heading is printed in capitals; the title is kept in the case the CMS writes it.
TITLE = "Draft Action Plan for the Conservation of the Argali 2025-2032"

# The range states of the units, in the order the plan lists them (alphabetical by name).
RANGE_STATES = ["AF", "BT", "CN", "IN", "KZ", "KG", "MN", "NP", "PK", "RU", "TJ", "UZ"]
CODE_OF_COUNTRY = {COUNTRY_NAMES[code]: code for code in RANGE_STATES}

# Lines that open each part of the document (exact text of the seed).
UNITS_TABLE_START = "\tNo.\n"
SINGLE_UNITS_START = "Subspecies or populations entirely or largely restricted to one country:\n"
GOAL_LINE = re.compile(r"^\s*Goal:\s*(?P<goal>.+?)\s*$", re.MULTILINE)
MEASURES_TABLE_START = "\tNr.\n"
ANNEX_START = "\nAnnex 1\n"

UNIT_COLUMNS = ["No.", "Hotspot ID as per Report", "Site name", "Subspecies", "Geographic area", "Countries"]
MEASURE_COLUMNS = ["Nr.", "Conservation measures", "Priority", "Responsibility"]
ANNEX_COLUMNS = ["Result", "Action", "Priority", "Time scale", "Organisations responsible"]
# A row of the measures table between sections 1.0 and 2.0 that heads the unit sections; the
# outline has no level for it.
UNIT_SECTIONS_SUBHEADING = "Specific measures for conservation units"

MEASURES_PART = "measures"
ANNEX_PART = "annex-1"
ALL_UNITS_SECTION = "1.0"

RANK_PRIORITIES = {"1", "2", "3"}
WORD_PRIORITIES = {"Essential", "High", "Medium", "Low"}

FOOTNOTE_BODY = re.compile(r"\[(?P<number>\d+):")
FOOTNOTE_MARKER = re.compile(r"\[footnoteRef:(?P<number>\d+)\]")
BULLET = "·"

UNIT_NUMBER = re.compile(r"(?P<number>\d+)\)")
SINGLE_UNIT = re.compile(r"(?P<number>\d+)\) (?P<name>(?P<subspecies>.+? O\.a\.\w+) in (?P<place>.+))")
COUNTRY_WITH_AREA = re.compile(r"(?P<country>[A-Z][\w ]*?) \((?P<area>.+)\)")
SECTION_CODE = re.compile(r"(?P<number>\d+)\.0")
SECTION_HEADING = re.compile(r"(?P<unit>\d+)\) (?P<title>.+)")
MEASURE_CODE = re.compile(r"\d+\.(?!0$)\d+")  # "1.1", "5.10"; "N.0" heads a section
OBJECTIVE_HEADING = re.compile(r"Objective (?P<code>\d+): (?P<title>.+)")
RESULT_HEADING = re.compile(r"(?P<code>\d+\.\d+)\. (?P<title>.+)")
# The annex prints most action codes with a trailing dot ("1.1.1.") but not all ("1.2.10").
ACTION_CELL = re.compile(r"(?P<code>(?P<result>\d+\.\d+)\.\d+)\.? (?P<text>.+)", re.DOTALL)
APPLICABLE_TO = re.compile(r"\s*Applicable to:\s*")

# "(see 10.5)": a bare code after "see" names an item of the same part, by its number of parts.
SEE_REFERENCE = re.compile(r"\bsee (?P<code>\d+(?:\.\d+)+)")
MEASURE_PART_REFERENCES = {2: MEASURE}
ANNEX_PART_REFERENCES = {2: RESULT, 3: ACTION}

# Annex 1 "Applicable to:" texts that name groups of countries.
TROPHY_HUNTING = "Countries with trophy hunting programmes"
EXCEPT_TROPHY_HUNTING = "All, except " + TROPHY_HUNTING
CROSS_BORDER_TROPHY_HUNTING = "Countries where trophy hunting occurs across national boundaries"
TROPHY_HUNTING_FOOTNOTE = "countries with current trophy hunting programmes are"
UNIT_RANGE = re.compile(r"(?P<first>\d+)-(?P<last>\d+)")


def parse(text: str) -> PlanSource:
    """The Argali plan as printed in ``text`` (the seed with its corrections applied)."""
    text, footnotes = _take_footnote_bodies(text)
    heading = text.lstrip().split("\n", 1)[0].strip()
    if heading != TITLE.upper():
        raise ValueError(f"Unexpected heading {heading!r}")
    period_start, period_end = (int(year) for year in re.search(r"(\d{4})-(\d{4})$", heading).groups())

    units_table = _between(text, UNITS_TABLE_START, SINGLE_UNITS_START)
    after_units = _between(text, SINGLE_UNITS_START, MEASURES_TABLE_START)
    goal = GOAL_LINE.search(after_units)
    if goal is None:
        raise ValueError("No 'Goal:' line before the measures table")
    units = _transboundary_units(units_table) + _single_country_units(after_units[: goal.start()])

    measures_table = _between(text, MEASURES_TABLE_START, ANNEX_START)
    annex = text[text.index(ANNEX_START) :]
    measure_elements, measures = _measures(measures_table, units)
    annex_elements, actions = _annex(annex, units, footnotes)

    return PlanSource(
        slug=SLUG,
        title=TITLE,
        short_title="Argali Action Plan",
        species_common_name="Argali",
        species_scientific_name="Ovis ammon",
        period_start=period_start,
        period_end=period_end,
        document_symbol="",
        goal=goal["goal"],
        vision="",
        range_states=list(RANGE_STATES),
        units=units,
        elements=measure_elements + annex_elements,
        activities=measures + actions,
        footnotes=footnotes,
    )


# --- Text helpers ------------------------------------------------------------------------------


def _between(text: str, start: str, end: str) -> str:
    """The text from the line ``start`` (included) to ``end`` (excluded); both must be there."""
    begin = text.index(start)
    return text[begin : text.index(end, begin)]


def _take_footnote_bodies(text: str) -> tuple[str, list[FootnoteSource]]:
    """Remove every Word footnote body ``[N: text]`` from ``text`` and return them.

    The export prints the body inline, right after the marker or at the end of the paragraph, and
    a body may span lines and hold brackets of its own (footnote 5 ends "[accessed Aug 08 2024]."),
    so the body runs to its matching bracket. The markers ``[footnoteRef:N]`` stay in the text:
    they tell which cell cites the footnote.
    """
    footnotes: list[FootnoteSource] = []
    kept: list[str] = []
    position = 0
    while match := FOOTNOTE_BODY.search(text, position):
        end = _closing_bracket(text, match.end())
        kept.append(text[position : match.start()])
        footnotes.append(FootnoteSource(int(match["number"]), _tidy(text[match.end() : end].splitlines())))
        position = end + 1
    kept.append(text[position:])
    numbers = [footnote.number for footnote in footnotes]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"Footnote printed twice: {numbers}")
    return "".join(kept), footnotes


def _closing_bracket(text: str, start: int) -> int:
    """Index of the "]" that closes a bracket opened just before ``start``."""
    depth = 1
    for index in range(start, len(text)):
        if text[index] == "[":
            depth += 1
        elif text[index] == "]":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError(f"Unclosed footnote at {text[start - 5 : start + 40]!r}")


def _take_markers(text: str) -> tuple[str, list[int]]:
    """``text`` without its footnote markers, and the footnote numbers they cite."""
    numbers = [int(number) for number in FOOTNOTE_MARKER.findall(text)]
    return FOOTNOTE_MARKER.sub("", text).strip(), numbers


def _cells(table: str) -> list[list[str]]:
    """The cells of an exported Word table, each as its non-blank lines, stripped.

    Word wrote each cell on a line starting with a tab; a line without the tab is a further
    paragraph of the same cell (e.g. "Applicable to: ..." in the annex, the bullets of measure
    10.5, or "Low" after a cell whose first paragraph is empty). Blank lines separate rows but
    also occur inside rows, so rows are recognised by their code cells, not by blank lines.
    """
    cells: list[list[str]] = []
    for line in table.splitlines():
        if line.startswith("\t"):
            cells.append([line[1:]])
        elif line.strip():
            if not cells:
                raise ValueError(f"Text before the first cell of a table: {line!r}")
            cells[-1].append(line)
    return [[line.strip() for line in cell if line.strip()] for cell in cells]


def _tidy(lines: list[str]) -> str:
    """The lines of one cell as one text: joined with a single space, except that a bullet ("·")
    starts a new line, so that a bulleted list (measure 10.5) keeps one item a line."""
    text = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        separator = "\n" if line.startswith(BULLET) else " "
        text = f"{text}{separator}{line}" if text else line
    return text


def _header(cells: list[list[str]], columns: list[str], where: str) -> None:
    """Check that ``cells`` are the column header ``columns`` (footnote markers aside)."""
    printed = [_take_markers(_tidy(cell))[0] for cell in cells]
    if printed != columns:
        raise ValueError(f"Unexpected header of {where}: {printed}")


def _countries(names: list[str]) -> list[str]:
    """ISO codes of country names as printed, in the printed order."""
    try:
        return [CODE_OF_COUNTRY[name] for name in names]
    except KeyError as error:
        raise ValueError(f"Not an Argali range state: {error}") from None


def _countries_named_in(text: str) -> list[str]:
    """ISO codes of the range states a sentence names, in the order it names them."""
    found = sorted((text.index(name), code) for name, code in CODE_OF_COUNTRY.items() if name in text)
    return [code for _, code in found]


def _references(text: str, kinds: dict[int, str]) -> list[CrossReference]:
    """Cross-references printed in ``text`` as "see <code>" ("(see 10.5)" in measure 20.6).

    Any other "see" in an item's text is an unknown form of reference: fail rather than lose it.
    """
    references = []
    for see in re.finditer(r"\bsee\b", text):
        match = SEE_REFERENCE.match(text, see.start())
        parts = match["code"].count(".") + 1 if match else None
        if parts not in kinds:
            raise ValueError(f"Unrecognised cross-reference in {text!r}")
        references.append(CrossReference(match["code"], kinds[parts], match["code"]))
    return references


# --- Units ---------------------------------------------------------------------------------------


def _transboundary_units(table: str) -> list[UnitSource]:
    """Units 1-19: the hotspot table, six cells a unit (number, ID, name, subspecies, area, countries)."""
    cells = _cells(table)
    _header(cells[: len(UNIT_COLUMNS)], UNIT_COLUMNS, "the hotspot table")
    rows = cells[len(UNIT_COLUMNS) :]
    width = len(UNIT_COLUMNS)
    if len(rows) % width:
        raise ValueError("The hotspot table does not divide into rows of six cells")
    units = []
    for expected, start in enumerate(range(0, len(rows), width), 1):
        number, hotspot_id, name, subspecies, area, countries = (_tidy(cell) for cell in rows[start : start + width])
        match = UNIT_NUMBER.fullmatch(number)
        if not match or int(match["number"]) != expected:
            raise ValueError(f"Hotspot {expected} is numbered {number!r}")
        units.append(
            UnitSource(
                number=expected,
                name=name,
                kind="transboundary",
                # "(China)-Mongolia" (unit 18): the bracketed country is still one of the unit's.
                countries=_countries([part.strip("()") for part in countries.split("-")]),
                countries_as_printed=countries,
                hotspot_id=hotspot_id,
                subspecies=subspecies,
                geographic_area=area,
            )
        )
    return units


def _single_country_units(block: str) -> list[UnitSource]:
    """Units 20-23, printed as one line each: "20) <subspecies> in <Country> (<area>)" or
    "22) <subspecies> in <area naming the country>"."""
    units = []
    # The block opens with its introducing line ("Subspecies or populations ... one country:").
    for line in [line.strip() for line in block.splitlines()[1:] if line.strip()]:
        match = SINGLE_UNIT.fullmatch(line)
        if not match:
            raise ValueError(f"Unexpected single-country unit line {line!r}")
        place = match["place"]
        with_area = COUNTRY_WITH_AREA.fullmatch(place)
        if with_area and with_area["country"] in CODE_OF_COUNTRY:
            country, area = with_area["country"], with_area["area"]
        else:
            named = _countries_named_in(place)
            if len(named) != 1:
                raise ValueError(f"Cannot tell the country of unit {line!r}")
            country, area = COUNTRY_NAMES[named[0]], place
        units.append(
            UnitSource(
                number=int(match["number"]),
                name=match["name"],
                kind="single_country",
                countries=[CODE_OF_COUNTRY[country]],
                countries_as_printed=country,
                subspecies=match["subspecies"],
                geographic_area=area,
            )
        )
    return units


# --- Conservation measures ---------------------------------------------------------------------


def _measures(table: str, units: list[UnitSource]) -> tuple[list[ElementSource], list[ActivitySource]]:
    """The measures table: its part, sections 1.0-24.0 and their measures.

    A section row is its code and heading (some rows add empty cells); a measure row is its
    code, text, priority and responsibility.
    """
    cells = _cells(table)
    _header(cells[: len(MEASURE_COLUMNS)], MEASURE_COLUMNS, "the measures table")
    units_by_number = {unit.number: unit for unit in units}
    part = ElementSource(PART, MEASURES_PART, MEASURE_COLUMNS[1])
    elements, measures = [part], []
    section = None
    index = len(MEASURE_COLUMNS)
    while index < len(cells):
        first = _tidy(cells[index])
        if not first or first == UNIT_SECTIONS_SUBHEADING:
            index += 1
        elif SECTION_CODE.fullmatch(first):
            section = _section(first, _tidy(cells[index + 1]), units_by_number)
            elements.append(section)
            index += 2
        elif MEASURE_CODE.fullmatch(first):
            measures.append(_measure(first, cells[index + 1 : index + 4], section, units_by_number))
            index += 4
        else:
            raise ValueError(f"Unexpected cell in the measures table: {first!r}")
    return elements, measures


def _section(code: str, heading: str, units: dict[int, UnitSource]) -> ElementSource:
    """Section 1.0 covers all units; section N.0 is headed "N-1) <unit> (<countries>)" because
    the sections are numbered one above the unit they concern."""
    parent = ElementRef(PART, MEASURES_PART)
    if code == ALL_UNITS_SECTION:
        return ElementSource(SECTION, code, heading, parent)
    match = SECTION_HEADING.fullmatch(heading)
    unit = int(SECTION_CODE.fullmatch(code)["number"]) - 1
    if not match or int(match["unit"]) != unit or unit not in units:
        raise ValueError(f"Section {code} is not headed by unit {unit}: {heading!r}")
    return ElementSource(SECTION, code, match["title"], parent, conservation_unit=unit)


def _measure(
    code: str, cells: list[list[str]], section: ElementSource | None, units: dict[int, UnitSource]
) -> ActivitySource:
    """One measure row: code, text (footnote markers removed), priority 1-3, responsibility."""
    if section is None or code.split(".")[0] != section.code.split(".")[0]:
        raise ValueError(f"Measure {code} outside its section")
    text_cell, priority_cell, actor_cell = (_tidy(cell) for cell in cells)
    text, footnotes = _take_markers(text_cell)
    if priority_cell not in RANK_PRIORITIES or not text or not actor_cell:
        raise ValueError(f"Measure {code} is not a full row: {cells}")
    unit = section.conservation_unit
    return ActivitySource(
        kind=MEASURE,
        code=code,
        key=code,
        text=text,
        parent=ElementRef(SECTION, section.code),
        priority=priority_cell,
        priority_scale=RANK,
        actor=actor_cell,
        conservation_unit=unit,
        countries=list(units[unit].countries if unit else RANGE_STATES),
        footnotes=footnotes,
        references=_references(text, MEASURE_PART_REFERENCES),
    )


# --- Annex 1 -----------------------------------------------------------------------------------


def _annex(
    annex: str, units: list[UnitSource], footnotes: list[FootnoteSource]
) -> tuple[list[ElementSource], list[ActivitySource]]:
    """Annex 1: its part, objectives, results and actions.

    The heading is printed on two lines ("Annex 1" and its title) above a note on the Russian
    version; the tables follow, one per objective, each under a repeated column header row.
    """
    preamble, _, tables = annex.partition("\n\t")
    label, title = [line.strip() for line in preamble.splitlines() if line.strip()][:2]
    elements = [ElementSource(PART, ANNEX_PART, f"{label}: {title}")]
    actions: list[ActivitySource] = []
    cells = _cells("\t" + tables)
    objective = result = None
    index = 0
    while index < len(cells):
        first = _tidy(cells[index])
        if not first:  # the Result cell, left empty on every row of a result but its first
            index += 1
        elif first == ANNEX_COLUMNS[0]:
            _header(cells[index : index + len(ANNEX_COLUMNS)], ANNEX_COLUMNS, "an Annex 1 table")
            index += len(ANNEX_COLUMNS)
        elif match := OBJECTIVE_HEADING.fullmatch(first):
            objective = ElementSource(OBJECTIVE, match["code"], match["title"], ElementRef(PART, ANNEX_PART))
            elements.append(objective)
            index += 1
        elif match := RESULT_HEADING.fullmatch(first):
            if objective is None or not match["code"].startswith(objective.code + "."):
                raise ValueError(f"Result {match['code']} outside its objective")
            result = ElementSource(RESULT, match["code"], match["title"], ElementRef(OBJECTIVE, objective.code))
            elements.append(result)
            index += 1
        elif ACTION_CELL.fullmatch(first):
            actions.append(_action(cells[index : index + 4], result, units, footnotes))
            index += 4
        else:
            raise ValueError(f"Unexpected cell in Annex 1: {first!r}")
    return elements, actions


def _action(
    cells: list[list[str]], result: ElementSource | None, units: list[UnitSource], footnotes: list[FootnoteSource]
) -> ActivitySource:
    """One annex row: the action cell (code, text and "Applicable to: ..."), priority word, time
    scale and organisations responsible (whose line breaks are kept)."""
    action_cell, priority, timeline = (_tidy(cell) for cell in cells[:3])
    actor = "\n".join(cells[3])
    match = ACTION_CELL.fullmatch(action_cell)
    code = match["code"]
    if result is None or match["result"] != result.code:
        raise ValueError(f"Action {code} outside its result")
    parts = APPLICABLE_TO.split(match["text"])
    if len(parts) != 2:
        raise ValueError(f"Action {code} does not print 'Applicable to:' once")
    text, text_footnotes = _take_markers(parts[0])
    applicability, applicability_footnotes = _take_markers(parts[1])
    cited = text_footnotes + applicability_footnotes
    if priority not in WORD_PRIORITIES or not text or not timeline or not actor:
        raise ValueError(f"Action {code} is not a full row: {cells}")
    return ActivitySource(
        kind=ACTION,
        code=code,
        key=code,
        text=text,
        parent=ElementRef(RESULT, result.code),
        priority=priority,
        priority_scale=WORD,
        actor=actor,
        timeline=timeline,
        applicability=applicability,
        countries=_applicable_countries(applicability, cited, units, footnotes),
        footnotes=cited,
        references=_references(text, ANNEX_PART_REFERENCES),
    )


def _applicable_countries(
    applicability: str, cited: list[int], units: list[UnitSource], footnotes: list[FootnoteSource]
) -> list[str]:
    """The range states an annex action applies to, read from its "Applicable to:" text."""
    if applicability.startswith(EXCEPT_TROPHY_HUNTING):
        trophy_hunting = _trophy_hunting_countries(cited, footnotes)
        return [code for code in RANGE_STATES if code not in trophy_hunting]
    if applicability.startswith("All"):
        return list(RANGE_STATES)
    if applicability.startswith(TROPHY_HUNTING) or applicability == CROSS_BORDER_TROPHY_HUNTING:
        return _trophy_hunting_countries(cited, footnotes)
    if match := UNIT_RANGE.fullmatch(applicability):
        numbers = range(int(match["first"]), int(match["last"]) + 1)
        named = {code for unit in units if unit.number in numbers for code in unit.countries}
        return [code for code in RANGE_STATES if code in named]
    raise ValueError(f"Unknown 'Applicable to:' {applicability!r}")


def _trophy_hunting_countries(cited: list[int], footnotes: list[FootnoteSource]) -> list[str]:
    """The countries with trophy hunting programmes, as the footnote the action cites names them.

    Footnotes 6, 7 and 8 each name the same four. "Countries where trophy hunting occurs across
    national boundaries" (1.2.8) cites none and the document does not define it: it gets the
    countries of the first such footnote (6), since trophy hunting needs such a programme.
    """
    defining = [footnote for footnote in footnotes if TROPHY_HUNTING_FOOTNOTE in footnote.text]
    chosen = [footnote for footnote in defining if footnote.number in cited] or defining[:1]
    if not chosen:
        raise ValueError("No footnote names the countries with trophy hunting programmes")
    return _countries_named_in(chosen[0].text)
