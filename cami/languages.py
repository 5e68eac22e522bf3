"""Plan texts in the interface language (django-modeltranslation, see actionplans/translation.py).

A translated field has a column per language of ``settings.LANGUAGES``; reading ``activity.text``
gives the active language's text, or the English original where there is none. Here: which of the
two a page or the API is showing, and the columns a search looks in (every language's).
"""
from django.conf import settings
from django.db.models import Q
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname, resolution_order
from modeltranslation.utils import get_language as active_language

ORIGINAL_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE

__all__ = ["ORIGINAL_LANGUAGE", "active_language", "any_language_contains", "language_codes", "localized",
           "shown_language", "translated_fields"]


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def translated_fields(model) -> tuple[str, ...]:
    """The fields of ``model`` held in each language (its ``translation.py``); none for another model."""
    try:
        return tuple(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return ()


def shown_language(obj, field: str) -> str:
    """The language ``obj.<field>`` reads in now: the active one where it has that text, else the original's."""
    for language in resolution_order(active_language()):
        if getattr(obj, build_localized_fieldname(field, language), None) not in (None, ""):
            return language
    return ORIGINAL_LANGUAGE


def localized(*paths: str) -> list[str]:
    """Each language's column of the texts at ``paths``: "text" -> text_en, text_ru (admin search_fields)."""
    return [f"{path}_{language}" for path in paths for language in language_codes()]


def any_language_contains(value: str, *paths: str) -> Q:
    """Words in any language of the texts at ``paths`` ("text", "activity__text"): each language's column.

    A plain ``text__icontains`` looks in the active language's column only on a translated model's
    queryset, and in the shadow column modeltranslation keeps under the original name from any other.
    """
    condition = Q()
    for lookup in localized(*paths):
        condition |= Q(**{f"{lookup}__icontains": value})
    return condition
