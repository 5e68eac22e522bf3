from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actionplans.models import ActionPlan, Activity, CommitmentItem, Footnote, PlanEdition, PlanElement
from actionplans.selectors import OutlineNode, activity_country_codes
from cami.languages import language_codes, shown_language
from cami.parsing import parse_int


def _element_number(element):
    """Themes and objectives are numbered 1, 2, ...: the API gives them as integers."""
    return parse_int(element.code, minimum=0) if element is not None else None


class FootnoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Footnote
        fields = ["number", "text"]


class ParentSerializer(serializers.ModelSerializer):
    """An outline heading as an activity names it: ``{level, level_name, code}``."""

    level = serializers.CharField(help_text="part, theme, section, objective, result, or a level the plan names "
                                            "itself (goal, target, ...), in lower case.")
    level_name = serializers.CharField(source="level_label", help_text="The level's name, in the language asked "
                                                                       "for where the tracker holds it.")
    code = serializers.CharField(help_text="Number as printed; with `level`, what `?outline=level:code` takes.")

    class Meta:
        model = PlanElement
        fields = ["level", "level_name", "code"]


class TagSerializer(serializers.ModelSerializer):
    """A commitment item the activity serves: ``{scheme, code, title}`` (write it ``scheme:code`` in ``?tag=``)."""

    scheme = serializers.CharField(source="scheme.slug", help_text="Scheme slug: cami-pow, cms, gbf, ...")
    code = serializers.CharField(help_text="Item number as the scheme prints it, e.g. 19.2 or 4.")
    title = serializers.CharField(help_text="Short title (in the language asked for where the tracker holds it); "
                                            "the code where none is known.")

    class Meta:
        model = CommitmentItem
        fields = ["scheme", "code", "title"]


class EditionSerializer(serializers.ModelSerializer):
    """The edition of its plan an activity belongs to."""

    current = serializers.SerializerMethodField(help_text="Whether it is the plan's current edition.")

    class Meta:
        model = PlanEdition
        fields = ["id", "number", "slug", "title", "current"]

    @extend_schema_field(serializers.BooleanField())
    def get_current(self, edition) -> bool:
        # is_current: set by ActivitySerializer from its row's annotation; "current" in the context otherwise.
        return bool(getattr(edition, "is_current", self.context.get("current")))


def _url_pattern(url: str, pk) -> tuple[str, str] | None:
    """``url`` as what comes before and after the id it ends with (``…/activities/``, ``/``)."""
    before, found, after = str(url).rpartition(str(pk))
    return (before, after) if found and "/" not in after.strip("/") else None


class _RowUrlField(serializers.HyperlinkedIdentityField):
    """The detail's address: reversed for the first row a serializer shows, then the same address with each
    row's id (a reverse() per row was a tenth of a page's time, issue #11); the same bytes."""

    def to_representation(self, value):
        pattern = getattr(self, "_pattern", None)
        if pattern:
            return f"{pattern[0]}{value.pk}{pattern[1]}"
        url = super().to_representation(value)
        self._pattern = _url_pattern(url, value.pk)
        return url


class ActivityListSerializer(serializers.ListSerializer):
    """A page of activities: the countries' codes of every row in one query, no Country instances."""

    def to_representation(self, data):
        activities = list(data.all() if hasattr(data, "all") else data)
        codes = activity_country_codes([activity.pk for activity in activities])
        for activity in activities:
            activity.country_codes = codes.get(activity.pk, [])
        return super().to_representation(activities)


class ActivitySerializer(serializers.HyperlinkedModelSerializer):
    """An activity with every field as printed, plus the values read out of them."""

    url = _RowUrlField(view_name="api:activity-detail")
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    edition = serializers.SerializerMethodField(help_text="The edition of the plan it belongs to.")
    section = serializers.SerializerMethodField(help_text="Argali measure section code (e.g. '2.0'), or null.")
    theme = serializers.SerializerMethodField(help_text="Theme number, or null.")
    objective = serializers.SerializerMethodField(help_text="Objective number, or null.")
    result = serializers.SerializerMethodField(help_text="Result code (e.g. '1.1'), or null.")
    parent = ParentSerializer(read_only=True, help_text="The heading it sits directly under, at any level of the "
                                                       "plan's outline, its own levels (goal, target) included.")
    conservation_unit = serializers.SerializerMethodField(help_text="Conservation unit number, or null.")
    countries = serializers.SerializerMethodField(help_text="ISO codes of the countries it applies to.")
    cami_pow = serializers.ListField(child=serializers.CharField(), read_only=True)
    footnotes = FootnoteSerializer(many=True, read_only=True)
    tags = TagSerializer(many=True, read_only=True, help_text="Commitment items it serves: the CAMI PoW items its "
                                                               "cami_pow prints, and those the Secretariat enters.")
    html_url = serializers.SerializerMethodField(help_text="The activity's page.")
    text_language = serializers.SerializerMethodField(
        help_text="Language of `text`: the one asked for (`?lang=`, Accept-Language) where the tracker holds the "
                  "text in it, else `en`, the original as printed. `actor`, `indicator` and titles are each "
                  "served the same way, each on its own.")

    class Meta:
        model = Activity
        list_serializer_class = ActivityListSerializer
        fields = [
            "id", "url", "html_url", "plan", "edition", "kind", "code", "key", "text", "text_language", "section",
            "theme", "objective", "result", "parent",
            "conservation_unit", "priority", "priority_scale", "priority_level", "actor", "indicator",
            "timeline", "target_year", "budget", "budget_usd", "budget_basis", "cami_pow", "applicability",
            "countries", "footnotes", "editorial_note", "tags",
        ]

    @extend_schema_field(EditionSerializer)
    def get_edition(self, activity):
        # edition_is_current: annotated by the queryset (with_edition_flag), no query per row. One
        # EditionSerializer for every row: building one a row (its fields from the model's) was two fifths
        # of a page's time (issue #11).
        if not hasattr(self, "_edition_serializer"):
            self._edition_serializer = EditionSerializer(context=self.context)
        activity.edition.is_current = activity.edition_is_current
        return self._edition_serializer.to_representation(activity.edition)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_section(self, activity):
        return activity.section.code if activity.section else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_theme(self, activity):
        return _element_number(activity.theme)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_objective(self, activity):
        return _element_number(activity.objective)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_result(self, activity):
        return activity.result.code if activity.result else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_conservation_unit(self, activity):
        return activity.conservation_unit.number if activity.conservation_unit else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_countries(self, activity):
        # A page's codes come from ActivityListSerializer (one query for all rows); a detail asks its own.
        codes = getattr(activity, "country_codes", None)
        if codes is None:
            codes = activity_country_codes([activity.pk]).get(activity.pk, [])
        return codes

    @extend_schema_field(serializers.ChoiceField(choices=language_codes()))
    def get_text_language(self, activity):
        return shown_language(activity, "text")

    @extend_schema_field(serializers.URLField())
    def get_html_url(self, activity):
        pattern = getattr(self, "_html_url_pattern", None)
        if pattern:  # as the url field: the first row's address, then each row's id in it
            return f"{pattern[0]}{activity.pk}{pattern[1]}"
        request = self.context.get("request")
        url = activity.get_absolute_url()
        url = request.build_absolute_uri(url) if request else url
        self._html_url_pattern = _url_pattern(url, activity.pk)
        return url


class ActionPlanSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:actionplan-detail", lookup_field="slug")
    range_states = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    activity_count = serializers.IntegerField(read_only=True)
    conservation_unit_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ActionPlan
        fields = [
            "id", "url", "slug", "title", "short_title", "species_common_name", "species_scientific_name",
            "period_start", "period_end", "document_symbol", "goal", "vision", "range_states",
            "activity_count", "conservation_unit_count",
        ]


class OutlineNodeSerializer(serializers.Serializer):
    level = serializers.CharField(source="element.level")
    level_name = serializers.CharField(source="element.level_label")
    code = serializers.CharField(source="element.code")
    title = serializers.CharField(source="element.title")
    conservation_unit = serializers.SerializerMethodField()
    activity_count = serializers.IntegerField()
    children = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_conservation_unit(self, node: OutlineNode):
        unit = node.element.conservation_unit
        return unit.number if unit else None

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_children(self, node: OutlineNode):
        return OutlineNodeSerializer(node.children, many=True, context=self.context).data


class ActivityCountsSerializer(serializers.Serializer):
    """How many activities a plan has: in all, by kind, by priority level (`none` where none is printed)."""

    total = serializers.IntegerField()
    by_kind = serializers.DictField(child=serializers.IntegerField(),
                                    help_text="Kind (`measure`, `action`, `activity`) → number; kinds without any left out.")
    by_priority_level = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Priority level (`high`, `medium`, `low`, `none`) → number; levels without any left out.",
    )


class ActionPlanDetailSerializer(ActionPlanSerializer):
    """A plan with its outline (parts, themes, sections, objectives, results) and activity counts."""

    outline = serializers.SerializerMethodField()
    activity_counts = serializers.SerializerMethodField()

    class Meta(ActionPlanSerializer.Meta):
        fields = ActionPlanSerializer.Meta.fields + ["activity_counts", "outline"]

    @extend_schema_field(OutlineNodeSerializer(many=True))
    def get_outline(self, plan):
        return OutlineNodeSerializer(self.context["outline"], many=True, context=self.context).data

    @extend_schema_field(ActivityCountsSerializer)
    def get_activity_counts(self, plan):
        return self.context["activity_counts"]


class PlanElementSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanElement
        fields = ["level", "code", "title"]
