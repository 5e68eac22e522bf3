"""The Argali parser against the real seed, without Django's database.

Run: ``.venv/bin/python -m pytest -p no:django -q tests/plan_sources/test_argali_source.py``.
Expected counts and records were read off the seed text (``shared/seeds/000_eb7772ba479bd17a.txt``)
by hand, not taken from the parser's output.
"""
from __future__ import annotations

import re

import pytest

from actionplans.plan_sources import read_seed
from actionplans.plan_sources.argali import parse
from actionplans.plan_sources.corrections import RULES, corrections_for
from actionplans.plan_sources.document import (
    ActivitySource,
    CrossReference,
    ElementRef,
    ElementSource,
    FootnoteSource,
    UnitSource,
)

ALL = ["AF", "BT", "CN", "IN", "KZ", "KG", "MN", "NP", "PK", "RU", "TJ", "UZ"]
TROPHY_HUNTING = ["KG", "MN", "TJ", "UZ"]  # footnotes 6, 7 and 8
NOT_TROPHY_HUNTING = ["AF", "BT", "CN", "IN", "KZ", "NP", "PK", "RU"]

# Counted in the seed: measures N.M under each section heading N.0.
MEASURES_PER_SECTION = {
    "1.0": 4, "2.0": 4, "3.0": 6, "4.0": 4, "5.0": 11, "6.0": 6, "7.0": 7, "8.0": 6,
    "9.0": 6, "10.0": 6, "11.0": 4, "12.0": 4, "13.0": 4, "14.0": 4, "15.0": 5, "16.0": 6,
    "17.0": 5, "18.0": 1, "19.0": 3, "20.0": 7, "21.0": 4, "22.0": 3, "23.0": 5, "24.0": 0,
}  # fmt: skip
# Counted in Annex 1: actions N.N.N under each result N.N.
ACTIONS_PER_RESULT = {"1.1": 6, "1.2": 10, "2.1": 5, "2.2": 2, "2.3": 2, "2.4": 3, "2.5": 4, "3.1": 10, "4.1": 9}
ACTIONS_PER_OBJECTIVE = {"1": 16, "2": 16, "3": 10, "4": 9}
CODE = re.compile(r"\d+(\.\d+)*")


@pytest.fixture(scope="module")
def plan():
    return parse(read_seed("argali"))


@pytest.fixture(scope="module")
def activities(plan):
    return {activity.key: activity for activity in plan.activities}


def _measure(code, text, priority, actor, unit, countries, **extra):
    section = f"{code.split('.')[0]}.0"
    return ActivitySource(
        kind="measure", code=code, key=code, text=text, parent=ElementRef("section", section),
        priority=priority, priority_scale="rank", actor=actor, conservation_unit=unit,
        countries=countries, **extra,
    )  # fmt: skip


def _action(code, text, applicability, priority, timeline, actor, countries, **extra):
    result = code.rsplit(".", 1)[0]
    return ActivitySource(
        kind="action", code=code, key=code, text=text, parent=ElementRef("result", result),
        priority=priority, priority_scale="word", actor=actor, timeline=timeline,
        applicability=applicability, countries=countries, **extra,
    )  # fmt: skip


# --- The plan ----------------------------------------------------------------------------------


def test_plan_fields(plan):
    assert plan.slug == "argali"
    assert plan.title == "Draft Action Plan for the Conservation of the Argali 2025-2032"
    assert plan.short_title == "Argali Action Plan"
    assert plan.species_common_name == "Argali"
    assert plan.species_scientific_name == "Ovis ammon"
    assert (plan.period_start, plan.period_end) == (2025, 2032)
    assert plan.document_symbol == ""
    assert plan.goal == (
        "to maintain and restore argali populations to a favourable conservation status throughout "
        "their range, with a particular focus on transboundary populations."
    )
    assert plan.vision == ""
    assert plan.range_states == ALL


def test_range_states_are_the_countries_of_the_units(plan):
    assert set(plan.range_states) == {code for unit in plan.units for code in unit.countries}


def test_footnotes(plan):
    trophy = "As of 2024, range countries with current trophy hunting programmes are Kyrgyzstan, Mongolia, Tajikistan and Uzbekistan."
    assert plan.footnotes == [
        FootnoteSource(2, "https://www.cms.int/sites/default/files/document/Argali_SSAP_final_English.pdf"),
        FootnoteSource(
            3,
            "Priority for implementing within 6 years: 1 – high (high importance and urgency for solving "
            "conservation issues affecting the animals and their habitat now). 2 - medium (necessary for "
            "stabilization of numbers within 3-5 years). 3 -low (will contribute to population restoration, "
            "but is not urgently needed).",
        ),
        FootnoteSource(4, ""),  # printed empty on the 'Responsibility' column header
        FootnoteSource(
            5,
            "Modified for relevance for Argali. Strategy available at: https://www.researchgate.net/publication/"
            "312300067_STRATEGY_for_snow_leopard_conservation_in_the_Russian_Federation [accessed Aug 08 2024].",
        ),
        FootnoteSource(6, trophy),
        FootnoteSource(7, trophy),
        FootnoteSource(8, trophy),
    ]


def test_header_footnotes_are_on_no_item(plan):
    cited = {n for item in plan.activities + plan.elements for n in item.footnotes}
    assert cited == {5, 6, 7, 8}


# --- Units ---------------------------------------------------------------------------------------


def test_unit_counts(plan):
    assert [unit.number for unit in plan.units] == list(range(1, 24))
    assert [unit.kind for unit in plan.units] == ["transboundary"] * 19 + ["single_country"] * 4
    assert [unit.hotspot_id for unit in plan.units[:19]] == [
        "1", "25", "32", "14", "23", "24", "31", "36", "15", "9", "10", "11", "12", "13", "16", "17", "18", "19", "33",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "expected",
    [
        UnitSource(
            1, "High Pamirs", "transboundary", ["AF", "CN", "PK", "TJ"], "Afghanistan-China-Pakistan-Tajikistan", "1",
            "Pamir Argali or Marco Polo Sheep O.a.polii",
            "South-eastern Tajik Pamirs, Great and Little Pamir, Sarikol Pamir (Taxkorgan), Khunjerab Pass region of Karakoram",
        ),
        UnitSource(  # trailing space of the area cell stripped
            2, "Western Tien Shan", "transboundary", ["KZ", "KG", "UZ"], "Kazakhstan-Kyrgyzstan-Uzbekistan", "25",
            "Tien Shan Argali O.a.karelini", "Ugam-Chatkal NNP, SSNR Chatkal, SSNR Aksu-Zhabagly, SSNR Besh Aral",
        ),
        UnitSource(
            10, "Khangchendzonga-Sikkim Plateau", "transboundary", ["CN", "BT", "IN", "NP"], "China-Bhutan-India-Nepal",
            "9", "Tibet Argali O.a.hodgsoni",
            "Khangchendzonga region, northern plateau of Sikkim and adjacent areas (Bhutan, China, India, Nepal)",
        ),
        UnitSource(  # area printed on two lines; country in parentheses
            18, "Jungarian Gobi", "transboundary", ["CN", "MN"], "(China)-Mongolia", "19", "Gobi Argali O.a.darwini",
            "Great Gobi B SPA Khovd-Xinjiang",
        ),
        UnitSource(
            19, "Eastern Sayan", "transboundary", ["MN", "RU"], "Mongolia-Russian Federation", "33",
            "Altai Argali O.a.ammon", "Tuva/Irkutsk prov. /Buryatiya - Khovsgol",
        ),
        UnitSource(
            20,
            "Severtzov argali O.a.severtzovi in Uzbekistan (Nurota (Nuratau) range, Oqtov (Aktau) range, Tomdi (Tamdytau) mountains)",
            "single_country", ["UZ"], "Uzbekistan", "", "Severtzov argali O.a.severtzovi",
            "Nurota (Nuratau) range, Oqtov (Aktau) range, Tomdi (Tamdytau) mountains",
        ),
        UnitSource(
            21, "Karatau argali O.a.nigrimontana in Kazakhstan (Karatau range)", "single_country", ["KZ"],
            "Kazakhstan", "", "Karatau argali O.a.nigrimontana", "Karatau range",
        ),
        UnitSource(
            22, "Kazakhstan argali O.a.collium in the hill-lands of Kazakhstan", "single_country", ["KZ"],
            "Kazakhstan", "", "Kazakhstan argali O.a.collium", "the hill-lands of Kazakhstan",
        ),
        UnitSource(  # placeholder 'XXX' corrected from the heading of section 24.0
            23, "Gobi argali O.a.darwini in relevant areas of Mongolia", "single_country", ["MN"], "Mongolia", "",
            "Gobi argali O.a.darwini", "relevant areas of Mongolia",
        ),
    ],
    ids=lambda unit: f"unit-{unit.number}",
)  # fmt: skip
def test_unit(plan, expected):
    assert plan.units[expected.number - 1] == expected


# --- Outline -------------------------------------------------------------------------------------


def test_outline(plan):
    outline = [(e.level, e.code, e.parent and (e.parent.level, e.parent.code)) for e in plan.elements]
    sections = [("section", code, ("part", "measures")) for code in MEASURES_PER_SECTION]
    annex = [("part", "annex-1", None)]
    for objective in ACTIONS_PER_OBJECTIVE:
        annex.append(("objective", objective, ("part", "annex-1")))
        annex += [("result", r, ("objective", objective)) for r in ACTIONS_PER_RESULT if r.startswith(objective + ".")]
    assert outline == [("part", "measures", None), *sections, *annex]


def test_sections_name_the_unit_below_their_number(plan):
    sections = [e for e in plan.elements if e.level == "section"]
    assert [s.conservation_unit for s in sections] == [None, *range(1, 24)]
    by_code = {s.code: s for s in sections}
    assert by_code["1.0"] == ElementSource(
        "section", "1.0", "Measures affecting several or all conservation units", ElementRef("part", "measures")
    )
    assert by_code["2.0"].title == "High Pamirs (Afghanistan, China, Pakistan, Tajikistan)"
    assert by_code["9.0"].title == "Western Turkestan Range (Tajikistan-Uzbekistan)"
    # The authors' missing closing parenthesis is kept.
    assert by_code["21.0"].title == (
        "Severtzov argali O.a.severtzovi in Uzbekistan (Nurota (Nuratau) range, Oqtov (Aktau) range, Tomdi (Tamdytau) mountains"
    )
    assert by_code["24.0"] == ElementSource(
        "section", "24.0", "Gobi argali O.a.darwini in relevant areas of Mongolia", ElementRef("part", "measures"),
        conservation_unit=23,
    )  # fmt: skip


def test_parts_objectives_and_results(plan):
    by_key = {(e.level, e.code): e for e in plan.elements}
    assert by_key["part", "measures"].title == "Conservation measures"
    assert by_key["part", "annex-1"].title == (
        "Annex 1: General activities from the SSAP 2014-2024 which will be integrated in CAMI POW after this meeting"
    )
    assert by_key["objective", "2"].title == "To maintain and restore intact argali habitat and migration routes"
    assert by_key["objective", "4"].title == "To ensure effective implementation of the action plan"
    assert by_key["result", "1.1"].title == "Poaching and other human induced mortality are reduced"
    assert by_key["result", "2.5"].title == (
        "Conservation management and international cooperation especially for trans-boundary populations are maximized"
    )


# --- Counts --------------------------------------------------------------------------------------


def test_totals(plan):
    kinds = [activity.kind for activity in plan.activities]
    assert kinds.count("measure") == 115
    assert kinds.count("action") == 51
    assert len(plan.activities) == 166


def test_measures_per_section(plan):
    counted = {code: 0 for code in MEASURES_PER_SECTION}
    for activity in plan.activities:
        if activity.kind == "measure":
            counted[activity.parent.code] += 1
    assert counted == MEASURES_PER_SECTION
    assert counted["24.0"] == 0  # unit 23 has no measures


def test_actions_per_result_and_objective(plan):
    actions = [activity for activity in plan.activities if activity.kind == "action"]
    per_result = {}
    for action in actions:
        per_result[action.parent.code] = per_result.get(action.parent.code, 0) + 1
    per_objective = {}
    for action in actions:
        objective = action.parent.code.split(".")[0]
        per_objective[objective] = per_objective.get(objective, 0) + 1
    assert per_result == ACTIONS_PER_RESULT
    assert per_objective == ACTIONS_PER_OBJECTIVE


def test_codes_in_document_order(plan):
    measures = [a.code for a in plan.activities if a.kind == "measure"]
    assert measures[:5] == ["1.1", "1.2", "1.3", "1.4", "2.1"]
    assert measures[-6:] == ["22.3", "23.1", "23.2", "23.3", "23.4", "23.5"]
    assert [a.code for a in plan.activities if a.parent.code == "5.0"][-2:] == ["5.10", "5.11"]
    actions = [a.code for a in plan.activities if a.kind == "action"]
    assert actions[15] == "1.2.10" and actions[-1] == "4.1.9"


# --- Whole records ---------------------------------------------------------------------------------

RECORDS = [
    _measure(  # section 1.0: no unit, every range state
        "1.1", "Develop rangeland management plans in key sites to maintain and restore intact rangelands (all)", "1",
        "GOs, NGOs, scientific institutions, holders of game management areas", None, ALL,
    ),
    _measure(  # section 2.0 is unit 1; trailing spaces of text and actor stripped
        "2.1",
        "Remove or reconstruct in a wildlife-friendly manner the border fences between Tajikistan-Afghanistan and Tajikistan-China",
        "1", "GOs (border authorities, environmental protection authorities), advice by scientific institutions, NGOs",
        1, ["AF", "CN", "PK", "TJ"],
    ),
    _measure(  # authors' wording kept ('Tengiri')
        "5.10",
        "Consider revision of borders, zoning and regulations of NNP Khan Tengiri for achieving better conservation of Argali and its habitats",
        "3", "GOs, NGOs, scientific institutions, communities, private business", 4, ["CN", "KZ", "KG"],
    ),
    _measure(  # unit 7's countries as its table row prints them (the heading of 8.0 says Tajikistan, Uzbekistan)
        "8.5", "Where hunting is possible, assign more suitable areas with potential for Argali management to community-based entities.",
        "2", "GOs, NGOs scientific institutions", 7, ["KG", "TJ"],
    ),
    _measure(  # bulleted list kept one bullet a line; footnote 5 after the last bullet
        "10.5",
        "Implement the conservation measures of relevance for Argali recommended in the Strategy for the conservation of Snow Leopard in Russian Federation"
        "\n· Develop game management territories and realize measures to restore Argali populations (primarily on Chikhachev, Southern Chuisky,Tsagan-Shibetu, and Sangilen Ridges and Mongun-Taiga Massif);"
        "\n· Guarantee effective work by regional authorized executive agencies for wildlife protection and antipoaching enforcement against poaching of Argali."
        "\n· Develop collaboration among nature conservation and legal enforcement agencies in government to strengthen the fight against illegal trade in Argali."
        "\n· Create conditions for economic stimulation of game management territories in areas where the Argali is present or may reappear, including by means of attracting investment and other extra-budgetary funding sources."
        "\n· Establish rigorous veterinary oversight of populations of wild and domesticated animals, conduct screenings for various infectious diseases of all dead ungulates."
        "\n· Within snow leopard habitats, develop and bring into practice a system for sustainable rangeland management for free-range livestock grazing that considers the needs of wild ungulates.",
        "3", "GOs, NGOs, scientific institutions", 9, ["CN", "KZ", "MN", "RU"], footnotes=[5],
    ),
    _measure(  # unit 18 '(China)-Mongolia'
        "19.1",
        "Severely restrict grazing of domestic horses and reduce, or at least prevent any increase in grazing of other livestock",
        "1", "GOs, NGOs", 18, ["CN", "MN"],
    ),
    _measure(  # cross-reference to measure 10.5
        "20.6",
        "Implement conservation measures recommended in the Strategy for the conservation of Snow Leopard in Russian Federation as far as relevant for Argali in the conservation unit (see 10.5)",
        "3", "GOs, NGOs, scientific institutions", 19, ["MN", "RU"],
        references=[CrossReference("10.5", "measure", "10.5")],
    ),
    _measure(  # last measure of the last section that has any
        "23.5",
        "Consider translocations of Argali for reintroduction in suitable parts of the former distribution range where recolonization by natural dispersal is not possible",
        "3", "GOs, NGOs, scientific institutions, private business", 22, ["KZ"],
    ),
    _action(  # 'Applicable to:' on the same line as the text; Result cell filled
        "1.1.1", "Implement effective anti-poaching measures addressing poaching at all levels", "All", "Essential",
        "On-going", "Government agencies, Protected area managers, Hunting area managers", ALL,
    ),
    _action(  # inline Word footnote 6 in the applicability; empty Result cell
        "1.1.2",
        "Strengthen management capacity of trophy hunting concessions and clearly define hunting zones and seasons.",
        "Countries with trophy hunting programmes", "Essential", "On-going",
        "Hunting area managers, CIC, Government agencies", TROPHY_HUNTING, footnotes=[6],
    ),
    _action(  # priority, time scale and actor cells that open with an empty paragraph
        "1.1.5",
        "Develop a confiscation policy for argali products and ensure that benefits of retailed or auctioned seized products are reinvested in argali conservation.",
        "All", "Low", "Long", "Government agencies", ALL,
    ),
    _action(  # line break kept inside the Organisations cell
        "1.2.3", "Ensure that a percentage of hunting revenues is dedicated to argali conservation",
        "Countries with trophy hunting programmes", "High", "Medium",
        "Government agencies, Hunting area managers/concessions\nNGOs", TROPHY_HUNTING, footnotes=[7],
    ),
    _action(  # glued 'programmes6' corrected into footnote 6
        "1.2.4", "Ensure the equitable benefit sharing of revenues from trophy hunting to local communities.",
        "Countries with trophy hunting programmes", "Essential", "Medium",
        "Government agencies, Hunting agencies, hunting area managers/concessions", TROPHY_HUNTING, footnotes=[6],
    ),
    _action(  # glued 'programmes6' followed by more applicability text
        "1.2.5", "Promote sustainable community-based wildlife management programmes / trophy hunting programmes.",
        "Countries with trophy hunting programmes Potentially also in other areas", "High", "Medium",
        "Hunting agencies, hunting concessions, hunting outfitters, NGOs, development cooperation organizations",
        TROPHY_HUNTING, footnotes=[6],
    ),
    _action(  # glued 'programmes7'; two-line Organisations cell
        "1.2.7",
        "Review and where necessary strengthen legal and institutional measures concerning management of hunting areas, setting of quotas and allocation of licences and ensure their transparency.",
        "Countries with trophy hunting programmes", "Medium", "Medium",
        "National parliaments, Hunting agencies, Hunting concessions, CIC\nNGOs (independent monitoring), Development cooperation organizations",
        TROPHY_HUNTING, footnotes=[7],
    ),
    _action(  # applicability the document does not define: the trophy hunting countries
        "1.2.8", "Coordinate the allocation of quotas in trans-boundary populations among Range States.",
        "Countries where trophy hunting occurs across national boundaries", "Low", "Long",
        "Government agencies, Argali WG", TROPHY_HUNTING,
    ),
    _action(  # code printed without a trailing dot; 'All, except' and glued 'programmes7'
        "1.2.10",
        "Discuss among all stakeholders the possibility of sustainable use of argali in countries where hunting does not exist at present.",
        "All, except Countries with trophy hunting programmes", "Medium", "Medium",
        "Government agencies, Protected area managers, Hunting agencies, Hunting associations, CITES etc.",
        NOT_TROPHY_HUNTING, footnotes=[7],
    ),
    _action(  # first row of result 2.2 right after the previous action
        "2.2.1",
        "Increase energy efficiency and use of alternative fuel by local households to reduce the collection of fuel wood (e.g. teresken).",
        "All (in particular Tajikistan for teresken)", "Low", "Long",
        "Government agencies, Herder and community associations, development cooperation organizations", ALL,
    ),
    _action(  # code without trailing dot
        "2.2.2",
        "Develop and implement temporal and spatial restrictions on livestock grazing to ensure adequate forage for argali during critical seasons.",
        "All", "High", "Medium", "Government agencies, Herder associations, hunting area managers, NGOs", ALL,
    ),
    _action(  # authors' punctuation kept; trailing space of the actor stripped
        "2.3.2",
        "Reduce or prevent disturbance at key sites from livestock herding, poaching and hunting, mining, and recreational activities through zoning, compensatory payments and other site management measures.",
        "All", "Medium", "Medium", "Government agencies,", ALL,
    ),
    _action(  # 'Applicable to: 1-19': the countries of units 1-19
        "2.5.3",
        "Facilitate transboundary activities including information exchange on trade and use, joint law enforcement and anti-poaching activities. penetration of border fences, transboundary monitoring & research, communication and other actions related to wildlife diseases and transboundary protected areas.",
        "1-19", "Medium", "Medium", "Government agencies, INGOs, CMS. TRAFFIC", ALL,
    ),
    _action(  # blank line inside the row before the priority; line break in the actor
        "3.1.3", "Implement robust monitoring programs for all argali populations.", "All", "High", "Medium",
        "Argali WG,\nIUCN SSC Caprinae SG, Universities, scientific institutions", ALL,
    ),
    _action(  # time scale printed with leading spaces
        "3.1.9",
        "Compile a shared data pool with available information on argali ecology and harvest indicating major knowledge gaps and research needs in different languages.",
        "All", "Medium", "Medium", "Argali WG", ALL,
    ),
    _action(
        "4.1.4",
        "Designate national lead agency and argali contact points responsible for coordinating argali conservation and management policy and implementation of the action plan in each Range State.",
        "All", "Essential", "On-going / Completed", "Government agencies, CMS", ALL,
    ),
]  # fmt: skip


@pytest.mark.parametrize("expected", RECORDS, ids=lambda record: f"{record.kind}-{record.key}")
def test_record(activities, expected):
    assert activities[expected.key] == expected


# --- Invariants ----------------------------------------------------------------------------------


def test_every_activity_is_whole(plan):
    for activity in plan.activities:
        assert activity.code and activity.text, activity
        assert activity.priority and activity.actor, activity
        assert activity.countries and set(activity.countries) <= set(ALL), activity
        if activity.kind == "measure":
            assert (activity.priority, activity.priority_scale) in {("1", "rank"), ("2", "rank"), ("3", "rank")}
        else:
            assert activity.priority in {"Essential", "High", "Medium", "Low"} and activity.priority_scale == "word"
            assert activity.timeline in {"On-going", "Short", "Medium", "Long", "On-going / Completed"}
            assert activity.applicability, activity


def test_keys_are_unique(plan):
    keys = [activity.key for activity in plan.activities]
    assert len(keys) == len(set(keys))


def test_parents_exist(plan):
    elements = {(e.level, e.code) for e in plan.elements}
    for element in plan.elements:
        assert element.parent is None or (element.parent.level, element.parent.code) in elements
    for activity in plan.activities:
        assert (activity.parent.level, activity.parent.code) in elements
        assert activity.code.startswith(activity.parent.code.split(".0")[0] + ".")


def test_cited_footnotes_exist(plan):
    numbers = {footnote.number for footnote in plan.footnotes}
    for item in plan.activities + plan.elements:
        assert set(item.footnotes) <= numbers, item


def test_cross_references_parse(plan):
    references = [ref for item in plan.activities + plan.elements for ref in item.references]
    assert references == [CrossReference("10.5", "measure", "10.5")]
    codes = {(activity.kind, activity.code) for activity in plan.activities}
    for ref in references:
        assert CODE.fullmatch(ref.target_code)
        assert (ref.target_kind, ref.target_code) in codes


def test_no_export_artefacts_left(plan):
    texts = [value for a in plan.activities for value in (a.text, a.actor, a.applicability, a.timeline, a.priority)]
    texts += [e.title for e in plan.elements]
    texts += [value for u in plan.units for value in (u.name, u.subspecies, u.geographic_area, u.countries_as_printed)]
    for text in texts:
        assert "[footnoteRef" not in text and "XXX" not in text and "\t" not in text, text
        assert "Applicable to" not in text, text
        assert all(line == line.strip() and line for line in text.split("\n")) or text == "", repr(text)
        assert not re.search(r"programmes\d", text), text


def test_measure_countries_follow_their_unit(plan):
    units = {unit.number: unit.countries for unit in plan.units}
    for activity in plan.activities:
        if activity.kind == "measure":
            expected = units[activity.conservation_unit] if activity.conservation_unit else ALL
            assert activity.countries == expected, activity.key


# --- Corrections and rules -----------------------------------------------------------------------


def test_corrections_are_documented():
    corrections = corrections_for("argali")
    assert [c.key for c in corrections] == ["", "1.2.4", "1.2.5", "1.2.7", "1.2.10"]
    for correction in corrections:
        assert correction.reason and correction.printed != correction.corrected
    assert "XXX" in corrections[0].printed and "relevant areas of Mongolia" in corrections[0].corrected
    assert RULES["argali"] and all(rule.strip() for rule in RULES["argali"])


def test_parser_fails_loudly_on_a_broken_seed():
    seed = read_seed("argali")
    with pytest.raises(ValueError):
        parse(seed.replace("\t1.3\n", "\t1.3 x\n"))  # an unknown cell in the measures table
    with pytest.raises(ValueError):
        parse(seed.replace("Applicable to: 1-19", "Applicable to: Some"))  # countries unknown
    with pytest.raises(ValueError):
        parse(seed.replace("\tEssential\n\tOn-going\n\tGovernment agencies, Protected", "\tOn-going\n\tGovernment agencies, Protected"))
