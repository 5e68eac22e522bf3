"""The commitments countries report on elsewhere, as data: schemes (the CAMI Programme of Work, CMS
Resolutions and Decisions, the Kunming-Montreal Global Biodiversity Framework) and their items, which
activities are tagged with (``Activity.tags``).

A tag is written ``scheme:code`` (``cami-pow:19.2``, ``gbf:4``) in the API's ``?tag=`` filter and the
plan workbook's ``tags`` column; ``tag_parse`` and ``commitment_items_lookup`` read it, one rule for both.
The CAMI PoW items an activity serves are those its ``cami_pow`` prints (``cami_pow_codes``): the
tracker tags them from the document, never from a mapping of its own.
"""
from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cami.languages import ORIGINAL_LANGUAGE

from .references import code_range

CAMI_POW = "cami-pow"
CAMI_POW_TITLE = "CAMI Programme of Work"
TAG_SEPARATORS = re.compile(r"\s*[;,]\s*")
DIGITS = re.compile(r"\d+")
PRINTED_RANGE = re.compile(r"^(?P<first>\d+(?:\.\d+)*)\s*[–−-]\s*(?P<last>\d+(?:\.\d+)*)$")


def natural_sort_key(code: str) -> str:
    """``code`` with each number zero-padded, so that text order is natural order: 4 < 23, 19.2 < 19.10."""
    return DIGITS.sub(lambda match: match.group().zfill(8), code.strip().casefold())[:200]


class CommitmentSchemeQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class CommitmentScheme(models.Model):
    """A set of commitments countries report on, e.g. the GBF's 23 targets or CMS Resolutions and Decisions."""

    slug = models.SlugField(_("slug"), max_length=30, unique=True,
                            help_text=_("Names the scheme in tags (gbf:4), URLs and the API, e.g. cami-pow, cms, gbf."))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    objects = CommitmentSchemeQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("commitment scheme")
        verbose_name_plural = _("commitment schemes")

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class CommitmentItemQuerySet(models.QuerySet):
    def get_by_natural_key(self, scheme_slug, code):
        return self.get(scheme__slug=scheme_slug, code=code)

    def with_activity_counts(self):
        """Each item with the number of activities of the plans' current editions tagged with it."""
        from .models import PlanEdition

        current = PlanEdition.objects.current().values("pk")
        return self.annotate(activity_count=models.Count(
            "activities", distinct=True, filter=models.Q(activities__edition__in=current)))


class CommitmentItem(models.Model):
    """One commitment of a scheme, e.g. GBF target 4 or CAMI Programme-of-Work activity 19.2."""

    scheme = models.ForeignKey(CommitmentScheme, on_delete=models.PROTECT, related_name="items",
                               verbose_name=_("scheme"))
    code = models.CharField(_("code"), max_length=60,
                            help_text=_("Number as the scheme prints it, e.g. 19.2, 4 or 14.167."))
    title = models.CharField(_("title"), max_length=300, help_text=_("Short title; the code where none is known."))
    sort_key = models.CharField(_("sort key"), max_length=200, editable=False, default="",
                                help_text=_("The code with its numbers padded: items sort 4 before 23."))

    objects = CommitmentItemQuerySet.as_manager()

    class Meta:
        ordering = ["scheme__slug", "sort_key", "code"]
        verbose_name = _("commitment item")
        verbose_name_plural = _("commitment items")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="%(app_label)s_%(class)s_unique_code"),
        ]
        indexes = [models.Index(fields=["scheme", "sort_key"], name="commitmentitem_order_idx")]

    def __str__(self):
        return f"{self.scheme.slug}:{self.code}"

    def natural_key(self):
        return (self.scheme.slug, self.code)

    natural_key.dependencies = ["actionplans.commitmentscheme"]

    @property
    def tag(self) -> str:
        return f"{self.scheme.slug}:{self.code}"

    @property
    def label(self) -> str:
        """``19.2`` where the title is only the code, else ``4 — Halt Species Extinction ...``."""
        return self.code if self.title == self.code else f"{self.code} — {self.title}"

    def clean(self):
        self.code = self.code.strip()
        self.sort_key = natural_sort_key(self.code)
        if not self.title.strip():
            self.title = self.code


def cami_pow_codes(printed: list[str]) -> list[str]:
    """The CAMI PoW activities an activity's ``cami_pow`` prints, one code each: a printed range
    "5.6–5.11" is each activity from 5.6 to 5.11 (a range it cannot expand is its two ends)."""
    codes = []
    for item in printed:
        item = item.strip()
        match = PRINTED_RANGE.match(item)
        codes += code_range(match["first"], match["last"]) if match else [item] if item else []
    return list(dict.fromkeys(codes))


def tag_parse(text: str) -> tuple[str, str] | None:
    """``"gbf:4"`` -> ``("gbf", "4")``; None for a value without a scheme and a code."""
    scheme, colon, code = text.strip().partition(":")
    if not colon or not scheme.strip() or not code.strip():
        return None
    return scheme.strip().lower(), code.strip()


def tags_split(text: str) -> list[str]:
    """A cell or parameter holding several tags, separated by ``;`` or ``,``."""
    return [value for value in TAG_SEPARATORS.split(text.strip()) if value]


def tag_errors(values, *, known_items: dict, known_schemes: set, creatable: set = frozenset()) -> list[str]:
    """A sentence for each value that names no stored item: malformed, an unknown scheme, an unknown item.

    ``creatable``: (scheme, code) pairs that do not exist yet but will (CAMI PoW items an activity prints)."""
    messages = []
    for value in values:
        pair = tag_parse(value)
        if pair is None:
            messages.append(gettext("“%(value)s” is not a tag: write scheme:code, e.g. gbf:4 or cami-pow:19.2.")
                            % {"value": value})
        elif pair in known_items or pair in creatable:
            continue
        elif pair[0] not in known_schemes and pair[0] not in {scheme for scheme, _code in creatable}:
            messages.append(gettext("There is no commitment scheme “%(scheme)s” (in “%(value)s”); schemes: "
                                    "%(schemes)s.") % {"scheme": pair[0], "value": value,
                                                       "schemes": ", ".join(sorted(known_schemes)) or "—"})
        else:
            messages.append(gettext("The scheme “%(scheme)s” has no item “%(code)s”.")
                            % {"scheme": pair[0], "code": pair[1]})
    return messages


def commitment_items_lookup(values) -> tuple[dict, list[str]]:
    """The items ``values`` (``scheme:code`` strings) name, by (scheme, code), and a sentence for each
    value naming none. Two queries at most, whatever the number of values."""
    pairs = {pair for pair in map(tag_parse, values) if pair}
    query = models.Q()
    for scheme, code in pairs:
        query |= models.Q(scheme__slug=scheme, code=code)
    items = {}
    if pairs:
        items = {(item.scheme.slug, item.code): item
                 for item in CommitmentItem.objects.select_related("scheme").filter(query)}
    missing = [value for value in values if tag_parse(value) not in items]
    schemes = set(CommitmentScheme.objects.values_list("slug", flat=True)) if missing else set()
    return items, tag_errors(missing, known_items=items, known_schemes=schemes)


def validate_tags(values) -> list[CommitmentItem]:
    """The items named, or ValidationError with a sentence for each value naming none."""
    items, errors = commitment_items_lookup(values)
    if errors:
        # Each sentence as a parameter: a value may hold "%", which a message is formatted with.
        raise ValidationError([ValidationError("%(message)s", code="invalid", params={"message": message})
                               for message in errors])
    return list(dict.fromkeys(items[tag_parse(value)] for value in values))


def cami_pow_items_get_or_create(codes) -> dict[str, CommitmentItem]:
    """The CAMI PoW items of ``codes``, created where missing (the scheme too), each titled with its code:
    the plans print only the numbers, and the tracker invents no titles. Three queries and two inserts at most."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        return {}
    with translation.override(ORIGINAL_LANGUAGE):  # the titles are the English originals (title_en)
        return _cami_pow_items(codes)


def _cami_pow_items(codes: list[str]) -> dict[str, CommitmentItem]:
    scheme = CommitmentScheme.objects.filter(slug=CAMI_POW).first()
    if scheme is None:
        scheme = CommitmentScheme(slug=CAMI_POW, title=CAMI_POW_TITLE)
        scheme.full_clean()
        scheme.save()
    items = {item.code: item for item in scheme.items.filter(code__in=codes)}
    new = [CommitmentItem(scheme=scheme, code=code, title=code) for code in codes if code not in items]
    for item in new:
        item.full_clean(validate_unique=False, validate_constraints=False)
    CommitmentItem.objects.bulk_create(new)
    items.update({item.code: item for item in scheme.items.filter(code__in=[item.code for item in new])})
    return items
