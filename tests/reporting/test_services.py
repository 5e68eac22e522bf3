import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reporting import permissions, selectors, services
from reporting.models import CountryReport, Evidence, ProgressChange, ProgressReport, ReportEvent, ReportingRound
from reporting.services import ProgressInput, StaleEdit
from tests.factories import ActivityFactory

IN_PROGRESS = ProgressReport.Status.IN_PROGRESS
COMPLETED = ProgressReport.Status.COMPLETED


def record(world, user, activity=None, country=None, status=IN_PROGRESS, version=None, **values):
    return services.progress_report_record(
        round=world["round"], activity=activity or world["everywhere"], country=country or world["kz"], user=user,
        values=ProgressInput(status=status, **values), expected_version=version,
    )


def test_focal_point_records_a_status_with_history(world):
    report = record(world, world["focal_kz"], narrative="Two trainings held")
    assert (report.status, report.version, report.updated_by) == (IN_PROGRESS, 1, world["focal_kz"])
    [change] = report.changes.all()
    assert change.changed_by == world["focal_kz"] and change.source == "browser"
    assert change.changes == {"status": [None, "in_progress"], "narrative": [None, "Two trainings held"]}


def test_second_save_records_only_the_fields_that_changed(world):
    report = record(world, world["focal_kz"], narrative="Started")
    report = record(world, world["focal_kz"], status=COMPLETED, narrative="Started", version=1)
    assert report.version == 2
    assert report.changes.first().changes == {"status": ["in_progress", "completed"]}


def test_stale_edit_is_refused_and_changes_nothing(world):
    record(world, world["focal_kz"], narrative="First")
    record(world, world["secretariat"], narrative="Secretariat's correction", version=1)
    with pytest.raises(StaleEdit) as error:
        record(world, world["focal_kz"], narrative="Made from the old copy", version=1)
    assert error.value.current.version == 2
    assert ProgressReport.objects.get().narrative == "Secretariat's correction"


def test_a_first_report_when_one_exists_is_refused_with_the_stored_version(world):
    record(world, world["focal_kz"], narrative="Two trainings held")
    with pytest.raises(services.ReportExists) as error:
        record(world, world["focal_kz"], status=COMPLETED, version=0)  # version 0: "there is none yet"
    assert (error.value.current.version, error.value.sent_version) == (1, 0)
    assert isinstance(error.value, StaleEdit)  # pages show it as any save from an old copy
    assert ProgressReport.objects.get().status == IN_PROGRESS


def test_focal_point_cannot_update_another_country(world):
    with pytest.raises(PermissionDenied, match="You do not report for Testland QZ"):
        record(world, world["focal_ir"])
    assert not ProgressReport.objects.exists()


def test_contributor_drafts_only_what_was_handed_over(world):
    record(world, world["contributor_kz"], activity=world["in_unit"])
    with pytest.raises(PermissionDenied, match="was not handed to you"):
        record(world, world["contributor_kz"], activity=world["everywhere"])


def test_observer_cannot_report(world):
    with pytest.raises(PermissionDenied):
        record(world, world["observer"])


def test_activity_must_apply_to_the_country(world):
    with pytest.raises(ValidationError) as error:
        record(world, world["focal_ir"], activity=world["in_unit"], country=world["ir"])
    assert "country" in error.value.message_dict


def test_unknown_status_names_the_field(world):
    with pytest.raises(ValidationError) as error:
        record(world, world["focal_kz"], status="finished")
    assert "status" in error.value.message_dict
    assert not ProgressReport.objects.exists()


def test_closed_round_is_read_only(world):
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    with pytest.raises(PermissionDenied, match="is closed"):
        record(world, world["secretariat"])


def test_workflow_submit_return_resubmit_validate(world):
    record(world, world["focal_kz"])
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    services.country_report_return(country_report=country_report, user=world["secretariat"], comment="Add evidence")
    country_report.refresh_from_db()
    assert (country_report.state, country_report.return_comment) == ("returned", "Add evidence")
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    actions = list(country_report.events.order_by("at", "id").values_list("action", "actor__username"))
    assert actions == [("submitted", "focal-kz-t"), ("returned", "secretariat-t"), ("submitted", "focal-kz-t"),
                       ("validated", "secretariat-t")]


def test_contributor_cannot_submit(world):
    record(world, world["contributor_kz"], activity=world["in_unit"])
    with pytest.raises(PermissionDenied, match="focal point of Testland QZ submits"):
        services.country_report_submit(country_report=CountryReport.objects.get(), user=world["contributor_kz"])


def test_focal_point_cannot_validate(world):
    record(world, world["focal_kz"])
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    with pytest.raises(PermissionDenied, match="Only the CMS Secretariat"):
        services.country_report_validate(country_report=country_report, user=world["focal_kz"])


def test_submitted_report_must_be_withdrawn_before_editing(world):
    record(world, world["focal_kz"])
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    with pytest.raises(PermissionDenied, match="withdraw it to edit"):
        record(world, world["focal_kz"], status=COMPLETED, version=1)
    services.country_report_withdraw(country_report=country_report, user=world["focal_kz"])
    assert record(world, world["focal_kz"], status=COMPLETED, version=1).status == COMPLETED


def _validated(world):
    record(world, world["focal_kz"])
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    return country_report


def test_the_country_editing_a_validated_report_reopens_it_out_of_the_queue(world):
    country_report = _validated(world)
    record(world, world["focal_kz"], status=COMPLETED, version=1)
    country_report.refresh_from_db()
    assert country_report.state == CountryReport.State.REOPENED
    assert country_report.events.first().action == ReportEvent.Action.REOPENED
    assert not selectors.validation_queue().exists()
    assert permissions.why_locked_for_editing(world["focal_kz"], country_report=country_report) is None
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    country_report.refresh_from_db()
    assert country_report.state == CountryReport.State.SUBMITTED
    assert list(selectors.validation_queue()) == [country_report]
    with pytest.raises(PermissionDenied, match="withdraw it to edit"):
        record(world, world["focal_kz"], status=IN_PROGRESS, version=2)


def test_a_contributor_editing_a_validated_report_reopens_it(world):
    record(world, world["focal_kz"], activity=world["in_unit"])
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    record(world, world["contributor_kz"], activity=world["in_unit"], status=COMPLETED, version=1)
    country_report.refresh_from_db()
    assert country_report.state == CountryReport.State.REOPENED
    with pytest.raises(PermissionDenied, match="focal point of Testland QZ submits"):
        services.country_report_submit(country_report=country_report, user=world["contributor_kz"])


def test_the_secretariat_correcting_a_validated_report_sends_it_back_to_submitted(world):
    country_report = _validated(world)
    record(world, world["secretariat"], status=COMPLETED, version=1)
    country_report.refresh_from_db()
    assert country_report.state == CountryReport.State.SUBMITTED
    assert country_report.events.first().action == ReportEvent.Action.REOPENED
    assert list(selectors.validation_queue()) == [country_report]


def test_a_reopened_report_is_not_validated_or_returned_until_submitted_again(world):
    country_report = _validated(world)
    record(world, world["focal_kz"], status=COMPLETED, version=1)
    with pytest.raises(ValidationError, match="“Reopened for corrections” cannot be validated"):
        services.country_report_validate(country_report=country_report, user=world["secretariat"])
    with pytest.raises(ValidationError, match="cannot be returned"):
        services.country_report_return(country_report=country_report, user=world["secretariat"], comment="No")
    assert CountryReport.objects.get().state == CountryReport.State.REOPENED


def test_a_reopened_report_shows_anonymous_visitors_its_published_version(world):
    from django.contrib.auth.models import AnonymousUser

    country_report = _validated(world)
    assert CountryReport.objects.visible_to(AnonymousUser()).count() == 1
    record(world, world["focal_kz"], status=COMPLETED, version=1)
    assert CountryReport.objects.visible_to(AnonymousUser()).get() == country_report
    [public] = ProgressReport.objects.visible_to(AnonymousUser())
    assert (public.status, public.version) == ("in_progress", 1)
    assert ProgressReport.objects.visible_to(world["observer"]).get().status == COMPLETED


def test_return_needs_a_comment(world):
    record(world, world["focal_kz"])
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    with pytest.raises(ValidationError) as error:
        services.country_report_return(country_report=country_report, user=world["secretariat"], comment=" ")
    assert "comment" in error.value.message_dict


def test_new_round_carries_over_the_last_status(world):
    record(world, world["focal_kz"], narrative="Rangers trained", expected_year=2027)
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    new_round = services.round_open(plan=world["plan"], title="2028 report", opens_on=datetime.date(2028, 1, 1),
                                    due_on=datetime.date(2028, 6, 30), opened_by=world["secretariat"])
    [carried] = ProgressReport.objects.filter(country_report__round=new_round)
    assert (carried.status, carried.narrative, carried.expected_year, carried.carried_over) == (
        IN_PROGRESS, "Rangers trained", 2027, True)
    assert carried.changes.get().source == ProgressChange.Source.CARRY_OVER
    confirmed = services.progress_report_confirm(report=carried, user=world["focal_kz"], expected_version=1)
    assert (confirmed.carried_over, confirmed.version) == (False, 2)


def test_only_one_open_round_per_plan(world):
    with pytest.raises(ValidationError) as error:
        services.round_open(plan=world["plan"], title="Another", opens_on=datetime.date(2026, 2, 1),
                            due_on=datetime.date(2026, 3, 1), opened_by=world["secretariat"])
    assert "plan" in error.value.message_dict


def test_focal_point_cannot_open_a_round(world):
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    with pytest.raises(PermissionDenied):
        services.round_open(plan=world["plan"], title="2027 report", opens_on=datetime.date(2027, 1, 1),
                            due_on=datetime.date(2027, 6, 30), opened_by=world["focal_kz"])
    assert list(ReportingRound.objects.all()) == [world["round"]]


def test_focal_point_cannot_close_a_round(world):
    with pytest.raises(PermissionDenied):
        services.round_close(round=world["round"], closed_by=world["focal_kz"])
    assert ReportingRound.objects.get().is_open


def test_focal_point_cannot_reopen_a_round(world):
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    with pytest.raises(PermissionDenied):
        services.round_reopen(round=world["round"], opened_by=world["focal_kz"])
    assert not ReportingRound.objects.get().is_open


def test_a_round_due_before_it_opens_is_refused_naming_due_on(world):
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    with pytest.raises(ValidationError) as error:
        services.round_open(plan=world["plan"], title="2027 report", opens_on=datetime.date(2027, 2, 1),
                            due_on=datetime.date(2027, 1, 31), opened_by=world["secretariat"])
    assert error.value.message_dict == {"due_on": ["The due date comes before the opening date."]}
    assert ReportingRound.objects.count() == 1


def test_evidence_file_is_checked_and_stored(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = record(world, world["focal_kz"])
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    evidence = services.evidence_add(report=report, user=world["focal_kz"], title="Training report",
                                     visibility="restricted", file=pdf)
    assert evidence.file.read() == b"%PDF-1.4 test"
    assert evidence.content_type == "application/pdf"
    assert report.changes.first().changes == {"restricted_evidence": [None, "Training report"]}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ", "is not a file type"),
        ("report.pdf", b"GIF89a not a pdf", "does not contain what its name says"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_bad_upload_is_refused_with_the_reason(world, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    report = record(world, world["focal_kz"])
    with pytest.raises(ValidationError, match=message):
        services.evidence_add(report=report, user=world["focal_kz"], title="x", visibility="public",
                              file=SimpleUploadedFile(name, content))
    assert not Evidence.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


def test_too_large_upload_is_refused(world, settings, tmp_path):
    settings.MEDIA_ROOT, settings.EVIDENCE_MAX_BYTES = tmp_path, 10
    report = record(world, world["focal_kz"])
    with pytest.raises(ValidationError, match="files may be at most"):
        services.evidence_add(report=report, user=world["focal_kz"], title="x", visibility="public",
                              file=SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 20))


def test_removed_evidence_is_kept_but_hidden(world):
    report = record(world, world["focal_kz"])
    evidence = services.evidence_add(report=report, user=world["focal_kz"], title="Article", visibility="public",
                                     url="https://example.org/article")
    services.evidence_remove(evidence=evidence, user=world["focal_kz"])
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert not Evidence.objects.visible_to(world["focal_kz"]).exists()


def test_restricted_evidence_is_seen_by_the_country_and_the_secretariat_only(world):
    report = record(world, world["focal_kz"])
    services.evidence_add(report=report, user=world["focal_kz"], title="Den site", visibility="restricted",
                          url="https://example.org/den")
    assert Evidence.objects.visible_to(world["focal_kz"]).count() == 1
    assert Evidence.objects.visible_to(world["contributor_kz"]).count() == 1
    assert Evidence.objects.visible_to(world["secretariat"]).count() == 1
    assert Evidence.objects.visible_to(world["focal_ir"]).count() == 0
    assert Evidence.objects.visible_to(world["observer"]).count() == 0


def test_country_corrects_a_validated_report_in_several_steps(world):
    record(world, world["focal_kz"])
    record(world, world["focal_kz"], activity=world["in_unit"])
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    record(world, world["focal_kz"], status=COMPLETED, version=1)
    # Reopened by that correction, the report stays open to the country's next one.
    record(world, world["focal_kz"], activity=world["in_unit"], status=COMPLETED, version=1)
    country_report.refresh_from_db()
    assert country_report.state == "reopened"
    assert [event.action for event in country_report.events.all()] == ["reopened", "validated", "submitted"]
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {COMPLETED}


# --- Decisions on the locked row (hardening fault 1) -------------------------------------------------
# A caller's copy of the report may be older than the row: the services must decide on what is stored.

def _stale_copy(report):
    """The progress report as a request read it before someone else's step committed."""
    stale = ProgressReport.objects.select_related("country_report__round", "country_report__country",
                                                  "activity").get(pk=report.pk)
    return stale


def test_evidence_from_a_copy_read_before_the_submission_is_refused(world):
    report = record(world, world["focal_kz"])
    stale = _stale_copy(report)  # read while the report was a draft
    services.country_report_submit(country_report=CountryReport.objects.get(), user=world["focal_kz"])
    assert stale.country_report.state == "draft"
    with pytest.raises(PermissionDenied, match="withdraw it to edit"):
        services.evidence_add(report=stale, user=world["focal_kz"], title="Late", visibility="public",
                              url="https://example.org/late")
    assert not Evidence.objects.exists()


def test_removing_evidence_from_a_copy_read_before_the_submission_is_refused(world):
    report = record(world, world["focal_kz"])
    evidence = services.evidence_add(report=report, user=world["focal_kz"], title="Log", visibility="public",
                                     url="https://example.org/log")
    evidence = Evidence.objects.select_related("progress_report__country_report__round").get(pk=evidence.pk)
    services.country_report_submit(country_report=CountryReport.objects.get(), user=world["focal_kz"])
    with pytest.raises(PermissionDenied, match="withdraw it to edit"):
        services.evidence_remove(evidence=evidence, user=world["focal_kz"])
    assert Evidence.objects.current().count() == 1


@pytest.mark.parametrize(("user", "state"), [("secretariat", "submitted"), ("focal_kz", "reopened")])
def test_evidence_from_a_copy_read_before_the_validation_reopens_the_report(world, user, state):
    report = record(world, world["focal_kz"])
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    stale = _stale_copy(report)  # read while submitted
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    services.evidence_add(report=stale, user=world[user], title="Late", visibility="public",
                          url="https://example.org/late")
    country_report.refresh_from_db()
    assert country_report.state == state
    assert country_report.events.first().action == ReportEvent.Action.REOPENED


def test_writes_from_copies_read_while_validated_reopen_once(world):
    report = record(world, world["focal_kz"])
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    services.country_report_validate(country_report=country_report, user=world["secretariat"])
    copies = [_stale_copy(report) for _ in range(3)]  # each says "validated"
    for number, copy in enumerate(copies):
        services.evidence_add(report=copy, user=world["secretariat"], title=f"Item {number}", visibility="public",
                              url=f"https://example.org/{number}")
    actions = list(country_report.events.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["submitted", "validated", "reopened"]


def test_removing_the_same_evidence_twice_from_two_copies_is_refused(world):
    report = record(world, world["focal_kz"])
    services.evidence_add(report=report, user=world["focal_kz"], title="Log", visibility="public",
                          url="https://example.org/log")
    first, second = (Evidence.objects.select_related("progress_report__country_report__round").get()
                     for _ in range(2))
    services.evidence_remove(evidence=first, user=world["focal_kz"])
    with pytest.raises(ValidationError, match="already removed"):
        services.evidence_remove(evidence=second, user=world["focal_kz"])
    assert ProgressReport.objects.get().version == 3  # recorded, added, removed once


def test_a_write_from_a_copy_read_before_the_round_closed_is_refused(world):
    report = record(world, world["focal_kz"])
    stale = _stale_copy(report)
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    with pytest.raises(PermissionDenied, match="is closed"):
        services.evidence_add(report=stale, user=world["focal_kz"], title="Late", visibility="public",
                              url="https://example.org/late")


# --- Rounds: the service decides (hardening fault 3) ---------------------------------------------------

def test_round_reopen_from_a_stale_copy_says_already_open(world):
    stale = ReportingRound.objects.get(pk=world["round"].pk)
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    services.round_reopen(round=world["round"], opened_by=world["secretariat"])
    stale.status = ReportingRound.Status.CLOSED  # what a second, simultaneous request had read
    with pytest.raises(ValidationError) as error:
        services.round_reopen(round=stale, opened_by=world["secretariat"])
    assert error.value.message_dict == {"status": ["This round is already open."]}


@pytest.mark.parametrize("how", ["open", "reopen"])
def test_round_constraint_violation_answers_as_the_check(world, monkeypatch, how):
    """Should the check let a second open round through, the database's constraint answers the same sentence."""
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    other = ReportingRound.objects.create(plan=world["plan"], edition=world["plan"].current_edition,
                                          title="2027 report", opens_on=datetime.date(2027, 1, 1),
                                          due_on=datetime.date(2027, 6, 30), status=ReportingRound.Status.CLOSED)
    services.round_reopen(round=other, opened_by=world["secretariat"])
    monkeypatch.setattr(services.rounds, "_plan_has_open_round", lambda plan, message: None)
    monkeypatch.setattr(ReportingRound, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as error:
        if how == "open":
            services.round_open(plan=world["plan"], title="2028 report", opens_on=datetime.date(2028, 1, 1),
                                due_on=datetime.date(2028, 6, 30), opened_by=world["secretariat"])
        else:
            services.round_reopen(round=world["round"], opened_by=world["secretariat"])
    assert "already has an open round" in error.value.message_dict["plan"][0]
    assert ReportingRound.objects.open().count() == 1


# --- Evidence titles (hardening fault 9, the title sentence) --------------------------------------------

def test_a_long_file_name_without_a_title_is_cut_to_fit(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = record(world, world["focal_kz"])
    name = "a" * 296 + ".pdf"
    evidence = services.evidence_add(report=report, user=world["focal_kz"], title="", visibility="public",
                                     file=SimpleUploadedFile(name, b"%PDF-1.4 test"))
    assert len(evidence.title) == 200 and evidence.title.startswith("aaa")
    assert evidence.file.read() == b"%PDF-1.4 test" and evidence.file.name.endswith(".pdf")


def test_a_long_link_without_a_title_is_cut_to_fit(world):
    report = record(world, world["focal_kz"])
    url = "https://example.org/" + "b" * 400
    evidence = services.evidence_add(report=report, user=world["focal_kz"], title="", visibility="public", url=url)
    assert (len(evidence.title), evidence.url) == (200, url)


def test_a_long_title_given_is_refused_naming_title(world):
    report = record(world, world["focal_kz"])
    with pytest.raises(ValidationError) as error:
        services.evidence_add(report=report, user=world["focal_kz"], title="t" * 201, visibility="public",
                              url="https://example.org/x")
    assert list(error.value.message_dict) == ["title"]


def test_a_plan_has_one_round_of_each_title(world):
    services.round_close(round=world["round"], closed_by=world["secretariat"])
    with pytest.raises(ValidationError) as refused:
        services.round_open(plan=world["plan"], title="2026 report", opens_on=datetime.date(2026, 9, 1),
                            due_on=datetime.date(2026, 12, 1), opened_by=world["secretariat"])
    assert refused.value.message_dict == {"title": [
        "Test plan already has a round titled “2026 report”: give this one another title, e.g. with its year."]}


# --- Returning with comments on single activities ---------------------------------------------------

def _submitted(world):
    record(world, world["focal_kz"], activity=world["in_unit"])
    record(world, world["focal_kz"])
    country_report = CountryReport.objects.get()
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    return country_report


def test_a_return_keeps_comments_on_chosen_activities(world):
    country_report = _submitted(world)
    services.country_report_return(country_report=country_report, user=world["secretariat"], comment="See two rows",
                                   activity_comments={world["in_unit"].pk: " Name the border posts. ",
                                                      world["everywhere"].pk: "  "})
    event = country_report.events.get(action="returned")
    assert [(c.activity, c.comment) for c in event.activity_comments.all()] == [(world["in_unit"], "Name the border posts.")]


def test_a_comment_on_an_activity_of_another_country_returns_nothing(world):
    country_report = _submitted(world)
    other = ActivityFactory(plan=world["plan"], countries=[world["ir"]])
    with pytest.raises(ValidationError) as error:
        services.country_report_return(country_report=country_report, user=world["secretariat"], comment="Fix",
                                       activity_comments={other.pk: "Not theirs"})
    assert "activity_comments" in error.value.message_dict
    country_report.refresh_from_db()
    assert country_report.state == CountryReport.State.SUBMITTED
    assert not ReportEvent.objects.filter(action="returned").exists()
