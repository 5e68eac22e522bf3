"""Unit texts held in each language of settings.LANGUAGES (django-modeltranslation; see
actionplans/translation.py). Country names stay the English short names."""
from modeltranslation.translator import TranslationOptions, register

from .models import ConservationUnit


@register(ConservationUnit)
class ConservationUnitTranslationOptions(TranslationOptions):
    fields = ("name", "countries_as_printed", "subspecies", "geographic_area")
    required_languages = {"en": ("name",)}
