"""Every operation of /api/schema/ answers as the schema says, for the three kinds of caller.

Schemathesis generates requests from the OpenAPI schema (valid ones, and invalid ones that must be
refused) and runs all its checks on each answer: no 5xx, only documented status codes, content
types and headers, bodies that match the documented schema, valid data accepted, invalid data
rejected, writes that demand credentials refuse requests without them, methods the schema does
not list answering 405. The data: a small reporting world, a closed and validated round carried
over into an open one (carried-over reports, `updated_by` null), evidence public and restricted,
with the two real plans every test has.

- test_api: generated cases (valid and invalid) for each operation as an anonymous partner, a
  focal point (Testland QZ) and the Secretariat, with a token: MAX_EXAMPLES per operation and caller.
- test_api_boundaries: Schemathesis' coverage phase (each parameter and field at its bounds,
  missing, of the wrong type; methods the schema does not list), as the Secretariat, whom the API
  lets furthest into every operation (anonymous writes stop at 401 whatever their input).

Bounded and repeatable: a fixed seed and no example database (CAMI_SCHEMATHESIS_SEED and
CAMI_SCHEMATHESIS_EXAMPLES explore further). Run only this module with
`.venv/bin/python -m pytest tests/api_schema -q`; the summary line counts the cases per caller.

What the schema cannot know, and how the run deals with it:
- whether a plan, edition, country, round or activity exists: a schema-valid filter naming an unknown one
  answers 400 naming it (REFERENCE_FILTERS), as does an anonymous export of `version=working`
  (working copies are for signed-in users); a write may answer 400 for rules that span rows
  (the round is closed, nothing to submit), or 409 (the report to create exists already);
- which ids and versions exist: generated path ids, and the references and `version` of valid
  bodies, are mapped deterministically onto the world's objects or kept as drawn (mostly 404 or
  400), so that successful writes, their answers and the refusals are all exercised.

Writes change the world while an operation's cases run (a round gets closed, a report validated);
each test item (operation x caller) starts again from the fixture, inside its own transaction.
"""
import collections
import contextlib
import datetime
import os
import time
import zlib

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from reporting import services
from reporting.models import CountryReport, Evidence, ProgressReport
from reporting.services import ProgressInput
from tests.factories import ActivityFactory
from tests.reporting.conftest import world  # noqa: F401  (the fixture the reporting tests use)

MAX_EXAMPLES = int(os.environ.get("CAMI_SCHEMATHESIS_EXAMPLES", "15"))
SEED = int(os.environ.get("CAMI_SCHEMATHESIS_SEED", "20260601"))
CALLERS = ("anonymous", "focal_point", "secretariat")

# Filters whose value names a stored row (a tag: a commitment item): schema-valid, and 400 when no such row exists.
REFERENCE_FILTERS = {"plan", "edition", "country", "round", "activity", "tag"}


def _config(phase: str) -> SchemathesisConfig:
    phases = ("examples", "fuzzing", "coverage", "stateful")
    return SchemathesisConfig.from_dict({
        "seed": SEED,
        # The stateful phase is not run: it chains operations through links the schema does not declare.
        "phases": {name: {"enabled": name == phase} for name in phases},
        "checks": {
            # The schema says what is well formed, not which rows exist or what state they are in:
            # see REFERENCE_FILTERS and _call_and_validate for how a 400 to valid data is held to that.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]},
        },
    })


@contextlib.contextmanager
def _connection_kept_across_requests():
    """Requests go to the WSGI application, whose request_started/finished signals close a database
    connection that saw an error (and touch the database while loading the schema); Django's test
    client turns that off, so does this: every request runs inside the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# The schema is loaded while pytest collects, before tests/conftest.py's fixtures run: SecurityMiddleware
# reads SECURE_SSL_REDIRECT once, when the application is built, so build it over plain http as every
# other test speaks (production redirects to https, see tests/test_security.py); and the schema view is
# throttled like every API view, so count in memory (the database cache has no table yet).
_COLLECTION_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                 "LOCATION": "schemathesis-collection"}}
with override_settings(SECURE_SSL_REDIRECT=False, CACHES=_COLLECTION_CACHE):
    application = get_wsgi_application()
    with _connection_kept_across_requests():
        schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=_config("fuzzing"))
        boundaries = schemathesis.openapi.from_wsgi("/api/schema/", application, config=_config("coverage"))
HYPOTHESIS = hypothesis.settings(
    max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
    suppress_health_check=list(hypothesis.HealthCheck),
)

CASES = collections.Counter()  # cases run per caller, printed by conftest.py
SECONDS = collections.Counter()  # time in the test items (setup included)


@pytest.fixture(autouse=True)
def _one_connection_for_the_test():
    started = time.monotonic()
    with _connection_kept_across_requests():
        yield
    SECONDS["run"] += time.monotonic() - started


@pytest.fixture
def api_world(world):  # noqa: F811
    """The reporting world, reported on in a first round (validated for Testland QZ, closed) and
    carried over into a second, open round; tokens; the ids that path parameters and body
    references are mapped onto."""
    w = world
    fresh = ActivityFactory(plan=w["plan"], code="2.3", kind="measure", text="Nobody reported yet",
                            countries=[w["kz"], w["ir"]])

    def record(user, activity, country, **values):
        return services.progress_report_record(round=w["round"], activity=activity, country=country, user=user,
                                               values=ProgressInput(status="in_progress", **values))

    kz = record(w["focal_kz"], w["in_unit"], w["kz"], narrative="Patrols", expected_year=2027)
    record(w["focal_kz"], w["everywhere"], w["kz"], narrative="Courses")
    record(w["focal_ir"], w["everywhere"], w["ir"], narrative="Training")
    services.evidence_add(report=kz, user=w["focal_kz"], title="Public", visibility="public",
                          url="https://example.org/public")
    services.evidence_add(report=kz, user=w["focal_kz"], title="Restricted", visibility="restricted",
                          url="https://example.org/restricted")
    services.country_report_submit(country_report=kz.country_report, user=w["focal_kz"])
    services.country_report_validate(country_report=kz.country_report, user=w["secretariat"])
    services.round_close(round=w["round"], closed_by=w["secretariat"])
    second = services.round_open(plan=w["plan"], title="2027 report", opens_on=datetime.date(2027, 1, 1),
                                 due_on=datetime.date(2027, 12, 31), opened_by=w["secretariat"])
    carried = ProgressReport.objects.get(country_report__round=second, activity=w["in_unit"],
                                         country_report__country=w["kz"])
    services.evidence_add(report=carried, user=w["focal_kz"], title="New link", visibility="public",
                          url="https://example.org/new")

    tokens = {
        "anonymous": None,
        "focal_point": Token.objects.create(user=w["focal_kz"]).key,
        "secretariat": Token.objects.create(user=w["secretariat"]).key,
    }
    ids = {
        ("plans", "slug"): ["test-plan", "argali", "persian-leopard"],
        ("countries", "code"): ["QZ", "QR"],
        ("conservation-units", "id"): [w["unit"].pk],
        ("activities", "id"): [fresh.pk, w["in_unit"].pk, w["everywhere"].pk],
        ("rounds", "id"): [second.pk, w["round"].pk],
        # The open round's reports, and one of the closed round (its writes answer 403).
        ("progress", "id"): [*ProgressReport.objects.filter(country_report__round=second).order_by("pk")
                             .values_list("pk", flat=True), kz.pk],
        ("progress", "evidence_id"): list(Evidence.objects.order_by("pk").values_list("pk", flat=True)),
        ("country-reports", "id"): list(CountryReport.objects.order_by("pk").values_list("pk", flat=True)),
    }
    return tokens, ids


def _known(value, choices):
    """One of `choices`, or the drawn value itself: chosen by the drawn value, so a run repeats."""
    seed = value if isinstance(value, int) else zlib.crc32(str(value).encode())
    slot = seed % (len(choices) + 1)
    return choices[slot] if slot < len(choices) else value


# Fields of a request body that name a stored object, and what they are mapped onto.
BODY_REFERENCES = {"activity": ("activities", "id"), "round": ("rounds", "id"), "country": ("countries", "code"),
                   "plan": ("plans", "slug")}
VERSIONS = [1, 2]  # the versions the open round's reports are at


def _map_onto_world(case, ids):
    negative_at = case.meta.is_negative_at if case.meta else (lambda location: False)
    resource = case.path.removeprefix("/api/v1/").split("/")[0]
    if case.path_parameters and not negative_at(ParameterLocation.PATH):
        for name, value in case.path_parameters.items():
            choices = ids.get((resource, name))
            if choices and not isinstance(value, bool):
                case.path_parameters[name] = _known(value, choices)
    if isinstance(case.body, dict) and not negative_at(ParameterLocation.BODY):
        for name, value in case.body.items():
            if name == "version" and isinstance(value, int) and not isinstance(value, bool):
                case.body[name] = _known(value, VERSIONS)
            elif name in BODY_REFERENCES and isinstance(value, (int, str)) and not isinstance(value, bool):
                case.body[name] = _known(value, ids[BODY_REFERENCES[name]])


def _call_and_validate(case, caller, api_world):
    tokens, ids = api_world
    _map_onto_world(case, ids)
    headers = {"Authorization": f"Token {tokens[caller]}"} if tokens[caller] else {}
    # Schemathesis' WSGI transport asks for gzip (as requests does) but reads the body undecoded; the
    # compression itself is tested in tests/reporting/test_compression.py.
    headers["Accept-Encoding"] = "identity"
    CASES[caller] += 1
    # Each case starts with no requests counted against throttles (DRF keeps them in the default
    # cache): a 429 is documented everywhere, but a run answered 429 throughout would check nothing.
    cache.clear()
    response = case.call_and_validate(headers=headers)
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if positive and case.method == "GET" and response.status_code == 400:
        # A read refuses valid input only for a filter naming a row that does not exist, or for an
        # export of the working copies asked by an anonymous visitor (version=working: sign in first).
        allowed = REFERENCE_FILTERS | ({"version"} if caller == "anonymous" else set())
        assert set(response.json()) <= allowed, response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("caller", CALLERS)
@schema.parametrize()
@HYPOTHESIS
def test_api(case, caller, api_world):
    _call_and_validate(case, caller, api_world)


@pytest.mark.django_db
@boundaries.parametrize()
@HYPOTHESIS
def test_api_boundaries(case, api_world):
    _call_and_validate(case, "secretariat", api_world)
