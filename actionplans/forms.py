"""UI forms of the plans: the plan workbook upload (a new plan, a correction, or a plan's new edition)."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CORRECTION, NEW_EDITION = "correction", "new_edition"


class PlanWorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Plan workbook (.xlsx)"),
        error_messages={"required": _("Choose the plan workbook to upload."), "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    # Only offered for a plan that exists (its own import page); elsewhere the import is a correction.
    edition = forms.ChoiceField(
        label=_("The workbook is"), widget=forms.RadioSelect, initial=CORRECTION, required=False,
        choices=[(CORRECTION, _("a correction of the current edition (typos, translations)")),
                 (NEW_EDITION, _("the plan's new edition, titled:"))],
    )
    edition_title = forms.CharField(label=_("Title of the new edition"), max_length=200, required=False,
                                    help_text=_("e.g. Adopted by the range states, 2026."))
    matches = forms.CharField(
        label=_("Matches by hand (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, NEW=OLD: the new edition's activity NEW continues the current edition's OLD "
                    "(keys as in the workbook); OLD1+OLD2 merges two activities into one."),
    )

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("edition") == NEW_EDITION
        cleaned["edition_title"] = (cleaned.get("edition_title") or "").strip() if new else ""
        if new and not cleaned["edition_title"]:
            self.add_error("edition_title", _("Give the new edition a title."))
        cleaned["decisions"] = self._decisions(cleaned.get("matches") or "") if new else {}
        return cleaned

    def _decisions(self, text: str) -> dict[str, str]:
        decisions = {}
        for line in filter(None, (line.strip() for line in text.splitlines())):
            new, sep, old = (part.strip() for part in line.partition("="))
            if not (sep and new and old):
                self.add_error("matches", ValidationError(
                    _("“%(line)s” is not NEW=OLD (e.g. 3.1=3.1+3.2)."), params={"line": line}))
                continue
            decisions[new] = "+".join(part.strip() for part in old.split("+"))
        return decisions
