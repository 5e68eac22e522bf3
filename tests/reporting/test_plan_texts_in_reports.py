"""Exports and the offline workbook give plan texts in the user's language (Russian where it exists).

reporting/ reads ``activity.text`` and ``plan.title``, which follow the active language with the English
original as fallback (django-modeltranslation): no code of its own. The Russian text is the test's sample.
"""
import io

import openpyxl
import pytest
from django.utils import translation

from reporting import workbook
from reporting.exports import progress_workbook

pytestmark = pytest.mark.django_db

TEXT_RU = "Обучать персонал охраняемых территорий"


@pytest.fixture
def translated(world):
    world["everywhere"].text_ru = TEXT_RU
    world["everywhere"].save()
    return world


def texts(data: bytes) -> set:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}


def test_excel_export_in_russian_has_the_russian_text_and_the_original_where_none(translated):
    with translation.override("ru"):
        found = texts(progress_workbook(user=translated["secretariat"], params={"plan": "test-plan"}))
    assert TEXT_RU in found and "Train protected area staff" not in found
    assert "Collaborate across borders" in found


def test_excel_export_in_english_has_the_originals(translated):
    found = texts(progress_workbook(user=translated["secretariat"], params={"plan": "test-plan"}))
    assert "Train protected area staff" in found and TEXT_RU not in found


def test_offline_workbook_follows_the_language_it_is_downloaded_in(translated):
    build = dict(round=translated["round"], country=translated["kz"], user=translated["focal_kz"])
    with translation.override("ru"):
        russian = texts(workbook.workbook_build(**build))
    english = texts(workbook.workbook_build(**build))
    assert TEXT_RU in russian and "Collaborate across borders" in russian
    assert "Train protected area staff" in english and TEXT_RU not in english
