"""The test client, reading a streamed page whole as a browser does (cami/streaming.py).

Django's client hands a streamed response back unread: its body, the templates it rendered and the queries it
ran would come only when a test iterates it, after ``client.get`` returned. This one reads a page of
``streamed_page`` inside the request, so that ``response.content``, ``response.context`` and
``django_assert_num_queries`` around ``client.get`` see the whole page. ``tests/test_streaming.py`` checks
the streaming itself with Django's own client.
"""
from django.http import HttpResponse
from django.test import Client as DjangoClient
from django.test.client import ClientHandler

from cami.streaming import FLUSH_EACH_PART


class _WholePageHandler(ClientHandler):
    def __call__(self, environ):
        response = super().__call__(environ)
        if not getattr(response, FLUSH_EACH_PART, False):
            return response
        whole = HttpResponse(b"".join(response.streaming_content), status=response.status_code)
        for header, value in response.items():
            whole[header] = value
        whole.cookies = response.cookies
        whole.wsgi_request = response.wsgi_request
        return whole


class Client(DjangoClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.handler = _WholePageHandler(self.handler.enforce_csrf_checks)
