"""Simultaneous requests on PostgreSQL: real threads, each with its own connection, started together.

Hardening faults 1 (evidence past the submitted lock and the validated state) and 3 (500 when two
requests open or reopen a round of the same plan at once). SQLite serialises whole transactions and
its row locks are no-ops, so these run on PostgreSQL only (DATABASE_URL=postgres://...).
"""
import datetime
import threading
import time

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reporting import services
from reporting.models import CountryReport, Evidence, ReportEvent, ReportingRound
from reporting.services import ProgressInput
from tests.factories import ActionPlanFactory, ActivityFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: row locks and concurrent connections (set DATABASE_URL)"),
]

TRIALS = 5
PROGRESS, ROUNDS, COUNTRY_REPORTS = "/api/v1/progress/", "/api/v1/rounds/", "/api/v1/country-reports/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    client.raise_request_exception = False  # a server error is an answer to count, not a test crash
    return client


def at_once(calls):
    """Run each call in its own thread (its own connection), all released together; their answers in order."""
    barrier = threading.Barrier(len(calls), timeout=30)
    answers = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            answers[index] = call()
        except Exception as error:  # noqa: BLE001 - reported below as the answer
            answers[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(isinstance(answer, Exception) for answer in answers), answers
    return answers


def fresh_report(world, number):
    """A plan of its own for each trial, with Testland QZ's report in draft on one activity."""
    plan = ActionPlanFactory(slug=f"race-plan-{number}", range_states=[world["kz"]])
    activity = ActivityFactory(plan=plan, countries=[world["kz"]])
    round = ReportingRound.objects.create(plan=plan, edition=plan.current_edition,
                                          title=f"Race {number}", opens_on=datetime.date(2026, 1, 1),
                                          due_on=datetime.date(2026, 12, 31))
    report = services.progress_report_record(round=round, activity=activity, country=world["kz"],
                                             user=world["focal_kz"], values=ProgressInput(status="in_progress"))
    return report, report.country_report


def add_link(client, report, number):
    return lambda: client.post(f"{PROGRESS}{report.pk}/evidence/", {
        "url": f"https://example.org/race/{number}", "title": f"Item {number}", "visibility": "public"},
        format="json")


def events(country_report):
    return list(country_report.events.order_by("at", "id"))


def no_repeated_reopened(actions):
    return all(not (a == b == ReportEvent.Action.REOPENED) for a, b in zip(actions, actions[1:]))


def test_evidence_sent_with_the_submission_lands_before_it_or_is_refused(world):
    """Fault 1: the focal point submits while ten of their own evidence additions arrive."""
    focal = client_for(world["focal_kz"])
    accepted_after = accepted = refused = 0
    for trial in range(TRIALS):
        report, country_report = fresh_report(world, trial)
        # The submission starts a little later each trial, so additions land on both sides of it.
        calls = [lambda delay=trial * 0.015: time.sleep(delay) or focal.post(
            f"{COUNTRY_REPORTS}{country_report.pk}/submit/")]
        calls += [add_link(focal, report, number) for number in range(10)]
        submit, *additions = at_once(calls)
        assert submit.status_code == 200, submit.content
        codes = sorted(answer.status_code for answer in additions)
        assert set(codes) <= {201, 403}, codes
        assert all("withdraw it to edit" in answer.json()["detail"] for answer in additions
                   if answer.status_code == 403)
        submitted_at = country_report.events.get(action=ReportEvent.Action.SUBMITTED).at
        evidence = Evidence.objects.filter(progress_report=report)
        assert evidence.count() == codes.count(201)
        accepted += codes.count(201)
        refused += codes.count(403)
        accepted_after += evidence.filter(added_at__gt=submitted_at).count()
        country_report.refresh_from_db()
        assert country_report.state == CountryReport.State.SUBMITTED
        assert [event.action for event in events(country_report)] == [ReportEvent.Action.SUBMITTED]
    print(f"\nsubmit race: {accepted} accepted, {refused} refused, {accepted_after} accepted after the submission")
    assert accepted_after == 0, f"{accepted_after} of {accepted} accepted additions landed after the submission"
    assert accepted + refused == TRIALS * 10


@pytest.mark.parametrize(("adder", "corrected"), [
    ("secretariat", CountryReport.State.SUBMITTED),  # its own correction waits for its validation
    ("focal_kz", CountryReport.State.REOPENED),  # the country goes on correcting it
])
def test_evidence_added_while_the_secretariat_validates_reopens_the_report_once(world, django_user_model, adder,
                                                                                corrected):
    """Fault 1: two clients add evidence while a third validates. The Secretariat's additions all land;
    the focal point's are refused while the report is submitted and land once it is validated."""
    validator = client_for(world["secretariat"])
    if adder == "secretariat":
        adders = [client_for(django_user_model.objects.create_user(f"secretariat-{n}", is_staff=True))
                  for n in range(2)]
    else:
        adders = [client_for(world["focal_kz"]) for _ in range(2)]
    for trial in range(TRIALS):
        report, country_report = fresh_report(world, trial)
        services.country_report_submit(country_report=country_report, user=world["focal_kz"])
        calls = [lambda delay=trial * 0.01: time.sleep(delay) or validator.post(
            f"{COUNTRY_REPORTS}{country_report.pk}/validate/")]
        calls += [add_link(adders[number % 2], report, number) for number in range(8)]
        validate, *additions = at_once(calls)
        assert validate.status_code == 200, validate.content
        codes = [answer.status_code for answer in additions]
        if adder == "secretariat":
            assert codes == [201] * 8
        else:
            assert set(codes) <= {201, 403}, codes
        history = events(country_report)
        actions = [event.action for event in history]
        assert no_repeated_reopened(actions), actions
        assert actions.count(ReportEvent.Action.REOPENED) <= 1, actions
        validated_at = next(event.at for event in history if event.action == ReportEvent.Action.VALIDATED)
        newer = Evidence.objects.filter(progress_report=report, added_at__gt=validated_at).count()
        if adder != "secretariat":
            assert newer == codes.count(201), codes  # nothing of the country's slipped in while submitted
        print(f"\nvalidate race ({adder}), trial {trial}: {newer} additions after the validation, events {actions}")
        country_report.refresh_from_db()
        if newer:
            # Evidence newer than the validation: the report was reopened by it, once.
            assert ReportEvent.Action.REOPENED in actions, actions
            assert actions.index(ReportEvent.Action.REOPENED) > actions.index(ReportEvent.Action.VALIDATED)
            assert country_report.state == corrected
        else:
            assert actions == [ReportEvent.Action.SUBMITTED, ReportEvent.Action.VALIDATED]
            assert country_report.state == CountryReport.State.VALIDATED


def test_rounds_opened_at_once_answer_one_201_and_400s(world):
    """Fault 3: eight simultaneous POST /rounds/ on a plan whose open round was just closed."""
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    clients = [client_for(world["secretariat"]) for _ in range(8)]
    answers = at_once([
        (lambda client=client, n=n: client.post(ROUNDS, {
            "plan": world["plan"].slug, "title": f"2027 report {n}", "opens_on": "2027-01-01",
            "due_on": "2027-06-30"}, format="json"))
        for n, client in enumerate(clients)
    ])
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [201] + [400] * 7, codes
    for answer in answers:
        if answer.status_code == 400:
            assert answer.json() == {"plan": [f"{world['plan']} already has an open round: close it first."]}
    assert ReportingRound.objects.open().filter(plan=world["plan"]).count() == 1


def test_rounds_reopened_at_once_answer_one_200_and_400s(world):
    """Fault 3: twenty simultaneous /rounds/{id}/reopen/ over four closed rounds of one plan."""
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    closed = [world["round"]] + [
        ReportingRound.objects.create(plan=world["plan"], edition=world["plan"].current_edition,
                                      title=f"{year} report", opens_on=datetime.date(year, 1, 1),
                                      due_on=datetime.date(year, 6, 30), status=ReportingRound.Status.CLOSED)
        for year in (2023, 2024, 2025)
    ]
    clients = [client_for(world["secretariat"]) for _ in range(20)]
    answers = at_once([
        (lambda client=client, round=closed[n % 4]: client.post(f"{ROUNDS}{round.pk}/reopen/"))
        for n, client in enumerate(clients)
    ])
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [200] + [400] * 19, codes
    sentences = {"This round is already open.", f"{world['plan']} already has an open round."}
    for answer in answers:
        if answer.status_code == 400:
            [sentence] = [*answer.json().get("status", []), *answer.json().get("plan", [])]
            assert sentence in sentences
    assert ReportingRound.objects.open().filter(plan=world["plan"]).count() == 1
