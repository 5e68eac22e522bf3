"""Parser for the Persian leopard strategy seed (``002_8b93a90772e2f037.txt``).

The seed is a text export of a PDF. Before the table it prints the strategy's heading, the
Figure 1 caption (the four regions/metapopulations), the Vision, the Goal and the Range States.
The table has eight columns (Result, Activity, Actor, Indicator, Timeline, Budget, CAMI PoW,
Priority) and the export wrote each row's cells one after the other, a cell a block of lines
separated by blank lines:

    Activity 1.1.1. Review recent ...      <- Activity cell (a Result cell, if any, comes before)
    NGOs, research ...                     <- Actor cell (missing where the PDF merged the cell)
    Report and map of ...                  <- Indicator cell
    2025 10.000 / USD / per / country      <- Timeline, Budget, CAMI PoW and Priority, in that
    1.3, / 19.2, / 19.5                       order, several to a line or a block, each cell's
    2.58                                      further lines after the line that opens it

Every page repeats the column header and prints its footnotes and, sometimes, a footer (the
document symbol and the page number); ``strip_page_furniture`` drops them and keeps the
footnote texts (``pages.py``). A row that does not fit on its page goes on at the top of the next one: the
cells that go on print again in column order, each opened by one space per empty column
before it, and a line of spaces (or a line ending in spaces) closes the row. ``_TableReader``
places those continuations in their cells.

Every field is kept as printed (``RULES["persian-leopard"]`` in ``corrections.py`` says how lines
are joined and what else the parser does to every row); ``read_seed("persian-leopard")`` has
applied the one-off corrections (glued footnote digits, cells the export merged on one line,
CAMI PoW numbers broken across lines, words broken without a hyphen) before this module sees
the text. The parser fails loudly on anything it does not recognise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import (
    ACTIVITY,
    OBJECTIVE,
    RESULT,
    SCORE,
    THEME,
    ActivitySource,
    ElementRef,
    ElementSource,
    FootnoteSource,
    PlanSource,
    UnitSource,
)
from .pages import CLOSE, FOOTER_LINE, HEADER_LINE, PAGE, Block, strip_page_furniture, tokens
from .text import cross_references, join, take_footnotes, unique_references

SLUG = "persian-leopard"
SHORT_TITLE = "Persian Leopard Strategy"
SPECIES_COMMON_NAME = "Persian leopard"
SPECIES_SCIENTIFIC_NAME = "Panthera pardus tulliana"

# The heading of section 2 names the strategy and its period.
TITLE_LINE = re.compile(r"^\s*2\. (?P<name>Draft Range-Wide Strategy .+?) \((?P<start>\d{4})-(?P<end>\d{4})\)\s*$")

# Country names of the Figure 1 caption that the Range States line writes differently or not at
# all (Tajikistan is in the eastern range but not among the strategy's range states).
CAPTION_COUNTRY_CODES = {"Islamic Republic of Iran": "IR", "Tajikistan": "TJ"}
RANGE_STATE = re.compile(r"(?P<code>[A-Z]{2}) = (?P<name>[^,]+?)\.?$")
REGION = re.compile(r"(?P<number>\d) = (?P<name>[^(]+?) \((?:including territories of: )?(?P<countries>[^)]*)\)")

# Headings and row starts; a cell can also have a line starting "Activity 1.2.1 (see ..." or
# "Result 5.1).", so a heading needs its label's text to start with a capital.
THEME_LINE = re.compile(r"^ ?Theme (?P<code>\d+)[.:] (?P<rest>.*)$")
OBJECTIVE_LINE = re.compile(r"^ ?Objective (?P<code>\d+)\. (?P<rest>.*)$")
RESULT_LINE = re.compile(r"^ ?Result (?P<code>\d+\.\d+)\.?(?: (?P<rest>[A-Z].*)| *)$")
ACTIVITY_LINE = re.compile(r"^ ?Activity (?P<code>\d+\.\d+\.\d+)\.? (?P<rest>[A-Z].*)$")

# Columns of the table, numbered as the continuation of a row counts them.
RESULT_COL, ACTIVITY_COL, ACTOR_COL, INDICATOR_COL = 0, 1, 2, 3
TIMELINE_COL, BUDGET_COL, POW_COL, PRIORITY_COL = 4, 5, 6, 7

# The Timeline cell opens the tail of a row (Timeline, Budget, CAMI PoW, Priority).
TAIL_START = re.compile(r"^ ?(?:\d{4}\b|Every\b|Regularly\b|Annually\b|ASAP\b|TBD\b)")
TIMELINE = r"Every \w+ years|Regularly|Annually|ASAP|TBD|\d{4}(?:-\d{2})?(?: \(\w+\)/ \d{2} \(\w+\))?"
# A budget opens with TBD, N/A or an amount in USD; words after it (not numbers) belong to it.
BUDGET = r"(?:TBD|N/A|\d+(?:\.\d+)? (?:M )?USD)(?: [^\d\s]\S*)*"
TAIL = re.compile(rf"^(?P<timeline>{TIMELINE}) (?P<budget>{BUDGET})(?: (?P<pow>\d.*))?$")
# The priority is the average score, printed with two decimals, last in the row.
PRIORITY_AT_END = re.compile(r"^(?P<rest>.*) (?P<priority>[1-3]\.\d\d)$")
POW_NUMBER = re.compile(r"^\d+\.\d+$")
POW_RANGE = re.compile(r"^(?P<first>\d+\.\d+)\s*[–−-]\s*(?P<last>\d+\.\d+)$")

def parse(text: str) -> PlanSource:
    """The strategy in ``text`` (the seed with its corrections applied) as a ``PlanSource``."""
    lines = text.splitlines()
    table_start = _first_header(lines)
    preamble = lines[:table_start]
    title, period_start, period_end = _title(preamble)
    range_state_names = _range_states(preamble)
    table_lines, footnotes = strip_page_furniture(lines[table_start:])
    reader = _TableReader()
    for token in tokens(table_lines):
        reader.feed(token)
    elements = [heading.source() for heading in reader.headings]
    activities = _activities(reader.rows, list(range_state_names.values()))
    return PlanSource(
        slug=SLUG,
        title=title,
        short_title=SHORT_TITLE,
        species_common_name=SPECIES_COMMON_NAME,
        species_scientific_name=SPECIES_SCIENTIFIC_NAME,
        period_start=period_start,
        period_end=period_end,
        document_symbol=_document_symbol(lines),
        goal=_labelled_paragraph(preamble, "Goal:", "Range States:"),
        vision=_labelled_paragraph(preamble, "Vision:"),
        range_states=list(range_state_names.values()),
        units=_regions(preamble, range_state_names),
        elements=elements,
        activities=activities,
        footnotes=_with_unprinted_footnotes(footnotes, elements, activities),
    )


# --- Before the table ---------------------------------------------------------------------------


def _first_header(lines: list[str]) -> int:
    for number, line in enumerate(lines):
        if HEADER_LINE.match(line):
            return number
    raise ValueError("No table header in the seed")


def _title(preamble: list[str]) -> tuple[str, int, int]:
    """The strategy's name from the heading of section 2, followed by its period.

    The heading prints the period in parentheses ("... Persian Leopard (2023-2032)"); the title
    writes it after the name, as the document names itself: "... Persian Leopard 2023-2032".
    """
    for line in preamble:
        if match := TITLE_LINE.match(line):
            start, end = int(match["start"]), int(match["end"])
            return f"{match['name']} {start}-{end}", start, end
    raise ValueError("No strategy heading (section 2) in the seed")


def _document_symbol(lines: list[str]) -> str:
    for line in lines:
        if match := FOOTER_LINE.match(line):
            return match["symbol"]
    raise ValueError("No page footer with the document symbol in the seed")


def _labelled_paragraph(preamble: list[str], label: str, next_label: str | None = None) -> str:
    """The text after ``label`` up to a blank line or the line that starts ``next_label``
    (the Goal and the Range States are followed by the next paragraph without a blank line)."""
    for number, line in enumerate(preamble):
        if line.startswith(label):
            kept = [line[len(label) :]]
            for following in preamble[number + 1 :]:
                if not following.strip() or (next_label and following.startswith(next_label)):
                    break
                kept.append(following)
            return join(kept)
    raise ValueError(f"No {label!r} paragraph in the seed")


def _range_states(preamble: list[str]) -> dict[str, str]:
    """The "Range States:" line: {name as printed: ISO code}, in the order printed."""
    paragraph = _labelled_paragraph(preamble, "Range States:", "Objectives support")
    states = {}
    for item in paragraph.split(", "):
        match = RANGE_STATE.match(item.strip())
        if not match:
            raise ValueError(f"Unreadable range state {item!r}")
        states[match["name"]] = match["code"]
    return states


def _regions(preamble: list[str], range_state_names: dict[str, str]) -> list[UnitSource]:
    """The regions/metapopulations delineated in the caption of Figure 1 ("1 = Caucasus (...)")."""
    caption = _labelled_paragraph(preamble, "Figure 1.")
    codes = {**range_state_names, **CAPTION_COUNTRY_CODES}
    units = []
    for match in REGION.finditer(caption):
        names = [name.strip() for name in match["countries"].split(",")]
        unknown = [name for name in names if name not in codes]
        if unknown:
            raise ValueError(f"Unknown country in Figure 1 caption: {unknown}")
        units.append(
            UnitSource(
                number=int(match["number"]),
                name=match["name"].strip(),
                kind="region",
                countries=[codes[name] for name in names],
                countries_as_printed=match["countries"],
            )
        )
    if not units or [unit.number for unit in units] != list(range(1, len(units) + 1)):
        raise ValueError("The Figure 1 caption does not delineate regions 1, 2, 3 ... in order")
    return units


# --- The table ----------------------------------------------------------------------------------


@dataclass
class _Heading:
    """A theme, objective or result heading: its title's lines as printed."""

    level: str
    code: str
    lines: list[str]
    parent: ElementRef | None

    def source(self) -> ElementSource:
        title, footnotes = take_footnotes(join(self.lines))
        return ElementSource(
            level=self.level,
            code=self.code,
            title=title,
            parent=self.parent,
            footnotes=footnotes,
            references=unique_references(cross_references(title)),
        )


@dataclass
class _Row:
    """One activity's row: its cells' lines by column, as the table prints them."""

    code: str
    result: ElementRef
    cells: dict[int, list[str]] = field(default_factory=dict)
    pending: list[Block] = field(default_factory=list)  # Actor/Indicator blocks before the tail
    tail: list[str] = field(default_factory=list)  # Timeline ... Priority lines on the row's page

    def add(self, column: int, lines: list[str]) -> None:
        self.cells.setdefault(column, []).extend(lines)


class _TableReader:
    """Reads the tokens of the table into headings and rows."""

    def __init__(self) -> None:
        self.headings: list[_Heading] = []
        self.rows: list[_Row] = []
        self.current: dict[str, _Heading] = {}
        self.page_start = False
        self.next_column: int | None = None  # while a row goes on at the top of a page

    def feed(self, token) -> None:
        if token is PAGE:
            self._end_cells()
            self.page_start = True
        elif token is CLOSE:
            self.next_column = None
        else:
            self._block(token)

    def _block(self, block: Block) -> None:
        opens_item = block.startswith(ACTIVITY_LINE) or _heading_line(block.lines[0]) is not None
        if self.page_start and not opens_item:
            self.next_column = RESULT_COL  # the page starts with the rest of the row before
        self.page_start = False
        if opens_item:
            self.next_column = None
        if self.next_column is not None:
            self._continue_row(block)
        elif block.startswith(ACTIVITY_LINE):
            self._start_row(block)
        elif _heading_line(block.lines[0]):
            self._headings(block)
        else:
            self._row_cell(block)

    def _headings(self, block: Block) -> None:
        """Theme, objective and result headings; lines after a heading line continue its title."""
        self._end_cells()
        heading = None
        for line in block.lines:
            level_match = _heading_line(line)
            if level_match is None:
                if heading is None:
                    raise ValueError(f"Text before a heading: {line!r}")
                heading.lines.append(line)
                continue
            level, match = level_match
            heading = _Heading(level, match["code"], [match["rest"] or ""], self._parent_of(level, match["code"]))
            self.headings.append(heading)
            self.current[level] = heading
            for lower in {THEME: (OBJECTIVE, RESULT), OBJECTIVE: (RESULT,), RESULT: ()}[level]:
                self.current.pop(lower, None)

    def _parent_of(self, level: str, code: str) -> ElementRef | None:
        if level == THEME:
            return None
        parent_level = THEME if level == OBJECTIVE else OBJECTIVE
        parent = self.current.get(parent_level)
        if parent is None or (level == RESULT and code.split(".")[0] != parent.code):
            raise ValueError(f"{level} {code} is not under the {parent_level} before it")
        return ElementRef(parent_level, parent.code)

    def _start_row(self, block: Block) -> None:
        self._end_cells()
        match = ACTIVITY_LINE.match(block.lines[0])
        result = self.current.get(RESULT)
        if result is None or match["code"].rpartition(".")[0] != result.code:
            raise ValueError(f"Activity {match['code']} is not under the result before it")
        row = _Row(match["code"], ElementRef(RESULT, result.code))
        row.add(ACTIVITY_COL, [match["rest"], *block.lines[1:]])
        self.rows.append(row)

    def _row_cell(self, block: Block) -> None:
        """A block of the row being read on its own page: Actor/Indicator, then the tail."""
        if not self.rows:
            raise ValueError(f"Table text before the first activity: {block.lines[0]!r}")
        row = self.rows[-1]
        if row.tail or block.startswith(TAIL_START):
            row.tail += block.lines
            self._end_cells()
        else:
            row.pending.append(block)

    def _end_cells(self) -> None:
        """Place the Actor/Indicator blocks of the last row: one block is the Indicator alone
        (the Actor cell is empty), two are Actor and Indicator."""
        if not self.rows or not self.rows[-1].pending:
            return
        row = self.rows[-1]
        if not row.tail:
            raise ValueError(f"Activity {row.code}: the row breaks off before its Timeline")
        columns = {1: [INDICATOR_COL], 2: [ACTOR_COL, INDICATOR_COL]}.get(len(row.pending))
        if columns is None:
            raise ValueError(f"Activity {row.code}: {len(row.pending)} cells between Activity and Timeline")
        for column, block in zip(columns, row.pending):
            row.add(column, block.lines)
        row.pending = []

    def _continue_row(self, block: Block) -> None:
        """A cell going on at the top of a page: its column is the next one after the cell before,
        plus one per leading space (an empty column)."""
        column = self.next_column + block.indent
        if column == RESULT_COL:
            self.current[RESULT].lines += block.lines
        elif column <= PRIORITY_COL and self.rows:
            self.rows[-1].add(column, block.lines)
        else:
            raise ValueError(f"Cannot place the continued cell {block.lines[0]!r}")
        self.next_column = column + 1


def _heading_line(line: str) -> tuple[str, re.Match] | None:
    for level, pattern in ((THEME, THEME_LINE), (OBJECTIVE, OBJECTIVE_LINE), (RESULT, RESULT_LINE)):
        if match := pattern.match(line):
            return level, match
    return None


# --- Activities ---------------------------------------------------------------------------------


def _activities(rows: list[_Row], countries: list[str]) -> list[ActivitySource]:
    """The rows as activities, in document order.

    An empty Actor cell repeats the actor of the row above (the PDF merged the cells). A code
    the document prints twice (1.2.3) keeps its code; its second activity gets the key "1.2.3-2".
    """
    activities: list[ActivitySource] = []
    printed_times: dict[str, int] = {}
    actor = ""
    for row in rows:
        printed_times[row.code] = printed_times.get(row.code, 0) + 1
        key = row.code if printed_times[row.code] == 1 else f"{row.code}-{printed_times[row.code]}"
        text, text_footnotes = take_footnotes(join(row.cells[ACTIVITY_COL]))
        own_actor, actor_footnotes = take_footnotes(join(row.cells.get(ACTOR_COL, [])))
        indicator, indicator_footnotes = take_footnotes(join(row.cells.get(INDICATOR_COL, [])))
        if not (text and indicator):
            raise ValueError(f"Activity {key}: empty Activity or Indicator cell")
        actor = own_actor or actor
        timeline, budget, cami_pow, priority = _tail(row)
        activities.append(
            ActivitySource(
                kind=ACTIVITY,
                code=row.code,
                key=key,
                text=text,
                parent=row.result,
                priority=priority,
                priority_scale=SCORE,
                actor=actor,
                indicator=indicator,
                timeline=timeline,
                budget=budget,
                cami_pow=cami_pow,
                countries=list(countries),
                footnotes=text_footnotes + actor_footnotes + indicator_footnotes,
                references=unique_references(
                    cross_references(text) + cross_references(own_actor) + cross_references(indicator)
                ),
            )
        )
    return activities


def _tail(row: _Row) -> tuple[str, str, list[str], str]:
    """Timeline, Budget, CAMI PoW and Priority of a row.

    On the row's page they print in reading order, several to a line; a cell that goes on at the
    top of the next page is added to the end of its column.
    """
    printed = join(row.tail)
    priority = ""
    if match := PRIORITY_AT_END.match(printed):
        printed, priority = match["rest"], match["priority"]
    match = TAIL.match(printed)
    if not match:
        raise ValueError(f"Activity {row.code}: unreadable Timeline/Budget/CAMI PoW {printed!r}")
    columns = {
        TIMELINE_COL: match["timeline"],
        BUDGET_COL: match["budget"],
        POW_COL: match["pow"] or "",
        PRIORITY_COL: priority,
    }
    for column, lines in row.cells.items():
        if column >= TIMELINE_COL:
            columns[column] = join([columns[column], *lines])
    return columns[TIMELINE_COL], columns[BUDGET_COL], _cami_pow(row.code, columns[POW_COL]), columns[PRIORITY_COL]


def _cami_pow(code: str, printed: str) -> list[str]:
    """The CAMI PoW activities, one string each; a range "5.6 – 5.11" is written "5.6–5.11"."""
    numbers = []
    for item in printed.split(",") if printed else []:
        item = item.strip()
        if POW_NUMBER.match(item):
            numbers.append(item)
        elif match := POW_RANGE.match(item):
            numbers.append(f"{match['first']}–{match['last']}")
        else:
            raise ValueError(f"Activity {code}: unreadable CAMI PoW {item!r} in {printed!r}")
    return numbers


def _with_unprinted_footnotes(
    footnotes: list[FootnoteSource], elements: list[ElementSource], activities: list[ActivitySource]
) -> list[FootnoteSource]:
    """The footnotes printed at the pages' feet, and an empty one for each footnote mark whose
    text the seed does not print (footnote 4), so that every mark has its footnote."""
    numbers = [footnote.number for footnote in footnotes]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"A footnote number is printed twice: {numbers}")
    marked = {number for item in [*elements, *activities] for number in item.footnotes}
    unprinted = [FootnoteSource(number, "") for number in sorted(marked - set(numbers))]
    return sorted(footnotes + unprinted, key=lambda footnote: footnote.number)
