"""Background exports in the browser: the export links' forms start one, "My exports" follows them.

"My exports" reloads itself every few seconds (a meta refresh, no JavaScript) while a job is queued or
running; its download links go to the API's file address, which a signed-in browser may open.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from . import services
from .export_views import export_back
from .models import ExportJob
from .services.export_jobs import validation_reasons

REFRESH_SECONDS = 5


@require_POST
@login_required
def export_job_create(request):
    """The filters come in the query string (as the direct export links carry them), the format in the form."""
    try:
        services.export_job_start(user=request.user, params=request.GET, format=request.POST.get("format", ""))
    except ValidationError as error:
        messages.error(request, _("Nothing was exported: %(reasons)s") % {
            "reasons": validation_reasons(error)})
        return HttpResponseRedirect(export_back(request))
    messages.success(request, _("Your export is being prepared: it will be listed here, ready to download."))
    return HttpResponseRedirect(reverse("reporting:export_job_list"))


class ExportJobListView(LoginRequiredMixin, ListView):
    """The signed-in user's background exports, newest first: status, file or error."""

    template_name = "reporting/export_job_list.html"
    context_object_name = "jobs"
    paginate_by = 50

    def get_queryset(self):
        services.export_jobs_recover(requester=self.request.user)  # a dead worker's jobs: retried or failed
        return ExportJob.objects.filter(requester=self.request.user).only(
            "id", "created_at", "finished_at", "status", "format", "file", "error")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["refresh_seconds"] = REFRESH_SECONDS if any(job.in_flight for job in context["jobs"]) else None
        context["retention_days"] = settings.EXPORT_RETENTION_DAYS
        return context
