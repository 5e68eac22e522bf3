"""Marking plan texts that a page in another language shows in their English original.

``<p{{ activity|lang_attr:"text" }}>{{ activity.text }}{{ activity|original_mark:"text" }}</p>`` gives
``<p lang="en">… <span class="original-language" lang="ru">английский оригинал</span></p>`` on a Russian
page where the activity has no Russian text, and the plain text where it has.
"""
from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from cami.languages import ORIGINAL_LANGUAGE, active_language, shown_language

register = template.Library()


def _fallback(obj, field: str) -> str | None:
    """The language the text is shown in, when it is not the page's."""
    shown = shown_language(obj, field)
    return shown if shown != active_language() else None


@register.filter
def lang_attr(obj, field: str) -> str:
    """` lang="en"` where the text is shown in the original, not in the page's language."""
    shown = _fallback(obj, field)
    return format_html(' lang="{}"', shown) if shown else ""


@register.filter
def original_mark(obj, field: str) -> str:
    """The discreet "English original" label (in the page's language) where the text is not translated."""
    if not _fallback(obj, field):
        return ""
    return format_html(' <span class="original-language" lang="{}">{}</span>', active_language(), _("English original"))


@register.filter
def original_text(obj, field: str) -> str:
    """The English original of a text shown translated (for showing both); empty where it is the original."""
    shown = shown_language(obj, field)
    if shown == ORIGINAL_LANGUAGE or shown != active_language():
        return ""
    return getattr(obj, f"{field}_{ORIGINAL_LANGUAGE}", "") or ""
