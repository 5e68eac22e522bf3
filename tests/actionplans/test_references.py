"""Cross-references read again from the printed texts give the links the seed parsers made."""
from actionplans.models import ActionPlan
from actionplans.references import SEE, Reference, ReferenceResolver, references_in


def test_labelled_ranges_and_lists_are_read():
    assert [ref.code for ref in references_in("see Activities 5.1.1 – 5.1.3 and Result 2.1 & 2.2")] == [
        "5.1.1", "5.1.2", "5.1.3", "2.1", "2.2"]


def test_see_with_a_bare_code_names_an_item_of_the_same_part():
    assert references_in("(see 10.5)") == [Reference("10.5", SEE, "10.5")]
    resolver = ReferenceResolver(activities=[("10.5", "10.5", "measures"), ("1.2.1", "1.2.1", "annex")],
                                 elements=[("result", "10.5", "annex")])
    assert resolver.resolve("x", "measures", ["see 10.5"]) == (["10.5"], [])
    assert resolver.resolve("x", "annex", ["see 10.5"]) == ([], [("result", "10.5")])


def _root(element):
    while element.parent_id:
        element = element.parent
    return f"{element.level} {element.code}"


def test_links_derived_from_the_texts_are_those_of_the_fixtures(real_plans):
    for plan in ActionPlan.objects.all():
        elements = list(plan.elements.select_related("parent__parent__parent"))
        activities = list(plan.activities.select_related("section__parent", "result__parent__parent", "theme"))
        resolver = ReferenceResolver([(a.key, a.code, _root(a.parent)) for a in activities],
                                     [(e.level, e.code, _root(e)) for e in elements])
        for activity in activities:
            keys, linked = resolver.resolve(activity.key, _root(activity.parent),
                                            [activity.text, activity.actor, activity.indicator])
            assert sorted(keys) == sorted(activity.linked_activities.values_list("key", flat=True)), activity.key
            assert sorted(linked) == sorted(activity.linked_elements.values_list("level", "code")), activity.key
        for element in elements:
            keys, linked = resolver.resolve(element.code, _root(element), [element.title])
            assert sorted(keys) == sorted(element.linked_activities.values_list("key", flat=True)), element.code
            assert sorted(linked) == sorted(element.linked_elements.values_list("level", "code")), element.code
