"""Console logging that says each refused request once, in one line.

Django logs every 4xx answer of a view that raised (PermissionDenied, Http404, a bad request) with the
exception's traceback; a refusal is the app working, not a fault, so its traceback only buries the
server errors that matter. 5xx records keep theirs."""
import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.") and getattr(record, "status_code", 500) < 500:
            record.exc_info = record.exc_text = None
        return True
