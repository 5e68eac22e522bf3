"""Values read out of fields as printed: priority level, target year, budget in USD.

The plans print these in their own ways; the tracker keeps the printed text and derives one
comparable value from it, with the rules written down here (and in README.md).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

HIGH, MEDIUM, LOW = "high", "medium", "low"

# Argali measures: "1 - high ... 2 - medium ... 3 - low" (footnote 3 of the plan).
RANK_LEVELS = {"1": HIGH, "2": MEDIUM, "3": LOW}
# Argali Annex 1 priority words; "Essential" is above "High", both count as high.
WORD_LEVELS = {"essential": HIGH, "high": HIGH, "medium": MEDIUM, "low": LOW}
# Persian leopard: average of the range states' scores, 1 low, 2 medium, 3 high. The average is
# rounded to the nearest level, halves upward: below 1.50 low, 1.50-2.49 medium, 2.50 and above high.
SCORE_HIGH_FROM = Decimal("2.50")
SCORE_MEDIUM_FROM = Decimal("1.50")


def priority_level_from(printed: str, scale: str) -> str:
    """The high/medium/low level of a printed priority on its scale; "" where none is printed."""
    value = printed.strip()
    if not value:
        return ""
    if scale == "rank":
        return RANK_LEVELS.get(value, "")
    if scale == "word":
        return WORD_LEVELS.get(value.lower(), "")
    if scale == "score":
        try:
            score = Decimal(value)
        except InvalidOperation:
            return ""
        if score >= SCORE_HIGH_FROM:
            return HIGH
        return MEDIUM if score >= SCORE_MEDIUM_FROM else LOW
    return ""


_YEAR = re.compile(r"(?<!\d)(\d{4}|\d{2})(?!\d)")


def target_year_from(timeline: str) -> int | None:
    """The year an activity is due, where the timeline names one.

    "2025" -> 2025; a span "2023-24" -> 2024 (due by its end); "2023 (drafted)/ 25 (endorsed)" -> 2025
    (due when endorsed). "Every 3 years", "Regularly", "ASAP", "TBD" and the Annex time scales
    (Short, Medium, Long, On-going) name no year: None.
    """
    years: list[int] = []
    century = None
    for token in _YEAR.findall(timeline):
        if len(token) == 4:
            year = int(token)
            century = year // 100 * 100
        elif century is not None:
            year = century + int(token)  # "2023-24": the two digits continue the year before
        else:
            continue
        years.append(year)
    return max(years) if years else None


_AMOUNT = re.compile(
    r"(?P<number>\d+(?:[.,]\d+)*)\s*(?P<million>M\b)?\s*USD\s*(?P<basis>\(?\s*(?:per|for each)\s+[^)]*\)?)?",
    re.IGNORECASE,
)


def budget_from(printed: str) -> tuple[int | None, str]:
    """The amount in USD and what it is counted per, where the budget prints an amount.

    The leopard strategy writes thousands with a dot ("10.000 USD" is 10,000) and millions with a
    decimal point before "M" ("4.25 M USD" is 4,250,000). "10.000 USD per country" gives
    (10000, "per country"); "TBD", "N/A" and "TBD for each rescue centre" give (None, "").
    """
    match = _AMOUNT.search(printed)
    if not match:
        return None, ""
    number = match["number"]
    if match["million"]:
        amount = Decimal(number.replace(",", ".")) * 1_000_000
    else:
        amount = Decimal(re.sub(r"[.,](?=\d{3}\b)", "", number))
    basis = (match["basis"] or "").strip().strip("()").strip()
    return int(amount), basis


# --- A plan's declared priority scale ------------------------------------------------------------
# A plan may declare its scale as data (``PriorityScaleValue`` rows, the Plan sheet of its workbook):
# each value the document prints and the level it means. Rank and word values match as printed
# (letter case aside); a score value is a number or a range "2.50-3.00", whose upper end covers the
# numbers up to the next step of its last decimal (2.49 covers 2.49..2.4999), so that the ranges
# 1.00-1.49 / 1.50-2.49 / 2.50-3.00 read every score exactly as the halves-up rule above does.

DEFAULT_SCALE_VALUES = {
    "rank": [("1", HIGH), ("2", MEDIUM), ("3", LOW)],
    "word": [("Essential", HIGH), ("High", HIGH), ("Medium", MEDIUM), ("Low", LOW)],
    "score": [("2.50-3.00", HIGH), ("1.50-2.49", MEDIUM), ("1.00-1.49", LOW)],
}

_NUMBER = r"\d+(?:\.\d+)?"
SCORE_RANGE = re.compile(rf"^\s*(?P<low>{_NUMBER})\s*[-–]\s*(?P<high>{_NUMBER})\s*$")


def score_bounds(printed: str) -> tuple[Decimal, Decimal] | None:
    """(lowest, first number above) of a declared score value "2.50-3.00" or "3"; None if it is neither."""
    match = SCORE_RANGE.match(printed)
    try:
        low, high = (Decimal(match["low"]), Decimal(match["high"])) if match else (Decimal(printed),) * 2
    except InvalidOperation:
        return None
    step = Decimal(1).scaleb(high.as_tuple().exponent)
    return (low, high + step) if low <= high else None


def priority_level_on_scale(printed: str, scale: str, values) -> str:
    """The level of a printed priority on a declared scale (``values``: pairs (printed, level)); "" if
    it is not on it or none is printed."""
    value = printed.strip()
    if not value:
        return ""
    if scale != "score":
        levels = {declared.strip().lower(): level for declared, level in values}
        return levels.get(value.lower(), "")
    try:
        score = Decimal(value)
    except InvalidOperation:
        return ""
    for declared, level in values:
        bounds = score_bounds(declared)
        if bounds and bounds[0] <= score < bounds[1]:
            return level
    return ""
