"""What a parser reads out of one source document, before anything touches the database.

The parsers in this package (``argali``, ``persian_leopard``) turn the plain-text seeds in
``../shared/seeds/`` into a ``PlanSource``; ``actionplans.plan_sources.fixtures`` turns that into
the JSON in ``fixtures/``. Everything here is plain data: fields hold the text *as printed*
(after the corrections in ``corrections.py``), never a normalised value. Normalised values
(priority level, target year, budget in USD) are derived by the models from these.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Levels of the outline a plan is made of. A plan uses the ones its document has:
# Argali: part -> section -> measures, and part (Annex 1) -> objective -> result -> actions;
# Persian leopard: theme -> objective -> result -> activities.
PART = "part"
THEME = "theme"
SECTION = "section"
OBJECTIVE = "objective"
RESULT = "result"
LEVELS = (PART, THEME, SECTION, OBJECTIVE, RESULT)

# What an item of a plan is called in its document.
MEASURE = "measure"  # Argali conservation measure N.M (sections 1.0-24.0)
ACTION = "action"  # Argali Annex 1 action N.N.N
ACTIVITY = "activity"  # Persian leopard activity N.N.N
KINDS = (MEASURE, ACTION, ACTIVITY)

# How the printed priority reads.
RANK = "rank"  # 1 high, 2 medium, 3 low (Argali measures)
WORD = "word"  # Essential / High / Medium / Low (Argali Annex 1)
SCORE = "score"  # average of range states' scores, 1.00 low to 3.00 high (Persian leopard)


@dataclass
class ElementRef:
    """A pointer to an outline element by level and code, e.g. ElementRef("result", "1.1")."""

    level: str
    code: str


@dataclass
class CrossReference:
    """A cross-reference printed in a text, e.g. 'see Activity 1.1.4' or 'see Result 5.1'.

    ``label`` is the reference as printed ('Activity 1.1.4', 'A 9.3.2', 'R 1.1', '10.5');
    ``target_kind`` is an activity kind (``MEASURE``/``ACTION``/``ACTIVITY``) or an outline
    level (``RESULT``/``OBJECTIVE``); ``target_code`` the code it names. A reference to a code the
    document does not contain is kept: the builder reports it and links nothing.
    """

    label: str
    target_kind: str
    target_code: str


@dataclass
class FootnoteSource:
    number: int
    text: str


@dataclass
class UnitSource:
    """A conservation unit (Argali) or region/metapopulation (Persian leopard)."""

    number: int
    name: str
    kind: str  # "transboundary" | "single_country" | "region"
    countries: list[str]  # ISO 3166-1 alpha-2 codes, in the order printed
    countries_as_printed: str = ""  # e.g. "Afghanistan-China-Pakistan-Tajikistan"
    hotspot_id: str = ""  # Argali "Hotspot ID as per Report", "" where none is printed
    subspecies: str = ""
    geographic_area: str = ""


@dataclass
class ElementSource:
    """A heading of the plan's outline: a part, theme, section, objective or result."""

    level: str
    code: str  # as printed without its label: "1", "1.1", "2.0"; parts get a short code ("measures", "annex-1")
    title: str  # the heading text as printed, without the "Objective 1." style label
    parent: ElementRef | None = None
    conservation_unit: int | None = None  # Argali sections 2.0-24.0 name one unit
    footnotes: list[int] = field(default_factory=list)
    references: list[CrossReference] = field(default_factory=list)


@dataclass
class ActivitySource:
    """One measure, annex action or activity, every field as printed."""

    kind: str
    code: str  # as printed: "2.1", "1.1.1"
    key: str  # unique within the plan: the code, except where the document repeats a code
    text: str  # full text, footnote markers removed (they are in ``footnotes``)
    parent: ElementRef  # the innermost outline element (section or result)
    priority: str = ""  # as printed: "1", "Essential", "2.58"; "" where none is printed
    priority_scale: str = ""  # RANK / WORD / SCORE
    actor: str = ""  # Argali: responsibility; Annex: organisations responsible
    indicator: str = ""
    timeline: str = ""  # leopard timeline or Annex time scale, as printed
    budget: str = ""
    cami_pow: list[str] = field(default_factory=list)
    applicability: str = ""  # Annex 'Applicable to:' as printed
    conservation_unit: int | None = None
    countries: list[str] = field(default_factory=list)  # ISO codes the item applies to
    footnotes: list[int] = field(default_factory=list)
    references: list[CrossReference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # editorial notes shown to readers (from corrections)


@dataclass
class PlanSource:
    slug: str
    title: str  # as in the document
    short_title: str
    species_common_name: str
    species_scientific_name: str
    period_start: int
    period_end: int
    document_symbol: str
    goal: str
    vision: str
    range_states: list[str]  # ISO codes
    units: list[UnitSource]
    elements: list[ElementSource]  # parents before children, in document order
    activities: list[ActivitySource]  # document order
    footnotes: list[FootnoteSource]
