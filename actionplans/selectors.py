"""Reads shared by the pages, the API and (later) the exports."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch

from conservation_units.models import ConservationUnit

from .filtersets import ActivityFilterSet, outline_selects, unit_select
from .models import ActionPlan, Activity, PlanElement


def activity_queryset():
    """Every activity with what lists show, in plan and document order."""
    return Activity.objects.with_related().in_document_order()


def activity_api_queryset():
    """The API's activities: with_related() but the range states, which a page of the API reads as codes
    (activity_country_codes) rather than as a Country instance each (863 on a page of 100, issue #11)."""
    return Activity.objects.with_outline().with_edition_flag().prefetch_related("footnotes").in_document_order()


def activity_country_codes(activity_ids) -> dict[int, list[str]]:
    """The ISO codes of the countries each activity applies to, in code order: one query for a whole page."""
    codes: dict[int, list[str]] = {}
    rows = Activity.countries.through.objects.filter(activity_id__in=activity_ids).order_by(
        "country__code").values_list("activity_id", "country__code")
    for activity_id, code in rows:
        codes.setdefault(activity_id, []).append(code)
    return codes


def activity_filterset(*, data=None) -> ActivityFilterSet:
    """The activity list page filtered as its request asks; ``.qs`` holds the rows. Its outline and unit
    filters are selects of the chosen plan's outline and units (every plan's without one)."""
    filterset = ActivityFilterSet(data=data, queryset=activity_queryset())
    plan_slug = (data or {}).get("plan") or None
    outline_selects(filterset.form, outline_filter_elements(plan_slug=plan_slug))
    units = ConservationUnit.objects.select_related("plan").order_by("plan__slug", "number")
    unit_select(filterset.form, list(units.filter(plan__slug=plan_slug) if plan_slug else units))
    return filterset


def outline_filter_elements(*, plan=None, plan_slug=None) -> list[PlanElement]:
    """The outline headings a page's filters offer (sections, themes, objectives, results, and the levels
    a plan names itself), with their plan and parent, in plan and document order: one query."""
    elements = PlanElement.objects.exclude(level=PlanElement.Level.PART).select_related("plan", "parent")
    if plan is not None:
        elements = elements.filter(plan=plan)
    if plan_slug is not None:
        elements = elements.filter(plan__slug=plan_slug)
    return list(elements.order_by("plan__slug", "position"))


def activity_detail_queryset():
    """An activity with its links both ways, for its own page."""
    linked = Activity.objects.select_related("plan")
    return activity_queryset().prefetch_related(
        Prefetch("linked_activities", queryset=linked.order_by("position")),
        Prefetch("referenced_by_activities", queryset=linked.order_by("position")),
        Prefetch("linked_elements", queryset=PlanElement.objects.select_related("plan").order_by("position")),
        Prefetch("referenced_by_elements", queryset=PlanElement.objects.select_related("plan").order_by("position")),
        "conservation_unit__countries",
    )


def action_plan_list():
    return ActionPlan.objects.with_counts().order_by("slug")


@dataclass
class OutlineNode:
    element: PlanElement
    activity_count: int
    children: list[OutlineNode] = field(default_factory=list)


def action_plan_outline(plan: ActionPlan) -> list[OutlineNode]:
    """The plan's outline as a tree, each element with the number of activities under it at any depth.

    Two queries whatever the plan's size: the elements, and the activities counted by the heading they
    sit directly under.
    """
    elements = list(plan.elements.select_related("conservation_unit").order_by("position"))
    direct = Counter(dict(Activity.objects.current().filter(plan=plan).order_by().values("parent_id")
                          .annotate(count=Count("id")).values_list("parent_id", "count")))
    nodes = {element.pk: OutlineNode(element, direct[element.pk]) for element in elements}
    roots = []
    for element in elements:
        node = nodes[element.pk]
        if element.parent_id in nodes:
            nodes[element.parent_id].children.append(node)
        else:
            roots.append(node)
    for root in roots:
        _add_up(root)
    return roots


def _add_up(node: OutlineNode) -> int:
    """Give ``node`` the activities of its children, deepest first."""
    node.activity_count += sum(_add_up(child) for child in node.children)
    return node.activity_count


def outline_path(element: PlanElement | None) -> list[PlanElement]:
    """The chain of outline elements from the top of the plan down to ``element``, at any depth.

    One query (the plan's elements), whatever the depth: an activity's page shows every heading above it,
    not only its section, theme, objective and result.
    """
    if element is None:
        return []
    by_id = {item.pk: item for item in PlanElement.objects.filter(plan_id=element.plan_id).only(
        "id", "plan_id", "parent_id", "level", "code", "title")}
    return outline_chain(element.pk, by_id)


def outline_chain(element_id: int | None, elements: dict[int, PlanElement]) -> list[PlanElement]:
    """The elements from the top of the plan down to ``element_id``, read from ``elements`` (id → element,
    the plan's outline read once); a parent chain that goes round stops where it meets itself."""
    path, current = [], elements.get(element_id)
    while current is not None and current not in path:
        path.append(current)
        current = elements.get(current.parent_id)
    return path[::-1]
