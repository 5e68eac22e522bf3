from django import forms
from django.utils.translation import gettext_lazy as _

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
