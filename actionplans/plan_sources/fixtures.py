"""Turn parsed plans (``PlanSource``) into Django fixtures that ``load_plans`` reads.

Fixtures use natural keys (plan slug, ISO code, element level and code, activity key) and no
primary keys, so loading them into a database that already holds a plan finds the same rows
instead of duplicating or overwriting unrelated ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from actionplans import normalise
from actionplans.references import ReferenceResolver

from .corrections import notes_for
from .countries import COUNTRY_NAMES
from .document import ACTIVITY, ACTION, MEASURE, CrossReference, PlanSource

ACTIVITY_KINDS = {MEASURE, ACTION, ACTIVITY}


@dataclass
class BuiltPlan:
    slug: str
    objects: list[dict]
    unresolved: list[str] = field(default_factory=list)  # "where: label" of references to nothing


def countries_fixture(plans: list[PlanSource]) -> list[dict]:
    codes = set()
    for plan in plans:
        codes.update(plan.range_states)
        for unit in plan.units:
            codes.update(unit.countries)
        for activity in plan.activities:
            codes.update(activity.countries)
    unknown = codes - COUNTRY_NAMES.keys()
    if unknown:
        raise ValueError(f"No English name for country code(s): {', '.join(sorted(unknown))}")
    return [
        {"model": "conservation_units.country", "fields": {"code": code, "name": COUNTRY_NAMES[code]}}
        for code in sorted(codes)
    ]


class _Resolver:
    """Finds the natural keys that cross-references point to, within one plan."""

    def __init__(self, plan: PlanSource):
        self.slug = plan.slug
        self.activity_keys: dict[tuple[str, str], list[str]] = {}
        for activity in plan.activities:
            self.activity_keys.setdefault((activity.kind, activity.code), []).append(activity.key)
        self.element_codes = {(element.level, element.code) for element in plan.elements}
        self.unresolved: list[str] = []

    def resolve(self, where: str, references: list[CrossReference]) -> tuple[list, list]:
        activities, elements = [], []
        for ref in references:
            if ref.target_kind in ACTIVITY_KINDS:
                keys = self.activity_keys.get((ref.target_kind, ref.target_code), [])
                activities.extend([self.slug, key] for key in keys)
                found = bool(keys)
            else:
                found = (ref.target_kind, ref.target_code) in self.element_codes
                if found:
                    elements.append([self.slug, ref.target_kind, ref.target_code])
            if not found:
                self.unresolved.append(f"{where}: {ref.label}")
        return _unique(activities), _unique(elements)


def _unique(items: list[list]) -> list[list]:
    seen, kept = set(), []
    for item in items:
        if tuple(item) not in seen:
            seen.add(tuple(item))
            kept.append(item)
    return kept


class _SharedResolver:
    """The links as every plan gets them (``actionplans.references``, read from the printed texts), checked
    against those the parser read while parsing: they must agree, or the build fails."""

    def __init__(self, plan: PlanSource):
        self.slug = plan.slug
        parents = {(e.level, e.code): e.parent for e in plan.elements}
        self.root = {}
        for element in plan.elements:
            current = (element.level, element.code)
            while parents[current]:
                current = (parents[current].level, parents[current].code)
            self.root[(element.level, element.code)] = f"{current[0]} {current[1]}"
        self.shared = ReferenceResolver(
            activities=[(a.key, a.code, self.root[(a.parent.level, a.parent.code)]) for a in plan.activities],
            elements=[(e.level, e.code, self.root[(e.level, e.code)]) for e in plan.elements],
        )
        self.parsed = _Resolver(plan)
        self.unresolved = self.parsed.unresolved

    def links(self, where: str, part: tuple[str, str], texts: list[str], references: list[CrossReference]):
        keys, elements = self.shared.resolve(where, self.root[part], texts)
        activities = [[self.slug, key] for key in keys]
        elements = [[self.slug, level, code] for level, code in elements]
        if (activities, elements) != self.parsed.resolve(where, references):
            raise ValueError(f"{where}: the links read from the printed text differ from those the parser read")
        return activities, elements


def plan_fixture(plan: PlanSource) -> BuiltPlan:
    resolver = _SharedResolver(plan)
    objects = [_plan_object(plan)]
    objects += _scale_objects(plan)
    objects += [
        {"model": "actionplans.footnote", "fields": {"plan": [plan.slug], "number": f.number, "text": f.text}}
        for f in plan.footnotes
    ]
    objects += [_unit_object(plan.slug, unit) for unit in plan.units]
    parents = {(e.level, e.code): e.parent for e in plan.elements}
    objects += [_element_object(plan.slug, e, position, resolver) for position, e in enumerate(plan.elements, 1)]
    objects += [
        _activity_object(plan.slug, a, position, parents, resolver) for position, a in enumerate(plan.activities, 1)
    ]
    return BuiltPlan(plan.slug, objects, resolver.unresolved)


def _plan_object(plan: PlanSource) -> dict:
    return {
        "model": "actionplans.actionplan",
        "fields": {
            "slug": plan.slug,
            "title": plan.title,
            "short_title": plan.short_title,
            "species_common_name": plan.species_common_name,
            "species_scientific_name": plan.species_scientific_name,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "document_symbol": plan.document_symbol,
            "goal": plan.goal,
            "vision": plan.vision,
            "range_states": [[code] for code in plan.range_states],
        },
    }


def _scale_objects(plan: PlanSource) -> list[dict]:
    """The priority scale of each kind of activity the plan has, as data: today's rules (``normalise``)."""
    scales = dict.fromkeys((activity.kind, activity.priority_scale) for activity in plan.activities)
    return [
        {
            "model": "actionplans.priorityscalevalue",
            "fields": {"plan": [plan.slug], "kind": kind, "scale": scale, "printed": printed, "level": level,
                       "position": position},
        }
        for kind, scale in scales
        for position, (printed, level) in enumerate(normalise.DEFAULT_SCALE_VALUES[scale], 1)
    ]


def _unit_object(slug: str, unit) -> dict:
    return {
        "model": "conservation_units.conservationunit",
        "fields": {
            "plan": [slug],
            "number": unit.number,
            "name": unit.name,
            "kind": unit.kind,
            "hotspot_id": unit.hotspot_id,
            "subspecies": unit.subspecies,
            "geographic_area": unit.geographic_area,
            "countries_as_printed": unit.countries_as_printed,
            "countries": [[code] for code in unit.countries],
        },
    }


def _element_object(slug: str, element, position: int, resolver: _SharedResolver) -> dict:
    linked_activities, linked_elements = resolver.links(
        f"{element.level} {element.code}", (element.level, element.code), [element.title], element.references
    )
    return {
        "model": "actionplans.planelement",
        "fields": {
            "plan": [slug],
            "level": element.level,
            "code": element.code,
            "title": element.title,
            "parent": [slug, element.parent.level, element.parent.code] if element.parent else None,
            "position": position,
            "conservation_unit": [slug, element.conservation_unit] if element.conservation_unit else None,
            "footnotes": [[slug, number] for number in element.footnotes],
            "linked_activities": linked_activities,
            "linked_elements": linked_elements,
        },
    }


def _ancestors(parents: dict, level: str, code: str) -> dict[str, str]:
    """Codes of the element and every element above it, by level."""
    found = {}
    current = (level, code)
    while current:
        found.setdefault(current[0], current[1])
        parent = parents[current]
        current = (parent.level, parent.code) if parent else None
    return found


def _activity_object(slug: str, activity, position: int, parents: dict, resolver: _SharedResolver) -> dict:
    path = _ancestors(parents, activity.parent.level, activity.parent.code)
    linked_activities, linked_elements = resolver.links(
        f"{activity.kind} {activity.key}", (activity.parent.level, activity.parent.code),
        [activity.text, activity.actor, activity.indicator], activity.references,
    )
    budget_usd, budget_basis = normalise.budget_from(activity.budget)
    notes = list(dict.fromkeys(activity.notes + notes_for(slug, activity.key)))
    fields = {
        "plan": [slug],
        "kind": activity.kind,
        "code": activity.code,
        "key": activity.key,
        "position": position,
        "text": activity.text,
        "priority": activity.priority,
        "priority_scale": activity.priority_scale,
        "priority_level": normalise.priority_level_from(activity.priority, activity.priority_scale),
        "actor": activity.actor,
        "indicator": activity.indicator,
        "timeline": activity.timeline,
        "target_year": normalise.target_year_from(activity.timeline),
        "budget": activity.budget,
        "budget_usd": budget_usd,
        "budget_basis": budget_basis,
        "cami_pow": activity.cami_pow,
        "applicability": activity.applicability,
        "conservation_unit": [slug, activity.conservation_unit] if activity.conservation_unit else None,
        "countries": [[code] for code in activity.countries],
        "footnotes": [[slug, number] for number in activity.footnotes],
        "linked_activities": linked_activities,
        "linked_elements": linked_elements,
        "editorial_note": "\n".join(notes),
    }
    for level in ("section", "theme", "objective", "result"):
        fields[level] = [slug, level, path[level]] if level in path else None
    return {"model": "actionplans.activity", "fields": fields}
