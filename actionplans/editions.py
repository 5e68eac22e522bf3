"""Editions of a plan: creating one, and finding the one a request names.

A plan's activities belong to an edition (``PlanEdition``); its current edition is the highest
number. A new edition comes from a workbook import (``action_plan_import(new_edition=...)``); its
activities record the ones of the previous edition they continue, so a round opened on it carries
their last reports over (``reporting.services.rounds``).
"""
from __future__ import annotations

from django.db.models import Max
from django.utils.text import slugify

from .models import ActionPlan, PlanEdition


def first_edition_title(plan: ActionPlan) -> str:
    """What edition 1 is called where no one named it: "Draft" for a plan its document calls a draft."""
    return "Draft" if plan.title.strip().lower().startswith("draft") else "First edition"


def edition_create(*, plan: ActionPlan, title: str, created_by=None, source_import=None) -> PlanEdition:
    """The plan's next edition (number one above the highest), with a slug of its title unique in the plan."""
    number = (plan.editions.aggregate(highest=Max("number"))["highest"] or 0) + 1
    base = slugify(title)[:50] or f"edition-{number}"
    taken = set(plan.editions.values_list("slug", flat=True))
    slug = base if base not in taken else f"{base}-{number}"
    edition = PlanEdition(plan=plan, number=number, title=title, slug=slug, created_by=created_by,
                          source_import=source_import)
    edition.full_clean()
    edition.save()
    return edition


def edition_current_or_first(plan: ActionPlan) -> PlanEdition:
    """The plan's current edition, creating edition 1 for a plan that has none yet (a plan just loaded)."""
    return plan.current_edition or edition_create(plan=plan, title=first_edition_title(plan))


def edition_lookup(value: str, queryset=None):
    """Editions a request names by id (digits) or slug; the slug may name an edition of several plans."""
    queryset = PlanEdition.objects.all() if queryset is None else queryset
    value = (value or "").strip()
    return queryset.filter(pk=int(value)) if value.isdigit() else queryset.filter(slug=value)
