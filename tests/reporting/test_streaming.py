"""The country report is streamed (cami/streaming.py, issue #11): the head and site header first, the rows
next, each part flushed through gzip as it comes; what a normal response settles (the CSRF cookie, messages
read once, the page's language) is the same. Django's own client here: it hands the stream back unread."""
import zlib

import pytest
from django.test import Client
from django.utils import translation

from tests.reporting.test_views import country_url


@pytest.fixture
def focal_point(world):
    client = Client()
    client.force_login(world["focal_kz"])
    return client


def parts(response) -> list[bytes]:
    return list(response.streaming_content)


def test_the_head_and_header_come_first_and_the_rows_after(focal_point, world):
    response = focal_point.get(country_url(world))
    assert response.status_code == 200 and response.streaming
    top, rest = (part.decode() for part in parts(response))
    assert '<link rel="stylesheet"' in top and "Testland QZ" in top.split("</title>")[0]
    assert top.rstrip().endswith('<main id="main" tabindex="-1">')
    assert "Status of Measure 2.1" not in top
    assert "Status of Measure 2.1" in rest and rest.rstrip().endswith("</html>")


def test_each_part_reaches_the_browser_compressed_as_soon_as_it_is_ready(focal_point, world):
    response = focal_point.get(country_url(world), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip" and not response.has_header("Content-Length")
    chunks = parts(response)
    unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
    first = unzip.decompress(chunks[0]).decode()  # the first chunk alone: the whole top, nothing held back
    assert first.rstrip().endswith('<main id="main" tabindex="-1">')
    whole = first + "".join(unzip.decompress(chunk).decode() for chunk in chunks[1:])
    assert whole.rstrip().endswith("</html>") and unzip.eof
    assert chunks[0][3] & 0x08, "the gzip header carries the random padding against BREACH"


def test_a_first_visit_gets_its_csrf_cookie_though_the_forms_come_later(world):
    response = Client().get(country_url(world))
    assert "csrftoken" in response.cookies
    assert 'name="csrfmiddlewaretoken"' in b"".join(parts(response)).decode()


def test_a_message_is_shown_once(focal_point, world):
    activity = world["everywhere"]
    focal_point.post(country_url(world), {f"status-{activity.pk}": "ongoing", f"version-{activity.pk}": "0"})
    assert "Saved 1 change." in b"".join(parts(focal_point.get(country_url(world)))).decode()
    assert "Saved 1 change." not in b"".join(parts(focal_point.get(country_url(world)))).decode()


def test_the_rows_keep_the_language_of_the_request(focal_point, world):
    response = focal_point.get(country_url(world), HTTP_ACCEPT_LANGUAGE="ru")
    translation.activate("en")  # the server iterates later, in whatever state its thread is
    rest = parts(response)[1].decode()
    assert "Сохранить" in rest and ">Save<" not in rest
