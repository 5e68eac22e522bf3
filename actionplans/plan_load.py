"""Writing a plan's fixture (``fixtures/<slug>.json``, natural keys, no primary keys) in bulk, for
``services.action_plan_load``, inside its transaction.

The rows come out as Django's deserializer made them (``Model(**fields)`` with English active, each
``full_clean()``-ed, a row found by its natural key refreshed in place without touching its other
languages' columns, many-to-many links set to the fixture's), but in a number of queries that does not
grow with the plan: one query a model to find the rows already there, bulk inserts and updates (batched
by the database's parameter limit), and the links of each many-to-many field at once. Row by row the
deserializer took 8,026 queries for the two plans (issue #11).
"""
from __future__ import annotations

import json
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from modeltranslation.fields import TranslationField

from cami.languages import ORIGINAL_LANGUAGE

from .editions import edition_current_or_first
from .models import ActionPlan, Activity


class FixtureWriter:
    """Loads the fixtures of one plan (its countries first); the rows of one file may name those of the
    files written before it, and those already in the database."""

    def __init__(self, slug: str):
        self.slug = slug
        self.rows: dict[type, dict[tuple, object]] = {}  # by model: natural key -> the row as it now stands
        self.editions: dict[int, object] = {}

    def write(self, path: Path) -> list:
        """Write every object of the fixture at ``path``; return the rows written (model by model, each
        model's in the file's order)."""
        by_model: dict[type, list[dict]] = {}
        with path.open(encoding="utf-8") as stream:
            for item in json.load(stream):
                by_model.setdefault(apps.get_model(item["model"]), []).append(item["fields"])
        written, links = [], []
        for model, objects in by_model.items():  # the fixtures list a model after those it points to
            written += self._write_model(model, objects, links)
        self._write_links(links)
        return written

    # --- Rows -----------------------------------------------------------------------------------

    def _write_model(self, model, objects: list[dict], links: list) -> list:
        if model is Activity:
            # Activity.clean() reads its plan's priority scale, written just before: once, not once a row.
            prefetch_related_objects(list(self._rows(ActionPlan).values()), "priority_scale_values")
        # A row pointing to a row of its own model (an outline element's parent, maybe further down the
        # file) is written without it first, then given it: the rows keep the file's order, as row by row.
        own = [field.name for field in model._meta.concrete_fields if field.many_to_one and field.related_model is model]
        later = [{name: fields.get(name) for name in own} for fields in objects]
        built = [self._build(model, {name: value for name, value in fields.items() if name not in own}, links)
                 for fields in objects]
        self._save(model, built)
        pointing = []
        for instance, references in zip(built, later):
            if any(value is not None for value in references.values()):
                for name, value in references.items():
                    setattr(instance, name, None if value is None else self._row(model, value))
                _clean(instance)
                pointing.append(instance)
        if pointing:
            model._default_manager.bulk_update(pointing, own)
        return built

    def _build(self, model, fields: dict, links: list):
        values, many = {}, {}
        for name, value in fields.items():
            field = model._meta.get_field(name)
            if field.many_to_many:
                many[name] = value
            elif field.many_to_one:
                values[name] = None if value is None else self._row(field.related_model, value)
            else:
                values[name] = field.to_python(value)
        instance = model(**values)
        if model is Activity and instance.edition_id is None:
            # Fixtures hold the plans as printed: their activities belong to the plan's current edition.
            instance.edition = self._edition(instance.plan)
        existing = self._rows(model).get(tuple(instance.natural_key()))
        instance.pk = existing.pk if existing else None
        _clean(instance)
        links.append((instance, many, existing is not None))
        return instance

    def _save(self, model, instances: list):
        new = [instance for instance in instances if instance.pk is None]
        found = [instance for instance in instances if instance.pk is not None]
        if new:
            model._default_manager.bulk_create(new)
            if any(instance.pk is None for instance in new):  # a database that returns no ids from bulk inserts
                self.rows.pop(model, None)
                ids = {key: row.pk for key, row in self._rows(model).items()}
                for instance in new:
                    instance.pk = ids[tuple(instance.natural_key())]
        if found:
            model._default_manager.bulk_update(found, _original_language_fields(model))
        for instance in instances:
            instance._state.adding = False
            self._rows(model)[tuple(instance.natural_key())] = instance

    def _rows(self, model) -> dict[tuple, object]:
        """The rows of ``model`` by natural key: those of this plan (every country) in the database, read
        once, then as this writer wrote them."""
        if model not in self.rows:
            queryset = Activity.objects.current() if model is Activity else model._default_manager.all()
            if model is ActionPlan:
                queryset = queryset.filter(slug=self.slug)
            elif any(field.name == "plan" for field in model._meta.concrete_fields):
                queryset = queryset.filter(plan__slug=self.slug).select_related("plan")
            else:  # a natural key may name the row it points to (a commitment item its scheme): read them along
                queryset = queryset.select_related(*[field.name for field in model._meta.concrete_fields
                                                     if field.many_to_one and field.related_model is not model])
            self.rows[model] = {tuple(row.natural_key()): row for row in queryset}
        return self.rows[model]

    def _row(self, model, key):
        row = self._rows(model).get(tuple(key))
        if row is None:
            raise ValidationError(_("%(model)s %(key)s is named but is neither in the fixture nor in the database.")
                                  % {"model": model._meta.verbose_name, "key": " / ".join(map(str, key))})
        return row

    def _edition(self, plan):
        if plan.pk not in self.editions:
            self.editions[plan.pk] = edition_current_or_first(plan)
        return self.editions[plan.pk]

    # --- Many-to-many links ---------------------------------------------------------------------

    def _write_links(self, links: list):
        """Each many-to-many field's links as the fixture gives them (the deserializer's ``set()``): what
        the rows already had and the fixture no longer names is removed, what it adds is inserted."""
        by_field: dict[tuple, list] = {}
        for instance, many, existed in links:
            for name, keys in many.items():
                field = type(instance)._meta.get_field(name)
                targets = [self._row(field.related_model, key).pk for key in keys]
                by_field.setdefault((type(instance), name), []).append((instance.pk, targets, existed))
        for (model, name), rows in by_field.items():
            _set_links(model._meta.get_field(name), rows)


def _set_links(field, rows: list):
    through = field.remote_field.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    wanted = list(dict.fromkeys((pk, target_pk) for pk, targets, _ in rows for target_pk in targets))
    existing = {}
    if any(existed for _, _, existed in rows):  # a first load has no links to compare with
        existing = {(row[source], row[target]): row["pk"] for row in through.objects.filter(
            **{f"{source}__in": [pk for pk, _, _ in rows]}).values("pk", source, target)}
    keep = set(wanted)
    stale = [pk for pair, pk in existing.items() if pair not in keep]
    if stale:
        through.objects.filter(pk__in=stale).delete()
    through.objects.bulk_create([through(**{source: a, target: b}) for a, b in wanted if (a, b) not in existing])


def _clean(instance):
    """``full_clean()`` as the deserializer's rows had it, but reading no row per foreign key: every one
    was found in the database or written just before (``FixtureWriter._row``), so only what it must
    be is checked here (set where required, of the level an outline field asks for)."""
    relations = [field for field in instance._meta.concrete_fields if field.many_to_one]
    errors = {}
    for field in relations:
        related = getattr(instance, field.name)
        if related is None:
            if not field.null:
                errors[field.name] = [field.error_messages["null"]]
            continue
        limits = field.get_limit_choices_to()
        if isinstance(limits, dict) and any(getattr(related, name) != value for name, value in limits.items()):
            errors[field.name] = [field.error_messages["invalid"] % {
                "model": field.remote_field.model._meta.verbose_name, "pk": related.pk,
                "field": field.remote_field.field_name, "value": related.pk}]
    if errors:
        raise ValidationError(errors)
    instance.full_clean(exclude=[field.name for field in relations], validate_unique=False,
                        validate_constraints=False)


def _original_language_fields(model) -> list[str]:
    """The columns a refreshed row takes from its fixture: all but the other languages' translations."""
    return [
        field.name for field in model._meta.concrete_fields
        if not field.primary_key and not (isinstance(field, TranslationField) and field.language != ORIGINAL_LANGUAGE)
    ]
