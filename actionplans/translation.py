"""The plan texts held in each language of settings.LANGUAGES (django-modeltranslation).

Each field named here gets a column per language (``text_en``, ``text_ru``); ``text`` reads the
active language's and falls back to the English original. Values read out of printed text (the
timeline's target year, the budget's amount, priorities) stay in English only: they are parsed.
"""
from modeltranslation.translator import TranslationOptions, register

from .models import ActionPlan, Activity, CommitmentItem, CommitmentScheme, Footnote, PlanElement


@register(ActionPlan)
class ActionPlanTranslationOptions(TranslationOptions):
    fields = ("title", "short_title", "species_common_name", "goal", "vision")
    required_languages = {"en": ("title", "short_title", "species_common_name")}


@register(PlanElement)
class PlanElementTranslationOptions(TranslationOptions):
    fields = ("title", "level_name")
    required_languages = {"en": ("title",)}


@register(Activity)
class ActivityTranslationOptions(TranslationOptions):
    fields = ("text", "actor", "indicator", "applicability", "editorial_note")
    required_languages = {"en": ("text",)}


@register(Footnote)
class FootnoteTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(CommitmentScheme)
class CommitmentSchemeTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = {"en": ("title",)}


@register(CommitmentItem)
class CommitmentItemTranslationOptions(TranslationOptions):
    fields = ("title",)
    required_languages = {"en": ("title",)}
