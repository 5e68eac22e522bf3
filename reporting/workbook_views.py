"""Pages of the offline workbook: download it, upload it filled in, check the preview, confirm.

Between the preview and the confirm the rows to save wait in the session (a short JSON list) under a
token bound to the round, the country and the user; the confirm saves exactly what the preview showed,
or nothing (``services.workbook_changes_apply``).
"""
from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.http import require_POST, require_safe

from . import services, workbook
from .services import StaleEdit
from .views import _round_and_country


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled workbook (.xlsx)"),
        error_messages={"required": gettext_lazy("Choose the workbook file to upload."),
                        "empty": gettext_lazy("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def _session_key(round, country) -> str:
    return f"workbook-upload:{round.pk}:{country.code}"


def _allowed_round_and_country(request, round_id, country_code):
    round, country = _round_and_country(round_id, country_code)
    workbook.workbook_scope(user=request.user, round=round, country=country)
    return round, country


@require_safe
@login_required
def workbook_download(request, round_id, country_code):
    round, country = _round_and_country(round_id, country_code)
    content = workbook.workbook_build(round=round, country=country, user=request.user)
    response = HttpResponse(content, content_type=workbook.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{workbook.workbook_filename(round=round, country=country)}"')
    return response


class WorkbookUploadView(LoginRequiredMixin, View):
    """The upload form; a posted workbook is read and compared, and the preview shown: nothing saved."""

    def get(self, request, round_id, country_code):
        round, country = _allowed_round_and_country(request, round_id, country_code)
        return self._form_page(request, round, country, WorkbookUploadForm())

    def post(self, request, round_id, country_code):
        round, country = _allowed_round_and_country(request, round_id, country_code)
        request.session.pop(_session_key(round, country), None)  # a new upload replaces any earlier preview
        form = WorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._form_page(request, round, country, form, status=400)
        try:
            preview = workbook.workbook_preview(round=round, country=country, user=request.user,
                                                upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error.messages)
            return self._form_page(request, round, country, form, status=400)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self._form_page(request, round, country, form, status=403)
        token = self._remember(request, preview) if preview.can_confirm else None
        return render(request, "reporting/workbook_preview.html", {
            "round": round, "country": country, "preview": preview, "token": token,
        }, status=400 if preview.errors else 200)

    def _form_page(self, request, round, country, form, status=200):
        return render(request, "reporting/workbook_upload.html", {
            "round": round, "country": country, "form": form, "max_bytes": workbook.WORKBOOK_MAX_BYTES,
        }, status=status)

    def _remember(self, request, preview) -> str:
        token = secrets.token_urlsafe(16)
        request.session[_session_key(preview.round, preview.country)] = {
            "token": token, "user": request.user.pk, "changes": preview.as_data()}
        return token


@require_POST
@login_required
def workbook_confirm(request, round_id, country_code):
    """Save what the preview showed, all rows or none; a preview may be confirmed once."""
    round, country = _allowed_round_and_country(request, round_id, country_code)
    upload_url = reverse("reporting:workbook_upload", args=[round.pk, country.code])
    stored = request.session.pop(_session_key(round, country), None)
    token = request.POST.get("token", "")
    if not stored or stored.get("user") != request.user.pk or not constant_time_compare(stored["token"], token):
        messages.error(request, _("This preview is no longer valid: it was already saved, or a newer workbook was "
                                  "uploaded, or you signed in again. Nothing was saved; upload the workbook again."))
        return redirect(upload_url)
    try:
        saved = services.workbook_changes_apply(round=round, country=country, user=request.user,
                                                changes=stored["changes"])
    except (ValidationError, PermissionDenied, StaleEdit) as error:
        reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, _("Nothing was saved. Row %(row)s: %(reason)s") % {
            "row": getattr(error, "workbook_row", "?"), "reason": reason})
        return redirect(upload_url)
    messages.success(request, ngettext(
        "Saved the workbook: %(count)s report changed.", "Saved the workbook: %(count)s reports changed.", saved)
        % {"count": saved})
    return redirect("reporting:country_report", round.pk, country.code)
