"""A plan workbook uploaded in the browser: the preview (what an import would do, nothing saved) and the
confirm (the same import saved, all or nothing, only if it still does what the preview showed).

Both call ``services.action_plan_import``, the one path of the command and the browser; the preview runs it
as a dry run. For a correction of a plan that exists the preview lists the dry run's changes grouped per
sheet (``changes_by_sheet``); for a new edition, the ``EditionDiff`` against the current edition, whose
proposed matches the Secretariat confirms or rejects one by one on the confirm form.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .models import ActionPlan, Activity, level_label
from .plan_workbook import format as fmt
from .plan_workbook.apply import PlanChange, PlanImportError
from .plan_workbook.data import PlanData, WorkbookError
from .plan_workbook.diff import EditionDiff
from .plan_workbook.read import plan_workbook_read
from .services import PlanImportResult, action_plan_import


@dataclass
class PlanImportPreview:
    file_name: str
    slug: str = ""
    plan: ActionPlan | None = None  # the plan the workbook corrects; None for a new plan
    outcome: str = ""  # PlanImport.Outcome the import would have; empty when refused
    counts: dict[str, int] = field(default_factory=dict)
    levels: list[tuple[str, int]] = field(default_factory=list)  # (level label, count) in document order
    kinds: list[tuple[str, int]] = field(default_factory=list)
    scale: list[tuple[str, str]] = field(default_factory=list)  # (kind label, "A = high, B = medium, ...")
    countries: int = 0
    changes_by_sheet: list[tuple[str, list[PlanChange]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[WorkbookError] = field(default_factory=list)
    signature: dict = field(default_factory=dict)  # what the confirm must find again
    new_edition: str = ""  # the title of the new edition the workbook would become; empty for a correction
    diff: EditionDiff | None = None  # against the current edition, for a new edition

    @property
    def can_confirm(self) -> bool:
        return not self.errors and self.outcome in ("created", "corrected", "new_edition")

    @property
    def proposals(self) -> list[list[str]]:
        """[new key, old key] of each proposed match, in row order: what the confirm form decides."""
        return [[p.new.key, p.old.key] for p in self.diff.proposed] if self.diff else []

    @property
    def change_count(self) -> int:
        return sum(len(changes) for _sheet, changes in self.changes_by_sheet)


def plan_import_preview(*, source: bytes, file_name: str, imported_by, expected_slug: str | None = None,
                        new_edition: str = "", matches: dict[str, str] | None = None,
                        choices: dict[str, bool] | None = None) -> PlanImportPreview:
    """What importing ``source`` would do; nothing is saved (the import runs as a dry run).

    ``new_edition``: the title of the plan's new edition the workbook would become, ``matches`` its
    matches by hand (new key -> old keys joined by "+"), ``choices`` the proposals already decided (new
    key -> confirmed), shown checked. The differences are those before any proposal is decided (the
    rows of a proposal are listed as added and removed), and so is the signature the confirm checks."""
    preview = PlanImportPreview(file_name=file_name, new_edition=new_edition)
    read = plan_workbook_read(source, expected_slug=expected_slug)
    if read.errors:
        preview.errors = read.errors
        return preview
    _describe(preview, read.data)
    if new_edition and preview.plan is None:
        preview.new_edition = ""  # a new plan: its first edition, whatever the form said
    try:
        result = _dry_run(source, file_name, imported_by, expected_slug, preview.new_edition, matches)
    except PlanImportError as error:
        preview.errors = error.errors
        return preview
    preview.outcome, preview.warnings = result.outcome, result.warnings
    preview.changes_by_sheet = _by_sheet(result.changes)
    if preview.new_edition:
        preview.diff = result.diff
        for proposal in preview.diff.proposed:
            proposal.decision = (choices or {}).get(proposal.new.key)
    preview.signature = _signature(result)
    return preview


def plan_import_confirm(*, source: bytes, file_name: str, imported_by, expected_slug: str | None,
                        signature: dict, new_edition: str = "", matches: dict[str, str] | None = None,
                        choices: dict[str, bool] | None = None) -> PlanImportResult:
    """Save the import the preview showed, or nothing: refused if the plan changed since the preview (the
    import would now change other values, create instead of correct, or the edition's differences and
    proposed matches are no longer those shown). ``choices`` are the proposals decided on the confirm form
    (new key -> confirmed), added to the ``matches`` by hand given with the upload."""
    with transaction.atomic():
        shown = _dry_run(source, file_name, imported_by, expected_slug, new_edition, matches)
        if _signature(shown) != signature:
            raise PlanImportError([WorkbookError(_(
                "The plan changed in the tracker after the preview, so this import would now do something else. "
                "Nothing was saved: upload the workbook again to see what it would change now."))])
        return action_plan_import(source=source, imported_by=imported_by, file_name=file_name,
                                  expected_slug=expected_slug, new_edition=new_edition or None,
                                  decisions=_decisions(matches, choices, shown.diff) if new_edition else None)


def _dry_run(source, file_name, imported_by, expected_slug, new_edition, matches) -> PlanImportResult:
    return action_plan_import(source=source, imported_by=imported_by, file_name=file_name,
                              expected_slug=expected_slug, dry_run=True, new_edition=new_edition or None,
                              decisions=matches or None)


def _decisions(matches, choices, diff: EditionDiff | None) -> dict[str, str | None]:
    """The matches by hand plus each proposal of ``diff`` decided in ``choices``: its old key, or None."""
    decided = {proposal.new.key: proposal.old.key if choices[proposal.new.key] else None
               for proposal in (diff.proposed if diff else []) if proposal.new.key in (choices or {})}
    return {**(matches or {}), **decided}


def _describe(preview: PlanImportPreview, data: PlanData):
    preview.slug = data.fields.get("slug", "")
    preview.plan = ActionPlan.objects.filter(slug=preview.slug).first()
    preview.counts = {"activities": len(data.activities), "elements": len(data.elements),
                      "units": len(data.units), "footnotes": len(data.footnotes)}
    preview.countries = sum(1 for country in data.countries if country.range_state)
    levels = Counter(element.level for element in data.elements)
    names = {element.level: element.level_name for element in data.elements}  # a plan's own: Goal, Target
    preview.levels = [(level_label(level, names[level]), count) for level, count in levels.items()]
    kinds = Counter(activity.kind for activity in data.activities)
    preview.kinds = [(_kind_label(kind), count) for kind, count in kinds.items()]
    values: dict[str, list[str]] = {}
    for value in data.scale:
        values.setdefault(value.kind, []).append(f"{value.printed} = {_priority_label(value.level)}")
    preview.scale = [(_kind_label(kind), ", ".join(printed)) for kind, printed in values.items()]


def _by_sheet(changes: list[PlanChange]) -> list[tuple[str, list[PlanChange]]]:
    grouped: dict[str, list[PlanChange]] = {}
    for change in changes:
        grouped.setdefault(change.sheet, []).append(change)
    order = {sheet: position for position, sheet in enumerate(fmt.DATA_SHEETS)}
    return sorted(grouped.items(), key=lambda item: order.get(item[0], len(order)))


def _signature(result: PlanImportResult) -> dict:
    return {"slug": result.slug, "outcome": str(result.outcome), "counts": result.counts,
            "changes": [change.as_json() for change in result.changes], "edition": result.edition_title,
            "diff": _diff_signature(result.diff) if result.outcome == "new_edition" else None}


def _diff_signature(diff: EditionDiff) -> dict:
    """The edition's differences as the preview showed them, in JSON (the session holds it)."""
    return {
        "matches": [[m.new.key, m.new.code, m.new.text, [[o.id, o.code, o.text] for o in m.old]] for m in diff.matches],
        "added": [new.key for new in diff.added], "removed": [old.id for old in diff.removed],
        "proposed": [[p.new.key, p.old.id, p.percent] for p in diff.proposed],
        "rows": [[row.sheet, row.key, row.change, row.old, row.new] for row in diff.rows],
    }


def _kind_label(kind: str) -> str:
    return str(Activity.Kind(kind).label) if kind in Activity.Kind.values else kind


def _priority_label(level: str) -> str:
    return str(Activity.PriorityLevel(level).label) if level in Activity.PriorityLevel.values else level
