"""Reports on top of the demo site, for tests that walk every page type (tests/e2e/test_accessibility.py,
tests/test_russian_interface.py): rows in the lists and the validation queue, a draft to edit."""
from __future__ import annotations


def draft_and_submitted_reports() -> dict:
    """Kazakhstan has an Argali draft with measure 3.1 reported; Iran has submitted its Persian Leopard report.
    Returns the Argali round's id and the measure's id."""
    from django.contrib.auth import get_user_model

    from actionplans.models import Activity
    from conservation_units.models import Country
    from reporting import services
    from reporting.models import CountryReport, ReportingRound

    users = get_user_model().objects
    round = ReportingRound.objects.get(plan__slug="argali")
    measure = Activity.objects.get(plan__slug="argali", kind="measure", code="3.1")
    values = services.ProgressInput(status="in_progress", narrative="Joint monitoring with the rangers.")
    services.progress_report_record(round=round, activity=measure, country=Country.objects.get(code="KZ"),
                                    user=users.get(username="focal-kz"), values=values)
    leopard_round = ReportingRound.objects.get(plan__slug="persian-leopard")
    iran = Country.objects.get(code="IR")
    services.progress_report_record(round=leopard_round, activity=iran.activities.filter(plan__slug="persian-leopard")
                                    .first(), country=iran, user=users.get(username="focal-ir"), values=values)
    services.country_report_submit(country_report=CountryReport.objects.get(round=leopard_round, country=iran),
                                   user=users.get(username="focal-ir"))
    return {"round": round.pk, "activity": measure.pk}
