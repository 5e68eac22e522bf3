from django import forms
from django.utils.translation import gettext_lazy as _

from django.contrib.auth import get_user_model

from actionplans.models import ActionPlan
from conservation_units.models import ConservationUnit

from . import money, rules
from .models import Evidence, ProgressReport, ReportingRound
from .uploads import accepted_extensions


class ReportTextField(forms.CharField):
    """Free text from a textarea, each line break kept as one newline character.

    Browsers count a line break as one character against a textarea's maxlength but send it as
    CR LF: read as sent, text the browser let through could be refused as too long.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class ProgressForm(forms.Form):
    """The report of one activity for one country: what the services take, plus the version read."""

    status = forms.ChoiceField(label=_("Status"), choices=ProgressReport.Status.choices)
    narrative = ReportTextField(label=_("What was done"), required=False, max_length=rules.NARRATIVE_MAX_CHARS,
                                widget=forms.Textarea(attrs={"rows": 5}))
    obstacles = ReportTextField(label=_("Obstacles"), required=False, max_length=rules.OBSTACLES_MAX_CHARS,
                                widget=forms.Textarea(attrs={"rows": 3}))
    expected_year = forms.IntegerField(label=_("Expected completion year"), required=False,
                                       min_value=rules.EXPECTED_YEAR_MIN, max_value=rules.EXPECTED_YEAR_MAX)
    funds_amount = forms.DecimalField(
        label=_("Funds spent or mobilised"), required=False, min_value=0, max_digits=money.AMOUNT_MAX_DIGITS,
        decimal_places=money.AMOUNT_DECIMALS, localize=True,
        help_text=_("For this activity in this country during the round; leave empty if not known."))
    funds_currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3,
        help_text=_("ISO 4217 code, e.g. USD, EUR, KZT: converted to USD at the round's rate."),
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters", "list": "currency-codes"}))
    funds_source = forms.ChoiceField(label=_("Source of funds"), required=False,
                                     choices=[("", "—"), *money.FundsSource.choices])
    funds_funder = forms.CharField(label=_("Funder"), required=False, max_length=money.FUNDER_MAX_CHARS,
                                   help_text=_("Optional: the name of the government body, donor or organisation."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_funds_currency(self):
        currency = self.cleaned_data["funds_currency"].strip().upper()
        money.validate_currency(currency)
        return currency


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=rules.EVIDENCE_TITLE_MAX_CHARS, required=False)
    url = forms.URLField(label=_("Link"), required=False, max_length=rules.EVIDENCE_URL_MAX_CHARS,
                         assume_scheme="https")
    file = forms.FileField(label=_("or a file"), required=False)
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Evidence.Visibility.choices,
                                   initial=Evidence.Visibility.PUBLIC)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, in the request's language: a lazy string formatted with % at import is English forever.
        self.fields["file"].help_text = _("PDF, images or office documents (%(types)s).") % {
            "types": accepted_extensions()}

    def clean(self):
        data = super().clean()
        if bool(data.get("url")) == bool(data.get("file")):
            raise forms.ValidationError(_("Give either a link or a file."))
        return data


class ReturnForm(forms.Form):
    comment = ReportTextField(label=_("What should the country change?"), max_length=rules.COMMENT_MAX_CHARS,
                              widget=forms.Textarea(attrs={"rows": 3}))


class RoundForm(forms.ModelForm):
    class Meta:
        model = ReportingRound
        fields = ["plan", "title", "opens_on", "due_on"]
        widgets = {"opens_on": forms.DateInput(attrs={"type": "date"}), "due_on": forms.DateInput(attrs={"type": "date"})}


class HandOverForm(forms.Form):
    """Hand the drafting of some activities of a country to a colleague."""

    colleague = forms.CharField(label=_("Colleague's user name"), max_length=150)
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=ActionPlan.objects.order_by("slug"))
    conservation_unit = forms.ModelChoiceField(
        label=_("Conservation unit"), required=False,
        queryset=ConservationUnit.objects.select_related("plan").order_by("plan__slug", "number"),
        help_text=_("Optional: only this unit's activities."))
    activity_codes = forms.CharField(label=_("Activity codes"), required=False,
                                     help_text=_("Optional, separated by commas, e.g. 3.1, 3.2."))

    def __init__(self, *args, country=None, **kwargs):
        super().__init__(*args, **kwargs)
        if country is not None:
            self.fields["conservation_unit"].queryset = self.fields["conservation_unit"].queryset.filter(
                countries=country)

    def clean_colleague(self):
        username = self.cleaned_data["colleague"].strip()
        colleague = get_user_model().objects.filter(username=username, is_active=True).first()
        if colleague is None:
            raise forms.ValidationError(_("No account “%(name)s”: the Secretariat creates accounts.") % {"name": username})
        return colleague

    def clean_activity_codes(self):
        raw = self.cleaned_data["activity_codes"]
        return [code.strip().rstrip(".") for code in raw.replace(";", ",").split(",") if code.strip()]
