"""The Summary's "By commitment" block: for each commitment item the exported activities serve, the
activities and their activity × country pairs per status, across the exported plans (the pairs the rest of
the Summary counts: those the filters keep, in each plan's exported round)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from actionplans.models import CommitmentItem

from .columns import STATUS_ORDER, status_label


@dataclass
class CommitmentFigures:
    item: CommitmentItem
    activities: set = field(default_factory=set)
    by_status: Counter = field(default_factory=Counter)

    @property
    def label(self) -> str:
        return f"{self.item.tag}" if self.item.title == self.item.code else f"{self.item.tag} — {self.item.title}"


class CommitmentTally:
    """The figures per item, added up plan by plan as the tables are read (their tags come with them: one
    query for every plan, none when no activity is exported)."""

    def __init__(self):
        self._figures: dict[int, CommitmentFigures] = {}

    def add(self, table):
        rows = {row.activity.id: row for row in table.rows}
        for tag in table.tags:
            item = tag.commitmentitem
            entry = self._figures.setdefault(item.pk, CommitmentFigures(item))
            entry.activities.add(tag.activity_id)
            entry.by_status.update(pair.status for pair in rows[tag.activity_id].cells
                                   if pair is not None and pair.selected)

    def figures(self) -> list[CommitmentFigures]:
        """Per item, in scheme and natural order."""
        return sorted(self._figures.values(),
                      key=lambda entry: (entry.item.scheme.slug, entry.item.sort_key, entry.item.code))


def write_commitments(sheet, figures: list[CommitmentFigures]):
    """The block, below the plans' figures (``sheet``: the Summary's ``xlsx.Sheet``)."""
    sheet.append([])
    sheet.append([sheet.cell(_("By commitment"), "heading")])
    if not figures:
        sheet.append([_("No exported activity is tagged with a commitment item.")])
        return
    sheet.append(sheet.header([_("Commitment item"), _("Activities"),
                               *(status_label(status) for status in STATUS_ORDER), _("Total")]))
    for entry in figures:
        sheet.append([sheet.cell(entry.label, "text"), len(entry.activities),
                      *(entry.by_status[status] for status in STATUS_ORDER), sum(entry.by_status.values())])
