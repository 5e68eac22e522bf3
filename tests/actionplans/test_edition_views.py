"""A plan's new edition in the browser: the upload as a new edition, the preview of its differences with the
current edition, the proposed matches confirmed or rejected one by one, and the confirm."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans.models import Activity, PlanEdition
from actionplans.plan_workbook import format as fmt
from actionplans.plan_workbook import plan_workbook_build

from .test_editions import NEW_TITLE, REWORDED, _cell, _new_edition_workbook, _row

pytestmark = pytest.mark.django_db


@pytest.fixture
def argali(real_plans):
    return real_plans["argali"]


def _set(book, sheet, column, match, value, by):
    header = [cell.value for cell in book[sheet][1]]
    row = next(r for r in range(2, book[sheet].max_row + 1)
               if str(book[sheet].cell(r, header.index(by) + 1).value) == match)
    book[sheet].cell(row, header.index(column) + 1).value = value


def _every_kind_of_change(plan) -> bytes:
    """The editions tests' workbook (1.1 reworded, 1.2 renumbered 1.9, 3.2 to merge into 3.1, 3.3 removed,
    3.7 added, 3.4bis keyless) with 2.1's key emptied too (a second proposal) and an outline title, a unit
    name and a footnote changed."""
    book = openpyxl.load_workbook(io.BytesIO(_new_edition_workbook(plan_workbook_build(plan=plan))))
    _cell(book, _row(book, "2.1"), "key", None)
    outline = book[fmt.OUTLINE]
    header = [cell.value for cell in outline[1]]
    outline.cell(2, header.index("title") + 1).value = "A retitled first heading"
    _set(book, fmt.UNITS, "name", "1", "A renamed first unit", by="number")
    footnotes = book[fmt.FOOTNOTES]
    footnotes.cell(2, [cell.value for cell in footnotes[1]].index("text") + 1).value = "A corrected footnote."
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def upload(client, content, slug="argali", **fields):
    return client.post(reverse("actionplans:plan_import_into", args=[slug]),
                       {"file": SimpleUploadedFile("argali-2026.xlsx", content), **fields})


def as_new_edition(client, content, matches=""):
    return upload(client, content, edition="new_edition", edition_title=NEW_TITLE, matches=matches)


def confirm(client, response, **choices):
    data = {"token": response.context["token"], **{f"match-{key}": value for key, value in choices.items()}}
    return client.post(reverse("actionplans:plan_import_confirm"), data, follow=True)


def test_the_upload_form_of_a_plan_offers_a_correction_or_a_new_edition(client, secretariat, argali):
    text = client.get(reverse("actionplans:plan_import_into", args=["argali"])).content.decode()
    assert "a correction of the current edition (typos, translations)" in text
    assert "the plan&#x27;s new edition, titled:" in text and 'name="edition_title"' in text
    assert 'name="edition"' not in client.get(reverse("actionplans:plan_import")).content.decode()


def test_a_new_edition_needs_a_title(client, secretariat, argali):
    response = upload(client, b"unread", edition="new_edition", edition_title="  ")
    assert response.status_code == 400
    assert "Give the new edition a title." in response.content.decode()


def test_the_secretariat_previews_decides_and_saves_a_new_edition(client, secretariat, argali):
    preview = as_new_edition(client, _every_kind_of_change(argali), matches="3.1=3.2")
    assert preview.status_code == 200, preview.content.decode()[:3000]
    text = preview.content.decode()
    assert f"A new edition of {argali.short_title} (argali): “{NEW_TITLE}”" in text
    assert "What differs from the current edition, “Draft”" in text
    diff = preview.context["preview"].diff
    assert [m.new.code for m in diff.reworded] == ["1.1"] and REWORDED in text
    assert "1 activity renumbered" in text and "1.2 is now 1.9" in text
    assert "1 activity merging others" in text and "3.1 continues 3.1, 3.2" in text
    assert [new.code for new in diff.added] == ["2.1", "3.4bis", "3.7"] and "activities added" in text
    assert [old.code for old in diff.removed] == ["2.1", "3.3", "3.4"]
    assert "kept under the edition “Draft” and its rounds" in text
    assert "Outline, units and footnotes" in text
    assert "A retitled first heading" in text and "A renamed first unit" in text and "A corrected footnote." in text
    assert "2 proposed matches to confirm or reject" in text
    assert "2.1 may continue 2.1 (100 % similar)" in text and "3.4bis may continue 3.4 (100 % similar)" in text
    assert text.count('type="radio" name="match-') == 4
    assert PlanEdition.objects.filter(plan=argali).count() == 1  # nothing saved at the preview

    page = confirm(client, preview, **{"3.4bis": "confirm", "2.1": "reject"})
    assert page.redirect_chain[-1][0] == argali.get_absolute_url(), page.content.decode()[:2000]
    assert f"argali: new edition “{NEW_TITLE}” (165 activities)" in page.content.decode()
    edition = argali.current_edition
    assert (edition.number, edition.title) == (2, NEW_TITLE)
    new = {a.key: a for a in edition.activities.all()}
    assert sorted(old.key for old in new["3.1"].continues.all()) == ["3.1", "3.2"]
    assert (new["1.2"].code, [old.code for old in new["1.2"].continues.all()]) == ("1.9", ["1.2"])
    assert [old.code for old in new["3.4bis"].continues.all()] == ["3.4"]
    assert not new["2.1"].continues.exists() and not new["3.7"].continues.exists()
    assert Activity.objects.filter(plan=argali, edition__number=1).count() == 166  # the Draft kept whole


def test_an_undecided_proposal_shows_the_preview_again_naming_the_row(client, secretariat, argali):
    preview = as_new_edition(client, _every_kind_of_change(argali), matches="3.1=3.2")
    again = confirm(client, preview, **{"3.4bis": "confirm"})
    assert again.status_code == 400
    text = again.content.decode()
    assert "Confirm or reject each proposed match before saving; still to decide: 2.1 (may continue 2.1)." in text
    assert 'name="match-3.4bis" value="confirm" id="match-2-confirm" checked>' in text  # the choice made is kept
    assert PlanEdition.objects.filter(plan=argali).count() == 1
    page = confirm(client, again, **{"3.4bis": "confirm", "2.1": "confirm"})
    assert argali.current_edition.title == NEW_TITLE, page.content.decode()[:2000]
    assert [old.code for old in argali.current_edition.activities.get(key="2.1").continues.all()] == ["2.1"]


def test_a_plan_changed_after_the_preview_saves_no_edition(client, secretariat, argali):
    preview = as_new_edition(client, _every_kind_of_change(argali), matches="3.1=3.2")
    Activity.objects.filter(edition=argali.current_edition, key="3.6").update(text="Changed meanwhile.")
    page = confirm(client, preview, **{"3.4bis": "confirm", "2.1": "reject"})
    assert "The plan changed in the tracker after the preview" in page.content.decode()
    assert PlanEdition.objects.filter(plan=argali).count() == 1


def test_a_correction_that_adds_an_activity_is_refused_saying_to_import_a_new_edition(client, secretariat, argali):
    response = upload(client, _every_kind_of_change(argali), edition="correction")
    assert response.status_code == 400
    text = response.content.decode()
    assert "a correction may not add one; import the workbook as a new edition" in text
    assert response.context["token"] is None
    assert PlanEdition.objects.filter(plan=argali).count() == 1


def test_a_hand_match_that_is_not_new_equals_old_is_refused_on_the_form(client, secretariat, argali):
    response = as_new_edition(client, b"unread", matches="3.1 3.2")
    assert response.status_code == 400
    assert "“3.1 3.2” is not NEW=OLD (e.g. 3.1=3.1+3.2)." in response.content.decode()


def test_someone_not_of_the_secretariat_cannot_preview_or_confirm_an_edition(client, django_user_model, argali):
    client.force_login(django_user_model.objects.create_user("focal-edition"))
    response = as_new_edition(client, _every_kind_of_change(argali))
    assert response.status_code == 403
    assert "Only the CMS Secretariat imports and exports plan workbooks." in response.content.decode()
    assert client.post(reverse("actionplans:plan_import_confirm"), {"token": "x"}).status_code == 403
    assert PlanEdition.objects.filter(plan=argali).count() == 1
