"""Filters shared by the FilterSets of the apps."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

# Every integer column the filters compare with fits in a 32-bit signed integer (ids, unit numbers, years).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


@extend_schema_field({"type": "integer", "minimum": INT_MIN, "maximum": INT_MAX})
class WholeNumberFilter(django_filters.NumberFilter):
    """A whole number within the range of an integer column.

    django-filter's NumberFilter reads a decimal: `plan_id=99.5` matched plan 99, and a number too
    large for the database (`plan_id=1e30`) failed in the database driver (a 500). Both now answer
    400 naming the filter, and the schema says integer with its bounds.
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", INT_MIN)
        kwargs.setdefault("max_value", INT_MAX)
        super().__init__(*args, **kwargs)


def _checkboxes(widget: forms.SelectMultiple) -> forms.CheckboxSelectMultiple:
    boxes = forms.CheckboxSelectMultiple(attrs=widget.attrs)
    boxes.choices, boxes.is_required = widget.choices, widget.is_required
    return boxes


class PlainFilterSet(django_filters.FilterSet):
    """A FilterSet whose form a person can use: every multi-value choice is a group of checkboxes rather
    than a list to Ctrl-click. Both widgets read every value of the parameter (``getlist``), so what the
    API and saved addresses accept is unchanged; only the HTML differs."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            for field in super().form.fields.values():
                if type(field.widget) is forms.SelectMultiple:
                    field.widget = _checkboxes(field.widget)
        return self._form


class LabelledSelect(forms.Select):
    """A select whose options may say the language of their label (``lang``) where it is not the page's,
    as the plan texts on the pages do (cami/templatetags/plan_texts.py): a title with no Russian yet."""

    def __init__(self, *args, option_languages: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.option_languages = option_languages or {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if language := self.option_languages.get(str(value)):
            option["attrs"]["lang"] = language
        return option


def offer_choices(form, name: str, groups: dict, *, option_languages: dict | None = None):
    """Field ``name`` of a page's filter ``form``, typed in the API (a code, a number), shown as a select:
    "All", then ``groups`` ({group label, or "" for none: [(value, label), ...]}). The parameter and its
    values stay what they were, so links and the API keep working. With nothing to offer the field is left
    off the form, unless the address asks for a value; one no choice has (an old link) is its own option."""
    asked = str(form.data.get(form.add_prefix(name)) or "").strip() if form.is_bound else ""
    if not groups and not asked:
        del form.fields[name]
        return
    choices = [("", _("All"))]
    for group, options in groups.items():
        choices += [(group, options)] if group else options
    if asked and all(asked != str(value) for options in groups.values() for value, label in options):
        choices.append((asked, asked))
    form.fields[name].widget = LabelledSelect(choices=choices, option_languages=option_languages)
