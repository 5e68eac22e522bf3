"""Funds on a progress report: recorded through the service, the activity form, the country page, the
API and the offline workbook, converted to USD at the round's rate when saved, and never rewritten by a
rate set later."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from reporting import services, workbook
from reporting.models import ExchangeRate, ProgressReport
from reporting.services import ProgressInput
from tests.reporting.test_workbook import REPORTS_SHEET, confirm, download, fill, open_book, row_of, upload


def record(world, version=None, user="focal_kz", **values):
    values.setdefault("status", "in_progress")
    return services.progress_report_record(
        round=world["round"], activity=world["everywhere"], country=world["kz"], user=world[user],
        values=ProgressInput(**values), expected_version=version)


def set_rate(world, currency, usd_per_unit):
    return services.exchange_rate_set(round=world["round"], currency=currency, usd_per_unit=usd_per_unit,
                                      user=world["secretariat"])


def detail_url(world):
    return reverse("reporting:progress_detail", args=[world["round"].pk, "QZ", world["everywhere"].pk])


# --- The service: conversion at the round's rate, kept with the report -------------------------------

def test_amount_in_a_currency_with_a_rate_is_converted_and_the_history_says_so(world):
    set_rate(world, "EUR", "1.08")
    report = record(world, funds_amount="12500.50", funds_currency="eur", funds_source="donor",
                    funds_funder=" GIZ ")
    assert (report.funds_amount, report.funds_currency, report.funds_usd) == (
        Decimal("12500.50"), "EUR", Decimal("13500.54"))
    assert (report.funds_source, report.funds_funder) == ("donor", "GIZ")
    changes = report.changes.get().changes
    assert changes["funds_amount"] == [None, "12500.50"] and changes["funds_usd"] == [None, "13500.54"]


def test_a_rate_changed_later_leaves_the_reports_saved_before_alone(world):
    set_rate(world, "KZT", "0.002")
    before = record(world, funds_amount="1000000", funds_currency="KZT")
    set_rate(world, "KZT", "0.0025")
    assert ProgressReport.objects.get(pk=before.pk).funds_usd == Decimal("2000.00")
    # Saving the report again without touching the funds keeps the USD it had...
    again = record(world, version=1, narrative="Patrols continued", funds_amount="1000000", funds_currency="KZT")
    assert again.funds_usd == Decimal("2000.00")
    # ...a changed amount is converted at the rate of today.
    changed = record(world, version=2, narrative="Patrols continued", funds_amount="2000000", funds_currency="KZT")
    assert changed.funds_usd == Decimal("5000.00")


def test_currency_without_a_rate_is_accepted_with_the_usd_left_empty_until_saved_with_one(world):
    report = record(world, funds_amount="500", funds_currency="GEL")
    assert (report.funds_amount, report.funds_usd) == (Decimal("500.00"), None)
    set_rate(world, "GEL", "0.37")
    report = record(world, version=1, narrative="Saved again", funds_amount="500", funds_currency="GEL")
    assert report.funds_usd == Decimal("185.00")


def test_usd_needs_no_rate(world):
    assert record(world, funds_amount="700", funds_currency="USD").funds_usd == Decimal("700.00")


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"funds_amount": "twelve", "funds_currency": "USD"}, "funds_amount", "is not an amount"),
    ({"funds_amount": "-5", "funds_currency": "USD"}, "funds_amount", ""),
    ({"funds_amount": "5", "funds_currency": "XYZ"}, "funds_currency", "is not an ISO 4217 currency code"),
    ({"funds_amount": "5"}, "funds_currency", "Give the currency"),
    ({"funds_source": "donor"}, "funds_amount", ""),
])
def test_bad_funds_are_refused_naming_the_field_and_nothing_is_saved(world, values, field, message):
    with pytest.raises(ValidationError) as error:
        record(world, **values)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert not ProgressReport.objects.exists()


def test_only_the_secretariat_sets_rates_and_a_bad_rate_names_the_field(world):
    with pytest.raises(PermissionDenied):
        services.exchange_rate_set(round=world["round"], currency="EUR", usd_per_unit="1.1", user=world["focal_kz"])
    for bad in ("0", "-1", "one"):
        with pytest.raises(ValidationError) as error:
            set_rate(world, "EUR", bad)
        assert "usd_per_unit" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        set_rate(world, "EURO", "1.1")
    assert "currency" in error.value.message_dict
    assert not ExchangeRate.objects.exists()


# --- The pages ----------------------------------------------------------------------------------------

def test_activity_form_records_funds_and_the_page_shows_them(client, world):
    set_rate(world, "EUR", "1.10")
    client.force_login(world["focal_kz"])
    response = client.post(detail_url(world), {
        "status": "in_progress", "narrative": "Rangers trained", "version": "0", "funds_amount": "2000",
        "funds_currency": "eur", "funds_source": "government", "funds_funder": "Ministry of Ecology"})
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.funds_amount, report.funds_currency, report.funds_usd, report.funds_source) == (
        Decimal("2000.00"), "EUR", Decimal("2200.00"), "government")
    page = client.get(detail_url(world)).content.decode()
    assert 'value="Ministry of Ecology"' in page and "Saved as 2,200 USD at this round's rate." in page


def test_activity_form_names_a_bad_currency_and_saves_nothing(client, world):
    client.force_login(world["focal_kz"])
    response = client.post(detail_url(world), {
        "status": "in_progress", "narrative": "", "version": "0", "funds_amount": "2000", "funds_currency": "xyz"})
    assert response.status_code == 400
    assert "is not an ISO 4217 currency code" in response.context["form"].errors["funds_currency"][0]
    assert not ProgressReport.objects.exists()


def test_a_status_saved_on_the_country_page_keeps_the_funds(client, world):
    record(world, funds_amount="900", funds_currency="USD", funds_source="ngo")
    client.force_login(world["focal_kz"])
    activity = world["everywhere"]
    url = reverse("reporting:country_report", args=[world["round"].pk, "QZ"])
    response = client.post(url, {f"status-{activity.pk}": "completed", f"version-{activity.pk}": "1",
                                 "save": activity.pk})
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.status == "completed"
    assert (report.funds_amount, report.funds_usd, report.funds_source) == (Decimal("900.00"), Decimal("900.00"),
                                                                            "ngo")


# --- The API --------------------------------------------------------------------------------------------

def test_api_records_funds_and_names_a_bad_one(world):
    set_rate(world, "EUR", "1.08")
    api = APIClient()
    api.force_authenticate(world["focal_kz"])
    payload = {"activity": world["everywhere"].pk, "country": "QZ", "round": world["round"].pk,
               "status": "in_progress", "narrative": "", "funds_amount": "-3", "funds_currency": "EUR"}
    response = api.post("/api/v1/progress/", payload, format="json")
    assert response.status_code == 400 and "funds_amount" in response.json()
    response = api.post("/api/v1/progress/", {**payload, "funds_currency": "ABC", "funds_amount": "3"}, format="json")
    assert response.status_code == 400 and "funds_currency" in response.json()
    assert not ProgressReport.objects.exists()

    response = api.post("/api/v1/progress/", {**payload, "funds_amount": "1000", "funds_source": "cms"},
                        format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["funds_amount"], body["funds_currency"], body["funds_usd"], body["funds_source"]) == (
        "1000.00", "EUR", "1080.00", "cms")


# --- The offline workbook ----------------------------------------------------------------------------

def test_workbook_records_funds_and_shows_the_usd_it_was_converted_to(client, world):
    set_rate(world, "KZT", "0.002")
    filled = fill(download(client, world), {world["everywhere"]: {
        "status": "In progress", "funds_amount": 250000, "funds_currency": "KZT", "funds_source": "Donor",
        "funds_funder": "UNDP"}})
    response = confirm(client, world, upload(client, world, filled))
    assert "1 report changed" in response.content.decode()
    report = ProgressReport.objects.get()
    assert (report.funds_amount, report.funds_usd, report.funds_source, report.funds_funder) == (
        Decimal("250000.00"), Decimal("500.00"), "donor", "UNDP")
    sheet = open_book(download(client, world)).worksheets[REPORTS_SHEET]
    assert row_of(sheet, world["everywhere"])[workbook.COL["funds_usd"]].value == 500


def test_workbook_names_a_negative_amount_and_saves_nothing(client, world):
    filled = fill(download(client, world), {world["everywhere"]: {
        "status": "In progress", "funds_amount": -10, "funds_currency": "USD"}})
    response = upload(client, world, filled)
    assert "the amount cannot be negative" in response.content.decode()
    assert not ProgressReport.objects.exists()


# --- The Secretariat sets rates in the admin ----------------------------------------------------------

def test_secretariat_sets_and_changes_a_rate_in_the_admin_and_old_reports_keep_their_usd(client, world):
    admin = world["secretariat"]
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post(reverse("admin:reporting_exchangerate_add"),
                           {"round": world["round"].pk, "currency": "eur", "usd_per_unit": "1.08"})
    assert response.status_code == 302
    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.usd_per_unit, rate.set_by) == ("EUR", Decimal("1.08"), admin)
    report = record(world, funds_amount="100", funds_currency="EUR")
    response = client.post(reverse("admin:reporting_exchangerate_change", args=[rate.pk]), {"usd_per_unit": "1.20"})
    assert response.status_code == 302
    assert ExchangeRate.objects.get().usd_per_unit == Decimal("1.20")
    assert ProgressReport.objects.get(pk=report.pk).funds_usd == Decimal("108.00")


@pytest.mark.parametrize(("currency", "rate", "field"), [("USD", "1", "currency"), ("ABC", "1", "currency"),
                                                         ("EUR", "0", "usd_per_unit")])
def test_admin_names_a_bad_rate_and_saves_nothing(client, world, currency, rate, field):
    admin = world["secretariat"]
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post(reverse("admin:reporting_exchangerate_add"),
                           {"round": world["round"].pk, "currency": currency, "usd_per_unit": rate})
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not ExchangeRate.objects.exists()
