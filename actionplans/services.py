"""Writes that carry a rule: loading a plan from its fixture."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import ActionPlan

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
    """Save every object of a fixture after validating it; return the keys of one model's rows."""
    keys: set[str] = set()
    deferred = []
    with path.open(encoding="utf-8") as stream:
        for item in serializers.deserialize("json", stream, handle_forward_references=True):
            instance = item.object
            instance.full_clean(validate_unique=False, validate_constraints=False)
            item.save()
            if item.deferred_fields:
                deferred.append(item)
            if collect_keys_of and instance._meta.label_lower == collect_keys_of:
                keys.add(instance.key)
    for item in deferred:
        item.save_deferred_fields()
    return keys
