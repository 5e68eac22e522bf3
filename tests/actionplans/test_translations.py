"""Plan texts in Russian beside the English original: pages, API, search, admin, loading and workbooks.

The real plans have no Russian text: every Russian text here is the test's own sample.
"""
import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from actionplans.filtersets import ActivityFilterSet
from actionplans.models import Activity
from actionplans.plan_workbook import format as fmt
from actionplans.plan_workbook import plan_workbook_build
from actionplans.services import action_plan_import, action_plan_load
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    ConservationUnitFactory,
    CountryFactory,
    PlanElementFactory,
)

pytestmark = pytest.mark.django_db

TEXT_RU = "Обучить инспекторов охраняемых территорий"
TITLE_RU = "План действий по сохранению тестового вида"
RESULT_RU = "Браконьерство сокращено"
UNIT_RU = "Западный Тянь-Шань"


@pytest.fixture
def plan():
    country = CountryFactory(code="QM", name="Testland QM")
    plan = ActionPlanFactory(slug="test-plan", title="Test species action plan", title_ru=TITLE_RU,
                             range_states=[country])
    result = PlanElementFactory(plan=plan, level="result", code="1.1", title="Poaching is reduced",
                                title_ru=RESULT_RU)
    unit = ConservationUnitFactory(plan=plan, number=1, name="Western Tien Shan", name_ru=UNIT_RU,
                                   countries=[country])
    ActivityFactory(plan=plan, result=result, code="1.1.1", text="Train protected area rangers", text_ru=TEXT_RU,
                    actor="Ministries", actor_ru="Министерства", conservation_unit=unit, countries=[country])
    ActivityFactory(plan=plan, result=result, code="1.1.2", text="Count the herds every spring",
                    actor="NGOs", countries=[country])
    return plan


def activity(code) -> Activity:
    return Activity.objects.get(plan__slug="test-plan", code=code)


@pytest.fixture
def russian_client(client):
    """Signed in, with Russian chosen as the interface language in the header's switcher."""
    user = get_user_model().objects.create_user("reader-ru", password="pw")
    client.force_login(user)
    client.post(reverse("reporting:language_set"), {"language": "ru", "next": "/"})
    return client


def element_with(html: str, text: str) -> str:
    """The opening tag of the innermost element whose content starts with ``text``."""
    match = re.search(r"<([a-z0-9]+)([^<>]*)>\s*" + re.escape(text), html)
    assert match, f"{text!r} is not on the page"
    return match.group(0)


# --- Pages -------------------------------------------------------------------------------------------


def test_russian_interface_shows_russian_plan_texts_and_marks_the_english_originals(russian_client, plan):
    html = russian_client.get(reverse("actionplans:activity_list") + "?plan=test-plan").content.decode()
    assert '<html lang="ru">' in html
    assert TEXT_RU in html and "Train protected area rangers" not in html
    assert 'lang="en"' not in element_with(html, TEXT_RU)
    untranslated = element_with(html, "Count the herds every spring")
    assert 'lang="en"' in untranslated
    row = html[html.index("Count the herds every spring"):]
    assert re.match(r'[^<]*<span class="original-language" lang="ru">английский оригинал</span>', row)
    assert "Министерства" in html and 'lang="en"' in element_with(html, "NGOs")


def test_plan_page_in_russian_shows_translated_title_outline_and_unit(russian_client, plan):
    html = russian_client.get(plan.get_absolute_url()).content.decode()
    assert TITLE_RU in html and RESULT_RU in html and UNIT_RU in html
    for text in (TITLE_RU, RESULT_RU, UNIT_RU):
        assert 'lang="en"' not in element_with(html, text)
    assert "Poaching is reduced" not in html


def test_activity_page_shows_the_english_original_beside_the_translation(russian_client, plan):
    html = russian_client.get(activity("1.1.1").get_absolute_url()).content.decode()
    assert TEXT_RU in html
    details = html[html.index('<details class="original-text">'):]
    assert details.index("английский оригинал") < details.index('<p lang="en">Train protected area rangers')


def test_untranslated_activity_page_says_english_original_and_shows_the_text_once(russian_client, plan):
    html = russian_client.get(activity("1.1.2").get_absolute_url()).content.decode()
    assert 'lang="en"' in element_with(html, "Count the herds every spring")
    assert html.count("Count the herds every spring") == 1
    assert '<details class="original-text">' not in html
    assert '<span class="original-language" lang="ru">английский оригинал</span>' in html


def test_english_interface_shows_the_originals_without_any_mark(client, plan):
    html = client.get(reverse("actionplans:activity_list") + "?plan=test-plan").content.decode()
    assert "Train protected area rangers" in html and TEXT_RU not in html
    assert "original-language" not in html and 'lang="en"' not in element_with(html, "Train protected area rangers")


def test_activity_list_in_russian_takes_as_many_queries_with_more_rows(russian_client, plan,
                                                                      django_assert_num_queries,
                                                                      django_assert_max_num_queries):
    url = reverse("actionplans:activity_list") + "?plan=test-plan"
    russian_client.get(url)
    with django_assert_max_num_queries(100) as few:
        russian_client.get(url)
    for number in range(20):
        ActivityFactory(plan=plan, result=activity("1.1.1").result, text=f"More {number}", text_ru=f"Ещё {number}")
    with django_assert_num_queries(len(few.captured_queries)):
        russian_client.get(url)


# --- API ---------------------------------------------------------------------------------------------


def api_rows(**headers_and_params):
    params = {"plan": "test-plan", **headers_and_params.pop("params", {})}
    body = APIClient().get(reverse("api:activity-list"), params, **headers_and_params).json()
    return {row["code"]: row for row in body["results"]}


@pytest.mark.parametrize("how", [{"params": {"lang": "ru"}}, {"HTTP_ACCEPT_LANGUAGE": "ru"}])
def test_api_serves_russian_where_it_exists_and_says_which_language(plan, how):
    rows = api_rows(**how)
    assert (rows["1.1.1"]["text"], rows["1.1.1"]["actor"], rows["1.1.1"]["text_language"]) == (
        TEXT_RU, "Министерства", "ru")
    assert (rows["1.1.2"]["text"], rows["1.1.2"]["actor"], rows["1.1.2"]["text_language"]) == (
        "Count the herds every spring", "NGOs", "en")


def test_api_without_a_language_serves_the_english_originals(plan):
    rows = api_rows()
    assert (rows["1.1.1"]["text"], rows["1.1.1"]["text_language"]) == ("Train protected area rangers", "en")


def test_lang_parameter_wins_over_accept_language_and_unknown_ones_are_ignored(plan):
    assert api_rows(params={"lang": "en"}, HTTP_ACCEPT_LANGUAGE="ru")["1.1.1"]["text_language"] == "en"
    assert api_rows(params={"lang": "xx"}, HTTP_ACCEPT_LANGUAGE="ru")["1.1.1"]["text_language"] == "ru"


def test_plan_detail_in_russian_has_russian_titles_in_its_outline(plan):
    body = APIClient().get(reverse("api:actionplan-detail", args=["test-plan"]), {"lang": "ru"}).json()
    assert body["title"] == TITLE_RU
    assert body["outline"][0]["title"] == RESULT_RU


def test_schema_documents_lang_and_text_language(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/activities/"]["get"]
    assert "lang" in {parameter["name"] for parameter in operation["parameters"]}
    assert "text_language" in schema["components"]["schemas"]["Activity"]["properties"]


# --- Search ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("words, codes", [
    ("инспекторов", ["1.1.1"]), ("Министерства", ["1.1.1"]), ("rangers", ["1.1.1"]), ("herds", ["1.1.2"]),
])
def test_search_finds_words_in_either_language_whatever_the_interface_language(plan, words, codes):
    for language in ("en", "ru"):
        with translation.override(language):
            found = ActivityFilterSet({"search": words}, Activity.objects.filter(plan=plan)).qs
            assert sorted(found.values_list("code", flat=True)) == codes, language


def test_api_search_in_russian_finds_the_russian_text(plan):
    assert list(api_rows(params={"search": "охраняемых"})) == ["1.1.1"]


def test_admin_search_finds_russian_text(client, plan):
    client.force_login(get_user_model().objects.create_superuser("sec-t", "s@example.org", "pw"))
    html = client.get(reverse("admin:actionplans_activity_changelist"), {"q": "инспекторов"}).content.decode()
    assert "1.1.1" in html and "1.1.2" not in html


def test_admin_form_has_the_english_and_russian_text_side_by_side(client, plan):
    client.force_login(get_user_model().objects.create_superuser("sec-t", "s@example.org", "pw"))
    html = client.get(reverse("admin:actionplans_activity_change", args=[activity("1.1.1").pk])).content.decode()
    assert 'name="text_en"' in html and 'name="text_ru"' in html and TEXT_RU in html


# --- Loading and workbooks ---------------------------------------------------------------------------


def test_load_plans_update_keeps_translations_entered_meanwhile(real_plans):
    measure = Activity.objects.get(plan__slug="argali", key="2.1")
    printed = measure.text
    Activity.objects.filter(pk=measure.pk).update(text_ru="Образец перевода для теста", text_en="Edited")
    action_plan_load(slug="argali", update=True)
    measure.refresh_from_db()
    assert (measure.text_en, measure.text_ru) == (printed, "Образец перевода для теста")


def cells(book, sheet, key_column, key):
    rows = list(book[sheet].iter_rows(values_only=True))
    header = rows[0]
    return next(dict(zip(header, row)) for row in rows[1:] if row[header.index(key_column)] == key)


def saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def imported_copy(plan):
    """The plan exported and imported under another slug: a plan as the workbook import makes it."""
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook_build(plan=plan)))
    book[fmt.PLAN].cell(2, 2).value = "test-plan-copy"
    result = action_plan_import(source=saved(book), file_name="copy.xlsx")
    assert result.outcome == "created" and result.warnings == []
    return result.record.plan


def test_workbook_round_trip_keeps_the_ru_columns(plan):
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook_build(plan=plan)))
    row = cells(book, fmt.ACTIVITIES, "key", "1.1.1")
    assert (row["text"], row["text_ru"], row["actor_ru"]) == ("Train protected area rangers", TEXT_RU, "Министерства")
    assert cells(book, fmt.ACTIVITIES, "key", "1.1.2")["text_ru"] in (None, "")
    assert cells(book, fmt.OUTLINE, "code", "1.1")["title_ru"] == RESULT_RU
    assert cells(book, fmt.UNITS, "number", "1")["name_ru"] == UNIT_RU
    assert cells(book, fmt.PLAN, "field", "title")["value_ru"] == TITLE_RU
    assert cells(book, fmt.PLAN, "field", "languages")["value"] == "en, ru"

    imported_copy(plan)
    copy = Activity.objects.get(plan__slug="test-plan-copy", key="1.1.1")
    assert (copy.text_en, copy.text_ru, copy.actor_ru) == ("Train protected area rangers", TEXT_RU, "Министерства")
    assert copy.result.title_ru == RESULT_RU and copy.conservation_unit.name_ru == UNIT_RU
    assert copy.plan.title_ru == TITLE_RU


def test_a_russian_text_added_in_the_workbook_corrects_the_plan_and_is_recorded(plan):
    copy = imported_copy(plan)
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook_build(plan=copy)))
    sheet = book[fmt.ACTIVITIES]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, header.index("key") + 1).value == "1.1.2")
    sheet.cell(row, header.index("text_ru") + 1).value = "Считать стада каждую весну"
    sheet.cell(row, header.index("timeline_ru") + 1).value = "2028 год"
    with translation.override("ru"):  # whoever imports, the main columns stay the English originals
        result = action_plan_import(source=saved(book), file_name="ru.xlsx")
    assert result.outcome == "corrected"
    assert [(c.key, c.field, c.new) for c in result.changes] == [("1.1.2", "text_ru", "Считать стада каждую весну")]
    assert any("сроки, бюджеты и названия стран хранятся только на английском" in w for w in result.warnings)
    counted = Activity.objects.get(plan=copy, key="1.1.2")
    assert (counted.text_en, counted.text_ru, counted.timeline) == (
        "Count the herds every spring", "Считать стада каждую весну", "2028")


def test_export_in_a_russian_request_still_writes_the_originals_in_the_main_columns(plan):
    with translation.override("ru"):
        book = openpyxl.load_workbook(io.BytesIO(plan_workbook_build(plan=plan)))
    row = cells(book, fmt.ACTIVITIES, "key", "1.1.1")
    assert (row["text"], row["text_ru"]) == ("Train protected area rangers", TEXT_RU)
