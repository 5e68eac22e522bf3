"""The status choices of the country report's rows, rendered once per language rather than once a row.

A page of the Argali plan has hundreds of rows, each with the same five translated options: through the
template engine they took over half of the page's time (issue #11). The HTML is the one the template wrote."""
from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from reporting.models import ProgressReport

register = template.Library()


@register.simple_tag
def status_options(selected: str) -> str:
    """The ``<option>``s of a row's status select, ``selected`` (a Status value, or "") marked:
    ``{% status_options activity.form_status %}``."""
    return mark_safe("".join(chosen if value == selected else plain
                             for value, plain, chosen in _options_in(get_language())))


@lru_cache(maxsize=None)
def _options_in(language: str) -> tuple[tuple[str, str, str], ...]:
    # ``language`` keys the cache: the labels are read in the language active when first asked for it.
    return tuple(
        (value, format_html('<option value="{}">{}</option>', value, label),
         format_html('<option value="{}" selected>{}</option>', value, label))
        for value, label in ProgressReport.Status.choices
    )
