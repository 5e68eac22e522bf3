"""Writing a read plan workbook (``PlanData``) into the database: ``PlanWriter``, used by
``actionplans.services.action_plan_import`` inside its transaction.

A new plan is created row by row, each row ``full_clean()``-ed; a plan already there is corrected in
place: every value that changes is recorded as a ``PlanChange``, rows are never added, removed or
reordered (``check_same_structure``), and a row the tracker changed after the export is never
overwritten (``PlanWriter.refuse_overwriting``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import F
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from actionplans.editions import edition_create, edition_current_or_first, first_edition_title
from cami.languages import ORIGINAL_LANGUAGE, translated_fields

from actionplans.models import OUTLINE_FIELDS as OUTLINE_FK_LEVELS
from actionplans.models import ActionPlan, Activity, Footnote, PlanElement, PriorityScaleValue
from actionplans.references import ReferenceResolver
from conservation_units.models import ConservationUnit, Country

from . import format as fmt
from .data import PlanData, WorkbookError
from .export import PLAN_FIELDS_KEY, plan_rows
from .tags import WorkbookTags


@dataclass
class PlanChange:
    """One value the import changed in the current plan."""

    sheet: str
    key: str
    field: str
    old: object
    new: object

    def __str__(self) -> str:
        return f"{self.sheet} {self.key}: {self.field}: {self.old!r} → {self.new!r}"

    def as_json(self) -> dict:
        plain = (lambda value: value if isinstance(value, (str, int, type(None), list)) else str(value))
        return {"sheet": self.sheet, "key": self.key, "field": self.field,
                "old": plain(self.old), "new": plain(self.new)}


class PlanImportError(ValidationError):
    """The workbook is refused; ``errors`` are its WorkbookErrors (sheet, row, column, sentence)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__([str(error) for error in self.errors], code="plan_workbook")


@dataclass
class EditionRequest:
    """Make the workbook the plan's new edition: its title, who asks, and for each new key the ids of the
    activities of the current edition it continues (``diff.EditionDiff.continues``)."""

    title: str
    created_by: object = None
    continues: dict = field(default_factory=dict)


class PlanWriter:
    """Writes one PlanData into the database, recording each change to a row that already existed.

    ``new_edition``: the activities are created anew in a new edition of the existing plan (linked to
    those they continue); outline elements, units and footnotes are corrected or added, never removed.
    """

    def __init__(self, data: PlanData, new_edition: EditionRequest | None = None):
        self.data = data
        self.new_edition = new_edition
        self.edition = None
        self.changes: list[PlanChange] = []
        self.created = False
        self.resolver = None
        self.scale_values = []
        self.new_links: dict = {}  # through model -> rows of the many-to-many links of new rows
        self.stored_translations = 0  # non-empty <column>_<language> cells stored
        self.tags = None  # WorkbookTags, read when writing

    def counts(self) -> dict[str, int]:
        return {"activities": len(self.data.activities), "outline elements": len(self.data.elements),
                "units": len(self.data.units), "footnotes": len(self.data.footnotes)}

    def warnings(self) -> list[str]:
        warnings = [_("A reference to nothing in the plan, kept as text: %(where)s") % {"where": where}
                    for where in self.resolver.unresolved]
        unstored = self.data.translations - self.stored_translations
        if unstored:
            warnings.append(_("%(count)s texts in other languages were read and not stored: timelines, budgets and "
                              "country names are kept in English only.") % {"count": unstored})
        return warnings

    def translated(self, obj, translations: dict[str, str]) -> dict[str, str]:
        """The texts in other languages that ``obj`` has a column for (``text_ru``), to set with the others."""
        fields = {f"{name}_{language}" for name in translated_fields(type(obj))
                  for language in fmt.translation_languages()}
        stored = {name: value for name, value in translations.items() if name in fields}
        self.stored_translations += sum(1 for value in stored.values() if value.strip())
        return stored

    # The workbook's main columns are the English originals: ``activity.text = ...`` writes text_en.
    @translation.override(ORIGINAL_LANGUAGE)
    def write(self) -> ActionPlan:
        self.tags = WorkbookTags(self.data)
        if errors := self.tags.errors():
            raise PlanImportError(errors)
        self.tags.make_printed_items()
        slug = self.data.fields["slug"]
        plan = ActionPlan.objects.select_for_update().filter(slug=slug).first()
        self.created = plan is None
        current = {}
        if plan is not None:
            if self.new_edition is None:
                self.refuse_another_edition(plan)
                check_same_structure(plan, self.data)
            current = plan_rows(plan).fingerprints()
        countries = self._countries()
        plan = self._plan(plan or ActionPlan(), countries)
        self.edition = self._edition(plan)
        self._scale(plan)
        self.scale_values = list(plan.priority_scale_values.all())
        footnotes = self._footnotes(plan)
        units = self._units(plan, countries)
        elements = self._elements(plan, units, footnotes)
        activities = self._activities(plan, elements, units, countries, footnotes)
        self._links(elements, activities)
        self._continues(activities)
        self._write_new_links()
        if current:
            self.refuse_overwriting(plan, current)
        return plan

    def refuse_another_edition(self, plan):
        """A correction corrects the current edition: a workbook exported from an older one (export_plan
        --edition) would put that edition's texts back over it."""
        current = plan.current_edition
        exported = self.data.edition_number
        if exported is not None and current is not None and exported != current.number:
            raise PlanImportError([WorkbookError(
                _("This workbook holds edition %(exported)s of the plan, not its current edition %(current)s "
                  "(“%(title)s”): export the current edition and correct that, or import this file as a new "
                  "edition.") % {"exported": exported, "current": current.number, "title": current.title},
                fmt.PLAN, None, None)])

    def refuse_overwriting(self, plan, current: dict):
        """Refuse a change to a row that the tracker changed after the workbook was exported (an edit in the
        admin, another import): it would be overwritten silently. A workbook with no record of the export
        (not written by export_plan) is not checked: its changes are listed and recorded."""
        rows = {(fmt.ACTIVITIES, a.key): a.row for a in self.data.activities}
        rows.update({(fmt.OUTLINE, f"{e.level} {e.code}"): e.row for e in self.data.elements})
        rows.update({(fmt.UNITS, str(u.number)): u.row for u in self.data.units})
        errors = []
        for change in self.changes:
            if change.field in DERIVED_ACTIVITY_FIELDS or change.field.startswith("linked_"):
                continue  # they follow the printed values
            key = (change.sheet, PLAN_FIELDS_KEY if (change.sheet, change.key) == (fmt.PLAN, plan.slug) else change.key)
            base = self.data.fingerprints.get(key)
            if base is not None and current.get(key) != base:
                errors.append(WorkbookError(
                    _("%(key)s was changed in the tracker after this workbook was exported; saving it would "
                      "overwrite that change: export the plan again and make the correction there.")
                    % {"key": change.key}, change.sheet, rows.get(key), change.field))
        if errors:
            raise PlanImportError(list(dict.fromkeys(errors)))

    def _edition(self, plan):
        if self.new_edition and not self.created:
            return edition_create(plan=plan, title=self.new_edition.title, created_by=self.new_edition.created_by)
        if self.created:
            title = self.new_edition.title if self.new_edition else first_edition_title(plan)
            return edition_create(plan=plan, title=title, created_by=getattr(self.new_edition, "created_by", None))
        return edition_current_or_first(plan)

    def _continues(self, activities):
        if not self.new_edition:
            return
        through = Activity.continues.through
        self.new_links.setdefault(through, []).extend(
            {"from_activity_id": activities[key].pk, "to_activity_id": old_id}
            for key, old_ids in self.new_edition.continues.items() if key in activities for old_id in old_ids)

    # Setting values, recording what changes on rows that existed.
    def _set(self, obj, sheet: str, key: str, values: dict):
        for name, new in values.items():
            old = getattr(obj, name)
            if old is None and new == "":
                continue  # no translation yet, and an empty cell for it
            if old != new:
                if obj.pk:
                    self.changes.append(PlanChange(sheet, key, name, old, new))
                setattr(obj, name, new)

    def _set_fk(self, obj, sheet: str, key: str, name: str, new):
        old_id = getattr(obj, f"{name}_id")
        if old_id != (new.pk if new else None):
            if obj.pk:
                old = getattr(obj, name)
                self.changes.append(PlanChange(sheet, key, name, _label(old), _label(new)))
            setattr(obj, name, new)

    def _set_m2m(self, obj, sheet: str, key: str, name: str, new: list, existed: bool):
        if not existed:  # a new row: its links are written in bulk at the end (_write_new_links)
            field = obj._meta.get_field(name)
            self.new_links.setdefault(field.remote_field.through, []).extend(
                {f"{field.m2m_field_name()}_id": obj.pk, f"{field.m2m_reverse_field_name()}_id": item.pk}
                for item in dict.fromkeys(new))
            return
        manager = getattr(obj, name)
        old = list(manager.all())
        if {item.pk for item in old} == {item.pk for item in new}:
            return
        self.changes.append(PlanChange(sheet, key, name, sorted(_label(i) for i in old),
                                       sorted(_label(i) for i in new)))
        manager.set(new)

    def _write_new_links(self):
        for through, rows in self.new_links.items():
            through.objects.bulk_create([through(**row) for row in rows], batch_size=500)

    def _save(self, obj, sheet: str, row: int | None, derived: tuple = (), since: int | None = None):
        """full_clean (which derives the values read from the printed text), record derived changes, save.

        What the models refuse (a text too long for its field, ...) refuses the file, naming the row.
        ``since``: the number of changes before this row's; a row that existed and changes nothing is left alone.
        """
        before = {name: getattr(obj, name) for name in derived} if obj.pk else {}
        if obj.pk and since is not None and len(self.changes) == since:
            if derived:
                obj.derive_normalised_fields(self.scale_values)
            if all(getattr(obj, name) == old for name, old in before.items()):
                return  # a row the workbook leaves as it is: nothing to check or write
        try:
            obj.full_clean()
        except ValidationError as error:
            raise PlanImportError([
                WorkbookError(message, sheet, row,
                              None if name == NON_FIELD_ERRORS else COLUMN_OF_FIELD.get(name, name))
                for name, messages in error.message_dict.items() for message in messages]) from error
        for name, old in before.items():
            if getattr(obj, name) != old:
                self.changes.append(PlanChange(sheet, obj.key, name, old, getattr(obj, name)))
        obj.save()

    def _countries(self) -> dict[str, Country]:
        existing = Country.objects.in_bulk([row.code for row in self.data.countries], field_name="code")
        countries = {}
        for row in self.data.countries:
            country, since = existing.get(row.code) or Country(code=row.code), len(self.changes)
            self._set(country, fmt.COUNTRIES, row.code, {"name": row.name})
            self._save(country, fmt.COUNTRIES, None, since=since)
            countries[row.code] = country
        return countries

    def _plan(self, plan: ActionPlan, countries) -> ActionPlan:
        existed, since = plan.pk is not None, len(self.changes)
        fields = {name: self.data.fields[name] for name in PLAN_MODEL_FIELDS}
        fields.update(self.translated(plan, self.data.field_translations))
        self._set(plan, fmt.PLAN, plan.slug or fields["slug"], fields)
        self._save(plan, fmt.PLAN, None, since=since)
        range_states = [countries[row.code] for row in self.data.countries if row.range_state]
        self._set_m2m(plan, fmt.PLAN, plan.slug, "range_states", range_states, existed)
        return plan

    def _scale(self, plan):
        existing = {(v.kind, v.printed.lower()): v for v in plan.priority_scale_values.all()}
        positions: dict[str, int] = {}
        for value in self.data.scale:
            position = positions[value.kind] = positions.get(value.kind, 0) + 1
            row = existing.get((value.kind, value.printed.lower())) or PriorityScaleValue(plan=plan)
            since = len(self.changes)
            self._set(row, fmt.PLAN, f"priority {value.kind} {value.printed}", {
                "kind": value.kind, "scale": value.scale, "printed": value.printed, "level": value.level,
                "position": position})
            self._save(row, fmt.PLAN, None, since=since)

    def _footnotes(self, plan) -> dict[int, Footnote]:
        existing = {footnote.number: footnote for footnote in plan.footnotes.all()}
        footnotes = {}
        for number, text in self.data.footnotes.items():
            footnote, since = existing.get(number) or Footnote(plan=plan, number=number), len(self.changes)
            self._set(footnote, fmt.FOOTNOTES, str(number), {
                "text": text, **self.translated(footnote, self.data.footnote_translations.get(number, {}))})
            self._save(footnote, fmt.FOOTNOTES, None, since=since)
            footnotes[number] = footnote
        return footnotes

    def _units(self, plan, countries) -> dict[int, ConservationUnit]:
        existing = {unit.number: unit for unit in plan.conservation_units.prefetch_related("countries")}
        units = {}
        for row in self.data.units:
            unit = existing.get(row.number) or ConservationUnit(plan=plan, number=row.number)
            existed, since = unit.pk is not None, len(self.changes)
            self._set(unit, fmt.UNITS, str(row.number), {
                "name": row.name, "kind": row.kind, "hotspot_id": row.hotspot_id, "subspecies": row.subspecies,
                "geographic_area": row.geographic_area, "countries_as_printed": row.countries_as_printed,
                **self.translated(unit, row.translations)})
            self._save(unit, fmt.UNITS, row.row, since=since)
            self._set_m2m(unit, fmt.UNITS, str(row.number), "countries", [countries[c] for c in row.countries], existed)
            units[row.number] = unit
        return units

    def _elements(self, plan, units, footnotes) -> dict[tuple[str, str], PlanElement]:
        existing = {(e.level, e.code): e for e in plan.elements.select_related("parent", "conservation_unit")
                    .prefetch_related("footnotes", "linked_activities", "linked_elements")}
        rows = {(row.level, row.code): (position, row) for position, row in enumerate(self.data.elements, 1)}
        saved: dict[tuple[str, str], PlanElement] = {}
        if self.new_edition and existing:
            # A new edition may reorder the outline: move the rows out of the way of the new positions.
            plan.elements.update(position=F("position") + POSITION_SHIFT)

        def save(key):  # parents first, whatever the order of the rows
            if key in saved:
                return saved[key]
            position, row = rows[key]
            parent = save(row.parent) if row.parent else None
            element = existing.get(key) or PlanElement(plan=plan, level=row.level, code=row.code)
            existed, since = element.pk is not None, len(self.changes)
            label = f"{row.level} {row.code}"
            self._set(element, fmt.OUTLINE, label, {
                "title": row.title, "level_name": row.level_name, "position": position,
                **self.translated(element, row.translations)})
            self._set_fk(element, fmt.OUTLINE, label, "parent", parent)
            self._set_fk(element, fmt.OUTLINE, label, "conservation_unit", units.get(row.conservation_unit))
            self._save(element, fmt.OUTLINE, row.row, since=since)
            self._set_m2m(element, fmt.OUTLINE, label, "footnotes", [footnotes[n] for n in row.footnotes], existed)
            element._existed = existed
            saved[key] = element
            return element

        for key in rows:
            save(key)
        if self.new_edition and existing:
            self._keep_left_out_elements(plan, [e for key, e in existing.items() if key not in rows], len(rows))
        return saved

    def _keep_left_out_elements(self, plan, left_out, count):
        """Elements the new edition leaves out are kept (older activities sit under them), after its own."""
        for offset, element in enumerate(sorted(left_out, key=lambda e: e.position), 1):
            PlanElement.objects.filter(pk=element.pk).update(position=POSITION_SHIFT + count + offset)
        plan.elements.filter(position__gt=POSITION_SHIFT).update(position=F("position") - POSITION_SHIFT)

    def _activities(self, plan, elements, units, countries, footnotes) -> dict[str, Activity]:
        existing = {}
        if not self.new_edition:  # a new edition's activities are all new rows
            existing = {a.key: a for a in Activity.objects.filter(edition=self.edition).select_related(
                "plan", "section", "theme", "objective", "result", "parent", "conservation_unit",
            ).prefetch_related("countries", "footnotes", "linked_activities", "linked_elements").with_tags()}
        scale_of = {value.kind: value.scale for value in self.data.scale}
        saved = {}
        for position, row in enumerate(self.data.activities, 1):
            activity = existing.get(row.key) or Activity(plan=plan, edition=self.edition, key=row.key,
                                                         priority_scale=scale_of[row.kind])
            existed, since = activity.pk is not None, len(self.changes)
            activity._existed = existed
            self._set(activity, fmt.ACTIVITIES, row.key, {
                "kind": row.kind, "code": row.code, "position": position, "text": row.text,
                "priority": row.priority, "actor": row.actor, "indicator": row.indicator, "timeline": row.timeline,
                "budget": row.budget, "cami_pow": row.cami_pow, "applicability": row.applicability,
                "editorial_note": row.editorial_note, **self.translated(activity, row.translations)})
            for level in OUTLINE_FK_LEVELS:
                code = row.outline.get(level)
                self._set_fk(activity, fmt.ACTIVITIES, row.key, level, elements[(level, code)] if code else None)
            parent, old = elements[row.parent], activity.parent
            if row.parent[0] in OUTLINE_FK_LEVELS and (old is None or old.level in OUTLINE_FK_LEVELS):
                activity.parent = parent  # a move between sections, results...: the change of that field, above
            else:  # under a level of the plan's own, or moved out from under one
                self._set_fk(activity, fmt.ACTIVITIES, row.key, "parent", parent)
            self._set_fk(activity, fmt.ACTIVITIES, row.key, "conservation_unit", units.get(row.conservation_unit))
            self._save(activity, fmt.ACTIVITIES, row.row, derived=DERIVED_ACTIVITY_FIELDS, since=since)
            self._set_m2m(activity, fmt.ACTIVITIES, row.key, "countries", [countries[c] for c in row.countries],
                          existed)
            self._set_m2m(activity, fmt.ACTIVITIES, row.key, "footnotes", [footnotes[n] for n in row.footnotes],
                          existed)
            self._set_m2m(activity, fmt.ACTIVITIES, row.key, "tags", self.tags.items_of(row), existed)
            saved[row.key] = activity
        return saved

    def _links(self, elements, activities):
        """Cross-references read from the printed texts (actionplans.references), as for every plan."""
        data = self.data
        self.resolver = ReferenceResolver(
            activities=[(row.key, row.code, data.root_of(*row.parent)) for row in data.activities],
            elements=[(row.level, row.code, data.root_of(row.level, row.code)) for row in data.elements],
        )
        for row in data.elements:
            element = elements[(row.level, row.code)]
            keys, linked = self.resolver.resolve(f"{row.level} {row.code}", data.root_of(row.level, row.code),
                                                 [row.title])
            label = f"{row.level} {row.code}"
            self._set_m2m(element, fmt.OUTLINE, label, "linked_activities", [activities[k] for k in keys],
                          element._existed)
            self._set_m2m(element, fmt.OUTLINE, label, "linked_elements", [elements[e] for e in linked],
                          element._existed)
        for row in data.activities:
            activity = activities[row.key]
            keys, linked = self.resolver.resolve(f"{row.kind} {row.key}", data.root_of(*row.parent),
                                                 [row.text, row.actor, row.indicator])
            self._set_m2m(activity, fmt.ACTIVITIES, row.key, "linked_activities", [activities[k] for k in keys],
                          activity._existed)
            self._set_m2m(activity, fmt.ACTIVITIES, row.key, "linked_elements", [elements[e] for e in linked],
                          activity._existed)


PLAN_MODEL_FIELDS = ("slug", "title", "short_title", "species_common_name", "species_scientific_name",
                     "period_start", "period_end", "document_symbol", "goal", "vision")
# A model field named differently in the workbook.
COLUMN_OF_FIELD = {"section": "parent", "theme": "parent", "objective": "parent", "result": "parent",
                   "level_name": "level",
                   "period_start": "value", "period_end": "value", "title": "title"}
POSITION_SHIFT = 1_000_000  # above any position a plan prints
DERIVED_ACTIVITY_FIELDS = ("priority_scale", "priority_level", "target_year", "budget_usd", "budget_basis")


def _label(obj) -> str | None:
    if obj is None:
        return None
    if isinstance(obj, PlanElement):
        return f"{obj.level} {obj.code}"
    if isinstance(obj, Country):
        return obj.code
    if isinstance(obj, ConservationUnit | Footnote):
        return str(obj.number)
    if isinstance(obj, Activity):
        return obj.key
    return str(obj)


def check_same_structure(plan: ActionPlan, data: PlanData):
    """A correction keeps the plan's rows and their order: refuse, naming each, what would add or remove one."""
    errors = []
    nouns = {"activity": _("activity"), "outline element": _("outline element"),
             "conservation unit": _("conservation unit"), "footnote": _("footnote"),
             "priority value": _("priority value")}
    sets = [
        (fmt.ACTIVITIES, "key", list(plan.activities.current().order_by("position").values_list("key", flat=True)),
         [(row.key, row.row) for row in data.activities], "activity"),
        (fmt.OUTLINE, "code", [f"{level} {code}" for level, code in
                               plan.elements.order_by("position").values_list("level", "code")],
         [(f"{row.level} {row.code}", row.row) for row in data.elements], "outline element"),
        (fmt.UNITS, "number",
         [str(n) for n in plan.conservation_units.order_by("number").values_list("number", flat=True)],
         [(str(row.number), row.row) for row in data.units], "conservation unit"),
        (fmt.FOOTNOTES, "number", [str(n) for n in plan.footnotes.order_by("number").values_list("number", flat=True)],
         [(str(number), None) for number in data.footnotes], "footnote"),
        (fmt.PLAN, "printed", [f"{kind} {printed.lower()}" for kind, printed in
                               plan.priority_scale_values.values_list("kind", "printed")],
         [(f"{value.kind} {value.printed.lower()}", None) for value in data.scale], "priority value"),
    ]
    for sheet, column, current, rows, noun in sets:
        noun = capfirst(nouns[noun])
        current_set = set(current)
        for key, row in rows:
            if key not in current_set:
                errors.append(WorkbookError(
                    _("%(noun)s %(key)s is not in the current edition of “%(slug)s”: a correction may not add "
                      "one; import the workbook as a new edition (--new-edition \"<title>\").")
                    % {"noun": noun, "key": key, "slug": plan.slug}, sheet, row, column))
        for key in sorted(current_set - {key for key, _row in rows}):
            errors.append(WorkbookError(
                _("%(noun)s %(key)s of the current edition of “%(slug)s” is missing: a correction may not remove "
                  "one, and nothing is deleted; import the workbook as a new edition (--new-edition \"<title>\").")
                % {"noun": noun, "key": key, "slug": plan.slug},
                sheet, None, column))
        if sheet in (fmt.ACTIVITIES, fmt.OUTLINE) and not errors and [key for key, _row in rows] != current:
            first = next(i for i, (key, _row) in enumerate(rows) if key != current[i])
            errors.append(WorkbookError(
                _("%(key)s is not where the current plan has it (it has %(expected)s here): a correction keeps "
                  "the order of the rows.") % {"key": rows[first][0], "expected": current[first]},
                sheet, rows[first][1], column))
    if errors:
        raise PlanImportError(errors)
