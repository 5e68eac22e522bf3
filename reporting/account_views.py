"""The user's own pages: their account (countries, hand-overs, language, mail, API token) and the header's
language switch."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django.views.i18n import set_language
from rest_framework.authtoken.models import Token

from cami.parsing import parse_int
from conservation_units.models import Country

from . import permissions, services
from .forms import HandOverForm
from .middleware import session_language_set
from .models import Assignment, Profile


class AccountView(LoginRequiredMixin, TemplateView):
    """The user's own page: their countries, language, mail and API token."""

    template_name = "reporting/account.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assignments = (
            Assignment.objects.filter(user=user).select_related("country", "plan", "conservation_unit")
            .order_by("country__name", "pk")
        )
        focal_countries = [a.country for a in assignments if a.role == Assignment.Role.FOCAL_POINT]
        handed = (
            Assignment.objects.filter(role=Assignment.Role.CONTRIBUTOR, country__in=focal_countries)
            .select_related("user", "country", "plan", "conservation_unit").prefetch_related("activities")
            .order_by("country__name", "user__username", "pk")
        )
        profile = Profile.objects.filter(user=user).first()  # read fresh: the page may have just saved it
        return super().get_context_data(
            assignments=assignments, token=Token.objects.filter(user=user).first(), role=permissions.user_role(user),
            hand_over_forms=[(country, kwargs.pop(f"form_{country.code}", None) or HandOverForm(country=country,
                              prefix=country.code)) for country in focal_countries],
            handed=handed, languages=settings.LANGUAGES,
            preferred_language=getattr(profile, "language", ""),
            mail_on_workflow=getattr(profile, "mail_on_workflow", True), **kwargs,
        )

    def post(self, request):
        if "hand_over" in request.POST:
            return self._hand_over(request, request.POST["hand_over"])
        if "take_back" in request.POST:
            return self._take_back(request, request.POST["take_back"])
        if "mail_on_workflow" in request.POST:
            wanted = request.POST["mail_on_workflow"] == "on"
            services.user_mail_preference_save(user=request.user, mail_on_workflow=wanted)
            messages.success(request, _("You will be mailed when a report moves.") if wanted
                             else _("You will no longer be mailed when a report moves."))
            return redirect("reporting:account")
        if "preferred_language" in request.POST:
            return self._language_save(request, request.POST["preferred_language"])
        if request.POST.get("token") == "create":
            services.api_token_issue(user=request.user)
            messages.success(request, _("A new API token was issued; the old one no longer works."))
        elif request.POST.get("token") == "revoke":
            services.api_token_revoke(user=request.user)
            messages.success(request, _("Your API token was revoked."))
        return redirect("reporting:account")

    def _language_save(self, request, language):
        try:
            services.user_language_save(user=request.user, language=language)
        except ValidationError:
            messages.error(request, _("The tracker has no such language. Nothing was changed."))
            return redirect("reporting:account")
        if language:
            session_language_set(request, language)
            translation.activate(language)
        messages.success(request, _("Your preferred language was saved: it applies whenever you sign in."))
        response = redirect("reporting:account")
        if language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                                path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN, samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE,
                                httponly=settings.LANGUAGE_COOKIE_HTTPONLY)
        return response

    def _take_back(self, request, raw_id):
        pk = parse_int(raw_id, minimum=1)
        assignment = Assignment.objects.filter(pk=pk, role=Assignment.Role.CONTRIBUTOR).first() if pk else None
        if assignment is None:
            messages.error(request, _("No such hand-over: it may have ended already. Nothing was changed."))
            return redirect("reporting:account")
        try:
            services.drafting_take_back(assignment=assignment, user=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Hand-over ended."))
        return redirect("reporting:account")

    def _hand_over(self, request, country_code):
        country = get_object_or_404(Country, code=country_code)
        form = HandOverForm(request.POST, country=country, prefix=country.code)
        if form.is_valid():
            try:
                services.drafting_hand_over(granted_by=request.user, country=country, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Drafting handed over to %(name)s.") % {
                    "name": form.cleaned_data["colleague"]})
                return redirect("reporting:account")
        return self.render_to_response(self.get_context_data(**{f"form_{country.code}": form}), status=400)


def language_set(request):
    """The header's language switch: Django's (a cookie) and this browser's session; the account's saved
    preference is changed only on the account page."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        session_language_set(request, language)
    return response
