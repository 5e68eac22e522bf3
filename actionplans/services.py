"""Writes that carry a rule: loading a plan from its fixture, importing a plan workbook
(the rows are written by ``plan_workbook.apply.PlanWriter``)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cami.languages import ORIGINAL_LANGUAGE

from .models import ActionPlan, Activity, PlanImport
from .plan_load import FixtureWriter
from .plan_workbook import format as fmt
from .plan_workbook.apply import EditionRequest, PlanChange, PlanImportError, PlanWriter
from .plan_workbook.data import WorkbookError
from .plan_workbook.diff import EditionDiff, plan_edition_diff
from .plan_workbook.read import plan_workbook_read

COUNTRIES_FIXTURE = "countries.json"


@dataclass
class PlanLoadResult:
    slug: str
    status: str  # "loaded", "updated" or "already loaded"
    activity_count: int
    stale_keys: list[str]  # activities in the database that the fixture no longer has

    def summary(self) -> str:
        line = f"{self.slug}: {self.status}, {self.activity_count} activities"
        if self.stale_keys:
            line += f"; not in the fixture any more (kept): {', '.join(self.stale_keys)}"
        return line


def fixtures_dir() -> Path:
    return Path(settings.FIXTURE_DIRS[0])


def action_plan_load(*, slug: str, update: bool = False, directory: Path | None = None) -> PlanLoadResult:
    """Load one plan (and the countries it names) from ``fixtures/<slug>.json``.

    A plan already in the database is left alone unless ``update`` is set, so that running the
    command on every deployment never undoes a correction staff made in the admin. With
    ``update`` the rows are refreshed in place (found by natural key, so progress reported
    against them stays attached); nothing is deleted. All or nothing: one transaction.
    """
    directory = directory or fixtures_dir()
    path = directory / f"{slug}.json"
    if not path.exists():
        raise ValidationError(f"No fixture for plan '{slug}' at {path}.")
    existed = ActionPlan.objects.filter(slug=slug).exists()
    if existed and update and ActionPlan.objects.get(slug=slug).editions.count() > 1:
        # The fixture holds the document as first printed; refreshing would reword the newer edition.
        raise ValidationError(_("Plan '%(slug)s' has a newer edition than its fixture: correct it by importing a "
                                "workbook (import_plan), not with --update.") % {"slug": slug})
    if existed and not update:
        plan = ActionPlan.objects.get(slug=slug)
        return PlanLoadResult(slug, "already loaded", plan.activities.current().count(), [])
    with transaction.atomic(), translation.override(ORIGINAL_LANGUAGE):
        # The fixtures hold the printed English texts: read with English active (a text given as ``text``
        # lands in ``text_en``); a row already there keeps its translations, which fixtures never hold.
        writer = FixtureWriter(slug)
        writer.write(directory / COUNTRIES_FIXTURE)
        keys = {row.key for row in writer.write(path) if isinstance(row, Activity)}
        plan = ActionPlan.objects.get(slug=slug)
        stale = sorted(set(plan.activities.current().values_list("key", flat=True)) - keys)
    return PlanLoadResult(slug, "updated" if existed else "loaded", plan.activities.current().count(), stale)


# --- Plan workbooks --------------------------------------------------------------------------------


def action_plan_preview(*, source, expected_slug: str | None = None, new_edition: bool = False,
                        decisions: dict[str, str | None] | None = None,
                        accept_proposed: bool = False) -> EditionDiff | None:
    """What the workbook differs in from the plan's current edition, saving nothing (None: a new plan).
    Bad input raises ``PlanImportError`` as the import would."""
    read = plan_workbook_read(source, expected_slug=expected_slug)
    if read.errors:
        raise PlanImportError(read.errors)
    plan = ActionPlan.objects.filter(slug=read.data.fields["slug"]).first()
    if plan is None:
        return None
    return plan_edition_diff(plan=plan, data=read.data, decisions=decisions, accept_proposed=accept_proposed,
                             new_edition=new_edition)


def _diff(data, *, new_edition, decisions, accept_proposed, dry_run) -> EditionDiff | None:
    plan = ActionPlan.objects.select_for_update().filter(slug=data.fields["slug"]).first()
    if plan is None:
        return None
    diff = plan_edition_diff(plan=plan, data=data, decisions=decisions, accept_proposed=accept_proposed,
                             new_edition=bool(new_edition))
    errors = list(diff.errors)
    if new_edition and not dry_run:
        errors += [WorkbookError(
            _("Activity %(new)s may continue activity %(old)s of the current edition (%(percent)s%% similar): "
              "confirm it (--match %(new_key)s=%(old_key)s, or --accept-matches) or reject it (--no-match "
              "%(new_key)s).") % {"new": proposal.new.code, "old": proposal.old.code, "percent": proposal.percent,
                                  "new_key": proposal.new.key, "old_key": proposal.old.key},
            fmt.ACTIVITIES, proposal.new.row, "key") for proposal in diff.undecided]
    if errors:
        raise PlanImportError(errors)
    return diff


@dataclass
class PlanImportResult:
    slug: str
    outcome: str  # PlanImport.Outcome
    counts: dict[str, int]
    changes: list[PlanChange]
    warnings: list[str]
    dry_run: bool
    record: PlanImport | None = None
    diff: EditionDiff | None = None  # against the current edition; None for a new plan
    edition_title: str = ""

    def summary(self) -> str:
        values = {"slug": self.slug, "changed": len(self.changes), "edition": self.edition_title, **{
            name.replace(" ", "_"): count for name, count in self.counts.items()}}
        line = {
            "created": _("%(slug)s: created (%(activities)s activities, %(outline_elements)s outline elements, "
                         "%(units)s units, %(footnotes)s footnotes)"),
            "corrected": _("%(slug)s: corrected, %(changed)s values changed (%(activities)s activities)"),
            "new_edition": _("%(slug)s: new edition “%(edition)s” (%(activities)s activities)"),
            "unchanged": _("%(slug)s: unchanged (%(activities)s activities)"),
        }[self.outcome] % values
        return line + (" " + _("[dry run: nothing saved]") if self.dry_run else "")


def action_plan_import(*, source, imported_by=None, file_name: str, expected_slug: str | None = None,
                       dry_run: bool = False, new_edition: str | None = None,
                       decisions: dict[str, str | None] | None = None,
                       accept_proposed: bool = False) -> PlanImportResult:
    """Load a plan workbook: a new plan, or a correction of the plan with the same slug.

    All or nothing, in one transaction: every row is ``full_clean()``-ed, and any error refuses the
    whole file (``PlanImportError`` listing each error by sheet, row and column). A correction may
    change values (each change is listed and recorded) but not add or remove activities, outline
    elements, units, footnotes or priority values, nor reorder them: that is a new edition. The
    values read from the printed text (priority level, target year, budget in USD, countries, links)
    are derived on the way in, by the code that serves every plan. ``dry_run``: rolled back.

    ``new_edition`` (its title): the workbook becomes the plan's new edition, which may add, remove,
    reword, renumber and merge activities; each new activity continues the activity of the same key,
    or the one a confirmed proposal or ``decisions`` names (see ``plan_workbook.diff``). A proposal
    neither confirmed nor rejected refuses the import (a dry run lists it).
    """
    read = plan_workbook_read(source, expected_slug=expected_slug)
    if read.errors:
        raise PlanImportError(read.errors)
    new_edition = (new_edition or "").strip() or None
    with transaction.atomic():
        diff = _diff(read.data, new_edition=new_edition, decisions=decisions, accept_proposed=accept_proposed,
                     dry_run=dry_run)
        request = None
        if new_edition:
            request = EditionRequest(new_edition, imported_by, diff.continues() if diff else {})
        writer = PlanWriter(read.data, new_edition=request)
        plan = writer.write()
        if writer.created:
            outcome = PlanImport.Outcome.CREATED
        elif new_edition:
            outcome = PlanImport.Outcome.NEW_EDITION
        else:
            outcome = PlanImport.Outcome.CORRECTED if writer.changes else PlanImport.Outcome.UNCHANGED
        result = PlanImportResult(plan.slug, outcome, writer.counts(), writer.changes, writer.warnings(), dry_run,
                                  diff=diff, edition_title=writer.edition.title)
        record = PlanImport(plan=plan, imported_by=imported_by, file_name=file_name[:255], outcome=outcome,
                            changes=[change.as_json() for change in writer.changes], summary=result.summary())
        record.full_clean()
        record.save()
        if new_edition and not writer.created:
            writer.edition.source_import = record
            writer.edition.save(update_fields=["source_import"])
        if dry_run:
            transaction.set_rollback(True)
        else:
            result.record = record
    return result
