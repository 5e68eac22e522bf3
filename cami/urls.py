from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from reporting.country_admin import country_admin_site

urlpatterns = [
    path("", include("actionplans.urls")),
    path("", include("reporting.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("country-admin/", country_admin_site.urls),  # focal points' and contributors' progress (reporting/country_admin.py)
    path("api/v1/", include("cami.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # Browsers ask for /favicon.ico on every page that names no icon (the API's JSON, files). Resolved
    # per request: the static file's (hashed) name is known only once collectstatic has run.
    path("favicon.ico", lambda request: redirect(static("img/favicon.svg")), name="favicon"),
]

handler400 = "cami.exceptions.bad_request"  # JSON under /api/, Django's page elsewhere
handler404 = "cami.exceptions.page_not_found"  # likewise
