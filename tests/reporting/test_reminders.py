import datetime

from django.core import mail
from django.core.management import call_command

from reporting import services
from reporting.models import CountryReport
from reporting.services import ProgressInput

DUE = datetime.date(2026, 12, 31)


def _with_emails(world):
    for name in ("focal_kz", "focal_ir"):
        world[name].email = f"{name}@example.org"
        world[name].save()


def test_focal_points_with_unreported_activities_are_reminded_once(world):
    _with_emails(world)
    call_command("send_reminders", "--date", str(DUE - datetime.timedelta(days=14)), verbosity=0)
    assert sorted(message.to[0] for message in mail.outbox) == ["focal_ir@example.org", "focal_kz@example.org"]
    kz_mail = next(message for message in mail.outbox if message.to == ["focal_kz@example.org"])
    assert "0 of 2 activities reported" in kz_mail.body and f"/rounds/{world['round'].pk}/QZ/" in kz_mail.body
    call_command("send_reminders", "--date", str(DUE - datetime.timedelta(days=14)), verbosity=0)
    assert len(mail.outbox) == 2


def test_a_reminder_is_plain_text_not_html(world):
    _with_emails(world)
    world["round"].title = "Round 2026 “A” & 'B'"
    world["round"].save()
    call_command("send_reminders", "--date", str(DUE - datetime.timedelta(days=14)), verbosity=0)
    kz_mail = next(message for message in mail.outbox if message.to == ["focal_kz@example.org"])
    assert kz_mail.subject.endswith(": Round 2026 “A” & 'B'")
    assert "The report “Round 2026 “A” & 'B'”" in kz_mail.body and "&#x27;" not in kz_mail.body


def test_no_reminder_on_other_days(world):
    _with_emails(world)
    call_command("send_reminders", "--date", str(DUE - datetime.timedelta(days=10)), verbosity=0)
    assert mail.outbox == []


def _report_kz(world, activities=("in_unit", "everywhere"), submit=False):
    for name in activities:
        services.progress_report_record(round=world["round"], activity=world[name], country=world["kz"],
                                        user=world["focal_kz"], values=ProgressInput(status="ongoing"))
    if submit:
        services.country_report_submit(country_report=CountryReport.objects.get(round=world["round"],
                                                                                 country=world["kz"]),
                                       user=world["focal_kz"])


def test_overdue_reminder_skips_countries_that_submitted(world):
    _with_emails(world)
    _report_kz(world, submit=True)
    call_command("send_reminders", "--date", str(DUE + datetime.timedelta(days=1)), verbosity=0)
    assert [message.to for message in mail.outbox] == [["focal_ir@example.org"]]
    assert "Overdue" in mail.outbox[0].subject


def test_a_report_submitted_with_gaps_is_not_overdue_so_not_reminded(world):
    _with_emails(world)
    _report_kz(world, activities=("everywhere",), submit=True)
    call_command("send_reminders", "--date", str(DUE + datetime.timedelta(days=1)), verbosity=0)
    assert [message.to for message in mail.outbox] == [["focal_ir@example.org"]]


def test_a_complete_draft_is_overdue_until_submitted_and_reminded(world):
    _with_emails(world)
    _report_kz(world)
    call_command("send_reminders", "--date", str(DUE + datetime.timedelta(days=1)), verbosity=0)
    kz_mail = next(message for message in mail.outbox if message.to == ["focal_kz@example.org"])
    assert "is not submitted yet" in kz_mail.body and "2 of 2 activities reported" in kz_mail.body


def test_reminder_is_in_the_recipients_language(world):
    _with_emails(world)
    from reporting.models import Profile

    Profile.objects.create(user=world["focal_kz"], language="ru")
    call_command("send_reminders", "--date", str(DUE - datetime.timedelta(days=3)), verbosity=0)
    kz_mail = next(message for message in mail.outbox if message.to == ["focal_kz@example.org"])
    assert "Testland QZ" in kz_mail.body
    assert kz_mail.body.startswith("Уважаемый(ая) focal-kz-t!")
    assert "Отчитано 0 из 2 мероприятий" in kz_mail.body
