"""The Persian leopard strategy as parsed from its seed, held against the document.

Runs without a database: ``pytest -p no:django tests/plan_sources/test_persian_leopard_source.py``.
The expected values were read off the seed (002_8b93a90772e2f037.txt), not off the parser.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest

from actionplans.plan_sources import read_seed
from actionplans.plan_sources.corrections import RULES, corrections_for, notes_for
from actionplans.plan_sources.document import (
    ACTIVITY,
    OBJECTIVE,
    RESULT,
    SCORE,
    THEME,
    CrossReference,
    ElementRef,
)
from actionplans.plan_sources.persian_leopard import parse

SLUG = "persian-leopard"
RANGE_STATES = ["AF", "AM", "AZ", "GE", "IR", "IQ", "KZ", "PK", "RU", "TR", "TM", "UZ"]

# Activities per result, counted in the document (Result 1.2 prints 1.2.3 twice).
ACTIVITIES_PER_RESULT = {
    "1.1": 5, "1.2": 7, "1.3": 3,
    "2.1": 2, "2.2": 2,
    "3.1": 2, "3.2": 2, "3.3": 2, "3.4": 3, "3.5": 1,
    "4.1": 4, "4.2": 3, "4.3": 2,
    "5.1": 2, "5.2": 4, "5.3": 3,
    "6.1": 3,
    "7.1": 6, "7.2": 2,
    "8.1": 4, "8.2": 1,
    "9.1": 2, "9.2": 1, "9.3": 3, "9.4": 2,
    "10.1": 2, "10.2": 2,
    "11.1": 4, "11.2": 3, "11.3": 3,
    "12.1": 2, "12.2": 4,
}  # fmt: skip
RESULTS_PER_OBJECTIVE = {"1": 3, "2": 2, "3": 5, "4": 3, "5": 3, "6": 1, "7": 2, "8": 2, "9": 4, "10": 2, "11": 3, "12": 2}
OBJECTIVES_PER_THEME = {"1": ["1", "2", "3", "4"], "2": ["5", "6"], "3": ["7", "8", "9"], "4": ["10", "11", "12"]}
ACTIVITIES_PER_THEME = {"1": 38, "2": 12, "3": 21, "4": 20}

CODE_PATTERNS = {ACTIVITY: r"\d+\.\d+\.\d+", RESULT: r"\d+\.\d+", OBJECTIVE: r"\d+"}


@pytest.fixture(scope="module")
def plan():
    return parse(read_seed(SLUG))


@pytest.fixture(scope="module")
def activities(plan):
    return {activity.key: activity for activity in plan.activities}


@pytest.fixture(scope="module")
def elements(plan):
    return {(element.level, element.code): element for element in plan.elements}


def _fields(activity) -> dict:
    return {
        "code": activity.code,
        "text": activity.text,
        "parent": activity.parent,
        "actor": activity.actor,
        "indicator": activity.indicator,
        "timeline": activity.timeline,
        "budget": activity.budget,
        "cami_pow": activity.cami_pow,
        "priority": activity.priority,
        "footnotes": activity.footnotes,
        "references": activity.references,
    }


# --- The plan -----------------------------------------------------------------------------------


def test_plan_header(plan):
    assert plan.slug == SLUG
    assert plan.title == "Draft Range-Wide Strategy for the Conservation of the Persian Leopard 2023-2032"
    assert plan.short_title == "Persian Leopard Strategy"
    assert plan.species_common_name == "Persian leopard"
    assert plan.species_scientific_name == "Panthera pardus tulliana"
    assert (plan.period_start, plan.period_end) == (2023, 2032)
    assert plan.document_symbol == "UNEP/CMS/CAMI/RS-PL1/Doc.2/Rev.2"
    assert plan.vision == (
        "Viable populations of Persian Leopard range across transboundary landscapes in healthy ecosystems, "
        "coexisting with and valued by people."
    )
    assert plan.goal == (
        "To ensure coordinated action for the conservation of the Persian Leopard, its key wild prey species "
        "and habitats across its historic range by strengthening coordination and cross-border cooperation, "
        "sustainable use of natural resources and coexistence with people."
    )
    assert plan.range_states == RANGE_STATES


def test_regions_of_figure_1(plan):
    regions = [(u.number, u.name, u.kind, u.countries, u.countries_as_printed) for u in plan.units]
    assert regions == [
        (1, "Caucasus", "region", ["AM", "AZ", "GE", "IR", "RU", "TR"],
         "Armenia, Azerbaijan, Georgia, Islamic Republic of Iran, the Russian Federation, Turkey"),
        (2, "Alborz-Kopet Dagh", "region", ["IR", "KZ", "TM", "UZ"],
         "Islamic Republic of Iran, Kazakhstan, Turkmenistan, Uzbekistan"),
        (3, "Zagros", "region", ["IR", "IQ", "TR"], "Islamic Republic of Iran, Iraq, Turkey"),
        (4, "eastern range", "region", ["AF", "PK", "TJ", "UZ"], "Afghanistan, Pakistan, Tajikistan, Uzbekistan"),
    ]  # fmt: skip
    assert all(u.geographic_area == "" and u.subspecies == "" and u.hotspot_id == "" for u in plan.units)
    # Tajikistan is in the eastern range but not a range state of the strategy.
    assert "TJ" not in plan.range_states


def test_footnotes(plan):
    footnotes = {f.number: f.text for f in plan.footnotes}
    assert list(footnotes) == list(range(1, 11))
    assert footnotes[1] == (
        "Average of the priority scores assigned to the Activities for each Persian Leopard Range State by the "
        "experts participating in the drafting of the strategy (see UNEP/CMS/CAMI/RS-PL1/Inf.1/Rev.1 for details), "
        "with the following levels of priority: 1- low; 2-medium; 3-high)."
    )
    assert footnotes[2] == "See Figure 1 for the delineation of the metapopulations."
    assert footnotes[4] == ""  # marked in Result 3.1; the seed does not print its text
    assert footnotes[9] == "Corridors include passages which can be natural and/or artificial"
    assert footnotes[10] == "Consider synergies between other action plans and strategies"
    assert footnotes[8].startswith("The European Association of Zoos and Aquaria maintains an ex situ programme")
    assert footnotes[8].endswith("based on a regularly reviewed plan and agreement.")


def test_footnote_marks(plan, activities, elements):
    assert {key: a.footnotes for key, a in activities.items() if a.footnotes} == {
        "1.2.3-2": [2], "1.2.4": [2], "2.1.2": [3], "4.1.2": [7], "11.2.3": [10],
    }  # fmt: skip
    assert {code: e.footnotes for (_, code), e in elements.items() if e.footnotes} == {
        "3.1": [4], "3.3": [5], "4.1": [6], "4.3": [8], "5.3": [9],
    }  # fmt: skip
    # The stray mark '1' of 1.2.4 is linked to footnote 2, with a note for readers.
    assert notes_for(SLUG, "1.2.4") and "footnote 2" in notes_for(SLUG, "1.2.4")[0]
    # The glued digits are gone from the text.
    assert "standardised tools (e.g. METT)" in activities["2.1.2"].text
    assert activities["1.2.4"].text.endswith("for at least one region/ metapopulation")
    assert "are surveyed for Persian Leopard" in elements[(RESULT, "3.1")].title


# --- Counts -------------------------------------------------------------------------------------


def test_outline_counts(plan):
    levels = Counter(element.level for element in plan.elements)
    assert levels == {THEME: 4, OBJECTIVE: 12, RESULT: 32}
    results = Counter(e.parent.code for e in plan.elements if e.level == RESULT)
    assert results == RESULTS_PER_OBJECTIVE
    objectives = {}
    for element in plan.elements:
        if element.level == OBJECTIVE:
            objectives.setdefault(element.parent.code, []).append(element.code)
    assert objectives == OBJECTIVES_PER_THEME


def test_activity_counts(plan):
    assert len(plan.activities) == 91
    assert Counter(a.parent.code for a in plan.activities) == ACTIVITIES_PER_RESULT
    theme_of_objective = {o: t for t, objectives in OBJECTIVES_PER_THEME.items() for o in objectives}
    per_theme = Counter(theme_of_objective[a.code.split(".")[0]] for a in plan.activities)
    assert per_theme == ACTIVITIES_PER_THEME


def test_outline_order_and_parents(plan):
    assert [(e.level, e.code) for e in plan.elements[:5]] == [
        (THEME, "1"), (OBJECTIVE, "1"), (RESULT, "1.1"), (RESULT, "1.2"), (RESULT, "1.3"),
    ]  # fmt: skip
    seen = set()
    for element in plan.elements:
        if element.parent:
            assert (element.parent.level, element.parent.code) in seen
        seen.add((element.level, element.code))
    for activity in plan.activities:
        assert activity.parent == ElementRef(RESULT, activity.code.rpartition(".")[0])
        assert (RESULT, activity.parent.code) in seen


# --- Headings -----------------------------------------------------------------------------------


def test_heading_titles(elements):
    assert elements[(THEME, "1")].title == (
        "Conservation and sustainable management of the Persian Leopard and key wild prey species."
    )
    assert elements[(THEME, "2")].title == "Conservation of suitable habitats and connectivity"
    assert elements[(THEME, "4")].title == "Policy, Legislation and International Cooperation."
    # An objective heading wraps onto a second line.
    assert elements[(OBJECTIVE, "2")].title == (
        "To agree on and implement an effectual and sustainable wildlife management system within and outside "
        "PAs to assure the long-term existence of viable Persian Leopard and key wild prey populations in "
        "priority areas."
    )
    assert elements[(OBJECTIVE, "6")].title == (
        "To maintain or restore habitats for Persian Leopard and key wild prey between PAs and across their "
        "borders to assure connectivity between (sub) populations"
    )


def test_result_titles_split_across_pages(elements):
    assert elements[(RESULT, "1.3")].title == (
        "Sufficient and stable/expanding interconnected populations of key wild prey species exist in Persian "
        "Leopard priority areas of at least two regions/ metapopulations by 2028."
    )
    assert elements[(RESULT, "2.2")].title == (
        "Land-use plans have been developed and implemented in key areas outside and between PAs identified as "
        "the priority areas (see R 1.1) by 2031 aiming to maintain healthy wild ungulate and Persian Leopard "
        "populations in these multi-use lands (see Result 5.1)."
    )
    assert elements[(RESULT, "4.1")].title == (
        "Each Persian Leopard Range State has access to a properly equipped Rescue Centre with qualified staff "
        "(including veterinarians and care-taker) allowing to (temporarily) host injured, orphaned or "
        "confiscated Persian Leopard by 2027."
    )
    assert elements[(RESULT, "8.1")].title == (
        "A strategy to involve and integrate the local communities and different stakeholder groups’s attitudes "
        "towards issues related to Persian Leopard, wildlife, and nature conservation is developed and "
        "implemented by 2031."
    )
    assert elements[(RESULT, "10.1")].title.endswith("and other multilateral environmental agreements by 2024.")
    assert elements[(RESULT, "3.4")].title.endswith("transboundary/international cooperation in conservation by 2028")
    assert elements[(RESULT, "12.2")].title.startswith("A broad base of funding from (inter-) governmental")
    assert elements[(RESULT, "10.2")].title.startswith("Every five-years thereafter, the progress")


def test_result_references(elements):
    refs = {code: e.references for (level, code), e in elements.items() if level == RESULT and e.references}
    assert refs["1.1"] == [CrossReference("Result 5.1", RESULT, "5.1"), CrossReference("5.2", RESULT, "5.2")]
    assert refs["1.2"] == [CrossReference("Result 5.3", RESULT, "5.3"), CrossReference("11.3", RESULT, "11.3")]
    assert refs["2.2"] == [CrossReference("R 1.1", RESULT, "1.1"), CrossReference("Result 5.1", RESULT, "5.1")]
    assert refs["9.3"] == [CrossReference("Results 9.1", RESULT, "9.1"), CrossReference("9.2", RESULT, "9.2")]
    assert refs["11.1"] == [CrossReference("Result 3.3", RESULT, "3.3"), CrossReference("12.1", RESULT, "12.1")]
    assert refs["11.3"] == [CrossReference("R 1.2", RESULT, "1.2"), CrossReference("5.3", RESULT, "5.3")]
    assert list(refs) == ["1.1", "1.2", "2.1", "2.2", "3.1", "3.5", "5.1", "5.2", "5.3", "6.1", "9.3", "11.1", "11.3"]


# --- Whole activities ---------------------------------------------------------------------------

WHOLE_ACTIVITIES = {
    # Split across pages: Activity and Indicator go on, the Actor cell is empty (inherited).
    "1.1.3": {
        "code": "1.1.3",
        "text": "Develop and enhance guidance on national and regional/cross-border protected areas for identifying new "
        "protected areas and wildlife corridors in regard to Persian Leopard conservation needs in a workshop as in "
        "A. 1.1.2 (see Activity 5.2.1)",
        "parent": ElementRef(RESULT, "1.1"),
        "actor": "NGOs, GOs, experts and local/regional stakeholders",
        "indicator": "Workshop took place, national and regional/cross border protected area guidelines for "
        "including Persian leopard considerations are developed and approved",
        "timeline": "2028",
        "budget": "TBD by organisations",
        "cami_pow": [],
        "priority": "2.17",
        "footnotes": [],
        "references": [
            CrossReference("A. 1.1.2", ACTIVITY, "1.1.2"),
            CrossReference("Activity 5.2.1", ACTIVITY, "5.2.1"),
        ],
    },
    # The second 1.2.3: split across pages, footnote 2 glued to 'metapopulation'.
    "1.2.3-2": {
        "code": "1.2.3",
        "text": "Establish a programme for caretakers and rangers in at least one region/metapopulation to monitor "
        "and protect Persian Leopard and habitats (see Activity 1.2.2)",
        "parent": ElementRef(RESULT, "1.2"),
        "actor": "NGOs, GOs, PA personnel, local communities and other local/regional stakeholders",
        "indicator": "Programme is established and operating",
        "timeline": "2028",
        "budget": "TBD",
        "cami_pow": ["19.6", "19.7"],
        "priority": "2.25",
        "footnotes": [2],
        "references": [CrossReference("Activity 1.2.2", ACTIVITY, "1.2.2")],
    },
    # A stray footnote mark '1' (linked to footnote 2) and CAMI PoW broken across lines ('19.4,1' / '9.5');
    # the Actor cell is empty (inherited from the second 1.2.3).
    "1.2.4": {
        "code": "1.2.4",
        "text": "Develop and implement recommendations to achieve and/or conserve viable and interconnected "
        "(sub)populations of Persian Leopard in priority areas for at least one region/ metapopulation",
        "parent": ElementRef(RESULT, "1.2"),
        "actor": "NGOs, GOs, PA personnel, local communities and other local/regional stakeholders",
        "indicator": "Report with recommendations to achieve and/or conserve viable and interconnected Persian "
        "Leopard (sub)populations in priority areas and report on implementation of these recommendations are "
        "available.",
        "timeline": "2030",
        "budget": "TBD",
        "cami_pow": ["19.2", "19.4", "19.5"],
        "priority": "2.13",
        "footnotes": [2],
        "references": [],
    },
    # Continued cells printed on one line at the top of the page (a correction separates them).
    "2.2.1": {
        "code": "2.2.1",
        "text": "Develop and implement sustainable land-use plans for the identified priority areas (see Activity "
        "1.1.1) and other conservation measures outside and between protected areas.",
        "parent": ElementRef(RESULT, "2.2"),
        "actor": "NGOs, GOs, land owners, PA management, local communities, local stakeholders",
        "indicator": "Sustainable land-use plans are developed and approved, and their implementation is initiated.",
        "timeline": "2030",
        "budget": "TBD",
        "cami_pow": ["19.2", "19.4"],
        "priority": "2.67",
        "footnotes": [],
        "references": [CrossReference("Activity 1.1.1", ACTIVITY, "1.1.1")],
    },
    # Actor on the Activity's first line, Result 4.1 ending on the continued Activity's line, footnote 7,
    # Budget continued on the next page.
    "4.1.2": {
        "code": "4.1.2",
        "text": "Establish and equip specific Persian Leopard rescue centres in identified institutions or build new "
        "ones, where needed/feasible",
        "parent": ElementRef(RESULT, "4.1"),
        "actor": "Identified zoos/wildlife centres in cooperation with national/regional authorities and national/ "
        "international experts (e.g. EAZA bodies) and conservation NGOs",
        "indicator": "Rescue centres constructed and approved by EAZA Persian Leopard EEP/designated zoo expert.",
        "timeline": "2027",
        "budget": "TBD for each rescue centre",
        "cami_pow": [],
        "priority": "1.98",
        "footnotes": [7],
        "references": [],
    },
    # Timeline broken over five lines with the hyphenless break 'endorse d'.
    "4.3.1": {
        "code": "4.3.1",
        "text": "Expand the current EAZA Long-Term Management Plan for the Persian Leopard EEP into a strategy for "
        "the ex situ Persian Leopard population including all institutions and animals, respectively, in Persian "
        "Leopard Range States to ensure a demographically and genetically healthy captive population for future "
        "re-introduction activities.",
        "parent": ElementRef(RESULT, "4.3"),
        "actor": "EAZA Felid TAG and Persian Leopard EEP in cooperation with national experts and national "
        "authorities",
        "indicator": "Range-wide ex situ Persian Leopard conservation strategy endorsed and implemented in all Range "
        "States and other States holding Persian Leopards",
        "timeline": "2023 (drafted)/ 25 (endorsed)",
        "budget": "N/A",
        "cami_pow": [],
        "priority": "1.46",
        "footnotes": [],
        "references": [],
    },
    # Budget "(state / dependent)" split across pages; Indicator continued after an empty Actor column.
    "5.2.4": {
        "code": "5.2.4",
        "text": "Monitor the protected area management effectiveness by using available standardised tools (e.g., "
        "METT) in the PAs from Persian Leopard Range States and adapt according to the outcomes.",
        "parent": ElementRef(RESULT, "5.2"),
        "actor": "NGOs, GOs, PA managers",
        "indicator": "Management effectiveness evaluation reports exist for each priority PA and management plans "
        "are updated, when needed.",
        "timeline": "2031",
        "budget": "TBD (state dependent)",
        "cami_pow": [],
        "priority": "1.96",
        "footnotes": [],
        "references": [],
    },
    # CAMI PoW broken across lines and pages ('5.11,1' / '9.10, 19.11').
    "6.1.2": {
        "code": "6.1.2",
        "text": "Implement specific programmes for key stakeholders and local communities to enhance their "
        "involvement in Persian Leopard conservation (see Activity 9.1.2 & 9.2.1)",
        "parent": ElementRef(RESULT, "6.1"),
        "actor": "NGOs, social scientists, local promotors and community representatives",
        "indicator": "Stakeholder groups and local communities are informed about and involved/engaged in Persian "
        "Leopard and wildlife conservation in their territories",
        "timeline": "2026-27",
        "budget": "250.000 USD",
        "cami_pow": ["5.6–5.11", "19.10", "19.11"],
        "priority": "2.13",
        "footnotes": [],
        "references": [
            CrossReference("Activity 9.1.2", ACTIVITY, "9.1.2"),
            CrossReference("9.2.1", ACTIVITY, "9.2.1"),
        ],
    },
    # No priority score; Result 8.1 and all cells go on at the top of the next page.
    "8.1.1": {
        "code": "8.1.1",
        "text": "Develop a strategy to involve and integrate the local communities and to improve the attitudes of "
        "different stakeholder groups to Persian Leopard, wildlife, and nature conservation.",
        "parent": ElementRef(RESULT, "8.1"),
        "actor": "Conservation NGOs, GOs, local communities, scientific institutions /universities",
        "indicator": "Strategy on involvement and integration of local communities and stakeholder groups is "
        "developed",
        "timeline": "2025",
        "budget": "250.000 USD",
        "cami_pow": ["19.3"],
        "priority": "",
        "footnotes": [],
        "references": [],
    },
    # No priority score (a line of spaces where it would be); Actor inherited from 8.1.1.
    "8.1.2": {
        "code": "8.1.2",
        "text": "Implement the strategy to involve and integrate the local communities and improve the attitude of "
        "different stakeholder groups to Persian Leopard, wildlife, and nature conservation.",
        "parent": ElementRef(RESULT, "8.1"),
        "actor": "Conservation NGOs, GOs, local communities, scientific institutions /universities",
        "indicator": "Report on the assessment and evaluation of the implemented strategy; Number of local "
        "communities involved, Number of new areas under protection outside PAs",
        "timeline": "2031",
        "budget": "20 M USD",
        "cami_pow": [],
        "priority": "",
        "footnotes": [],
        "references": [],
    },
    # Actor and Indicator continued on one line ('people trained').
    "9.3.2": {
        "code": "9.3.2",
        "text": "Address the points of action identified under Activity 9.3.1 to enhance and create the capacity "
        "needed for awareness-raising and for developing consistent educational programmes by conducting "
        "participatory workshops and trainings with identified key people (see Activity 8.1.1 & 8.1.2)",
        "parent": ElementRef(RESULT, "9.3"),
        "actor": "NGOs, GOs, scientific institutions, universities, identified key people",
        "indicator": "Report on conducted workshops and trainings is available, number of people that attended the "
        "workshops and are trained",
        "timeline": "2027",
        "budget": "TBD",
        "cami_pow": [],
        "priority": "1.83",
        "footnotes": [],
        "references": [
            CrossReference("Activity 9.3.1", ACTIVITY, "9.3.1"),
            CrossReference("Activity 8.1.1", ACTIVITY, "8.1.1"),
            CrossReference("8.1.2", ACTIVITY, "8.1.2"),
        ],
    },
    # Indicator and Timeline on one line; Actor inherited.
    "10.2.2": {
        "code": "10.2.2",
        "text": "Update the NAPs according to the recommendation reports of A 10.2.1 based on the adaptive "
        "management framework.",
        "parent": ElementRef(RESULT, "10.2"),
        "actor": "Persian Leopard Working group members",
        "indicator": "Updated NAPs",
        "timeline": "Every five years",
        "budget": "TBD",
        "cami_pow": [],
        "priority": "1.71",
        "footnotes": [],
        "references": [CrossReference("A 10.2.1", ACTIVITY, "10.2.1")],
    },
    # Actor and Indicator continued on one line at the top of the page.
    "11.3.3": {
        "code": "11.3.3",
        "text": "Develop spatially explicit transboundary conservation initiatives in a participatory process "
        "including working groups and relevant stakeholders of all Range States and implement the selected "
        "transboundary initiatives led by respective national governmental bodies",
        "parent": ElementRef(RESULT, "11.3"),
        "actor": "GOs in charge in cooperation with Working Group",
        "indicator": "Report on concrete transboundary conservation initiatives released and progress reports "
        "published annually",
        "timeline": "2027",
        "budget": "TBD",
        "cami_pow": ["1.6", "1.7"],
        "priority": "2.54",
        "footnotes": [],
        "references": [],
    },
    # Activity and Actor continued on one line at the top of the last page.
    "12.2.3": {
        "code": "12.2.3",
        "text": "Ensure that NAPs based on this range-wide Conservation Strategy include concrete budgets for each "
        "Activity.",
        "parent": ElementRef(RESULT, "12.2"),
        "actor": "NGOs, GOs, experts, relevant national authorities, private donors",
        "indicator": "NAPs include a concrete budget for activities",
        "timeline": "2025",
        "budget": "TBD",
        "cami_pow": [],
        "priority": "2.29",
        "footnotes": [],
        "references": [],
    },
}


@pytest.mark.parametrize("key", sorted(WHOLE_ACTIVITIES))
def test_whole_activity(activities, key):
    assert _fields(activities[key]) == WHOLE_ACTIVITIES[key]


def test_every_activity_applies_to_the_range_states(plan):
    for activity in plan.activities:
        assert activity.kind == ACTIVITY
        assert activity.priority_scale == SCORE
        assert activity.countries == RANGE_STATES
        assert activity.conservation_unit is None


# --- Known defects ------------------------------------------------------------------------------


def test_duplicate_code_1_2_3(plan, activities):
    assert [a.key for a in plan.activities if a.code == "1.2.3"] == ["1.2.3", "1.2.3-2"]
    assert activities["1.2.3"].text.startswith("Conduct an international technical workshop")
    assert activities["1.2.3-2"].text.startswith("Establish a programme for caretakers and rangers")
    entry = [c for c in corrections_for(SLUG) if c.key == "1.2.3-2" and c.printed == c.corrected]
    assert [c.note for c in entry] == ["Printed as 1.2.3, the same number as the activity before it."]
    # A reference to 1.2.3 names the code once (the linker links both activities).
    assert [r for r in activities["11.1.2"].references if r.target_code == "1.2.3"] == [
        CrossReference("1.2.3", ACTIVITY, "1.2.3")
    ]


def test_activities_without_priority(plan):
    assert [a.key for a in plan.activities if not a.priority] == ["8.1.1", "8.1.2"]
    assert all(re.fullmatch(r"[1-3]\.\d\d", a.priority) for a in plan.activities if a.priority)


def test_inherited_actors(activities):
    """An empty Actor cell repeats the actor of the row above."""
    inherited = {
        "1.1.3": "NGOs, GOs, experts and local/regional stakeholders",
        "1.1.4": "NGOs, GOs, experts and local/regional stakeholders",
        "1.2.4": "NGOs, GOs, PA personnel, local communities and other local/regional stakeholders",
        "1.3.3": "NGOs, GOs, scientific and research institutions and protected area personnel",
        "3.1.2": "NGOs, scientific and research organisations, PA personnel and local communities",
        "3.2.2": "NGOs, scientific and research organisations, PA personnel and local communities",
        "3.4.2": "NGOs, GOs, and research organisations",
        "3.4.3": "NGOs, GOs, and research organisations",
        "5.3.3": "NGOs, relevant GOs, scientific experts, land users",
        "6.1.3": "NGOs, social scientists, local promotors and community representatives",
        "7.1.2": "NGOs, GOs (local authorities), local communities (livestock owners, farmers), scientists",
        "7.1.4": "NGOs, GOs, local communities, scientific institutions/ universities",
        "7.2.2": "NGOs, responsible GOs, local communities, scientific institutions in cooperation with local "
        "communities.",
        "8.1.2": "Conservation NGOs, GOs, local communities, scientific institutions /universities",
        "8.1.4": "Conservation NGOs, GOs, local communities, individuals",
        "9.1.2": "NGOs, GOs, local communities, scientific institutions, universities",
        "9.3.3": "NGOs, GOs, scientific institutions, universities, identified key people",
        "9.4.2": "National/ international NGOs, GOs, scientific institutions, universities",
        "10.2.2": "Persian Leopard Working group members",
        "11.1.3": "Academia, GOs, NGOs, national monitoring working group(s)",
        "11.2.3": "Customs, CITES authorities, working groups, TRAFFIC, national monitoring working groups, other "
        "relevant authorities",
        "12.2.4": "NGOs, GOs, experts, relevant national authorities, private donors",
    }
    assert {key: activities[key].actor for key in inherited} == inherited
    assert all(activity.actor for activity in activities.values())


def test_cami_pow_repairs(activities):
    assert activities["1.2.4"].cami_pow == ["19.2", "19.4", "19.5"]
    assert activities["6.1.1"].cami_pow == ["5.6–5.11", "5.15", "19.2"]
    assert activities["6.1.2"].cami_pow == ["5.6–5.11", "19.10", "19.11"]
    assert activities["6.1.3"].cami_pow == ["5.6–5.11", "19.7"]
    assert activities["7.1.1"].cami_pow == ["4.1–4.15", "5.3", "19.3", "19.7"]
    assert activities["7.1.3"].cami_pow == ["4.1–4.15", "19.3", "19.4", "19.7"]
    assert activities["7.1.4"].cami_pow == ["4.1–4.15", "5.3", "19.3"]
    assert activities["8.2.1"].cami_pow == ["4.1–4.15", "19.3", "19.4"]
    assert activities["9.1.1"].cami_pow == ["5.2", "5.6", "5.8", "19.10"]
    assert activities["11.3.1"].cami_pow == ["19.2"]
    assert activities["11.2.1"].cami_pow == ["2.2–2.4", "19.6"]
    assert activities["12.2.2"].cami_pow == ["31.1–31.12"]
    assert activities["1.1.1"].cami_pow == ["1.3", "19.2", "19.5"]
    for activity in activities.values():
        for number in activity.cami_pow:
            assert re.fullmatch(r"\d+\.\d+(–\d+\.\d+)?", number), (activity.key, number)
    assert [key for key, a in activities.items() if not a.cami_pow] == [
        "1.1.2", "1.1.3", "1.1.4", "1.1.5", "1.3.2", "1.3.3", "2.1.2", "2.2.2", "3.1.2", "3.3.2", "4.1.1",
        "4.1.2", "4.1.3", "4.1.4", "4.2.1", "4.2.3", "4.3.1", "4.3.2", "5.1.2", "5.2.4", "5.3.3", "7.1.2",
        "7.2.2", "8.1.2", "8.1.3", "8.1.4", "9.1.2", "9.3.2", "9.3.3", "9.4.2", "10.1.2", "10.2.2", "11.3.2",
        "12.2.1", "12.2.3", "12.2.4",
    ]  # fmt: skip


def test_timelines_as_printed(activities):
    assert {key: activities[key].timeline for key in [
        "1.1.1", "4.1.3", "6.1.2", "2.1.2", "3.5.1", "10.2.1", "5.3.3", "11.1.4", "11.2.2", "12.1.2", "4.3.1",
    ]} == {
        "1.1.1": "2025", "4.1.3": "2023-24", "6.1.2": "2026-27", "2.1.2": "Every 3 years", "3.5.1": "Every 4 years",
        "10.2.1": "Every five years", "5.3.3": "Regularly", "11.1.4": "Annually", "11.2.2": "ASAP",
        "12.1.2": "TBD", "4.3.1": "2023 (drafted)/ 25 (endorsed)",
    }  # fmt: skip
    assert Counter(a.timeline for a in activities.values())["2028"] == 14


def test_budgets_as_printed(activities):
    assert {key: activities[key].budget for key in [
        "1.1.1", "1.1.2", "1.1.3", "4.1.1", "4.1.4", "4.1.2", "4.3.1", "5.2.2", "8.1.3", "10.1.1", "8.1.2",
        "4.2.2", "9.1.2", "8.2.1", "12.2.1",
    ]} == {
        "1.1.1": "10.000 USD per country", "1.1.2": "TBD", "1.1.3": "TBD by organisations", "4.1.1": "20.000 USD",
        "4.1.4": "10.000 USD (per State)", "4.1.2": "TBD for each rescue centre", "4.3.1": "N/A",
        "5.2.2": "TBD (state dependent)", "8.1.3": "2.25 M USD", "10.1.1": "25.000 USD per State",
        "8.1.2": "20 M USD", "4.2.2": "5.000 USD", "9.1.2": "3.5 M USD", "8.2.1": "3 M USD", "12.2.1": "10.000 USD",
    }  # fmt: skip
    assert Counter(a.budget for a in activities.values())["TBD"] == 53


def test_priorities_as_printed(activities):
    assert activities["5.3.1"].priority == "3.00"
    assert activities["1.1.1"].priority == "2.58"
    assert activities["11.2.3"].priority == "1.27"
    assert activities["12.2.4"].priority == "2.41"


def test_hyphenation(activities, elements):
    assert "(camera-trapping, genetic analysis" in activities["1.2.1"].text
    assert activities["7.1.5"].actor == "NGOs, GOs, local communities, scientific institutions/universities, pastoralists"
    assert activities["8.2.1"].actor == "NGOs, GOs, local communities, scientific institutions/universities"
    assert activities["2.2.2"].actor == "NGOs, GOs and experts (on-the-ground)"
    assert elements[(RESULT, "4.3")].title.startswith("A range-wide plan for establishing")


# --- Cross-references ---------------------------------------------------------------------------


def test_activity_references(activities):
    assert activities["1.2.1"].references == [
        CrossReference("Activity 3.3.1", ACTIVITY, "3.3.1"),
        CrossReference("3.3.2", ACTIVITY, "3.3.2"),
    ]
    assert activities["1.2.5"].references == [CrossReference("Objective 10", OBJECTIVE, "10")]
    assert activities["3.1.2"].references == [
        CrossReference("Activity 1.2.1", ACTIVITY, "1.2.1"),
        CrossReference("5.1.2", ACTIVITY, "5.1.2"),
    ]
    assert activities["5.2.2"].references == [
        CrossReference("Activity 2.1.3", ACTIVITY, "2.1.3"),
        CrossReference("5.1.1 – 5.1.3", ACTIVITY, "5.1.1"),
        CrossReference("5.1.1 – 5.1.3", ACTIVITY, "5.1.2"),
        CrossReference("5.1.1 – 5.1.3", ACTIVITY, "5.1.3"),
    ]
    assert activities["11.2.2"].references == [
        CrossReference("Activities 11.1.2", ACTIVITY, "11.1.2"),
        CrossReference("3.4.1 – 3.4.3", ACTIVITY, "3.4.1"),
        CrossReference("3.4.1 – 3.4.3", ACTIVITY, "3.4.2"),
        CrossReference("3.4.1 – 3.4.3", ACTIVITY, "3.4.3"),
    ]
    assert activities["11.1.3"].references == [
        CrossReference("A 1.2.2", ACTIVITY, "1.2.2"),
        CrossReference("3.3.2", ACTIVITY, "3.3.2"),
        CrossReference("11.1.2", ACTIVITY, "11.1.2"),
    ]
    assert activities["9.3.3"].references == [CrossReference("A 9.3.2", ACTIVITY, "9.3.2")]
    # References in the Actor and Indicator cells.
    assert CrossReference("A.7.2.1", ACTIVITY, "7.2.1") in activities["7.2.2"].references
    assert activities["4.2.2"].references == [
        CrossReference("Activity 4.2.1", ACTIVITY, "4.2.1"),
        CrossReference("Activity 4.1.1", ACTIVITY, "4.1.1"),
        CrossReference("4.1.3", ACTIVITY, "4.1.3"),
    ]
    assert activities["8.1.3"].references == [
        CrossReference("Activity 7.1.1", ACTIVITY, "7.1.1"),
        CrossReference("7.1.2", ACTIVITY, "7.1.2"),
    ]
    # "each Activity." and "the Activities defined" name no code.
    assert activities["12.2.3"].references == []
    assert activities["12.2.4"].references == []


def test_reference_targets_parse(plan):
    items = [*plan.elements, *plan.activities]
    for item in items:
        for ref in item.references:
            assert re.fullmatch(CODE_PATTERNS[ref.target_kind], ref.target_code), (item, ref)
            assert ref.label.endswith(ref.target_code) or "–" in ref.label, ref
            assert not ref.label.endswith(".")


def test_references_to_codes_the_document_does_not_contain(plan):
    codes = {(a.kind, a.code) for a in plan.activities} | {(e.level, e.code) for e in plan.elements}
    missing = [
        (ref.label, ref.target_code)
        for item in [*plan.elements, *plan.activities]
        for ref in item.references
        if (ref.target_kind, ref.target_code) not in codes
    ]
    assert missing == [("Activity 2.1.3", "2.1.3"), ("5.1.1 – 5.1.3", "5.1.3")]


# --- Integrity ----------------------------------------------------------------------------------


def test_integrity(plan):
    keys = [a.key for a in plan.activities]
    assert len(keys) == len(set(keys))
    footnote_numbers = {f.number for f in plan.footnotes}
    for activity in plan.activities:
        assert activity.code and activity.text and activity.indicator and activity.timeline and activity.budget
        assert activity.text == activity.text.strip() and "  " not in activity.text
        assert "footnoteRef" not in activity.text + activity.actor + activity.indicator
        assert set(activity.footnotes) <= footnote_numbers
    for element in plan.elements:
        assert element.title and "footnoteRef" not in element.title
        assert set(element.footnotes) <= footnote_numbers


def test_page_furniture_is_gone(plan):
    printed = " ".join(
        field_text
        for a in plan.activities
        for field_text in (a.text, a.actor, a.indicator, a.timeline, a.budget, " ".join(a.cami_pow))
    ) + " ".join(e.title for e in plan.elements)
    for furniture in ("UNEP/CMS/CAMI/RS-PL1/Doc.2", "Result Activity Actor", "POW Priority", "Average of the priority"):
        assert furniture not in printed


def test_corrections_and_rules_are_listed():
    corrections = corrections_for(SLUG)
    assert len(corrections) == 35
    assert all(c.reason for c in corrections)
    keys = {c.key for c in corrections if c.key}
    plan = parse(read_seed(SLUG))
    assert keys <= {a.key for a in plan.activities}
    assert len(RULES[SLUG]) >= 10
