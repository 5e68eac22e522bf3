"""TEST DATA, fictitious: a third plan of another shape, built as the Secretariat would fill in the blank
template. It is no real plan: the species, the countries (XA, XB, XC: codes ISO 3166-1 leaves to users) and
every text are made up for the tests.

Its shape differs from both real plans on purpose: its own priority scale (A/B/C, rank), activities of
two kinds (one of them printing no priority), no conservation units, and an outline seven levels deep
with two levels of its own (part > theme > section > Goal > Target > Target > Target), named in English
and Russian.
"""
from __future__ import annotations

import io

import openpyxl

from actionplans.plan_workbook import format as fmt
from actionplans.plan_workbook import plan_workbook_build

SLUG = "test-third-plan"
COUNTRIES = [("XA", "Testland XA"), ("XB", "Testland XB"), ("XC", "Testland XC")]
DEEPEST = ("target", "1.1.a.i")

FIELDS = {
    "slug": SLUG, "title": "TEST DATA: Fictitious Action Plan for the Test Marmot 2027-2031",
    "short_title": "Test marmot (test data)", "species_common_name": "Test marmot",
    "species_scientific_name": "Marmota fictiva", "period_start": "2027", "period_end": "2031",
    "document_symbol": "TEST/NOT-A-DOCUMENT/1", "goal": "A fictitious goal.", "vision": "", "languages": "en",
}
SCALE = [
    ["activity", "rank", "A", "high"], ["activity", "rank", "B", "medium"], ["activity", "rank", "C", "low"],
    ["action", "rank", "A", "high"], ["action", "rank", "B", "medium"], ["action", "rank", "C", "low"],
]
OUTLINE = [
    {"level": "part", "code": "core", "title": "Core programme"},
    {"level": "theme", "code": "T1", "title": "Knowing the marmot", "parent": "part core"},
    {"level": "section", "code": "1", "title": "Surveys", "parent": "theme T1"},
    {"level": "Goal", "level_ru": "Цель", "code": "G1", "title": "Populations are known", "parent": "section 1"},
    {"level": "Target", "level_ru": "Целевой показатель", "code": "1.1", "title": "Colonies are counted",
     "parent": "Goal G1"},
    {"level": "Target", "level_ru": "Целевой показатель", "code": "1.1.a", "title": "Counts are repeated",
     "parent": "target 1.1"},
    {"level": "Target", "code": "1.1.a.i", "title": "Counts are published", "parent": "Target 1.1.a"},
    {"level": "objective", "code": "2", "title": "People care", "footnotes": "1"},
]
ACTIVITIES = [
    {"code": "1.1.1.1", "kind": "activity", "text": "Count the colonies of the test valley.", "priority": "A",
     "timeline": "2028", "budget": "2.000 USD per country", "countries": "all", "parent": "Target 1.1"},
    {"code": "1.1.1.2", "kind": "activity", "text": "Publish the counts (see Activity 1.1.1.1).", "priority": "c",
     "timeline": "2030", "countries": "all except XC", "parent": "Target 1.1.a.i"},
    {"code": "2.1", "kind": "action", "text": "Tell the schools about marmots.", "priority": "B",
     "countries": "XB, XC", "parent": "objective 2", "footnotes": "1"},
    {"code": "2.2", "kind": "action", "text": "Print a leaflet.", "priority": "", "countries": "XA",
     "parent": "2"},
]
FOOTNOTES = [{"number": "1", "text": "Test footnote."}]


def third_plan_workbook(edit=None) -> bytes:
    """The filled template as .xlsx bytes; ``edit(book)`` changes it before it is saved."""
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook_build(plan=None)))
    plan = book[fmt.PLAN]
    for row in range(2, len(fmt.PLAN_FIELDS) + 2):
        plan.cell(row, 2).value = FIELDS.get(plan.cell(row, 1).value, "")
    for values in SCALE:
        plan.append(values)
    rows = {
        fmt.COUNTRIES: [{"code": code, "name": name, "range_state": "yes"} for code, name in COUNTRIES],
        fmt.OUTLINE: OUTLINE, fmt.ACTIVITIES: ACTIVITIES, fmt.FOOTNOTES: FOOTNOTES,
    }
    for sheet, values_list in rows.items():
        header = [cell.value for cell in book[sheet][1]]
        for values in values_list:
            book[sheet].append([values.get(name) for name in header])
    if edit:
        edit(book)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
