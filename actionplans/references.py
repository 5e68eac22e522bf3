"""Cross-references printed in a plan's texts ("see 10.5", "Activity 1.1.4", "R 5.1 & 5.2"), and what they point to.

The seed parsers read them while they parse a document; a plan loaded from a workbook has only its
printed texts, so the tracker reads them here, with the same patterns, for any plan (the fixtures
builder takes both plans' links from here too, and fails if the parsers read other ones):

- a label and a code: ``Activity``/``Activities``/``A.``/``A`` (an activity), ``Result``/``Results``/``R``
  (a result), ``Objective``; further codes joined by ``,``, ``&``, ``and`` or a range dash
  ("5.1.1 – 5.1.3" is each code in between);
- a bare activity code after "under" ("as defined under 11.1.2");
- "see <code>" with no label (the Argali plan): an item of the same part of the plan, an activity
  if one has that code there, else an outline element.

A reference to a code the plan does not hold links nothing: ``ReferenceResolver.unresolved`` lists it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

ACTIVITY, RESULT, OBJECTIVE, SEE = "activity", "result", "objective", "see"

CODE = r"\d+(?:\.\d+)*"
LABELLED_START = re.compile(
    rf"(?<![\w.])(?P<label>Activities|Activity|Results|Result|Objective|A\.|A|R)\s?(?P<code>{CODE})"
)
LABELLED_NEXT = re.compile(rf"\.?\s*(?:(?P<range>[–−-])|,\s*(?:and\s+)?|&|and\s)\s*(?P<code>{CODE})")
BARE_ACTIVITY = re.compile(r"(?<=\bunder )(?P<code>\d+\.\d+\.\d+)")
SEE_CODE = re.compile(r"\bsee (?P<code>\d+(?:\.\d+)+)")
LABEL_TARGETS = {
    "Activities": ACTIVITY, "Activity": ACTIVITY, "A.": ACTIVITY, "A": ACTIVITY,
    "Results": RESULT, "Result": RESULT, "R": RESULT, "Objective": OBJECTIVE,
}


@dataclass(frozen=True)
class Reference:
    """``label`` as printed; ``target`` ACTIVITY, RESULT, OBJECTIVE or SEE (same part, by code)."""

    label: str
    target: str
    code: str


def references_in(text: str) -> list[Reference]:
    """Every cross-reference printed in ``text``, in order, each target once."""
    found: list[Reference] = []
    position = 0
    while match := LABELLED_START.search(text, position):
        target = LABEL_TARGETS[match["label"]]
        items = [(match.start(), match.end(), match["code"])]
        position = match.end()
        while follow := LABELLED_NEXT.match(text, position):
            if follow["range"]:
                start, _end, first = items.pop()
                items += [(start, follow.end(), code) for code in _code_range(first, follow["code"])]
            else:
                items.append((follow.start("code"), follow.end(), follow["code"]))
            position = follow.end()
        found += [Reference(text[start:end], target, code) for start, end, code in items]
    for match in BARE_ACTIVITY.finditer(text):
        if not any(ref.code == match["code"] for ref in found):
            found.append(Reference(match["code"], ACTIVITY, match["code"]))
    found += [Reference(match["code"], SEE, match["code"]) for match in SEE_CODE.finditer(text)]
    return _unique(found)


def _code_range(first: str, last: str) -> list[str]:
    """Every code from ``first`` to ``last`` ("5.1.1", "5.1.3" -> 5.1.1, 5.1.2, 5.1.3); a range it cannot
    expand (another prefix, backwards) is read as its two ends."""
    prefix, _, low = first.rpartition(".")
    last_prefix, _, high = last.rpartition(".")
    if prefix != last_prefix or not low.isdigit() or not high.isdigit() or int(low) > int(high):
        return [first, last]
    return [f"{prefix}.{number}" if prefix else str(number) for number in range(int(low), int(high) + 1)]


code_range = _code_range  # the CAMI PoW ranges ("5.6–5.11") read the same way (actionplans.commitments)


def _unique(references: list[Reference]) -> list[Reference]:
    seen, kept = set(), []
    for ref in references:
        if (ref.target, ref.code) not in seen:
            seen.add((ref.target, ref.code))
            kept.append(ref)
    return kept


@dataclass
class ReferenceResolver:
    """Finds, within one plan, the activities and elements that references point to.

    ``activities``: (key, code, part) of every activity; ``elements``: (level, code, part) of every
    outline element; ``part`` is the root of the outline branch the item sits in (what "see <code>"
    stays within). Results are keys (activities) and (level, code) pairs (elements), in order, once.
    """

    activities: list[tuple[str, str, str]]
    elements: list[tuple[str, str, str]]
    unresolved: list[str] = field(default_factory=list)

    def resolve(self, where: str, part: str, texts: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
        keys: list[str] = []
        elements: list[tuple[str, str]] = []
        references = _unique([ref for text in texts for ref in references_in(text)])
        for ref in references:
            found_keys, found_elements = self._targets(ref, part)
            if not found_keys and not found_elements:
                self.unresolved.append(f"{where}: {ref.label}")
            keys += [key for key in found_keys if key not in keys]
            elements += [element for element in found_elements if element not in elements]
        return keys, elements

    def _targets(self, ref: Reference, part: str) -> tuple[list[str], list[tuple[str, str]]]:
        if ref.target == ACTIVITY:
            return [key for key, code, _part in self.activities if code == ref.code], []
        if ref.target in (RESULT, OBJECTIVE):
            return [], [(level, code) for level, code, _part in self.elements
                        if (level, code) == (ref.target, ref.code)]
        keys = [key for key, code, in_part in self.activities if code == ref.code and in_part == part]
        if keys:
            return keys, []
        return [], [(level, code) for level, code, in_part in self.elements if code == ref.code and in_part == part]
