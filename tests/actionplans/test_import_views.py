"""The Secretariat's plan workbook pages: downloads, upload and preview, confirm; who may use them."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans.models import ActionPlan, Activity, PlanImport
from actionplans.plan_workbook import format as fmt
from actionplans.plan_workbook import plan_workbook_build
from actionplans.services import action_plan_import

from .third_plan import SLUG, third_plan_workbook

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def third_plan(db):
    action_plan_import(source=third_plan_workbook(), imported_by=None, file_name="third.xlsx")
    return ActionPlan.objects.get(slug=SLUG)


def set_cell(book, sheet, key, column, value):
    header = [cell.value for cell in book[sheet][1]]
    codes = header.index("key") + 1, header.index("code") + 1  # a hand-filled workbook leaves key empty
    row = next(r for r in range(2, book[sheet].max_row + 1)
               if key in (book[sheet].cell(r, codes[0]).value, book[sheet].cell(r, codes[1]).value))
    book[sheet].cell(row, header.index(column) + 1).value = value


def corrected(plan, **texts) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook_build(plan=plan)))
    for key, text in texts.items():
        set_cell(book, fmt.ACTIVITIES, key.replace("_", "."), "text", text)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def upload(client, content, slug=None, name="plan.xlsx"):
    url = reverse("actionplans:plan_import_into", args=[slug]) if slug else reverse("actionplans:plan_import")
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def confirm(client, response):
    return client.post(reverse("actionplans:plan_import_confirm"), {"token": response.context["token"]}, follow=True)


def page_urls(slug):
    return [reverse("actionplans:plan_import"), reverse("actionplans:plan_template"),
            reverse("actionplans:plan_workbook", args=[slug]), reverse("actionplans:plan_import_into", args=[slug])]


def test_anonymous_visitors_are_sent_to_sign_in(client, third_plan):
    for url in page_urls(SLUG):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    assert client.post(reverse("actionplans:plan_import_confirm")).status_code == 302


def test_someone_not_of_the_secretariat_is_refused_with_a_sentence(client, django_user_model, third_plan):
    client.force_login(django_user_model.objects.create_user("focal-import"))
    for url in page_urls(SLUG):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Only the CMS Secretariat imports and exports plan workbooks." in response.content.decode()


def test_the_secretariat_downloads_the_template_and_a_plan_s_workbook(client, secretariat, third_plan):
    template = client.get(reverse("actionplans:plan_template"))
    assert template["Content-Type"] == XLSX and 'filename="cami-plan-template.xlsx"' in template["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(template.content)).sheetnames == [fmt.INSTRUCTIONS, *fmt.DATA_SHEETS]
    workbook = client.get(reverse("actionplans:plan_workbook", args=[SLUG]))
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    assert book[fmt.ACTIVITIES].max_row == 5
    assert f'filename="cami-plan-{SLUG}.xlsx"' in workbook["Content-Disposition"]


def test_plan_pages_link_to_the_import_for_the_secretariat_only(client, secretariat, third_plan):
    assert reverse("actionplans:plan_import") in client.get(reverse("actionplans:actionplan_list")).content.decode()
    html = client.get(third_plan.get_absolute_url()).content.decode()
    assert reverse("actionplans:plan_import_into", args=[SLUG]) in html
    client.logout()
    assert reverse("actionplans:plan_import_into", args=[SLUG]) not in client.get(
        third_plan.get_absolute_url()).content.decode()


def test_every_refused_row_is_listed_with_sheet_row_and_column_and_nothing_is_saved(client, secretariat):
    def break_it(book):
        set_cell(book, fmt.ACTIVITIES, "1.1.1.1", "priority", "Z")
        set_cell(book, fmt.ACTIVITIES, "2.1", "countries", "XA, QQ")

    response = upload(client, third_plan_workbook(break_it))
    assert response.status_code == 400 and response.context["token"] is None
    errors = [(e.sheet, e.row, e.column) for e in response.context["preview"].errors]
    assert errors == [("Activities", 2, "priority"), ("Activities", 4, "countries")]
    html = response.content.decode()
    assert "“Z” is not on the plan&#x27;s priority scale for activity (A, B, C)." in html
    assert "QQ is not a range state of the plan (sheet Countries)." in html
    assert "Create the plan" not in html
    assert not ActionPlan.objects.filter(slug=SLUG).exists() and not PlanImport.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(client, secretariat):
    response = upload(client, b"code,name\nXA,Testland\n", name="plan.xlsx")
    assert response.status_code == 400
    assert "This file is not an Excel workbook (.xlsx)" in response.content.decode()


def test_no_file_is_refused_on_the_form(client, secretariat):
    response = client.post(reverse("actionplans:plan_import"), {})
    assert response.status_code == 400 and "Choose the plan workbook to upload." in response.content.decode()


def test_a_correction_shows_its_changes_per_sheet_and_saves_them_on_confirm(client, secretariat, third_plan):
    response = upload(client, corrected(third_plan, **{"2_1": "Tell every school about marmots."}), slug=SLUG)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.plan, preview.outcome) == (third_plan, "corrected")
    assert [(sheet, [(c.key, c.field) for c in changes]) for sheet, changes in preview.changes_by_sheet] == [
        ("Activities", [("2.1", "text")])]
    assert "Tell every school about marmots." in response.content.decode()
    assert Activity.objects.get(plan=third_plan, key="2.1").text == "Tell the schools about marmots."
    page = confirm(client, response)
    assert "Imported plan.xlsx: test-third-plan: corrected, 1 values changed" in page.content.decode()
    assert Activity.objects.get(plan=third_plan, key="2.1").text == "Tell every school about marmots."
    record = PlanImport.objects.get(outcome="corrected")
    assert (record.imported_by, record.file_name) == (secretariat, "plan.xlsx")
    assert record.changes[0]["new"] == "Tell every school about marmots."
    history = client.get(reverse("actionplans:plan_import_into", args=[SLUG])).content.decode()
    assert "sec-import" in history and "Tell every school about marmots." in history


def test_a_preview_is_confirmed_once(client, secretariat, third_plan):
    response = upload(client, corrected(third_plan, **{"2_1": "Once."}), slug=SLUG)
    confirm(client, response)
    again = confirm(client, response)
    assert "This preview is no longer valid" in again.content.decode()
    assert PlanImport.objects.filter(outcome="corrected").count() == 1


def test_a_forged_token_saves_nothing(client, secretariat, third_plan):
    upload(client, corrected(third_plan, **{"2_1": "Forged."}), slug=SLUG)
    page = client.post(reverse("actionplans:plan_import_confirm"), {"token": "guess"}, follow=True)
    assert "This preview is no longer valid" in page.content.decode()
    assert Activity.objects.get(plan=third_plan, key="2.1").text == "Tell the schools about marmots."


def test_a_plan_changed_after_the_preview_is_not_overwritten(client, secretariat, third_plan):
    response = upload(client, corrected(third_plan, **{"2_1": "From the workbook."}), slug=SLUG)
    Activity.objects.filter(plan=third_plan, key="2.2").update(text="Edited in the admin meanwhile.")
    page = confirm(client, response)
    assert "Nothing was saved" in page.content.decode() or "changed in the tracker" in page.content.decode()
    assert Activity.objects.get(plan=third_plan, key="2.1").text == "Tell the schools about marmots."
    assert not PlanImport.objects.filter(outcome="corrected").exists()


def test_the_workbook_of_another_plan_is_refused_on_a_plan_s_page(client, secretariat, third_plan):
    other = third_plan_workbook(lambda book: setattr(book[fmt.PLAN].cell(2, 2), "value", "another-plan"))
    response = upload(client, other, slug=SLUG)
    assert response.status_code == 400
    assert ("This is the workbook of the plan “another-plan”, not of “test-third-plan”."
            in response.context["preview"].errors[0].message)


def test_import_page_query_count_is_constant(client, secretariat, third_plan, django_assert_num_queries):
    url = reverse("actionplans:plan_import")
    # session, user, the recent imports with their plan and user
    with django_assert_num_queries(3):
        client.get(url)
    for n in range(20):
        PlanImport.objects.create(plan=third_plan, imported_by=secretariat, file_name=f"{n}.xlsx",
                                  outcome="unchanged")
    with django_assert_num_queries(3):
        assert len(client.get(url).context["imports"]) == 20
