"""UI forms of the plans: the plan workbook upload."""
from django import forms
from django.utils.translation import gettext_lazy as _


class PlanWorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Plan workbook (.xlsx)"),
        error_messages={"required": _("Choose the plan workbook to upload."), "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
