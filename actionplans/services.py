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

from .models import ActionPlan, PlanImport
from .plan_workbook.apply import PlanChange, PlanImportError, PlanWriter
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
    if existed and not update:
        plan = ActionPlan.objects.get(slug=slug)
        return PlanLoadResult(slug, "already loaded", plan.activities.count(), [])
    with transaction.atomic():
        _load_fixture(directory / COUNTRIES_FIXTURE)
        keys = _load_fixture(path, collect_keys_of="actionplans.activity")
        plan = ActionPlan.objects.get(slug=slug)
        stale = sorted(set(plan.activities.values_list("key", flat=True)) - keys)
    return PlanLoadResult(slug, "updated" if existed else "loaded", plan.activities.count(), stale)


def _load_fixture(path: Path, collect_keys_of: str = "") -> set[str]:
    """Save every object of a fixture after validating it; return the keys of one model's rows.

    The fixtures hold the printed English texts: read with English active (a text given as ``text``
    lands in ``text_en``), and a row already there keeps its translations, which fixtures never hold.
    """
    keys: set[str] = set()
    deferred = []
    with path.open(encoding="utf-8") as stream, translation.override(ORIGINAL_LANGUAGE):
        for item in serializers.deserialize("json", stream, handle_forward_references=True):
            instance = item.object
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


@dataclass
class PlanImportResult:
    slug: str
    outcome: str  # PlanImport.Outcome
    counts: dict[str, int]
    changes: list[PlanChange]
    warnings: list[str]
    dry_run: bool
    record: PlanImport | None = None

    def summary(self) -> str:
        values = {"slug": self.slug, "changed": len(self.changes), **{
            name.replace(" ", "_"): count for name, count in self.counts.items()}}
        line = {
            "created": _("%(slug)s: created (%(activities)s activities, %(outline_elements)s outline elements, "
                         "%(units)s units, %(footnotes)s footnotes)"),
            "corrected": _("%(slug)s: corrected, %(changed)s values changed (%(activities)s activities)"),
            "unchanged": _("%(slug)s: unchanged (%(activities)s activities)"),
        }[self.outcome] % values
        return line + (" " + _("[dry run: nothing saved]") if self.dry_run else "")


def action_plan_import(*, source, imported_by=None, file_name: str, expected_slug: str | None = None,
                       dry_run: bool = False) -> PlanImportResult:
    """Load a plan workbook: a new plan, or a correction of the plan with the same slug.

    All or nothing, in one transaction: every row is ``full_clean()``-ed, and any error refuses the
    whole file (``PlanImportError`` listing each error by sheet, row and column). A correction may
    change values (each change is listed and recorded) but not add or remove activities, outline
    elements, units, footnotes or priority values, nor reorder them: that is a new edition. The
    values read from the printed text (priority level, target year, budget in USD, countries, links)
    are derived on the way in, by the code that serves every plan. ``dry_run``: rolled back.
    """
    read = plan_workbook_read(source, expected_slug=expected_slug)
    if read.errors:
        raise PlanImportError(read.errors)
    with transaction.atomic():
        writer = PlanWriter(read.data)
        plan = writer.write()
        if writer.created:
            outcome = PlanImport.Outcome.CREATED
        else:
            outcome = PlanImport.Outcome.CORRECTED if writer.changes else PlanImport.Outcome.UNCHANGED
        result = PlanImportResult(plan.slug, outcome, writer.counts(), writer.changes, writer.warnings(), dry_run)
        record = PlanImport(plan=plan, imported_by=imported_by, file_name=file_name[:255], outcome=outcome,
                            changes=[change.as_json() for change in writer.changes], summary=result.summary())
        record.full_clean()
        record.save()
        if dry_run:
            transaction.set_rollback(True)
        else:
            result.record = record
    return result
