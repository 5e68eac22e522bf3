"""Writes that carry a rule: loading a plan from its fixture, importing a plan workbook
(the rows are written by ``plan_workbook.apply.PlanWriter``)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from modeltranslation.fields import TranslationField

from cami.languages import ORIGINAL_LANGUAGE

from .commitments import cami_pow_codes, cami_pow_items_get_or_create
from .editions import edition_current_or_first
from .models import ActionPlan, Activity, PlanImport
from .plan_load import FixtureWriter
from .plan_workbook import format as fmt
from .plan_workbook.apply import EditionRequest, PlanChange, PlanImportError, PlanWriter
from .plan_workbook.data import WorkbookError
from .plan_workbook.diff import EditionDiff, plan_edition_diff
from .plan_workbook.read import plan_workbook_read
from .plan_workbook.tags import WorkbookTags

COUNTRIES_FIXTURE = "countries.json"
# The commitment schemes and the GBF targets (written by build_plan_fixtures, like the plans).
COMMITMENTS_FIXTURE = "commitments.json"


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
        with transaction.atomic():  # a database loaded before commitments were data gets them now
            _load_commitments(directory, update=False)
            activity_tags_from_cami_pow(activities=plan.activities.current())
        return PlanLoadResult(slug, "already loaded", plan.activities.current().count(), [])
    with transaction.atomic(), translation.override(ORIGINAL_LANGUAGE):
        # The fixtures hold the printed English texts: read with English active (a text given as ``text``
        # lands in ``text_en``); a row already there keeps its translations, which fixtures never hold.
        writer = FixtureWriter(slug)
        writer.write(directory / COUNTRIES_FIXTURE)
        _load_commitments(directory, update=update, writer=writer)
        keys = {row.key for row in writer.write(path) if isinstance(row, Activity)}
        plan = ActionPlan.objects.get(slug=slug)
        activity_tags_from_cami_pow(activities=plan.activities.current())
        stale = sorted(set(plan.activities.current().values_list("key", flat=True)) - keys)
    return PlanLoadResult(slug, "updated" if existed else "loaded", plan.activities.current().count(), stale)


def _load_commitments(directory: Path, *, update: bool, writer: FixtureWriter | None = None):
    """The schemes and GBF targets: rows already there are left as they are (an admin's correction kept)
    unless ``update``, as for the plans, which refreshes them in bulk with the plan's ``writer``."""
    path = directory / COMMITMENTS_FIXTURE
    if not path.exists():
        return
    if update and writer is not None:
        writer.write(path)
    else:
        _load_fixture(path, keep_existing=not update)


def activity_tags_from_cami_pow(*, activities) -> int:
    """Tag each activity with the CAMI PoW items its ``cami_pow`` prints (``commitments.cami_pow_codes``),
    creating the items as needed. Tags already there, and those of other schemes, are left alone: a second
    run adds nothing. Returns the number of tags added; a constant number of queries."""
    printed = {pk: cami_pow_codes(codes) for pk, codes in activities.values_list("pk", "cami_pow")}
    items = cami_pow_items_get_or_create([code for codes in printed.values() for code in codes])
    if not items:
        return 0
    through = Activity.tags.through
    present = set(through.objects.filter(activity_id__in=list(printed), commitmentitem__in=list(items.values()))
                  .values_list("activity_id", "commitmentitem_id"))
    new = [through(activity_id=pk, commitmentitem_id=items[code].pk) for pk, codes in printed.items()
           for code in codes if (pk, items[code].pk) not in present]
    through.objects.bulk_create(new, batch_size=500)
    return len(new)


def _load_fixture(path: Path, collect_keys_of: str = "", keep_existing: bool = False) -> set[str]:
    """Save every object of a fixture after validating it; return the keys of one model's rows.

    The fixtures hold the printed English texts: read with English active (a text given as ``text``
    lands in ``text_en``), and a row already there keeps its translations, which fixtures never hold.
    """
    keys: set[str] = set()
    deferred = []
    with path.open(encoding="utf-8") as stream, translation.override(ORIGINAL_LANGUAGE):
        for item in serializers.deserialize("json", stream, handle_forward_references=True):
            instance = item.object
            if instance._meta.label_lower == "actionplans.activity" and instance.edition_id is None:
                # Fixtures hold the plans as printed: their activities belong to the plan's current edition.
                instance.edition = edition_current_or_first(instance.plan)
            if keep_existing and instance.pk is not None:
                continue
            instance.full_clean(validate_unique=False, validate_constraints=False)
            item.save(**_keeping_translations(instance))
            if item.deferred_fields:
                deferred.append(item)
            if collect_keys_of and instance._meta.label_lower == collect_keys_of:
                keys.add(instance.key)
    for item in deferred:
        item.save_deferred_fields()
    return keys


def _keeping_translations(instance) -> dict:
    """Save arguments that leave the other languages' columns of a row already in the database alone.

    Fixtures carry no primary keys: an instance has one when its natural key found the row."""
    if instance.pk is None:
        return {}
    return {"update_fields": [
        field.name for field in instance._meta.concrete_fields
        if not field.primary_key and not (isinstance(field, TranslationField) and field.language != ORIGINAL_LANGUAGE)
    ]}


# --- Plan workbooks --------------------------------------------------------------------------------


def action_plan_preview(*, source, expected_slug: str | None = None, new_edition: bool = False,
                        decisions: dict[str, str | None] | None = None,
                        accept_proposed: bool = False) -> EditionDiff | None:
    """What the workbook differs in from the plan's current edition, saving nothing (None: a new plan).
    Bad input raises ``PlanImportError`` as the import would."""
    read = plan_workbook_read(source, expected_slug=expected_slug)
    if read.errors:
        raise PlanImportError(read.errors)
    if tag_errors := WorkbookTags(read.data).errors():
        raise PlanImportError(tag_errors)
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
