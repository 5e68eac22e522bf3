import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import ActionPlanFactory, ActivityFactory, CountryFactory, PlanElementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("secretariat-test", "s@example.org", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def activity():
    kz = CountryFactory(code="QM", name="Testland QM")
    plan = ActionPlanFactory(slug="test-plan", range_states=[kz])
    result = PlanElementFactory(plan=plan, level="result", code="1.1")
    return ActivityFactory(plan=plan, result=result, code="1.1.1", text="Trian rangers", countries=[kz])


def _change_form_data(activity, **changes):
    data = {
        "plan": activity.plan_id, "kind": activity.kind, "code": activity.code, "key": activity.key,
        "position": activity.position, "text": activity.text, "editorial_note": "", "section": "", "theme": "",
        "objective": "", "result": activity.result_id, "conservation_unit": "", "priority": activity.priority,
        "priority_scale": activity.priority_scale, "actor": activity.actor, "indicator": "",
        "timeline": activity.timeline, "budget": activity.budget, "cami_pow": "[]", "applicability": "",
        "countries": [c.pk for c in activity.countries.all()],
    }
    data.update(changes)
    # The admin enters each text per language (text_en, text_ru): the English original is text_en.
    translated = ("text", "actor", "indicator", "editorial_note", "applicability")
    return {f"{name}_en" if name in translated else name: value for name, value in data.items()}


def test_staff_can_correct_a_typo_in_an_activity(staff_client, activity):
    url = reverse("admin:actionplans_activity_change", args=[activity.pk])
    response = staff_client.post(url, _change_form_data(activity, text="Train rangers"))
    assert response.status_code == 302, response.content.decode()[:2000]
    activity.refresh_from_db()
    assert activity.text == "Train rangers"


def test_changing_the_printed_priority_updates_its_level(staff_client, activity):
    url = reverse("admin:actionplans_activity_change", args=[activity.pk])
    staff_client.post(url, _change_form_data(activity, priority="1.20", timeline="2023-24", budget="4.25 M USD"))
    activity.refresh_from_db()
    assert (activity.priority_level, activity.target_year, activity.budget_usd) == ("low", 2024, 4_250_000)


def test_a_priority_off_the_scale_is_refused_with_a_message(staff_client, activity):
    url = reverse("admin:actionplans_activity_change", args=[activity.pk])
    response = staff_client.post(url, _change_form_data(activity, priority="very high", text="Changed"))
    assert response.status_code == 200
    assert "is not a priority on the" in response.content.decode()
    activity.refresh_from_db()
    assert activity.text == "Trian rangers"


@pytest.mark.parametrize(
    "name", ["actionplans_activity", "actionplans_planelement", "actionplans_actionplan",
             "conservation_units_conservationunit", "conservation_units_country", "actionplans_footnote",
             "actionplans_planimport", "actionplans_commitmentscheme", "actionplans_commitmentitem"],
)
def test_admin_lists_open(staff_client, activity, name):
    assert staff_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_result_page_shows_its_activities_inline(staff_client, activity):
    response = staff_client.get(reverse("admin:actionplans_planelement_change", args=[activity.result_id]))
    assert "Trian rangers" in response.content.decode()


def test_plan_page_shows_its_priority_scale_and_imports_are_read_only(staff_client, real_plans):
    from actionplans.models import PlanImport
    from actionplans.plan_workbook import plan_workbook_build
    from actionplans.services import action_plan_import

    plan = real_plans["argali"]
    page = staff_client.get(reverse("admin:actionplans_actionplan_change", args=[plan.pk])).content.decode()
    assert "Essential" in page
    action_plan_import(source=plan_workbook_build(plan=plan), imported_by=None, file_name="argali.xlsx")
    record = PlanImport.objects.get()
    assert staff_client.get(reverse("admin:actionplans_planimport_change", args=[record.pk])).status_code == 200
    assert staff_client.get(reverse("admin:actionplans_planimport_add")).status_code == 403


def test_staff_tag_an_activity_and_its_printed_pow_items_follow_a_corrected_cami_pow(staff_client, activity):
    from actionplans.models import CommitmentItem

    gbf4 = CommitmentItem.objects.get(scheme__slug="gbf", code="4")
    url = reverse("admin:actionplans_activity_change", args=[activity.pk])
    response = staff_client.post(url, _change_form_data(activity, cami_pow='["19.2", "5.6–5.7"]', tags=[gbf4.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [item.tag for item in activity.tags.all()] == ["cami-pow:5.6", "cami-pow:5.7", "cami-pow:19.2", "gbf:4"]


def test_staff_enter_a_cms_decision_and_it_sorts_naturally(staff_client, db):
    from actionplans.models import CommitmentItem, CommitmentScheme

    cms = CommitmentScheme.objects.get(slug="cms")
    url = reverse("admin:actionplans_commitmentitem_add")
    for code in ("14.167", "14.20"):
        response = staff_client.post(url, {"scheme": cms.pk, "code": code, "title_en": f"Decision {code}"})
        assert response.status_code == 302, response.content.decode()[:2000]
    assert list(cms.items.values_list("code", flat=True)) == ["14.20", "14.167"]
