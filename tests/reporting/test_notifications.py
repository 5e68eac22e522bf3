"""Mail when a report moves (issue #10, "Messages between the Secretariat and the countries"):
reporting/notifications.py, called by the workflow and hand-over services once their write commits."""
import smtplib

import pytest
from django.core import mail
from django.urls import reverse

from reporting import services
from reporting.models import CountryReport, Profile
from reporting.services import ProgressInput

EVERYONE = ("secretariat", "focal_kz", "focal_ir", "contributor_kz", "observer")


@pytest.fixture
def people(world):
    """The world's users with addresses (mail goes only to those who have one)."""
    for key in EVERYONE:
        world[key].email = f"{key}@example.org"
        world[key].save(update_fields=["email"])
    return world


def report_of_qz(world):
    services.progress_report_record(round=world["round"], activity=world["everywhere"], country=world["kz"],
                                    user=world["focal_kz"], values=ProgressInput(status="in_progress"))
    return CountryReport.objects.get(country=world["kz"])


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_submission_is_mailed_to_the_secretariat(people, django_capture_on_commit_callbacks):
    country_report = report_of_qz(people)
    with django_capture_on_commit_callbacks(execute=True):
        services.country_report_submit(country_report=country_report, user=people["focal_kz"])
    assert recipients() == ["secretariat@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Submitted: Testland QZ, 2026 report"
    assert "focal-kz-t submitted the report of Testland QZ for “2026 report” (Test plan)" in message.body
    assert f"http://127.0.0.1:8000/rounds/{people['round'].pk}/QZ/" in message.body


def test_a_return_is_mailed_to_the_countrys_people_with_the_comment_in_their_language(
        people, django_capture_on_commit_callbacks):
    country_report = report_of_qz(people)
    services.country_report_submit(country_report=country_report, user=people["focal_kz"])
    Profile.objects.create(user=people["contributor_kz"], language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        services.country_report_return(country_report=country_report, user=people["secretariat"],
                                       comment="Say which districts the training covered.")
    assert recipients() == ["contributor_kz@example.org", "focal_kz@example.org"]  # not QR's, not the observer
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["focal_kz@example.org"].subject == "Returned for changes: Testland QZ, 2026 report"
    assert "Say which districts the training covered." in by_address["focal_kz@example.org"].body
    russian = by_address["contributor_kz@example.org"]
    assert russian.subject.startswith("Возвращён на доработку: Testland QZ")
    assert "Say which districts the training covered." in russian.body


def test_a_validation_is_mailed_and_nobody_hears_of_their_own_move(people, django_capture_on_commit_callbacks):
    country_report = report_of_qz(people)
    services.country_report_submit(country_report=country_report, user=people["focal_kz"])
    with django_capture_on_commit_callbacks(execute=True):
        services.country_report_validate(country_report=country_report, user=people["secretariat"])
    assert recipients() == ["contributor_kz@example.org", "focal_kz@example.org"]
    assert mail.outbox[0].subject == "Validated: Testland QZ, 2026 report"


def test_withdrawing_mails_nobody_and_a_refused_move_mails_nobody(people, django_capture_on_commit_callbacks):
    country_report = report_of_qz(people)
    services.country_report_submit(country_report=country_report, user=people["focal_kz"])
    with django_capture_on_commit_callbacks(execute=True):
        services.country_report_withdraw(country_report=country_report, user=people["focal_kz"])
        with pytest.raises(Exception):
            services.country_report_validate(country_report=country_report, user=people["secretariat"])
    assert mail.outbox == []


def test_who_turned_the_mails_off_gets_none(client, people, django_capture_on_commit_callbacks):
    client.force_login(people["secretariat"])
    response = client.post(reverse("reporting:account"), {"mail_on_workflow": "off"}, follow=True)
    assert "You will no longer be mailed when a report moves." in response.content.decode()
    assert "Mail me again" in response.content.decode()
    country_report = report_of_qz(people)
    with django_capture_on_commit_callbacks(execute=True):
        services.country_report_submit(country_report=country_report, user=people["focal_kz"])
    assert mail.outbox == []


def test_a_hand_over_is_mailed_to_the_colleague(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.drafting_hand_over(granted_by=people["focal_kz"], colleague=people["observer"], country=people["kz"],
                                    plan=people["plan"], activity_codes=["2.2"])
    assert recipients() == ["observer@example.org"]
    assert mail.outbox[0].subject == "You draft for Testland QZ: Test plan"
    assert "- Measure 2.2" in mail.outbox[0].body


def test_a_hand_over_mail_is_plain_text_not_html(people, django_capture_on_commit_callbacks):
    people["plan"].short_title = "Plan for Ovis & Capra 'ammon'"
    people["plan"].save()
    with django_capture_on_commit_callbacks(execute=True):
        services.drafting_hand_over(granted_by=people["focal_kz"], colleague=people["observer"], country=people["kz"],
                                    plan=people["plan"], activity_codes=["2.2"])
    assert mail.outbox[0].subject == "You draft for Testland QZ: Plan for Ovis & Capra 'ammon'"
    assert "on the Plan for Ovis & Capra 'ammon':" in mail.outbox[0].body and "&amp;" not in mail.outbox[0].body


def test_a_failing_mail_server_does_not_undo_the_submission(client, people, monkeypatch,
                                                             django_capture_on_commit_callbacks):
    report_of_qz(people)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("reporting.notifications.send_mail", refuse)
    client.force_login(people["focal_kz"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:submit", args=[people["round"].pk, "QZ"]))
    assert response.status_code == 302
    assert CountryReport.objects.get(country=people["kz"]).state == "submitted"


def test_the_home_page_lists_the_messages(client, people):
    country_report = report_of_qz(people)
    services.country_report_submit(country_report=country_report, user=people["focal_kz"])
    services.country_report_return(country_report=country_report, user=people["secretariat"], comment="Add dates.")
    client.force_login(people["focal_kz"])
    html = client.get(reverse("reporting:home")).content.decode()
    assert "returned for changes by the Secretariat: <q>Add dates.</q>" in html
    client.force_login(people["secretariat"])
    html = client.get(reverse("reporting:home")).content.decode()
    assert "submitted by focal-kz-t, waiting for validation" in html
    client.force_login(people["focal_ir"])
    assert "Add dates." not in client.get(reverse("reporting:home")).content.decode()


def test_a_return_mail_lists_the_comments_on_single_activities_in_the_recipients_language(
        people, django_capture_on_commit_callbacks):
    world = people
    country_report = report_of_qz(world)
    services.country_report_submit(country_report=country_report, user=world["focal_kz"])
    Profile.objects.create(user=world["contributor_kz"], language="ru")
    world["in_unit"].text_ru = "Сотрудничать через границы"
    world["in_unit"].save(update_fields=["text_ru"])
    with django_capture_on_commit_callbacks(execute=True):
        services.country_report_return(
            country_report=country_report, user=world["secretariat"], comment="Two rows need more.",
            activity_comments={world["everywhere"].pk: "Say which districts the training covered.",
                               world["in_unit"].pk: "Name the border posts' partners."})
    by_address = {message.to[0]: message.body for message in mail.outbox}
    english = by_address["focal_kz@example.org"]
    assert "Two rows need more.\n\nOn single activities:\n" in english
    # In the plan's order, each with its code and text, shortened; typed text arrives unescaped.
    assert ("- Measure 2.1 — Collaborate across borders — Name the border posts' partners.\n"
            "- Measure 2.2 — Train protected area staff — Say which districts the training covered.\n") in english
    assert english.index("On single activities:") < english.index("Change what it asks")
    russian = by_address["contributor_kz@example.org"]
    assert "- Мера 2.1 — Сотрудничать через границы — Name the border posts' partners." in russian
    assert "On single activities" not in russian


def test_a_return_mail_without_comments_on_activities_has_no_such_list(people, django_capture_on_commit_callbacks):
    country_report = report_of_qz(people)
    services.country_report_submit(country_report=country_report, user=people["focal_kz"])
    with django_capture_on_commit_callbacks(execute=True):
        services.country_report_return(country_report=country_report, user=people["secretariat"], comment="More.")
    assert "On single activities" not in mail.outbox[0].body
