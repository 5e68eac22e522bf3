"""What a workbook changes against a plan's current edition, before anything is saved: ``plan_edition_diff``.

Plain dataclasses, for the command line and the browser's preview alike. Activities are matched on
``key``; a row whose key cell is empty is *proposed* as the continuation of the most similar activity
that nothing else continues (same code, similar text: ``difflib``), and the Secretariat confirms or
rejects each proposal (``decisions``). A row may also be matched by hand to one or more activities of
the current edition (a merge). Outline elements, units and footnotes are compared by their codes.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from actionplans.models import ActionPlan, Activity

from . import format as fmt
from .data import ActivityRow, PlanData, WorkbookError

# A keyless row is proposed as the continuation of an activity at this similarity or above (0 to 1).
PROPOSAL_THRESHOLD = 0.6
SAME_CODE_BONUS = 0.25


@dataclass
class OldActivity:
    """An activity of the current edition, as the diff shows it."""

    id: int
    key: str
    code: str
    text: str


@dataclass
class NewActivity:
    """A row of the workbook's Activities sheet, as the diff shows it."""

    key: str
    code: str
    text: str
    row: int


@dataclass
class ActivityMatch:
    """A row of the workbook that continues one or more activities of the current edition."""

    new: NewActivity
    old: list[OldActivity]
    how: str  # "key", "confirmed" (a proposal the Secretariat accepted) or "by hand" (--match)

    @property
    def reworded(self) -> bool:
        return len(self.old) == 1 and _plain(self.old[0].text) != _plain(self.new.text)

    @property
    def renumbered(self) -> bool:
        return len(self.old) == 1 and self.old[0].code != self.new.code

    @property
    def merged(self) -> bool:
        return len(self.old) > 1


@dataclass
class ProposedMatch:
    """A keyless row that may continue ``old``: to confirm or reject, one by one."""

    new: NewActivity
    old: OldActivity
    similarity: float  # 0 to 1
    decision: bool | None = None  # True confirmed, False rejected, None not decided yet

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


@dataclass
class RowDifference:
    """An outline element, unit or footnote the workbook adds, leaves out or changes."""

    sheet: str
    key: str
    change: str  # "added", "removed" (kept: nothing is deleted) or "changed"
    old: str = ""
    new: str = ""


@dataclass
class EditionDiff:
    plan_slug: str
    edition_title: str  # the current edition's
    matches: list[ActivityMatch] = field(default_factory=list)
    added: list[NewActivity] = field(default_factory=list)
    removed: list[OldActivity] = field(default_factory=list)
    proposed: list[ProposedMatch] = field(default_factory=list)
    rows: list[RowDifference] = field(default_factory=list)
    errors: list[WorkbookError] = field(default_factory=list)  # a --match naming nothing

    @property
    def reworded(self) -> list[ActivityMatch]:
        return [match for match in self.matches if match.reworded]

    @property
    def renumbered(self) -> list[ActivityMatch]:
        return [match for match in self.matches if match.renumbered]

    @property
    def merged(self) -> list[ActivityMatch]:
        return [match for match in self.matches if match.merged]

    @property
    def undecided(self) -> list[ProposedMatch]:
        return [proposal for proposal in self.proposed if proposal.decision is None]

    @property
    def adds_or_removes(self) -> bool:
        return bool(self.added or self.removed or self.merged)

    def continues(self) -> dict[str, list[int]]:
        """New key -> ids of the activities of the current edition it continues (what carry-over follows)."""
        return {match.new.key: [old.id for old in match.old] for match in self.matches}

    def lines(self) -> list[str]:
        """The differences in sentences, grouped by kind: what the command prints."""
        lines = []
        for match in self.matches:
            if match.merged:
                lines.append(_("merged: %(new)s continues %(old)s") % {
                    "new": match.new.code, "old": ", ".join(old.code for old in match.old)})
                continue
            if match.renumbered:
                lines.append(_("renumbered: %(old)s is now %(new)s")
                             % {"old": match.old[0].code, "new": match.new.code})
            if match.reworded:
                lines.append(_("reworded: %(code)s") % {"code": match.new.code})
        lines += [_("added: %(code)s (row %(row)s)") % {"code": new.code, "row": new.row} for new in self.added]
        lines += [_("removed: %(code)s (kept with its reports under the edition “%(edition)s”)")
                  % {"code": old.code, "edition": self.edition_title} for old in self.removed]
        for proposal in self.proposed:
            state = {True: _("confirmed"), False: _("rejected"), None: _("to confirm or reject")}[proposal.decision]
            lines.append(_("proposed match (%(state)s): row %(row)s, %(new)s may continue %(old)s (%(percent)s%% "
                           "similar)") % {"state": state, "row": proposal.new.row, "new": proposal.new.code,
                                          "old": proposal.old.code, "percent": proposal.percent})
        words = {"added": _("added"), "removed": _("not in the workbook (kept)"), "changed": _("changed")}
        lines += [f"{row.sheet} {row.key}: {words[row.change]}" for row in self.rows]
        return lines


def plan_edition_diff(*, plan: ActionPlan, data: PlanData, decisions: dict[str, str | None] | None = None,
                      accept_proposed: bool = False, new_edition: bool = True) -> EditionDiff:
    """Compare ``data`` with the plan's current edition; reads the database, writes nothing.

    ``decisions``: new key -> old key (confirm a proposal, or match by hand; the same new key may be
    given several old keys joined by "+", a merge) or None (reject the proposal for that row).
    ``accept_proposed``: confirm every proposal not decided otherwise.
    """
    decisions = decisions or {}
    edition = plan.current_edition
    olds = [OldActivity(a.pk, a.key, a.code, a.text) for a in
            Activity.objects.filter(edition=edition).only("pk", "key", "code", "text").order_by("position")]
    diff = EditionDiff(plan.slug, edition.title if edition else "")
    by_key = {old.key: old for old in olds}
    rows = {row.key: row for row in data.activities}
    continued: dict[str, tuple[list[OldActivity], str]] = {}
    for row in data.activities:
        if (row.key_given or not new_edition) and row.key in by_key:
            continued[row.key] = ([by_key[row.key]], "key")
    _match_by_hand(diff, decisions, rows, by_key, continued)
    taken = {old.id for matched, _how in continued.values() for old in matched}
    for proposal in _proposals(data.activities, olds, continued, taken, decisions):
        proposal.decision = True if accept_proposed and proposal.new.key not in decisions else proposal.decision
        diff.proposed.append(proposal)
        if proposal.decision:
            continued[proposal.new.key] = ([proposal.old], "confirmed")
            taken.add(proposal.old.id)
    for row in data.activities:
        new = _new(row)
        if row.key in continued:
            diff.matches.append(ActivityMatch(new, *continued[row.key]))
        else:
            diff.added.append(new)
    diff.removed = [old for old in olds if old.id not in taken]
    diff.rows = _row_differences(plan, data)
    return diff


def _new(row: ActivityRow) -> NewActivity:
    return NewActivity(row.key, row.code, row.text, row.row)


def _plain(text: str) -> str:
    return " ".join(text.split())


def _match_by_hand(diff, decisions, rows, by_key, continued):
    for new_key, old_keys in decisions.items():
        if old_keys is None:
            continue
        row = rows.get(new_key)
        if row is None:
            diff.errors.append(WorkbookError(_("--match %(new)s=%(old)s: the workbook has no activity %(new)s.")
                                             % {"new": new_key, "old": old_keys}, fmt.ACTIVITIES))
            continue
        olds = []
        for old_key in old_keys.split("+"):
            if old_key.strip() not in by_key:
                diff.errors.append(WorkbookError(
                    _("--match %(new)s=%(old)s: the current edition has no activity %(old)s.")
                    % {"new": new_key, "old": old_key.strip()}, fmt.ACTIVITIES, row.row, "key"))
            else:
                olds.append(by_key[old_key.strip()])
        if olds:
            already = continued.get(new_key, ([], ""))[0]
            continued[new_key] = (list({old.id: old for old in already + olds}.values()), "by hand")


def _proposals(rows, olds, continued, taken, decisions) -> list[ProposedMatch]:
    """For each keyless row not matched yet, the most similar activity nothing continues (greedy, best first)."""
    candidates = []
    free = [old for old in olds if old.id not in taken]
    for row in rows:
        if row.key_given or row.key in continued:
            continue
        for old in free:
            score = difflib.SequenceMatcher(None, _plain(old.text), _plain(row.text), autojunk=False).ratio()
            score = min(1.0, score + (SAME_CODE_BONUS if old.code == row.code else 0))
            if score >= PROPOSAL_THRESHOLD:
                candidates.append((score, row, old))
    proposals, used_rows, used_olds = [], set(), set()
    for score, row, old in sorted(candidates, key=lambda c: (-c[0], c[1].row)):
        if row.key in used_rows or old.id in used_olds:
            continue
        used_rows.add(row.key)
        used_olds.add(old.id)
        decision = (False if decisions[row.key] is None else None) if row.key in decisions else None
        proposals.append(ProposedMatch(_new(row), old, score, decision))
    return sorted(proposals, key=lambda proposal: proposal.new.row)


def _row_differences(plan: ActionPlan, data: PlanData) -> list[RowDifference]:
    """Outline elements, units and footnotes: added, left out (kept) or changed."""
    current = {
        fmt.OUTLINE: {f"{level} {code}": title for level, code, title in
                      plan.elements.order_by("position").values_list("level", "code", "title")},
        fmt.UNITS: {str(number): name for number, name in
                    plan.conservation_units.order_by("number").values_list("number", "name")},
        fmt.FOOTNOTES: {str(number): text for number, text in
                        plan.footnotes.order_by("number").values_list("number", "text")},
    }
    workbook = {
        fmt.OUTLINE: {f"{row.level} {row.code}": row.title for row in data.elements},
        fmt.UNITS: {str(row.number): row.name for row in data.units},
        fmt.FOOTNOTES: {str(number): text for number, text in data.footnotes.items()},
    }
    differences = []
    for sheet, old in current.items():
        new = workbook[sheet]
        for key, value in new.items():
            if key not in old:
                differences.append(RowDifference(sheet, key, "added", "", value))
            elif _plain(old[key]) != _plain(value):
                differences.append(RowDifference(sheet, key, "changed", old[key], value))
        differences += [RowDifference(sheet, key, "removed", value, "") for key, value in old.items() if key not in new]
    return differences
