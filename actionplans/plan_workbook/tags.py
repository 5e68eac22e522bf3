"""The Activities sheet's ``tags`` column against the commitment items the tracker holds.

A tag names an item the database has (``scheme:code``); the one exception is a CAMI PoW item the row's
``cami_pow`` prints, which the import makes, as loading a plan does. Every row is also tagged with those
PoW items whether its ``tags`` cell lists them or not: the document prints them.

Two queries whatever the workbook holds (every scheme, every item: a few hundred rows), so that a
correction takes as many queries for any plan.
"""
from __future__ import annotations

from actionplans.commitments import (
    CAMI_POW, CommitmentItem, CommitmentScheme, cami_pow_codes, cami_pow_items_get_or_create, tag_errors, tag_parse,
)

from . import format as fmt
from .data import PlanData, WorkbookError


class WorkbookTags:
    def __init__(self, data: PlanData):
        self.data = data
        self.schemes = set(CommitmentScheme.objects.values_list("slug", flat=True))
        self.items = {(item.scheme.slug, item.code): item for item in CommitmentItem.objects.select_related("scheme")}

    def errors(self) -> list[WorkbookError]:
        """A sentence per tag naming no item (an unknown scheme, or an item its scheme does not have)."""
        errors = []
        for row in self.data.activities:
            printed = {(CAMI_POW, code) for code in cami_pow_codes(row.cami_pow)}
            errors += [WorkbookError(message, fmt.ACTIVITIES, row.row, "tags") for message in tag_errors(
                row.tags, known_items=self.items, known_schemes=self.schemes, creatable=printed)]
        return errors

    def make_printed_items(self):
        """Make the CAMI PoW items the rows print that the tracker does not hold yet."""
        missing = [code for row in self.data.activities for code in cami_pow_codes(row.cami_pow)
                   if (CAMI_POW, code) not in self.items]
        if missing:
            self.items.update({(CAMI_POW, code): item for code, item in cami_pow_items_get_or_create(missing).items()})

    def items_of(self, row) -> list[CommitmentItem]:
        """The row's items: those its tags cell names, then the PoW items its cami_pow prints."""
        pairs = [tag_parse(tag) for tag in row.tags] + [(CAMI_POW, code) for code in cami_pow_codes(row.cami_pow)]
        return list(dict.fromkeys(self.items[pair] for pair in pairs if pair in self.items))
