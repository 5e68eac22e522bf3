import re

from django.utils.translation import gettext
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

WHOLE_NUMBER = re.compile(r"[0-9]+", re.ASCII)


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``; a client may ask for up to 500 rows a page (more gives 500).

    A ``page_size`` that is not a whole number of at least 1 (``0``, ``abc``, ``null``) answers 400
    naming it, rather than silently giving the default; left empty it is as if not given, like
    every query parameter (the schema says so: cami/schema.py). A ``page`` beyond the last one
    answers DRF's 404.
    """

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param, "")
        if value == "":
            return self.page_size
        if not WHOLE_NUMBER.fullmatch(value) or int(value) < 1:
            raise ValidationError({self.page_size_query_param: [
                gettext("Rows per page: a whole number, at least 1 (a page holds at most %(max)s).")
                % {"max": self.max_page_size}
            ]})
        return min(int(value), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Rows a page: {self.page_size} unless given; at most {self.max_page_size} "
                    f"(a larger number gives {self.max_page_size})."
                )
        return parameters
