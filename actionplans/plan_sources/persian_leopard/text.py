"""The text of the strategy's cells: lines joined as the export broke them, footnote marks taken out, and
the cross-references an activity's or heading's text makes (Activity 1.2.1, R 5.1, A.3.1–3.4, ...)."""
from __future__ import annotations

import re

from ..document import ACTIVITY, OBJECTIVE, RESULT, CrossReference

FOOTNOTE_MARKER = re.compile(r"\[footnoteRef:(?P<number>\d+)\]")

# Cross-references: a label (Activity, A., A, Result, R, Objective ...) and a code, then more codes
# joined by "," "&" "and" or a range dash. A trailing dot is punctuation, not part of a code.
CODE = r"\d+(?:\.\d+)*"
REFERENCE_START = re.compile(
    rf"(?<![\w.])(?P<label>Activities|Activity|Results|Result|Objective|A\.|A|R)\s?(?P<code>{CODE})"
)
REFERENCE_NEXT = re.compile(rf"\.?\s*(?:(?P<range>[–−-])|,\s*(?:and\s+)?|&|and\s)\s*(?P<code>{CODE})")
# "as defined under 11.1.2": a bare activity code after "under".
BARE_ACTIVITY_REFERENCE = re.compile(r"(?<=\bunder )(?P<code>\d+\.\d+\.\d+)")
REFERENCE_KINDS = {
    "Activities": ACTIVITY,
    "Activity": ACTIVITY,
    "A.": ACTIVITY,
    "A": ACTIVITY,
    "Results": RESULT,
    "Result": RESULT,
    "R": RESULT,
    "Objective": OBJECTIVE,
}


def join(lines: list[str]) -> str:
    """One cell's lines as one string: whitespace tidied, lines joined with a single space.

    A line ending in a hyphen after a letter ("cross-", "camera-") was broken at a hyphen the
    authors wrote, so the next line follows it without a space and the hyphen stays.
    """
    text = ""
    for line in lines:
        part = " ".join(line.split())
        if not part:
            continue
        if text and not re.search(r"[A-Za-z]-$", text):
            text += " "
        text += part
    return text


def take_footnotes(text: str) -> tuple[str, list[int]]:
    """``text`` without its footnote markers, and the footnote numbers they carried."""
    numbers = [int(number) for number in FOOTNOTE_MARKER.findall(text)]
    return FOOTNOTE_MARKER.sub("", text), numbers


def cross_references(text: str) -> list[CrossReference]:
    """The cross-references printed in ``text``, in order.

    "Result 5.1. & 5.2" gives "Result 5.1" and "5.2"; each code of a range "5.1.1 – 5.1.3" is
    referred to with the range as printed for label.
    """
    found: list[CrossReference] = []
    position = 0
    while match := REFERENCE_START.search(text, position):
        kind = REFERENCE_KINDS[match["label"]]
        items = [(match.start(), match.end(), match["code"])]
        position = match.end()
        while follow := REFERENCE_NEXT.match(text, position):
            if follow["range"]:
                start, _, first = items.pop()
                items += [(start, follow.end(), code) for code in _code_range(first, follow["code"])]
            else:
                items.append((follow.start("code"), follow.end(), follow["code"]))
            position = follow.end()
        found += [CrossReference(text[start:end], kind, code) for start, end, code in items]
    for match in BARE_ACTIVITY_REFERENCE.finditer(text):
        if not any(ref.target_code == match["code"] for ref in found):
            found.append(CrossReference(match["code"], ACTIVITY, match["code"]))
    return found


def _code_range(first: str, last: str) -> list[str]:
    """Every code from ``first`` to ``last`` ("5.1.1", "5.1.3" -> 5.1.1, 5.1.2, 5.1.3)."""
    prefix, _, low = first.rpartition(".")
    last_prefix, _, high = last.rpartition(".")
    if prefix != last_prefix or int(low) > int(high):
        raise ValueError(f"Cannot expand the reference range {first} - {last}")
    return [f"{prefix}.{number}" for number in range(int(low), int(high) + 1)]


def unique_references(references: list[CrossReference]) -> list[CrossReference]:
    """One reference per target: a text that names a target twice links it once."""
    seen, kept = set(), []
    for ref in references:
        if (ref.target_kind, ref.target_code) not in seen:
            seen.add((ref.target_kind, ref.target_code))
            kept.append(ref)
    return kept
