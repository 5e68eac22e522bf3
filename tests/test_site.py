"""What a new user meets around the pages: the icon, the dates, the server's console, stray URLs."""
import datetime
import logging
import sys

import pytest
from django.urls import reverse
from django.utils import formats, translation


@pytest.mark.django_db
def test_favicon_is_named_by_every_page_and_found_at_favicon_ico(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg"), "the icon is a static file of the project"
    assert '<link rel="icon" type="image/svg+xml" href="/static/img/favicon.svg">' in client.get("/").content.decode()


def test_dates_are_unambiguous_in_english_and_russian():
    moment = datetime.datetime(2026, 12, 2, 12, 20)
    with translation.override("en"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "2026-12-02 12:20"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "2026-12-02"
        assert formats.date_format(moment.date(), "DATE_FORMAT") == "2 December 2026"
    with translation.override("ru"):
        assert formats.date_format(moment.date(), "DATE_FORMAT") == "2 декабря 2026 г."
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "02.12.2026"


def _console_handler():
    from cami.log_filters import ClientErrorsWithoutTraceback

    django_logger = logging.getLogger("django")
    console = [handler for handler in django_logger.handlers
               if any(isinstance(f, ClientErrorsWithoutTraceback) for f in handler.filters)]
    assert len(console) == 1 and not django_logger.propagate, "each record is printed once"
    return console[0]


def _record(status_code: int) -> logging.LogRecord:
    try:
        raise PermissionError("refused")
    except PermissionError:
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: /x/", None,
                                   sys.exc_info())
    record.status_code = status_code
    return record


def test_a_refused_request_is_one_line_in_the_console():
    handler = _console_handler()
    record = _record(403)
    assert handler.filter(record)
    assert handler.format(record) == "Forbidden: /x/"


def test_a_server_error_keeps_its_traceback():
    handler = _console_handler()
    record = _record(500)
    assert handler.filter(record)
    assert "Traceback (most recent call last)" in handler.format(record)


@pytest.mark.django_db
def test_the_open_a_round_address_leads_to_the_rounds_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("secretariat-s", password="pw", is_staff=True))
    response = client.get(reverse("reporting:round_create"))
    assert response.status_code == 302 and response["Location"] == reverse("reporting:round_list")
