"""Every correction the source texts need, in one reviewable list.

The seeds in ``../shared/seeds/`` are text exports of a Word table (Argali) and a PDF table
(Persian leopard). Where the export broke the text, the fixtures do not silently differ from it:
each fix is an entry below, with the text as printed, the text the parser reads instead and the
reason, so that a reviewer can hold each one against the document.

A correction is applied to the raw text before parsing: ``printed`` must occur exactly
``count`` times in the seed (the build fails otherwise, so a changed seed cannot slip through),
and each occurrence is replaced by ``corrected``. Where a correction concerns one item, ``key``
names it and ``note`` (if given) is shown to readers on that item's page.

Rules the parsers apply everywhere (not one-off fixes) are listed in ``RULES`` with their reason.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Correction:
    plan: str  # plan slug
    printed: str  # exact text in the seed
    corrected: str  # what the parser reads instead
    reason: str  # why, in words a reviewer can check against the document
    key: str = ""  # activity key it concerns, if one
    note: str = ""  # editorial note shown on that activity's page
    count: int = 1  # how many times ``printed`` occurs in the seed


# --- Argali (000_eb7772ba479bd17a.txt) -------------------------------------------------------
ARGALI_CORRECTIONS: list[Correction] = [
    # List of single-country units (before the Goal): the draft left a placeholder.
    Correction(
        plan="argali",
        printed="23) Gobi argali O.a.darwini in XXX of Mongolia",
        corrected="23) Gobi argali O.a.darwini in relevant areas of Mongolia",
        reason=(
            "Placeholder 'XXX' left in the draft's list of single-country units; the heading of "
            "section 24.0, which is the section of the same unit 23, prints 'Gobi argali O.a.darwini "
            "in relevant areas of Mongolia'. Unit 23 has no measures: section 24.0 is kept empty."
        ),
        note="The draft's list of units prints 'in XXX of Mongolia'; the text is taken from the unit's section heading (24.0).",
    ),
    # Annex 1, result 1.2: footnote markers exported as digits glued to 'programmes'.
    Correction(
        plan="argali",
        printed="Applicable to: Countries with trophy hunting programmes6\n",
        corrected="Applicable to: Countries with trophy hunting programmes[footnoteRef:6]\n",
        reason=(
            "Action 1.2.4: the reference to footnote 6 (the countries with trophy hunting programmes) "
            "was exported as a digit glued to 'programmes'."
        ),
        key="1.2.4",
    ),
    Correction(
        plan="argali",
        printed="Applicable to: Countries with trophy hunting programmes6 Potentially also in other areas",
        corrected="Applicable to: Countries with trophy hunting programmes[footnoteRef:6] Potentially also in other areas",
        reason=(
            "Action 1.2.5: the reference to footnote 6 (the countries with trophy hunting programmes) "
            "was exported as a digit glued to 'programmes'."
        ),
        key="1.2.5",
    ),
    Correction(
        plan="argali",
        printed="Applicable to: Countries with trophy hunting programmes7",
        corrected="Applicable to: Countries with trophy hunting programmes[footnoteRef:7]",
        reason=(
            "Action 1.2.7: the reference to footnote 7 (the countries with trophy hunting programmes) "
            "was exported as a digit glued to 'programmes'."
        ),
        key="1.2.7",
    ),
    Correction(
        plan="argali",
        printed="Applicable to: All, except Countries with trophy hunting programmes7",
        corrected="Applicable to: All, except Countries with trophy hunting programmes[footnoteRef:7]",
        reason=(
            "Action 1.2.10: the reference to footnote 7 (the countries with trophy hunting programmes) "
            "was exported as a digit glued to 'programmes'."
        ),
        key="1.2.10",
    ),
]

# --- Persian leopard (002_8b93a90772e2f037.txt) ----------------------------------------------
PERSIAN_LEOPARD_CORRECTIONS: list[Correction] = [
    # Title (heading of section 2).
    Correction(
        plan="persian-leopard",
        printed="Persian Leopard (2023- 2032)",
        corrected="Persian Leopard (2023-2032)",
        reason="Heading of section 2: the export left a space after the hyphen of the period 2023-2032.",
    ),
    # Figure 1 caption: the regions/metapopulations.
    Correction(
        plan="persian-leopard",
        printed="3 = Zagros Islamic Republic of Iran, Iraq, Turkey)",
        corrected="3 = Zagros (Islamic Republic of Iran, Iraq, Turkey)",
        reason="Figure 1 caption: region 3 drops the opening parenthesis the other three regions print "
        "before their countries; without it the countries of the Zagros cannot be read.",
    ),
    # Objective 1.
    Correction(
        plan="persian-leopard",
        printed="organisat \nions",
        corrected="organisations",
        reason="Budget of Activity 1.1.3: the word 'organisations' is broken over two lines of the narrow "
        "Budget column without a hyphen.",
        key="1.1.3",
    ),
    Correction(
        plan="persian-leopard",
        printed="Activity 1.2.3. Establish a programme",
        corrected="Activity 1.2.3. Establish a programme",
        reason="The document numbers two different activities of Result 1.2 '1.2.3' (the workshop on key "
        "subpopulations, then the caretakers and rangers programme). The text is unchanged: both keep "
        "code 1.2.3 and the parser gives the second the key '1.2.3-2'.",
        key="1.2.3-2",
        note="Printed as 1.2.3, the same number as the activity before it.",
    ),
    Correction(
        plan="persian-leopard",
        printed="region/metapopulation2 to",
        corrected="region/metapopulation[footnoteRef:2] to",
        reason="Activity 1.2.3 (second): the '2' glued to 'metapopulation' is the mark of footnote 2 "
        "('See Figure 1 for the delineation of the metapopulations.'), printed at the foot of that page.",
        key="1.2.3-2",
    ),
    Correction(
        plan="persian-leopard",
        printed="metapopulation1 \n",
        corrected="metapopulation[footnoteRef:2] \n",
        reason="Activity 1.2.4: a footnote mark '1' is glued to 'metapopulation'. Footnote 1 explains the "
        "priority scores of the Priority column and has nothing to do with this text; the same words "
        "'region/metapopulation' in the activity before carry footnote 2 ('See Figure 1 for the "
        "delineation of the metapopulations.'), which is what this mark points to.",
        key="1.2.4",
        note="The document marks 'metapopulation' with footnote 1 (the priority scores); it is linked to "
        "footnote 2 (the delineation of the metapopulations), which the same word carries in the "
        "activity before.",
    ),
    Correction(
        plan="persian-leopard",
        printed="19.4,1 \n9.5 ",
        corrected="19.4, \n19.5 ",
        reason="CAMI PoW of Activity 1.2.4: '19.5' is broken across two lines of the narrow column "
        "('19.4,1' / '9.5'); the cell reads 19.2, 19.4, 19.5.",
        key="1.2.4",
    ),
    # Objective 2.
    Correction(
        plan="persian-leopard",
        printed="standardised tools3 (e.g.",
        corrected="standardised tools[footnoteRef:3] (e.g.",
        reason="Activity 2.1.2: the '3' glued to 'tools' is the mark of footnote 3 ('Standardized tool(s) "
        "refers to ...'), printed at the foot of that page.",
        key="2.1.2",
    ),
    Correction(
        plan="persian-leopard",
        printed="and between protected areas. local stakeholders initiated.     \n",
        corrected="and between protected areas. \n\nlocal stakeholders \n\ninitiated.     \n",
        reason="Activity 2.2.1 goes on at the top of the next page, where the export put the last lines of "
        "its Activity ('and between protected areas.'), Actor ('local stakeholders') and Indicator "
        "('initiated.') cells on one line; they are separated into the three cells.",
        key="2.2.1",
    ),
    # Objective 3.
    Correction(
        plan="persian-leopard",
        printed="surveyed4 \n\nfor Persian Leopard",
        corrected="surveyed[footnoteRef:4] \nfor Persian Leopard",
        reason="Result 3.1: the '4' glued to 'surveyed' is the mark of footnote 4 (whose text the seed does "
        "not print); the superscript also made the export break the cell with a blank line.",
    ),
    Correction(
        plan="persian-leopard",
        printed="are standardised5, ",
        corrected="are standardised[footnoteRef:5], ",
        reason="Result 3.3: the '5' glued to 'standardised' is the mark of footnote 5 ('Means that the "
        "methodology is designed ...'), printed at the foot of that page.",
    ),
    Correction(
        plan="persian-leopard",
        printed="transboundary/internati \nonal",
        corrected="transboundary/international",
        reason="Result 3.4: the word 'international' is broken over two lines of the narrow Result column "
        "without a hyphen.",
    ),
    # Objective 4.
    Correction(
        plan="persian-leopard",
        printed="Rescue Centre6 with",
        corrected="Rescue Centre[footnoteRef:6] with",
        reason="Result 4.1: the '6' glued to 'Centre' is the mark of footnote 6 ('A Rescue Centre is a place "
        "...'), printed at the foot of that page.",
    ),
    Correction(
        plan="persian-leopard",
        printed="Activity 4.1.2. Establish and equip Identified \nzoos/wildlife",
        corrected="Activity 4.1.2. Establish and equip \n\nIdentified \nzoos/wildlife",
        reason="Activity 4.1.2: the export put the first line of the Actor cell ('Identified zoos/wildlife "
        "centres in cooperation with ...') on the line of the Activity cell; it is moved to its cell.",
        key="4.1.2",
    ),
    Correction(
        plan="persian-leopard",
        printed="Leopard by 2027. specific Persian Leopard rescue centres7 \n\nin identified",
        corrected="Leopard by 2027. \n\nspecific Persian Leopard rescue centres[footnoteRef:7] \nin identified",
        reason="Top of the page after Activity 4.1.2: the end of Result 4.1 ('Leopard by 2027.') and the "
        "next line of the Activity cell share a line; they are separated. The '7' glued to 'centres' is "
        "the mark of footnote 7 ('Templates for rescue centres ...'), whose superscript also made the "
        "export break the Activity cell with a blank line.",
        key="4.1.2",
    ),
    Correction(
        plan="persian-leopard",
        printed="Breeding Centres8 is",
        corrected="Breeding Centres[footnoteRef:8] is",
        reason="Result 4.3: the '8' glued to 'Centres' is the mark of footnote 8 ('The European Association "
        "of Zoos and Aquaria ...'), printed at the foot of that page.",
    ),
    Correction(
        plan="persian-leopard",
        printed="(endorse \nd)",
        corrected="(endorsed)",
        reason="Timeline of Activity 4.3.1: the word 'endorsed' is broken over two lines of the narrow "
        "Timeline column without a hyphen.",
        key="4.3.1",
    ),
    # Objective 5.
    Correction(
        plan="persian-leopard",
        printed="National teams State-specific spatially",
        corrected="National teams \n\nState-specific spatially",
        reason="Activity 5.1.2: the export put the Actor cell ('National teams') and the first line of the "
        "Indicator cell on one line; they are separated.",
        key="5.1.2",
    ),
    Correction(
        plan="persian-leopard",
        printed="of corridors9 (dispersion",
        corrected="of corridors[footnoteRef:9] (dispersion",
        reason="Result 5.3: the '9' glued to 'corridors' is the mark of footnote 9 ('Corridors include "
        "passages ...'), printed at the foot of that page.",
    ),
    # Objective 6.
    Correction(
        plan="persian-leopard",
        printed="5.11,5, \n15,19. \n2 \n",
        corrected="5.11, \n5.15, \n19.2 \n",
        reason="CAMI PoW of Activity 6.1.1: the numbers are broken across the lines of the narrow column "
        "('5.6 – 5.11,5,' / '15,19.' / '2'); the cell reads 5.6 – 5.11, 5.15, 19.2.",
        key="6.1.1",
    ),
    Correction(
        plan="persian-leopard",
        printed="5.11,1 \n\n2.13",
        corrected="5.11, \n\n2.13",
        reason="CAMI PoW of Activity 6.1.2: '19.10' is broken across lines and pages ('5.6 – 5.11,1' here, "
        "'9.10, 19.11' at the top of the next page); the cell reads 5.6 – 5.11, 19.10, 19.11.",
        key="6.1.2",
    ),
    Correction(
        plan="persian-leopard",
        printed="  9.10, \n19.11",
        corrected="  19.10, \n19.11",
        reason="CAMI PoW of Activity 6.1.2, continued at the top of the page: the '1' of '19.10' was printed "
        "on the page before ('5.11,1').",
        key="6.1.2",
    ),
    Correction(
        plan="persian-leopard",
        printed="5.11,1 \n9.7 ",
        corrected="5.11, \n19.7 ",
        reason="CAMI PoW of Activity 6.1.3: '19.7' is broken across two lines of the narrow column "
        "('5.11,1' / '9.7'); the cell reads 5.6 – 5.11, 19.7.",
        key="6.1.3",
    ),
    # Objective 7.
    Correction(
        plan="persian-leopard",
        printed="4.15,5. \n3, ",
        corrected="4.15, \n5.3, ",
        reason="CAMI PoW of Activity 7.1.1: '5.3' is broken across two lines of the narrow column "
        "('4.15,5.' / '3,'); the cell reads 4.1 − 4.15, 5.3, 19.3, 19.7.",
        key="7.1.1",
    ),
    Correction(
        plan="persian-leopard",
        printed="4.15,1 \n9.3, \n19.4, \n19.7",
        corrected="4.15, \n19.3, \n19.4, \n19.7",
        reason="CAMI PoW of Activity 7.1.3: '19.3' is broken across two lines of the narrow column "
        "('4.15,1' / '9.3,'); the cell reads 4.1 - 4.15, 19.3, 19.4, 19.7.",
        key="7.1.3",
    ),
    Correction(
        plan="persian-leopard",
        printed="institutions/univers \nities, pastoralists",
        corrected="institutions/universities, pastoralists",
        reason="Actor of Activity 7.1.5: the word 'universities' is broken over two lines of the narrow "
        "Actor column without a hyphen.",
        key="7.1.5",
    ),
    # Objective 8.
    Correction(
        plan="persian-leopard",
        printed="institutions/univers \nities \n",
        corrected="institutions/universities \n",
        reason="Actor of Activity 8.2.1: the word 'universities' is broken over two lines of the narrow "
        "Actor column without a hyphen.",
        key="8.2.1",
    ),
    Correction(
        plan="persian-leopard",
        printed="4.15,1 \n9.3, \n19.4 \n",
        corrected="4.15, \n19.3, \n19.4 \n",
        reason="CAMI PoW of Activity 8.2.1: '19.3' is broken across two lines of the narrow column "
        "('4.15,1' / '9.3,'); the cell reads 4.1 - 4.15, 19.3, 19.4.",
        key="8.2.1",
    ),
    # Objective 9.
    Correction(
        plan="persian-leopard",
        printed="19.10. \n",
        corrected="19.10 \n",
        reason="CAMI PoW of Activity 9.1.1: the last number is printed '19.10.'; the dot ends the list and "
        "is not part of the number (19.10).",
        key="9.1.1",
    ),
    Correction(
        plan="persian-leopard",
        printed="people trained     \n",
        corrected="people \n\ntrained     \n",
        reason="Activity 9.3.2 goes on at the top of the next page, where the export put the last line of "
        "its Actor cell ('... identified key people') and of its Indicator cell ('... and are trained') "
        "on one line; they are separated.",
        key="9.3.2",
    ),
    # Objective 10.
    Correction(
        plan="persian-leopard",
        printed="Updated NAPs Every five",
        corrected="Updated NAPs \n\nEvery five",
        reason="Activity 10.2.2: the export put the Indicator cell ('Updated NAPs') and the first line of "
        "the Timeline cell ('Every five years') on one line; they are separated.",
        key="10.2.2",
    ),
    # Objective 11.
    Correction(
        plan="persian-leopard",
        printed="wildlife trade10 generally",
        corrected="wildlife trade[footnoteRef:10] generally",
        reason="Activity 11.2.3: the '10' glued to 'trade' is the mark of footnote 10 ('Consider synergies "
        "between other action plans and strategies'), printed at the foot of that page.",
        key="11.2.3",
    ),
    Correction(
        plan="persian-leopard",
        printed="2032 TBD 19.2. 2.25",
        corrected="2032 TBD 19.2 2.25",
        reason="CAMI PoW of Activity 11.3.1: printed '19.2.'; the dot is punctuation, not part of the "
        "number (19.2).",
        key="11.3.1",
    ),
    Correction(
        plan="persian-leopard",
        printed="Working Group conservation initiatives \nreleased",
        corrected="Working Group \n\nconservation initiatives \nreleased",
        reason="Activity 11.3.3 goes on at the top of the next page, where the export put the last line of "
        "its Actor cell ('GOs in charge in cooperation with Working Group') and the next line of its "
        "Indicator cell ('... transboundary conservation initiatives released ...') on one line; they are "
        "separated.",
        key="11.3.3",
    ),
    # Objective 12.
    Correction(
        plan="persian-leopard",
        printed="each Activity. national \nauthorities",
        corrected="each Activity. \n\nnational \nauthorities",
        reason="Activity 12.2.3 goes on at the top of the next page, where the export put the last line of "
        "its Activity cell ('include concrete budgets for each Activity.') and the next line of its Actor "
        "cell ('relevant national authorities, ...') on one line; they are separated.",
        key="12.2.3",
    ),
]

CORRECTIONS: list[Correction] = ARGALI_CORRECTIONS + PERSIAN_LEOPARD_CORRECTIONS

# Rules applied by the parsers to every item; each says what it does and why.
RULES: dict[str, list[str]] = {
    "argali": [
        # Layout of the Word export.
        "The heading is printed in capitals ('DRAFT ACTION PLAN FOR THE CONSERVATION OF THE ARGALI "
        "2025-2032'); the title is stored as 'Draft Action Plan for the Conservation of the Argali "
        "2025-2032' and the parser checks that it matches the heading.",
        "The tables were exported one cell a line, each cell starting with a tab; a line without the tab "
        "is a further paragraph of the cell above, and blank lines are not row boundaries (Word left some "
        "inside rows): rows are recognised by their code cells. The lines of a cell are stripped and "
        "joined with a single space, and empty paragraphs (a cell printed as an empty line followed by "
        "'Low') are dropped.",
        "Word footnotes appear inline as '[footnoteRef:N] [N: text]': the body is removed from the text "
        "and kept in the plan's footnotes (its lines joined with a space), the marker is removed and its "
        "number recorded on the item whose cell holds it. Every footnote of the document (2-8) is kept on "
        "the plan: 2 (introduction, link to the SSAP 2014-2024), 3 (the 'Priority' column header: the "
        "definition of priorities 1-3) and 4 (the 'Responsibility' column header) are on no item.",
        "Footnote 4, on the 'Responsibility' column header, is printed empty ('[4: ]'): it is kept with the "
        "text ''.",
        # Units.
        "Units 1-19 are the rows of the hotspot table; a cell printed on two lines (unit 18's geographic "
        "area 'Great Gobi B SPA' / 'Khovd-Xinjiang') is joined with a space.",
        "Unit 18 (Jungarian Gobi) prints its countries as '(China)-Mongolia': countries_as_printed keeps the "
        "parentheses and its countries are China and Mongolia (CN, MN), because the unit's section heading "
        "(19.0) names 'China, Mongolia' and its area 'Khovd-Xinjiang' spans both.",
        "Units 20-23 are printed as one line '<subspecies> in <place>': the name is the line without its "
        "number, the subspecies the text before ' in ', the geographic area the text in parentheses after "
        "the country ('Uzbekistan (Karatau range)') or else the whole place ('the hill-lands of "
        "Kazakhstan'), and countries_as_printed the country name printed in the line.",
        # Conservation measures.
        "The measure sections are numbered one above their unit: section 1.0 holds the measures for all "
        "units (no unit; their countries are every range state) and section N.0 (2.0-24.0) those of unit "
        "N-1, whose number its heading prints ('1) High Pamirs (...)' heads section 2.0). The section "
        "title is the heading without that number; its measures take the countries of the unit as the "
        "unit table prints them, not those of the heading. They differ once: unit 7 (Eastern Turkestan "
        "Range) is 'Kyrgyzstan-Tajikistan' in the unit table but section 8.0 heads it '(Tajikistan, "
        "Uzbekistan)'; the table, which also names the area (Hissaro-Alai system), is followed, and the "
        "heading is kept as printed so a reader sees both.",
        "The table row 'Specific measures for conservation units' between sections 1.0 and 2.0 is a "
        "sub-heading of the table, not an outline element: it is skipped.",
        "Measure 10.5 holds an introductory sentence and a bulleted list in one cell: each bullet ('·' as "
        "printed) is kept on its own line, and footnote 5, printed after the last bullet, is on 10.5.",
        "Unit 23 (Gobi argali in Mongolia) has no measures in the document: the unit and its section "
        "24.0 are kept, the section with no measures.",
        "A bare code after 'see' names an item of the same part: '(see 10.5)' in measure 20.6 is a "
        "cross-reference to measure 10.5.",
        # Annex 1.
        "The Annex 1 heading is printed on two lines ('Annex 1' and its title): the part title joins them "
        "with ': '. The line '(Russian version - see SSAP 2014-2024)' below it is not kept.",
        "Annex 1 repeats the column header row 'Result / Action / Priority / Time scale / Organisations "
        "responsible' under each objective: those rows are skipped.",
        "In Annex 1 the Result cell is filled only on a result's first row: a row with an empty Result "
        "cell belongs to the result above.",
        "Annex action codes are printed with a trailing dot ('1.1.1.') except 1.2.10 and 2.2.2: the code "
        "is read without it.",
        "In Annex 1 'Applicable to:' sits inside the action cell, on its own line or (action 1.1.1) at the "
        "end of the text: the action's text is the cell before 'Applicable to:' and its applicability the "
        "rest, without footnote markers.",
        "The 'Organisations responsible' cell keeps a line break inside the cell as a line break (e.g. "
        "1.2.3 'Government agencies, Hunting area managers/concessions' / 'NGOs').",
        "The countries of an Annex action follow its 'Applicable to:': 'All ...' is every range state; "
        "'Countries with trophy hunting programmes ...' the countries named by the footnote it cites (6, 7 "
        "and 8 all name Kyrgyzstan, Mongolia, Tajikistan and Uzbekistan); 'All, except Countries with "
        "trophy hunting programmes' the other eight range states; '1-19' the countries of units 1-19.",
        "Action 1.2.8 is 'Applicable to: Countries where trophy hunting occurs across national "
        "boundaries', which the document does not define: it gets the four countries with trophy hunting "
        "programmes of footnote 6, because coordinating hunting quotas among Range States presupposes a "
        "trophy hunting programme; no footnote is recorded on it, since none is printed.",
    ],
    "persian-leopard": [
        "The title is the heading of section 2 without its number, with the period it prints in "
        "parentheses written after the name: 'Draft Range-Wide Strategy for the Conservation of the "
        "Persian Leopard 2023-2032'.",
        "The regions are the four regions/metapopulations delineated in the caption of Figure 1; "
        "countries_as_printed is the list in the caption's parentheses without 'including territories "
        "of:'. Tajikistan is named in region 4 (eastern range) but is not one of the 12 range states.",
        "Page furniture is dropped: the column header every page repeats, the page footer (document "
        "symbol and page number) and the footnotes at the foot of each page, whose texts become the "
        "plan's footnotes (footnote 1 explains the Priority column).",
        "The lines of one cell are joined with a single space and runs of spaces become one; a line "
        "ending in a hyphen after a letter ('cross-', 'camera-') was broken at a hyphen the authors "
        "wrote, so the next line follows it without a space and the hyphen stays ('cross-border'). "
        "Words the export broke without a hyphen are rejoined by corrections.",
        "A row's cells print one after the other: Activity, Actor, Indicator, then Timeline, Budget, "
        "CAMI PoW and Priority in that order, several to a line. With only one cell between Activity "
        "and Timeline, that cell is the Indicator and the Actor cell is empty.",
        "An empty Actor cell repeats the actor of the row above, because the PDF merged the Actor cells "
        "of consecutive rows: the activity shows the inherited actor.",
        "A row that does not fit on its page goes on at the top of the next: each continued cell is "
        "added to the end of its column, counted from the cell before it plus one per leading space "
        "(one per empty column); a line of spaces, or a line ending in spaces, closes the row. Text "
        "continued in the Result column is added to the result's title.",
        "The priority is the average score as printed with two decimals at the end of the row; "
        "activities 8.1.1 and 8.1.2 print no score and have no priority.",
        "CAMI PoW is a list with one string per number; a range printed '5.6 – 5.11', '4.1− 4.15' or "
        "'4.1 - 4.15' is written '5.6–5.11' (en dash, no spaces).",
        "Footnote marks are taken out of the text and linked to their footnotes; the corrections turn "
        "each digit the export glued to a word ('tools3') into a mark. Footnote 4 is marked in "
        "Result 3.1 but its text is not printed in the seed: it is kept with an empty text.",
        "A code printed a second time keeps its code and gets the key '<code>-2': the second "
        "activity 1.2.3 is '1.2.3-2'.",
        "Every activity applies to all 12 range states and names no region.",
        "Cross-references are read from the Activity, Actor and Indicator cells and from headings: a "
        "label (Activity/Activities, A., A, Result/Results, R, Objective) and a code, then each further "
        "code after ',', '&' or 'and' ('Result 5.1. & 5.2' gives 'Result 5.1' and '5.2') and each code "
        "of a range ('5.1.1 – 5.1.3', labelled with the range as printed); a bare code after 'under' "
        "('as defined under 11.1.2') is an activity; a trailing dot is not part of a code; a target "
        "named twice in one item is referred to once. An activity that inherits its actor does not "
        "inherit the actor's references.",
    ],
}


class CorrectionError(Exception):
    """A correction no longer matches the seed it was written for."""


def corrections_for(plan: str) -> list[Correction]:
    return [c for c in CORRECTIONS if c.plan == plan]


def apply_corrections(text: str, plan: str) -> str:
    """Return ``text`` with every correction for ``plan`` applied; fail loudly on a mismatch."""
    for correction in corrections_for(plan):
        found = text.count(correction.printed)
        if found != correction.count:
            raise CorrectionError(
                f"{plan}: expected {correction.count} occurrence(s) of {correction.printed!r}, found {found}"
            )
        text = text.replace(correction.printed, correction.corrected)
    return text


def notes_for(plan: str, key: str) -> list[str]:
    """Editorial notes that corrections attach to one item."""
    return [c.note for c in corrections_for(plan) if c.key == key and c.note]
