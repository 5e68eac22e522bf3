from django import forms
from django.utils.translation import gettext_lazy as _

from django.contrib.auth import get_user_model

from actionplans.models import ActionPlan
from conservation_units.models import ConservationUnit

from .models import Evidence, ProgressReport, ReportingRound
from .uploads import accepted_extensions


class ProgressForm(forms.Form):
    """The report of one activity for one country: what the services take, plus the version read."""

    status = forms.ChoiceField(label=_("Status"), choices=ProgressReport.Status.choices)
    narrative = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    obstacles = forms.CharField(label=_("Obstacles"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    expected_year = forms.IntegerField(label=_("Expected completion year"), required=False, min_value=2000,
                                       max_value=2100)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    file = forms.FileField(label=_("or a file"), required=False,
                           help_text=_("PDF, images or office documents (%(types)s).") % {"types": accepted_extensions()})
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Evidence.Visibility.choices,
                                   initial=Evidence.Visibility.PUBLIC)

    def clean(self):
        data = super().clean()
        if bool(data.get("url")) == bool(data.get("file")):
            raise forms.ValidationError(_("Give either a link or a file."))
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What should the country change?"), widget=forms.Textarea(attrs={"rows": 3}))


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
