import pytest
from django.core.management import call_command

REAL_PLANS = ("argali", "persian-leopard")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load both real plans once per run; tests roll back their own changes around them."""
    with django_db_blocker.unblock():
        call_command("load_plans", verbosity=0)


@pytest.fixture
def real_plans(db):
    """The two plans as loaded from fixtures/ (reloaded if a transactional test flushed them)."""
    from actionplans.models import ActionPlan

    if ActionPlan.objects.filter(slug__in=REAL_PLANS).count() != len(REAL_PLANS):
        call_command("load_plans", verbosity=0)
    return {plan.slug: plan for plan in ActionPlan.objects.filter(slug__in=REAL_PLANS)}


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    """Pages render without a collectstatic run; test_static_files.py checks the manifest build."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Accounts are made in many tests; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """Tests speak plain http, like scripts/run: no redirect to https (production redirects, see
    tests/test_security.py). Session-wide so that the live server of tests/e2e starts without it too."""
    from django.test import override_settings

    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(autouse=True)
def _cache_of_its_own(settings, request):
    """An empty in-memory cache per test: throttle counts never leak from one test into another, and
    query counts do not include the database cache's queries."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": request.node.nodeid}}


@pytest.fixture(autouse=True)
def _country_codes_from_the_start():
    """Each test's factory countries are AA, ZZ, XA, ... whatever ran before it: which code a test gets
    does not depend on the order the tests run in."""
    from tests.factories import CountryFactory

    CountryFactory.reset_sequence()


@pytest.fixture(autouse=True)
def _english_until_a_request_asks_otherwise():
    """Each test starts in English, whatever language an earlier test's request activated in this thread:
    a translated field set by its original name (``text=``) is stored in the active language's column."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """pytest-django's client, reading streamed pages whole (tests/browser_client.py)."""
    from tests.browser_client import Client

    return Client()
