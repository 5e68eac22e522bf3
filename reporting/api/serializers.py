"""What the reporting API reads and writes.

Read serializers show an object with its relations flattened to ids, slugs and ISO codes; write
serializers only check the input's shape (does the activity exist, is the status a choice): the
rules that span rows and who may write are the services' (reporting/services/).
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actionplans.models import ActionPlan, Activity
from conservation_units.models import Country
from reporting import money, rules
from reporting.models import (
    CountryReport, Evidence, ProgressChange, ProgressReport, PublishedProgress, ReportEvent, ReportingRound, sees_drafts,
)


class ReportingRoundSerializer(serializers.ModelSerializer):
    """A reporting round; the Secretariat opens one by posting plan, title, opens_on and due_on."""

    url = serializers.HyperlinkedIdentityField(view_name="api:reportinground-detail")
    plan = serializers.SlugRelatedField(slug_field="slug", queryset=ActionPlan.objects.all(),
                                        help_text=_("Plan slug."))

    class Meta:
        model = ReportingRound
        fields = ["id", "url", "plan", "title", "opens_on", "due_on", "status", "closed_at"]
        read_only_fields = ["status", "closed_at"]
        # round_open decides "one open round per plan" and "due on or after opening", naming the plan
        # and due_on; DRF's generic unique-set message would not.
        validators = []


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("The link, or the address that downloads the file."))

    class Meta:
        model = Evidence
        fields = ["id", "kind", "title", "url", "visibility"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, evidence):
        request = self.context.get("request")
        url = evidence.get_absolute_url()  # a link as given; a file through the download view that checks access
        return request.build_absolute_uri(url) if request else url


class PublishedProgressSerializer(serializers.ModelSerializer):
    """The report as the Secretariat last validated it: what visitors who may not see drafts read."""

    class Meta:
        model = PublishedProgress
        fields = ["status", "narrative", "obstacles", "expected_year", "funds_amount", "funds_currency", "funds_usd",
                  "funds_source", "funds_funder", "version", "validated_at"]


def _reads_published(serializer) -> bool:
    request = serializer.context.get("request")
    return request is None or not sees_drafts(request.user)


class ProgressReportSerializer(serializers.ModelSerializer):
    """A progress report as read; `evidence` lists only what the requesting user may see.

    Readers of drafts (signed-in users) read the working copy, with `published` beside it; everyone else
    reads the published version (the values at the last validation) and `published` repeats it."""

    url = serializers.HyperlinkedIdentityField(view_name="api:progressreport-detail")
    html_url = serializers.SerializerMethodField(help_text=_("The report's page."))
    activity = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Activity id."))
    plan = serializers.CharField(source="country_report.round.plan.slug", read_only=True,
                                 help_text=_("Plan slug."))
    activity_code = serializers.CharField(source="activity.code", read_only=True)
    country = serializers.CharField(source="country_report.country.code", read_only=True,
                                    help_text=_("ISO 3166-1 alpha-2 code."))
    round = serializers.IntegerField(source="country_report.round_id", read_only=True, help_text=_("Round id."))
    evidence = EvidenceSerializer(source="visible_evidence", many=True, read_only=True)
    state = serializers.ChoiceField(source="country_report.state", choices=CountryReport.State.choices,
                                    read_only=True, help_text=_(
                                        "State of the country's report for the round (`validated` for readers "
                                        "of the published version)."))
    published = PublishedProgressSerializer(read_only=True, allow_null=True, help_text=_(
        "The published version: the values as last validated; null if never validated."))
    updated_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True,
        help_text=_("Username of the last editor; null on a report carried over and not yet changed."),
    )
    funds_usd = serializers.DecimalField(
        max_digits=money.AMOUNT_MAX_DIGITS, decimal_places=money.AMOUNT_DECIMALS, read_only=True, allow_null=True,
        help_text=_("`funds_amount` in USD, converted when the report was saved at the round's rate for the currency "
                    "and kept with the report; null where the round has no rate for the currency (\"no rate\")."))

    return_comment = serializers.SerializerMethodField(help_text=_(
        "The Secretariat's comment on this activity when it last returned the country's report, until the country "
        "changes this report (or the report is validated); null when there is none. Only the country's own users "
        "and the Secretariat read it: null for everyone else."))

    class Meta:
        model = ProgressReport
        fields = [
            "id", "url", "html_url", "activity", "plan", "activity_code", "country", "round", "status", "narrative",
            "obstacles", "expected_year", "funds_amount", "funds_currency", "funds_usd", "funds_source", "funds_funder",
            "evidence", "carried_over", "state", "version", "updated_by", "updated_at",
            "published", "return_comment",
        ]

    def to_representation(self, report):
        data = super().to_representation(report)
        if getattr(report, "shows_published", False):  # every published version is validated
            data["state"] = CountryReport.State.VALIDATED
        return data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_return_comment(self, report) -> str | None:
        return getattr(report, "return_comment", None)  # set for the page of reports (selectors)

    @extend_schema_field(serializers.URLField())
    def get_html_url(self, report):
        request = self.context.get("request")
        url = report.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


FUNDS_AMOUNT_HELP = _("Funds spent or mobilised for the activity in the country during the round, in "
                      "`funds_currency`; null for none reported.")
FUNDS_CURRENCY_HELP = _("ISO 4217 code (e.g. USD, EUR, KZT); required with an amount.")
FUNDER_HELP = _("Optional: the funder's name.")


class ProgressReportCreateSerializer(serializers.Serializer):
    """The first report on an activity for a country in a round (one that exists already: 409, from the
    service, naming the report to change)."""

    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all(), help_text=_("Activity id."))
    country = serializers.SlugRelatedField(slug_field="code", queryset=Country.objects.all(),
                                           help_text=_("ISO 3166-1 alpha-2 code."))
    round = serializers.PrimaryKeyRelatedField(queryset=ReportingRound.objects.select_related("plan"),
                                               help_text=_("Round id."))
    status = serializers.ChoiceField(choices=ProgressReport.Status.choices)
    narrative = serializers.CharField(allow_blank=True, max_length=rules.NARRATIVE_MAX_CHARS,
                                      help_text=_("What was done."))
    obstacles = serializers.CharField(required=False, allow_blank=True, default="",
                                      max_length=rules.OBSTACLES_MAX_CHARS)
    expected_year = serializers.IntegerField(required=False, allow_null=True, default=None,
                                             min_value=rules.EXPECTED_YEAR_MIN, max_value=rules.EXPECTED_YEAR_MAX)
    funds_amount = serializers.DecimalField(
        max_digits=money.AMOUNT_MAX_DIGITS, decimal_places=money.AMOUNT_DECIMALS, min_value=0, allow_null=True,
        required=False, default=None, help_text=FUNDS_AMOUNT_HELP)
    funds_currency = serializers.CharField(max_length=3, allow_blank=True, required=False, default="",
                                           help_text=FUNDS_CURRENCY_HELP)
    funds_source = serializers.ChoiceField(choices=money.FundsSource.choices, allow_blank=True, required=False,
                                           default="")
    funds_funder = serializers.CharField(max_length=money.FUNDER_MAX_CHARS, allow_blank=True, required=False,
                                         default="", help_text=FUNDER_HELP)


class ProgressReportUpdateSerializer(serializers.Serializer):
    """A change of a report: the fields sent replace those stored, the others keep their value."""

    status = serializers.ChoiceField(choices=ProgressReport.Status.choices, required=False)
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=rules.NARRATIVE_MAX_CHARS)
    obstacles = serializers.CharField(required=False, allow_blank=True, max_length=rules.OBSTACLES_MAX_CHARS)
    expected_year = serializers.IntegerField(required=False, allow_null=True, min_value=rules.EXPECTED_YEAR_MIN,
                                             max_value=rules.EXPECTED_YEAR_MAX)
    funds_amount = serializers.DecimalField(
        max_digits=money.AMOUNT_MAX_DIGITS, decimal_places=money.AMOUNT_DECIMALS, min_value=0, allow_null=True,
        required=False, help_text=FUNDS_AMOUNT_HELP)
    funds_currency = serializers.CharField(max_length=3, allow_blank=True, required=False,
                                           help_text=FUNDS_CURRENCY_HELP)
    funds_source = serializers.ChoiceField(choices=money.FundsSource.choices, allow_blank=True, required=False)
    funds_funder = serializers.CharField(max_length=money.FUNDER_MAX_CHARS, allow_blank=True, required=False,
                                         help_text=FUNDER_HELP)
    version = serializers.IntegerField(
        required=False, min_value=0,
        help_text=_("The version you read. Required here or as an If-Match header; a newer stored version "
                    "answers 409 and changes nothing."),
    )


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=0, help_text=_("The version you read (or send an If-Match header)."),
    )


class ProgressChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True,
                                              help_text=_("Username; null for a carry-over."))
    changes = serializers.DictField(
        child=serializers.ListField(allow_null=True), read_only=True,
        help_text=_("Each changed field with [old, new]."),
    )

    class Meta:
        model = ProgressChange
        fields = ["version", "changed_by", "changed_at", "source", "changes"]


class EvidenceCreateSerializer(serializers.Serializer):
    """A link (`url`, as JSON or a form) or an uploaded `file` (multipart); not both."""

    title = serializers.CharField(required=False, allow_blank=True, default="",
                                  max_length=rules.EVIDENCE_TITLE_MAX_CHARS,
                                  help_text=_("Defaults to the file name or the link."))
    visibility = serializers.ChoiceField(choices=Evidence.Visibility.choices, default=Evidence.Visibility.PUBLIC)
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=rules.EVIDENCE_URL_MAX_CHARS)
    file = serializers.FileField(required=False, allow_null=True, default=None)


class ReportEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ReportEvent
        fields = ["action", "actor", "comment", "at"]


class CountryReportSerializer(serializers.ModelSerializer):
    """One country's report for a round, with its workflow events (newest first)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:countryreport-detail")
    round = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Round id."))
    plan = serializers.CharField(source="round.plan.slug", read_only=True, help_text=_("Plan slug."))
    country = serializers.CharField(source="country.code", read_only=True, help_text=_("ISO 3166-1 alpha-2 code."))
    reported = serializers.IntegerField(read_only=True, help_text=_("Number of activities reported on in this round (carried-over reports count once confirmed or changed)."))
    events = ReportEventSerializer(many=True, read_only=True)

    class Meta:
        model = CountryReport
        fields = ["id", "url", "round", "plan", "country", "state", "return_comment", "reported", "events"]

    def to_representation(self, country_report):
        """Readers of published versions read the report as last validated, whatever happened since."""
        data = super().to_representation(country_report)
        if _reads_published(self):
            data.update(state=CountryReport.State.VALIDATED, return_comment="")
        return data


class ReturnCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, max_length=rules.COMMENT_MAX_CHARS,
                                    help_text=_("What the country should change."))
