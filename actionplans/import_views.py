"""The Secretariat's plan workbook pages: the blank template and each plan's workbook to download, an upload
with a preview (nothing saved), and a confirm that saves all or nothing.

The uploaded file waits between the preview and the confirm in the default storage under a random name
(``plan-imports/<token>.xlsx``; up to 10 MB is too much for a session); the session holds that name, the
file's digest, who uploaded it and what the preview showed. The confirm imports exactly those bytes and
only if the import still does what the preview showed (``import_preview.plan_import_confirm``).
"""
from __future__ import annotations

import hashlib
import secrets

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views import View

from .forms import PlanWorkbookUploadForm
from .import_preview import plan_import_confirm, plan_import_preview
from .models import ActionPlan, PlanImport
from .plan_workbook import format as fmt
from .plan_workbook import plan_workbook_build
from .plan_workbook.apply import PlanImportError

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "plan-import"
STORAGE_DIR = "plan-imports"
RECENT_IMPORTS = 20


class SecretariatRequiredMixin(LoginRequiredMixin):
    """Anonymous visitors sign in first; a signed-in user who is not of the Secretariat gets 403 saying why."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff:
            raise PermissionDenied(_("Only the CMS Secretariat imports and exports plan workbooks."))
        return super().dispatch(request, *args, **kwargs)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class PlanTemplateDownloadView(SecretariatRequiredMixin, View):
    def get(self, request):
        return _xlsx(plan_workbook_build(plan=None), "cami-plan-template.xlsx")


class PlanWorkbookDownloadView(SecretariatRequiredMixin, View):
    def get(self, request, slug):
        plan = get_object_or_404(ActionPlan, slug=slug)
        return _xlsx(plan_workbook_build(plan=plan), f"cami-plan-{plan.slug}.xlsx")


def _forget(request):
    """Drop the waiting upload of this session, if any (a new upload replaces it; a confirm uses it once)."""
    stored = request.session.pop(SESSION_KEY, None)
    if stored and default_storage.exists(stored["name"]):
        default_storage.delete(stored["name"])
    return stored


class PlanImportView(SecretariatRequiredMixin, View):
    """The upload form (for a new plan, or a correction of ``slug``); a posted file is previewed."""

    def get(self, request, slug=None):
        return self._form_page(request, self._plan(slug), PlanWorkbookUploadForm())

    def post(self, request, slug=None):
        plan = self._plan(slug)
        _forget(request)
        form = PlanWorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._form_page(request, plan, form, status=400)
        upload = form.cleaned_data["file"]
        raw = upload.read(fmt.MAX_FILE_BYTES + 1)
        # A new edition is chosen on an existing plan's own page only.
        edition = {"new_edition": form.cleaned_data["edition_title"], "matches": form.cleaned_data["decisions"]
                   } if plan else {}
        preview = plan_import_preview(source=raw, file_name=upload.name, imported_by=request.user,
                                      expected_slug=plan.slug if plan else None, **edition)
        token = self._remember(request, raw, preview, plan, edition) if preview.can_confirm else None
        return _preview_page(request, preview, plan, token)

    def _plan(self, slug):
        return get_object_or_404(ActionPlan, slug=slug) if slug else None

    def _form_page(self, request, plan, form, status=200):
        imports = PlanImport.objects.select_related("plan", "imported_by").order_by("-imported_at")
        if plan is not None:
            imports = imports.filter(plan=plan)
        return render(request, "actionplans/plan_import.html", {
            "plan": plan, "form": form, "max_bytes": fmt.MAX_FILE_BYTES, "imports": imports[:RECENT_IMPORTS],
        }, status=status)

    def _remember(self, request, raw, preview, plan, edition) -> str:
        token = secrets.token_urlsafe(24)
        name = default_storage.save(f"{STORAGE_DIR}/{token}.xlsx", ContentFile(raw))
        request.session[SESSION_KEY] = {
            "token": token, "user": request.user.pk, "name": name, "sha256": hashlib.sha256(raw).hexdigest(),
            "file_name": preview.file_name, "expected_slug": plan.slug if plan else None,
            "signature": preview.signature, "new_edition": preview.new_edition,
            "matches": edition.get("matches") or {}, "proposals": preview.proposals,
        }
        return token


def _preview_page(request, preview, plan, token, status=None):
    return render(request, "actionplans/plan_import_preview.html", {
        "preview": preview, "plan": plan, "token": token,
    }, status=status or (400 if preview.errors else 200))


class PlanImportConfirmView(SecretariatRequiredMixin, View):
    """Save what the preview showed, all or nothing; a preview is confirmed once."""

    def post(self, request):
        stored = _read_stored(request)
        choices, undecided = _choices(request.POST, stored) if stored else ({}, [])
        if undecided:
            return self._decide_first(request, stored, choices, undecided)
        _forget(request)
        if stored is None:
            messages.error(request, _("This preview is no longer valid: it was already saved, or a newer workbook "
                                      "was uploaded, or you signed in again. Nothing was saved; upload the "
                                      "workbook again."))
            return redirect("actionplans:plan_import")
        retry = redirect(*(("actionplans:plan_import_into", stored["expected_slug"]) if stored["expected_slug"]
                           else ("actionplans:plan_import",)))
        try:
            result = plan_import_confirm(source=stored["raw"], file_name=stored["file_name"],
                                         imported_by=request.user, expected_slug=stored["expected_slug"],
                                         signature=stored["signature"], new_edition=stored["new_edition"],
                                         matches=stored["matches"], choices=choices)
        except PlanImportError as error:
            for message in error.messages:
                messages.error(request, message)
            return retry
        messages.success(request, _("Imported %(file)s: %(summary)s") % {
            "file": stored["file_name"], "summary": result.summary()})
        return redirect("actionplans:actionplan_detail", result.slug)

    def _decide_first(self, request, stored, choices, undecided):
        """The preview again, the upload kept and the choices made so far checked, saying which rows are left."""
        plan = ActionPlan.objects.filter(slug=stored["expected_slug"]).first()
        preview = plan_import_preview(source=stored["raw"], file_name=stored["file_name"], imported_by=request.user,
                                      expected_slug=stored["expected_slug"], new_edition=stored["new_edition"],
                                      matches=stored["matches"], choices=choices)
        if preview.signature != stored["signature"]:
            _forget(request)
            messages.error(request, _("The plan changed in the tracker after the preview. Nothing was saved: "
                                      "upload the workbook again to see what it would change now."))
            return redirect("actionplans:plan_import_into", stored["expected_slug"])
        messages.error(request, _("Confirm or reject each proposed match before saving; still to decide: %(rows)s.")
                       % {"rows": ", ".join(undecided)})
        return _preview_page(request, preview, plan, stored["token"], status=400)


def _choices(post, stored) -> tuple[dict[str, bool], list[str]]:
    """Each proposed match decided on the confirm form (new key -> confirmed), and the undecided ones named."""
    choices, undecided = {}, []
    for new_key, old_key in stored.get("proposals", []):
        answer = post.get(f"match-{new_key}")
        if answer in ("confirm", "reject"):
            choices[new_key] = answer == "confirm"
        else:
            undecided.append(_("%(new)s (may continue %(old)s)") % {"new": new_key, "old": old_key})
    return choices, undecided


def _read_stored(request) -> dict | None:
    """The waiting upload of this session with its bytes, if the posted token and the user match."""
    stored = request.session.get(SESSION_KEY)
    token = request.POST.get("token", "")
    valid = (stored and stored.get("user") == request.user.pk and constant_time_compare(stored["token"], token)
             and default_storage.exists(stored["name"]))
    raw = None
    if valid:
        with default_storage.open(stored["name"], "rb") as file:
            raw = file.read()
        valid = hashlib.sha256(raw).hexdigest() == stored["sha256"]
    return {**stored, "raw": raw} if valid else None
