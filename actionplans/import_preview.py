"""A plan workbook uploaded in the browser: the preview (what an import would do, nothing saved) and the
confirm (the same import saved, all or nothing, only if it still does what the preview showed).

Both call ``services.action_plan_import``, the one path of the command and the browser; the preview runs it
as a dry run. For a plan that exists the preview lists the dry run's changes grouped per sheet
(``changes_by_sheet``); a diff of editions can replace that list where the template shows it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .models import ActionPlan, Activity, PlanElement
from .plan_workbook import format as fmt
from .plan_workbook.apply import PlanChange, PlanImportError
from .plan_workbook.data import PlanData, WorkbookError
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

    @property
    def can_confirm(self) -> bool:
        return not self.errors and self.outcome in ("created", "corrected")

    @property
    def change_count(self) -> int:
        return sum(len(changes) for _sheet, changes in self.changes_by_sheet)


def plan_import_preview(*, source: bytes, file_name: str, imported_by, expected_slug: str | None = None
                        ) -> PlanImportPreview:
    """What importing ``source`` would do; nothing is saved (the import runs as a dry run)."""
    preview = PlanImportPreview(file_name=file_name)
    read = plan_workbook_read(source, expected_slug=expected_slug)
    if read.errors:
        preview.errors = read.errors
        return preview
    _describe(preview, read.data)
    try:
        result = action_plan_import(source=source, imported_by=imported_by, file_name=file_name,
                                    expected_slug=expected_slug, dry_run=True)
    except PlanImportError as error:
        preview.errors = error.errors
        return preview
    preview.outcome, preview.warnings = result.outcome, result.warnings
    preview.changes_by_sheet = _by_sheet(result.changes)
    preview.signature = _signature(result)
    return preview


def plan_import_confirm(*, source: bytes, file_name: str, imported_by, expected_slug: str | None,
                        signature: dict) -> PlanImportResult:
    """Save the import the preview showed, or nothing: refused if the plan changed since the preview (the
    import would now change other values, or create instead of correct)."""
    with transaction.atomic():
        result = action_plan_import(source=source, imported_by=imported_by, file_name=file_name,
                                    expected_slug=expected_slug)
        if _signature(result) != signature:
            raise PlanImportError([WorkbookError(_(
                "The plan changed in the tracker after the preview, so this import would now do something else. "
                "Nothing was saved: upload the workbook again to see what it would change now."))])
    return result


def _describe(preview: PlanImportPreview, data: PlanData):
    preview.slug = data.fields.get("slug", "")
    preview.plan = ActionPlan.objects.filter(slug=preview.slug).first()
    preview.counts = {"activities": len(data.activities), "elements": len(data.elements),
                      "units": len(data.units), "footnotes": len(data.footnotes)}
    preview.countries = sum(1 for country in data.countries if country.range_state)
    levels = Counter(element.level for element in data.elements)
    preview.levels = [(_level_label(level), count) for level, count in levels.items()]
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
            "changes": [change.as_json() for change in result.changes]}


def _level_label(level: str) -> str:
    return str(PlanElement.Level(level).label) if level in PlanElement.Level.values else level


def _kind_label(kind: str) -> str:
    return str(Activity.Kind(kind).label) if kind in Activity.Kind.values else kind


def _priority_label(level: str) -> str:
    return str(Activity.PriorityLevel(level).label) if level in Activity.PriorityLevel.values else level
