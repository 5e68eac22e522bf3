"""Filters shared by the FilterSets of the apps."""
import django_filters
from django import forms
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
