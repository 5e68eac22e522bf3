"""Commitments: the schemes and their items, the CAMI PoW tags read from the plans, tags in the API, the
pages, the plan workbook and the export's Summary.

No mapping is invented: the only tags in the real data are the CAMI PoW items the leopard strategy prints;
the GBF tags here are the test's own, on an Argali measure and a leopard activity.
"""
import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from actionplans.commitments import cami_pow_codes, natural_sort_key
from actionplans.models import Activity, CommitmentItem, CommitmentScheme
from actionplans.plan_workbook import format as fmt
from actionplans.plan_workbook import plan_workbook_build
from actionplans.services import PlanImportError, action_plan_import
from reporting import services
from reporting.exports import progress_workbook
from reporting.models import CountryReport
from reporting.services import ProgressInput
from tests.actionplans.test_plan_workbook import edit, set_cell

pytestmark = pytest.mark.django_db


def pow_tags(activity) -> set[str]:
    return set(activity.tags.filter(scheme__slug="cami-pow").values_list("code", flat=True))


# --- The data ------------------------------------------------------------------------------------------


def test_every_leopard_activity_is_tagged_with_the_pow_items_it_prints(real_plans):
    activities = Activity.objects.current().filter(plan__slug="persian-leopard").prefetch_related("tags__scheme")
    assert activities.count() == 91
    for activity in activities:
        assert pow_tags(activity) == set(cami_pow_codes(activity.cami_pow)), activity.key
    by_key = {activity.key: activity for activity in activities}
    # A printed range is each item in it; 1.1.1 prints "1.3, 19.2, 19.5".
    assert pow_tags(by_key["6.1.1"]) == {"5.6", "5.7", "5.8", "5.9", "5.10", "5.11", "5.15", "19.2"}
    assert pow_tags(by_key["12.2.2"]) == {f"31.{n}" for n in range(1, 13)}
    assert pow_tags(by_key["1.1.1"]) == {"1.3", "19.2", "19.5"}
    assert pow_tags(by_key["1.1.2"]) == set()  # prints none


def test_nothing_else_is_tagged_from_the_data(real_plans):
    assert not Activity.tags.through.objects.filter(activity__plan__slug="argali").exists()
    assert set(CommitmentScheme.objects.values_list("slug", flat=True)) == {"cami-pow", "cms", "gbf"}
    assert not CommitmentItem.objects.filter(scheme__slug="cms").exists()
    # The PoW items carry their number as title: the plans print no titles.
    assert all(item.title == item.code for item in CommitmentItem.objects.filter(scheme__slug="cami-pow"))


def test_the_23_gbf_targets_with_their_short_titles_in_natural_order(real_plans):
    targets = list(CommitmentItem.objects.filter(scheme__slug="gbf"))
    assert [item.code for item in targets] == [str(n) for n in range(1, 24)]
    titles = {item.code: item.title for item in targets}
    assert titles["1"] == "Plan and Manage all Areas To Reduce Biodiversity Loss"
    assert titles["3"] == "Conserve 30% of Land, Waters and Seas"
    assert titles["4"] == "Halt Species Extinction, Protect Genetic Diversity, and Manage Human-Wildlife Conflicts"
    assert titles["23"] == "Ensure Gender Equality and a Gender-Responsive Approach for Biodiversity Action"
    pow_codes = list(CommitmentItem.objects.filter(scheme__slug="cami-pow").values_list("code", flat=True))
    assert pow_codes.index("19.2") < pow_codes.index("19.10") and pow_codes.index("4.15") < pow_codes.index("19.1")
    assert natural_sort_key("19.2") < natural_sort_key("19.10")


def test_loading_the_plans_again_keeps_the_secretariat_s_tags_and_adds_nothing(real_plans):
    activity = Activity.objects.current().get(plan__slug="persian-leopard", key="1.1.2")
    activity.tags.add(CommitmentItem.objects.get(scheme__slug="gbf", code="4"))
    before = Activity.tags.through.objects.count()
    call_command("load_plans", "persian-leopard", "--update", verbosity=0)
    call_command("load_plans", verbosity=0)
    assert Activity.tags.through.objects.count() == before
    assert [item.tag for item in activity.tags.all()] == ["gbf:4"]


# --- Tags entered by the test on both plans -------------------------------------------------------------


@pytest.fixture
def tagged(real_plans, django_user_model):
    """GBF target 4 on an Argali measure that applies to Kazakhstan and on leopard activity 1.1.1; a round
    of each plan; Kazakhstan's report on the measure completed and validated."""
    gbf4 = CommitmentItem.objects.get(scheme__slug="gbf", code="4")
    argali = Activity.objects.current().filter(plan__slug="argali", countries__code="KZ", kind="measure").first()
    leopard = Activity.objects.current().get(plan__slug="persian-leopard", key="1.1.1")
    for activity in (argali, leopard):
        activity.tags.add(gbf4)
    secretariat = django_user_model.objects.create_user("sec-tags", is_staff=True)
    rounds = {}
    for slug in ("argali", "persian-leopard"):
        rounds[slug] = services.round_open(plan=real_plans[slug], title=f"{slug} 2026", opens_on=datetime.date(2026, 1, 1),
                                           due_on=datetime.date(2026, 12, 31), opened_by=secretariat)
    kz = argali.countries.get(code="KZ")
    services.progress_report_record(round=rounds["argali"], activity=argali, country=kz, user=secretariat,
                                    values=ProgressInput(status="completed", narrative="Done"))
    report = CountryReport.objects.get(round=rounds["argali"], country=kz)
    services.country_report_submit(country_report=report, user=secretariat)
    services.country_report_validate(country_report=report, user=secretariat)
    # A later draft on the leopard activity: signed-in readers count it, visitors do not.
    services.progress_report_record(round=rounds["persian-leopard"], activity=leopard, country=kz, user=secretariat,
                                    values=ProgressInput(status="in_progress", narrative="Started"))
    return {"item": gbf4, "argali": argali, "leopard": leopard, "secretariat": secretariat, "rounds": rounds}


def api_list(**params):
    return APIClient().get(reverse("api:activity-list"), {"page_size": 500, **params})


def test_api_filters_by_tag_and_gives_each_activity_its_tags(tagged):
    body = api_list(tag="gbf:4").json()
    assert sorted(row["id"] for row in body["results"]) == sorted([tagged["argali"].pk, tagged["leopard"].pk])
    leopard = next(row for row in body["results"] if row["id"] == tagged["leopard"].pk)
    assert leopard["tags"] == [
        {"scheme": "cami-pow", "code": "1.3", "title": "1.3"},
        {"scheme": "cami-pow", "code": "19.2", "title": "19.2"},
        {"scheme": "cami-pow", "code": "19.5", "title": "19.5"},
        {"scheme": "gbf", "code": "4", "title": "Halt Species Extinction, Protect Genetic Diversity, and Manage "
                                                "Human-Wildlife Conflicts"},
    ]
    # Repeated: any of them.
    assert api_list(tag=["gbf:4", "cami-pow:5.8"]).json()["count"] == 2 + api_list(tag="cami-pow:5.8").json()["count"]
    assert api_list(tag="cami-pow:19.2", plan="argali").json()["count"] == 0


@pytest.mark.parametrize(("value", "message"), [
    ("gbf:99", "The scheme “gbf” has no item “99”."),
    ("aichi:4", "There is no commitment scheme “aichi” (in “aichi:4”); schemes: cami-pow, cms, gbf."),
    ("gbf", "“gbf” is not a tag: write scheme:code, e.g. gbf:4 or cami-pow:19.2."),
    ("100%", "“100%” is not a tag: write scheme:code, e.g. gbf:4 or cami-pow:19.2."),
])
def test_an_unknown_tag_is_a_400_naming_it(real_plans, value, message):
    response = api_list(tag=value)
    assert response.status_code == 400
    assert response.json() == {"tag": [message]}


def test_progress_api_filters_by_the_activity_s_tag(tagged):
    client = APIClient()
    client.force_authenticate(tagged["secretariat"])
    rows = client.get(reverse("api:progressreport-list"), {"tag": "gbf:4"}).json()["results"]
    assert sorted(row["activity"] for row in rows) == sorted([tagged["argali"].pk, tagged["leopard"].pk])
    assert client.get(reverse("api:progressreport-list"), {"tag": "cami-pow:31.1"}).json()["count"] == 0
    assert client.get(reverse("api:progressreport-list"), {"tag": "gbf:0"}).status_code == 400


def test_activity_list_page_filters_by_tag(client, tagged):
    response = client.get(reverse("actionplans:activity_list"), {"tag": "gbf:4"})
    assert [activity.pk for activity in response.context["activities"]] == [tagged["argali"].pk, tagged["leopard"].pk]
    html = response.content.decode()
    # the filter's box for the item is ticked (a group of checkboxes, #10)
    assert re.search(r'<input type="checkbox" name="tag" value="gbf:4" id="[^"]+" checked>\s*4 — Halt Species Extinction',
                     html)
    refused = client.get(reverse("actionplans:activity_list"), {"tag": "gbf:99%"}).content.decode()
    assert "The scheme “gbf” has no item “99%”." in refused


def test_progress_list_page_filters_by_tag(client, tagged):
    url = reverse("reporting:progress_list")
    # A visitor reads the validated Argali report only; the Secretariat the leopard draft too.
    assert [report.activity_id for report in client.get(url, {"tag": "gbf:4"}).context["reports"]] == [
        tagged["argali"].pk]
    client.force_login(tagged["secretariat"])
    shown = {report.activity_id for report in client.get(url, {"tag": "gbf:4"}).context["reports"]}
    assert shown == {tagged["argali"].pk, tagged["leopard"].pk}
    assert not client.get(url, {"tag": "cami-pow:31.1"}).context["reports"]


def test_country_report_page_filters_by_tag(client, tagged):
    round = tagged["rounds"]["argali"]
    client.force_login(tagged["secretariat"])
    url = reverse("reporting:country_report", args=[round.pk, "KZ"])
    response = client.get(url, {"tag": "gbf:4"})
    assert [activity.pk for activity in response.context["page"].activities] == [tagged["argali"].pk]
    everything = client.get(url).context["page"].activities
    assert len(everything) > 1
    pow_tagged = client.get(url, {"tag": "cami-pow:19.2"}).context["page"].activities
    assert pow_tagged == []  # the Argali plan prints no CAMI PoW references


def test_activity_page_links_its_tags(client, tagged):
    html = client.get(reverse("actionplans:activity_detail", args=[tagged["leopard"].pk])).content.decode()
    assert f'href="{reverse("reporting:commitment_item", args=["gbf", "4"])}"><code>gbf:4</code></a>' in html
    assert f'href="{reverse("reporting:commitment_item", args=["cami-pow", "19.2"])}"><code>cami-pow:19.2</code></a>' in html


def item_rows(response):
    return {row.activity.pk: dict(row.counts) for row in response.context["page"].rows}


def test_item_page_lists_the_activities_of_both_plans_with_their_published_progress(client, tagged):
    url = reverse("reporting:commitment_item", args=["gbf", "4"])
    response = client.get(url)
    assert response.status_code == 200
    argali, leopard = tagged["argali"], tagged["leopard"]
    countries = {activity.pk: activity.countries.count() for activity in (argali, leopard)}
    # A visitor counts the validated report only; the leopard draft reads as "No information".
    assert item_rows(response) == {
        argali.pk: {"completed": 1, "no_information": countries[argali.pk] - 1},
        leopard.pk: {"no_information": countries[leopard.pk]},
    }
    html = response.content.decode()
    assert "Argali Action Plan" in html and "Persian Leopard Strategy" in html
    client.force_login(tagged["secretariat"])
    assert item_rows(client.get(url))[leopard.pk] == {"in_progress": 1, "no_information": countries[leopard.pk] - 1}


def test_item_page_takes_as_many_queries_with_more_activities(client, tagged, django_assert_num_queries):
    url = reverse("reporting:commitment_item", args=["gbf", "4"])
    client.get(url)
    with django_assert_num_queries(4) as before:  # the item, its activities, the plans' rounds, the pairs counted
        client.get(url)
    for activity in Activity.objects.current().filter(plan__slug="argali")[:20]:
        activity.tags.add(tagged["item"])
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)


def test_commitments_page_lists_each_scheme_with_its_items_and_counts(client, tagged):
    response = client.get(reverse("reporting:commitment_list"))
    schemes = {scheme.slug: {item.code: item.activity_count for item in scheme.items.all()}
               for scheme in response.context["schemes"]}
    assert schemes["gbf"]["4"] == 2 and schemes["gbf"]["5"] == 0 and len(schemes["gbf"]) == 23
    assert schemes["cms"] == {}
    assert schemes["cami-pow"]["19.2"] == Activity.objects.current().filter(tags__code="19.2",
                                                                             tags__scheme__slug="cami-pow").count()
    assert "No items yet" in response.content.decode()


def test_unknown_item_page_is_404(client, real_plans):
    assert client.get(reverse("reporting:commitment_item", args=["gbf", "99"])).status_code == 404


# --- The plan workbook ----------------------------------------------------------------------------------


def leopard_row(book, key):
    sheet = book[fmt.ACTIVITIES]
    keys = [cell.value for cell in sheet["A"]]
    return keys.index(key) + 1


def test_the_export_fills_the_tags_column_and_the_import_adds_a_tag(real_plans):
    data = plan_workbook_build(plan=real_plans["persian-leopard"])
    book = openpyxl.load_workbook(io.BytesIO(data))
    row = leopard_row(book, "1.1.1")
    header = [cell.value for cell in book[fmt.ACTIVITIES][1]]
    assert book[fmt.ACTIVITIES].cell(row, header.index("tags") + 1).value == "cami-pow:1.3; cami-pow:19.2; cami-pow:19.5"
    changed = edit(data, lambda book: set_cell(book, fmt.ACTIVITIES, row, "tags", "cami-pow:1.3, cami-pow:19.2; gbf:4"))
    result = action_plan_import(source=changed, imported_by=None, file_name="leopard.xlsx")
    [change] = result.changes
    assert (change.key, change.field, change.new) == ("1.1.1", "tags", ["cami-pow:1.3", "cami-pow:19.2", "cami-pow:19.5",
                                                                       "gbf:4"])
    # cami-pow:19.5 stays: the activity prints it, whether the cell lists it or not.
    activity = Activity.objects.current().get(plan__slug="persian-leopard", key="1.1.1")
    assert [item.tag for item in activity.tags.all()] == ["cami-pow:1.3", "cami-pow:19.2", "cami-pow:19.5", "gbf:4"]


@pytest.mark.parametrize(("value", "message"), [
    ("gbf:24", "The scheme “gbf” has no item “24”."),
    ("cms:14.167", "The scheme “cms” has no item “14.167”."),
    ("aichi:11", "There is no commitment scheme “aichi” (in “aichi:11”); schemes: cami-pow, cms, gbf."),
    ("cami-pow:99.1", "The scheme “cami-pow” has no item “99.1”."),
    ("target 4", "“target 4” is not a tag: write scheme:code, e.g. gbf:4 or cami-pow:19.2."),
])
def test_a_tag_naming_no_item_refuses_the_workbook(real_plans, value, message):
    data = edit(plan_workbook_build(plan=real_plans["argali"]),
                lambda book: set_cell(book, fmt.ACTIVITIES, 5, "tags", value))
    with pytest.raises(PlanImportError) as error:
        action_plan_import(source=data, imported_by=None, file_name="argali.xlsx")
    assert error.value.messages == [f"Sheet “Activities”, row 5, column “tags”: {message}"]
    assert not Activity.tags.through.objects.filter(activity__plan__slug="argali").exists()


# --- The export's Summary -------------------------------------------------------------------------------


def summary_block(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Summary"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(rows) if row[0] == "By commitment")
    return [[value for value in row if value is not None] for row in rows[start + 1:] if any(row)]


def test_summary_counts_each_commitment_s_activities_and_statuses(tagged):
    data = progress_workbook(user=AnonymousUser(), params={"plan": "argali", "tag": "gbf:4"})
    header, *rows = summary_block(data)
    assert header == ["Commitment item", "Activities", "No information", "Not started", "In progress", "Completed",
                      "Ongoing (recurring)", "Not applicable for this country", "Total"]
    countries = tagged["argali"].countries.count()
    label = "gbf:4 — Halt Species Extinction, Protect Genetic Diversity, and Manage Human-Wildlife Conflicts"
    assert rows == [[label, 1, countries - 1, 0, 0, 1, 0, 0, countries]]
    both = summary_block(progress_workbook(user=tagged["secretariat"], params={"tag": "gbf:4", "version": "working"}))
    by_item = {row[0]: row for row in both[1:]}
    leopard_countries = tagged["leopard"].countries.count()
    assert by_item[label][:2] == [label, 2] and by_item[label][-1] == countries + leopard_countries
    assert by_item["cami-pow:19.2"][1] == 1  # the leopard activity's own PoW items, counted too


def test_a_tag_with_a_null_character_is_a_400(real_plans):
    response = api_list(tag="gbf:4\x00")
    assert response.status_code == 400 and list(response.json()) == ["tag"]
