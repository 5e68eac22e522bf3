"""The Summary's "By commitment" block: for each commitment item the exported activities serve, the
activities and their activity × country pairs per status, across the exported plans (the pairs the rest of
the Summary counts: those the filters keep, in each plan's exported round)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from actionplans.models import Activity, CommitmentItem

from .columns import STATUS_ORDER, status_label
from .tables import ProgressTables


@dataclass
class CommitmentFigures:
    item: CommitmentItem
    activities: set = field(default_factory=set)
    by_status: Counter = field(default_factory=Counter)

    @property
    def label(self) -> str:
        return f"{self.item.tag}" if self.item.title == self.item.code else f"{self.item.tag} — {self.item.title}"


def commitment_figures(tables: ProgressTables) -> list[CommitmentFigures]:
    """Per item, in scheme and natural order: one query (the tags of the exported activities), none when
    no activity is exported."""
    rows = {row.activity.id: row for table in tables.tables for row in table.rows}
    if not rows:
        return []
    figures: dict[int, CommitmentFigures] = {}
    tags = (Activity.tags.through.objects.filter(activity_id__in=list(rows))
            .select_related("commitmentitem__scheme").order_by())
    for tag in tags:
        item = tag.commitmentitem
        entry = figures.setdefault(item.pk, CommitmentFigures(item))
        entry.activities.add(tag.activity_id)
        entry.by_status.update(pair.status for pair in rows[tag.activity_id].cells if pair is not None and pair.selected)
    return sorted(figures.values(), key=lambda entry: (entry.item.scheme.slug, entry.item.sort_key, entry.item.code))


def write_commitments(sheet, tables: ProgressTables):
    """The block, below the plans' figures (``sheet``: the Summary's ``xlsx.Sheet``)."""
    figures = commitment_figures(tables)
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
