"""The page furniture of the PDF export: each page's column header, footnotes and footer taken out (the
footnotes kept), and the table turned into blocks of lines and PAGE / CLOSE tokens in reading order."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import FootnoteSource
from .text import join

# The page footer is the document symbol alone on a line.
FOOTER_LINE = re.compile(r"^(?P<symbol>UNEP/CMS/\S+/Doc\.\S+)\s*$")
PAGE_NUMBER = re.compile(r"^\d+\s*$")
# The column header every page repeats: the header line, then "POW", "Priority" and the mark of
# footnote 1 (which explains the Priority column) on lines of their own.
HEADER_LINE = re.compile(r"^\s*Result Activity Actor Indicator Timeline Budget CAMI\s*$")
HEADER_REST = ["POW", "Priority", "1"]
# A footnote at the foot of a page: its number, a space and its text.
FOOTNOTE_START = re.compile(r"^(?P<number>\d{1,2}) (?P<text>[A-Z].*)$")

class _Marker:
    """A token of the table that is not text."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


PAGE = _Marker("PAGE")  # stands for the foot of one page and the header of the next
CLOSE = _Marker("CLOSE")  # a line of spaces, or spaces ending a line: the empty cells closing a row
Line = str | _Marker


@dataclass
class Block:
    """Lines of the table between blank lines, as printed (leading spaces kept)."""

    lines: list[str]

    @property
    def indent(self) -> int:
        """Leading spaces: at the top of a page, one per empty column before this cell."""
        return len(self.lines[0]) - len(self.lines[0].lstrip(" "))

    def startswith(self, pattern: re.Pattern) -> bool:
        return bool(pattern.match(self.lines[0]))


def strip_page_furniture(lines: list[str]) -> tuple[list[Line], list[FootnoteSource]]:
    """The table's lines with each page's header and foot replaced by ``PAGE``, and the footnotes.

    A page ends with, in this order and each optional: a line of spaces and the page's
    footnotes, the footer (document symbol and page number) and lines of spaces; the next page
    starts with the column header.
    """
    kept: list[Line] = []
    footnotes: list[FootnoteSource] = []
    number = 0
    while number < len(lines):
        if not HEADER_LINE.match(lines[number]):
            kept.append(lines[number])
            number += 1
            continue
        footnotes += _drop_page_foot(kept)
        number = _skip_header(lines, number)
        kept.append(PAGE)
    return kept, footnotes


def _drop_page_foot(kept: list[Line]) -> list[FootnoteSource]:
    """Remove the foot of the page ending ``kept`` (in place) and return its footnotes."""
    footnotes: list[FootnoteSource] = []
    while True:
        while kept and kept[-1] is not PAGE and (not kept[-1].strip() or FOOTER_LINE.match(kept[-1])):
            kept.pop()
        if kept and kept[-1] is not PAGE and PAGE_NUMBER.match(kept[-1]) and _follows_footer(kept):
            kept.pop()
            continue
        start = _footnote_start(kept)
        if start is None:
            return footnotes
        match = FOOTNOTE_START.match(kept[start])
        footnotes.insert(0, FootnoteSource(int(match["number"]), join([match["text"], *kept[start + 1 :]])))
        del kept[start:]


def _follows_footer(kept: list[Line]) -> bool:
    """Whether the last line (a number) is a page number: the footer comes before it."""
    for line in reversed(kept[:-1]):
        if line is PAGE or line.strip():
            return bool(line is not PAGE and FOOTER_LINE.match(line))
    return False


def _footnote_start(kept: list[Line]) -> int | None:
    """Where the footnote ending ``kept`` starts: a block opened by "N Text" after a line of spaces."""
    start = len(kept)
    while start and kept[start - 1] is not PAGE and kept[start - 1].strip():
        start -= 1
    if start == len(kept) or not FOOTNOTE_START.match(kept[start]):
        return None
    before = start - 1
    while before >= 0 and kept[before] == "":
        before -= 1
    if before < 0 or kept[before] is PAGE or kept[before].strip():
        return None
    return start


def _skip_header(lines: list[str], number: int) -> int:
    """The line after the column header that starts at ``number``."""
    rest = [line.strip() for line in lines[number + 1 :] if line.strip()][: len(HEADER_REST)]
    if rest != HEADER_REST:
        raise ValueError(f"Unexpected column header at table line {number}: {rest}")
    seen = 0
    while seen < len(HEADER_REST):
        number += 1
        seen += bool(lines[number].strip())
    return number + 1


def tokens(lines: list[Line]):
    """The table as blocks, ``PAGE`` and ``CLOSE`` tokens in reading order."""
    block: list[str] = []
    for line in lines:
        if line is PAGE or not line.strip():
            if block:
                yield Block(block)
                block = []
            if line is PAGE:
                yield PAGE
            elif line:
                yield CLOSE
            continue
        block.append(line.rstrip())
        if line.endswith("  "):
            yield Block(block)
            block = []
            yield CLOSE
    if block:
        yield Block(block)
