"""Pages sent in two parts: the document head and site header at once, the page's body when it is ready.

The country report's rows take tens of milliseconds to read and render (issue #11); meanwhile the browser can
already fetch the stylesheet and draw the header. ``streamed_page`` renders the same template twice: with
``stream="top"`` base.html writes everything up to ``<main>`` (the child's title block included), with
``stream="rest"`` the messages, the content block and the end. Without ``stream`` a template renders whole,
as every other page does.

What a response normally settles while the view runs is settled before the first part is sent, because the
middleware finishes (cookies, session) before the rest is rendered: the CSRF cookie is asked for, and the
messages are read (so that the message middleware drops them) though they are shown in the second part.

``GZipMiddleware`` is Django's, with two additions: a file compressed already (xlsx, images, PDF) is sent as
it is, and a streamed page is flushed part by part (a sync flush,
so each part reaches the browser whole, at a few bytes of compression), where Django's compress_sequence holds
output back until zlib's buffer fills. The Heal-the-Breach padding of Django's is kept.
"""
from __future__ import annotations

import secrets
from gzip import GzipFile

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.middleware import gzip
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import StreamingBuffer

FLUSH_EACH_PART = "flush_each_part"  # an attribute of the response: GZipMiddleware flushes after each part


def streamed_page(request, template_name: str, context: dict, rest) -> StreamingHttpResponse:
    """Send ``template_name``'s top (rendered with ``context`` alone: the title must need no more) now and its
    rest when ``rest()`` has given the remaining context. ``rest`` must not refuse (the status is sent
    with the first part): check what could make the page a 404 or 403 before calling this."""
    get_token(request)
    list(messages.get_messages(request))
    top = render_to_string(template_name, {**context, "stream": "top"}, request)
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def parts():
        yield top
        # The server iterates after the view returned: keep the request's language and time zone.
        with translation.override(language), timezone.override(zone):
            yield render_to_string(template_name, {**context, **rest(), "stream": "rest"}, request)

    response = StreamingHttpResponse(parts(), content_type="text/html; charset=utf-8")
    setattr(response, FLUSH_EACH_PART, True)
    response["X-Accel-Buffering"] = "no"  # nginx in front passes each part on as it comes
    return response


def streamed_text(response) -> str:
    """The whole page a streamed response sends (for tests and anything that needs it at once)."""
    return b"".join(response.streaming_content).decode(response.charset)


# Files that are compressed already (the xlsx exports and workbooks are zip files; images, PDFs, archives):
# gzip would spend CPU for nothing and drop the Content-Length a download's progress bar reads.
ALREADY_COMPRESSED = ("application/zip", "application/gzip", "application/x-gzip", "application/pdf",
                      "application/vnd.openxmlformats-officedocument.", "image/", "audio/", "video/")


class GZipMiddleware(gzip.GZipMiddleware):
    """Django's GZipMiddleware; a response of ``streamed_page`` is compressed and flushed part by part, and
    a file that is compressed already is sent as it is."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if content_type.startswith(ALREADY_COMPRESSED) and not content_type.startswith("image/svg"):
            return response
        if not getattr(response, FLUSH_EACH_PART, False) or response.has_header("Content-Encoding"):
            return super().process_response(request, response)
        parts = response.streaming_content
        response = super().process_response(request, response)
        if response.get("Content-Encoding") == "gzip":  # it accepted gzip: compress with a flush per part
            response.streaming_content = _flushed_gzip(parts, self.max_random_bytes)
        return response


def _flushed_gzip(parts, max_random_bytes: int):
    buffer = StreamingBuffer()
    # As django.utils.text.compress_sequence: a file name of random length in the gzip header (BREACH),
    # never empty (an empty name would leave the header unpadded).
    padding = b"a" * (1 + secrets.randbelow(max_random_bytes))
    with GzipFile(filename=padding, mode="wb", compresslevel=6, fileobj=buffer, mtime=0) as zipped:
        for part in parts:
            zipped.write(part)
            zipped.flush()
            yield buffer.read()
    yield buffer.read()
