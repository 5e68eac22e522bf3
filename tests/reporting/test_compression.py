"""Pages travel compressed (issue #11, "every HTML page compressed on the wire"), with the random padding
Django adds against BREACH, and plain to a client that does not ask for gzip."""
import gzip

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reporting.demo import demo_data_load
from reporting.models import ReportingRound


@pytest.fixture
def kazakh_argali_report(client, real_plans):
    """The Kazakh focal point on the Argali country report of an open round: every Argali activity of
    Kazakhstan, each with its status select, as on the real site."""
    demo_data_load()
    client.force_login(get_user_model().objects.get(username="focal-kz"))
    round = ReportingRound.objects.get(plan=real_plans["argali"])
    return reverse("reporting:country_report", args=[round.pk, "KZ"])


def test_the_argali_country_report_is_sent_gzipped_under_25_kb(client, kazakh_argali_report):
    response = client.get(kazakh_argali_report, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    sent = response.content
    assert len(sent) < 25 * 1024 and not response.has_header("Content-Length")  # streamed (cami/streaming.py)
    html = gzip.decompress(sent).decode()
    assert len(html) > 100 * 1024, "the page is the full Argali report, compressed tenfold"
    assert "Status of Measure 3.1" in html and html.rstrip().endswith("</html>")
    # Heal the Breach: a random file name in the gzip header changes the length sent from one answer to the next.
    assert sent[3] & 0x08, "the gzip header carries Django's random padding"


def test_a_client_that_does_not_accept_gzip_gets_the_page_plain(client, kazakh_argali_report):
    response = client.get(kazakh_argali_report)
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
    assert "Status of Measure 3.1" in response.content.decode()


def test_api_answers_are_compressed_too(client, real_plans):
    response = client.get("/api/v1/activities/?plan=argali", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content).startswith(b"{")


def test_an_excel_export_is_sent_as_it_is_not_gzipped_again(client, real_plans):
    # An xlsx file is a zip already: gzip would spend CPU for nothing and drop its Content-Length.
    response = client.get(reverse("reporting:export_xlsx"), {"plan": "argali"}, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:2] == b"PK"
