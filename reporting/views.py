"""Pages of national reporting: home, a country's report, one activity's report, the workflow."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import ListView, TemplateView

from actionplans.selectors import activity_detail_queryset
from cami.pagination import BoundedCountPaginator
from cami.parsing import parse_int
from cami.redirects import safe_next
from conservation_units.models import Country

from . import money, permissions, rules, selectors, services, versions
from .forms import EvidenceForm, ProgressForm, ReturnForm, RoundForm
from .models import CountryReport, Evidence, ProgressReport, ReportingRound
from .services import ProgressInput, StaleEdit


def _round_and_country(round_id: int, country_code: str):
    round = get_object_or_404(ReportingRound.objects.select_related("plan"), pk=round_id)
    country = get_object_or_404(Country, code=country_code.upper())
    if not round.plan.range_states.filter(pk=country.pk).exists():
        raise Http404(_("%(country)s is not a range state of %(plan)s.") % {"country": country, "plan": round.plan})
    return round, country


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class HomeView(LoginRequiredMixin, TemplateView):
    """What is due, overdue and recently changed for the user's countries."""

    template_name = "reporting/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            cards=selectors.home_cards(user),
            recent=selectors.recent_changes(user),
            messages_list=selectors.recent_messages(user),
            role=permissions.user_role(user),
            queue=selectors.validation_queue() if user.is_staff else None,
            **kwargs,
        )


class CountryReportView(View):
    """A country's report for a round: every applicable activity, with inline status changes."""

    template_name = "reporting/country_report.html"

    def get(self, request, round_id, country_code):
        page = self._page(request, round_id, country_code)
        return render(request, self.template_name, self._context(page))

    @method_decorator(login_required)
    def post(self, request, round_id, country_code):
        page = self._page(request, round_id, country_code, data=request.GET)
        targets = self._targets(request, page)
        row_errors, saved, denied = {}, 0, 0
        for activity in targets:
            try:
                saved += self._save_row(request, page, activity)
            except ValidationError as error:
                row_errors[activity.pk] = _error_text(error)
            except (PermissionDenied, StaleEdit) as error:
                row_errors[activity.pk] = str(error)
                denied += isinstance(error, PermissionDenied)
        if saved:
            messages.success(request, ngettext("Saved %(count)s change.", "Saved %(count)s changes.", saved)
                             % {"count": saved})
        if row_errors:
            # Re-show the page with every submitted value in place and the reason beside each refused row.
            page = self._page(request, round_id, country_code, data=request.GET)
            context = self._context(page, row_errors=row_errors, submitted=request.POST)
            status = 200 if saved else (403 if denied == len(row_errors) else 400)
            return render(request, self.template_name, context, status=status)
        if not targets:
            messages.info(request, _("Nothing to save: no status was changed."))
        return HttpResponseRedirect(request.get_full_path())

    def _page(self, request, round_id, country_code, data=None):
        round, country = _round_and_country(round_id, country_code)
        return selectors.country_report_page(round=round, country=country, user=request.user,
                                             data=data if data is not None else (request.GET or None))

    def _targets(self, request, page):
        """The rows this post saves: every row whose status was changed, whichever button was clicked (a
        row's Save, "Save all changed statuses", or "No change since the last round"), and the row whose
        "No change" was clicked. One row's button never drops what was typed in the others."""
        confirmed = request.POST.get("confirm")
        targets = []
        for activity in page.activities:
            status = request.POST.get(f"status-{activity.pk}", "")
            current = activity.report.status if activity.report else ""
            if (status and status != current) or str(activity.pk) == confirmed:
                targets.append(activity)
        return targets

    def _save_row(self, request, page, activity) -> int:
        version = _posted_version(request, activity)
        status = request.POST.get(f"status-{activity.pk}", "")
        report = activity.report
        if str(activity.pk) == request.POST.get("confirm") and report and status in ("", report.status):
            services.progress_report_confirm(report=report, user=request.user, expected_version=version)
            return 1
        # Only the status is on this page: every other value stays as stored.
        kept = {field: getattr(report, field) for field in services.TRACKED_FIELDS if field != "status"} if report else {}
        values = ProgressInput(status=status, **kept)
        services.progress_report_record(round=page.round, activity=activity, country=page.country,
                                        user=request.user, values=values, expected_version=version or 0)
        return 1

    def _context(self, page, row_errors=None, submitted=None):
        row_errors, submitted = row_errors or {}, submitted or {}
        for activity in page.activities:
            current = activity.report.status if activity.report else ""
            activity.form_status = submitted.get(f"status-{activity.pk}", current)
            activity.form_version = submitted.get(f"version-{activity.pk}",
                                                  activity.report.version if activity.report else 0)
            activity.row_error = row_errors.get(activity.pk, "")
        return {
            "page": page, "round": page.round, "country": page.country, "country_report": page.country_report,
            "filterset": page.filterset, "statuses": ProgressReport.Status.choices, "row_errors": row_errors,
            "filter_query": selectors.report_filter_query(self.request.GET),
            "can_submit": permissions.why_cannot_submit(self.request.user, country_report=page.country_report) is None
            if page.country_report else False,
            "can_return": _can_return(self.request.user, page), "comment_max_chars": rules.COMMENT_MAX_CHARS,
        }


def _can_return(user, page) -> bool:
    """The Secretariat may return this submitted report now: the rows then offer a comment each."""
    report = page.country_report
    return (report is not None and report.state == CountryReport.State.SUBMITTED and page.round.is_open
            and permissions.why_cannot_validate(user, country_report=report) is None)


def _posted_version(request, activity) -> int | None:
    """The version of the row the form was drawn with (None if the form sent none)."""
    raw = request.POST.get(f"version-{activity.pk}", "")
    if not raw.strip():
        return None
    version = parse_int(raw, minimum=0)
    if version is None:
        raise ValidationError({"version": _("The version “%(value)s” is not a version number: reload the page "
                                            "and save again.") % {"value": raw}})
    return version


class ProgressDetailView(View):
    """One activity for one country and round: its fields, the report form, evidence and history."""

    template_name = "reporting/progress_detail.html"

    def get(self, request, round_id, country_code, activity_id):
        return render(request, self.template_name, self._context(request, round_id, country_code, activity_id))

    @method_decorator(login_required)
    def post(self, request, round_id, country_code, activity_id):
        context = self._context(request, round_id, country_code, activity_id, data=request.POST)
        form = context["form"]
        if not form.is_valid():
            return render(request, self.template_name, context, status=400)
        values = ProgressInput(**{field: form.cleaned_data[field] for field in services.TRACKED_FIELDS})
        try:
            services.progress_report_record(
                round=context["round"], activity=context["activity"], country=context["country"], user=request.user,
                values=values, expected_version=form.cleaned_data["version"] or 0,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return render(request, self.template_name, context, status=400)
        except StaleEdit as error:
            form.add_error(None, str(error))
            context["stale"] = error.current
            return render(request, self.template_name, context, status=409)
        messages.success(request, _("Report saved."))
        return HttpResponseRedirect(request.get_full_path())  # with the report's filters, for previous / next

    def _context(self, request, round_id, country_code, activity_id, data=None):
        round, country = _round_and_country(round_id, country_code)
        activity = get_object_or_404(activity_detail_queryset().of_round(round), pk=activity_id, countries=country)
        report = (
            ProgressReport.objects.visible_to(request.user).with_related().select_related("published")
            .filter(country_report__round=round, country_report__country=country, activity=activity).first()
        )
        initial = {"version": report.version if report else 0}
        if report:
            initial.update({field: getattr(report, field) for field in services.TRACKED_FIELDS})
        country_report = report.country_report if report else (
            CountryReport.objects.filter(round=round, country=country).first())
        reason = (permissions.why_cannot_draft(request.user, activity=activity, country=country, round=round)
                  or permissions.why_locked_for_editing(request.user, country_report=country_report))
        return {
            "round": round, "country": country, "activity": activity, "report": report,
            "form": ProgressForm(data=data, initial=initial), "evidence_form": EvidenceForm(),
            "evidence": Evidence.objects.visible_to(request.user).filter(progress_report=report).select_related(
                "added_by") if report else [],
            "history": selectors.progress_history(report, request.user) if report else [],
            "can_edit": reason is None, "why_not": reason, "currency_codes": sorted(money.currency_codes()),
            "filter_query": selectors.report_filter_query(request.GET),
            "neighbours": selectors.report_neighbours(round=round, country=country, user=request.user,
                                                      data=request.GET, activity=activity,
                                                      country_report=country_report),
        }


@require_POST
@login_required
def evidence_add(request, round_id, country_code, activity_id):
    round, country = _round_and_country(round_id, country_code)
    report = get_object_or_404(ProgressReport, country_report__round=round, country_report__country=country,
                               activity_id=activity_id)
    form = EvidenceForm(request.POST, request.FILES)
    target = reverse("reporting:progress_detail", args=[round.pk, country.code, activity_id])
    if query := selectors.report_filter_query(request.GET):
        target += "?" + query
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(target)
    try:
        services.evidence_add(report=report, user=request.user, title=form.cleaned_data["title"],
                              visibility=form.cleaned_data["visibility"], url=form.cleaned_data["url"],
                              file=form.cleaned_data["file"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Evidence added."))
    return redirect(target)


@require_POST
@login_required
def evidence_remove(request, pk):
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user).select_related(
        "progress_report__country_report__country"), pk=pk)
    services.evidence_remove(evidence=evidence, user=request.user)
    messages.success(request, _("Evidence removed from the report (it stays in the history)."))
    return redirect(evidence.progress_report.get_absolute_url())


def evidence_download(request, pk):
    """Evidence files go through this view: restricted ones answer 404 to whoever may not see them."""
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk, kind=Evidence.Kind.FILE)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                        content_type=evidence.content_type)


class SubmitView(LoginRequiredMixin, View):
    """What is still unreported, and the button that submits the country's report."""

    template_name = "reporting/submit.html"

    def get(self, request, round_id, country_code):
        return render(request, self.template_name, self._context(request, round_id, country_code))

    def post(self, request, round_id, country_code):
        context = self._context(request, round_id, country_code)
        if context["country_report"] is None:
            messages.error(request, services.why_nothing_to_submit())
            return render(request, self.template_name, context, status=400)
        try:
            services.country_report_submit(country_report=context["country_report"], user=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return render(request, self.template_name, context, status=400)
        messages.success(request, _("The report of %(country)s is submitted to the Secretariat.")
                         % {"country": context["country"]})
        return redirect(context["country_report"].get_absolute_url())

    def _context(self, request, round_id, country_code):
        round, country = _round_and_country(round_id, country_code)
        page = selectors.country_report_page(round=round, country=country, user=request.user, data=None)
        unreported = [a for a in page.activities if not rules.is_reported(a.report)]
        return {"page": page, "round": page.round, "country": page.country, "country_report": page.country_report,
                "unreported": unreported,
                "why_not": permissions.why_cannot_submit(request.user, country_report=page.country_report)
                if page.country_report else None}


def _workflow_action(action):
    @require_POST
    @login_required
    def view(request, round_id, country_code):
        round, country = _round_and_country(round_id, country_code)
        country_report = get_object_or_404(CountryReport, round=round, country=country)
        try:
            if action == "return":
                comment = _return_comment(request, country_report)
                services.country_report_return(country_report=country_report, user=request.user, comment=comment,
                                               activity_comments=_activity_comments(request.POST))
            else:
                getattr(services, f"country_report_{action}")(country_report=country_report, user=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, {
                "withdraw": _("Report withdrawn: it is a draft again."),
                "validate": _("Report validated."),
                "return": _("Report returned to the country with your comment."),
            }[action])
        return redirect(safe_next(request, country_report.get_absolute_url()))

    return view


def _return_comment(request, country_report) -> str:
    """The Secretariat's comment as typed. The service says what to write when it is blank (after
    checking who asks); a comment over the limit is refused here, also after checking who asks."""
    form = ReturnForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["comment"]
    comment = form.data.get("comment", "")
    if comment.strip():
        reason = permissions.why_cannot_validate(request.user, country_report=country_report)
        if reason:
            raise PermissionDenied(reason)
        raise ValidationError({"comment": form.errors["comment"]})
    return comment


def _activity_comments(data) -> dict[int, str]:
    """The comments typed on the rows of the country report (``comment-<activity id>``)."""
    prefix = "comment-"
    return {int(name[len(prefix):]): value for name, value in data.items()
            if name.startswith(prefix) and name[len(prefix):].isdigit()}


withdraw = _workflow_action("withdraw")
validate = _workflow_action("validate")
return_report = _workflow_action("return")


class ValidationQueueView(LoginRequiredMixin, ListView):
    template_name = "reporting/validation_queue.html"
    context_object_name = "reports"
    # Each row carries its differences and two forms: a page of them, not every submitted report at once.
    paginate_by = 25

    def get_queryset(self):
        if reason := permissions.why_cannot_see_validation_queue(self.request.user):
            raise PermissionDenied(reason)
        return selectors.validation_queue()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(return_form=ReturnForm(), **kwargs)
        changed = versions.queue_differences(list(context["reports"]))
        for report in context["reports"]:
            report.changed_since_validation = changed.get(report.pk)
        return context


class ProgressListView(ListView):
    """Progress reports across countries and rounds, newest change first; the API's filters."""

    template_name = "reporting/progress_list.html"
    context_object_name = "reports"
    paginate_by = 50
    paginator_class = BoundedCountPaginator  # counted exactly up to 10,000 reports, then estimated (#11)

    def get_queryset(self):
        self.filterset = selectors.progress_filterset(user=self.request.user, data=self.request.GET or None)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filterset=self.filterset, filter_query=query.urlencode(), **kwargs)


class RoundListView(ListView):
    template_name = "reporting/round_list.html"
    context_object_name = "rounds"

    def get_queryset(self):
        return ReportingRound.objects.select_related("plan").newest_first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=RoundForm(), **kwargs)


@require_http_methods(["GET", "POST"])
@login_required
def round_create(request):
    if request.method == "GET":  # the form is on the rounds page (an old link or a reload after posting)
        return redirect("reporting:round_list")
    form = RoundForm(request.POST)
    if form.is_valid():
        try:
            services.round_open(opened_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Round opened."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("reporting:round_list")


@require_POST
@login_required
def round_set_status(request, pk, action):
    round = get_object_or_404(ReportingRound, pk=pk)
    try:
        if action == "close":
            services.round_close(round=round, closed_by=request.user)
        else:
            services.round_reopen(round=round, opened_by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Round closed.") if action == "close" else _("Round reopened."))
    return redirect("reporting:round_list")
