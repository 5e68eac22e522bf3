import json
import re

from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.translation import gettext
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

WHOLE_NUMBER = re.compile(r"[0-9]+", re.ASCII)

# Up to this many matching rows a list is counted exactly; past it, PostgreSQL's estimate is given
# (issue #11: an exact COUNT(*) reads every row, 1,001,955 progress reports on each first page).
EXACT_COUNT_UP_TO = 10_000


class BoundedCountPaginator(Paginator):
    """A paginator whose ``count`` is exact up to EXACT_COUNT_UP_TO rows and PostgreSQL's planner estimate
    beyond (``count_exact`` says which), so that a page costs the same at a thousand rows and a million.

    The first EXACT_COUNT_UP_TO + 1 rows are counted (any rows: no ordering, the cheapest plan). Past the
    bound the count is an estimate, so pages are open-ended: a page exists when it has rows, and it has a
    next one when one more row follows it. Other databases (SQLite, the embedded default) count exactly.
    """

    exact_up_to = EXACT_COUNT_UP_TO

    @cached_property
    def count(self):
        self._count_exact = True
        if not hasattr(self.object_list, "query"):  # a list, not a queryset
            return len(self.object_list)
        counted = self.object_list.order_by()[: self.exact_up_to + 1].count()
        if counted <= self.exact_up_to:
            return counted
        estimate = planner_estimate(self.object_list)
        if estimate is None:
            return self.object_list.count()
        self._count_exact = False
        return max(estimate, counted)

    @property
    def count_exact(self) -> bool:
        self.count  # counting decides it
        return self._count_exact

    def count_exactly(self):
        """Count every row (``?page=last`` asks for it): an estimate cannot say where the last page is."""
        self.__dict__["count"] = (self.object_list.count() if hasattr(self.object_list, "query")
                                  else len(self.object_list))
        self.__dict__.pop("num_pages", None)
        self._count_exact = True

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            # Past the bound the last page is not known: only "less than 1" is wrong before reading the page.
            if self.count_exact or int(number) < 1:
                raise
            return int(number)

    def page(self, number):
        if self.count_exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom: bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return OpenEndedPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)


class OpenEndedPage(Page):
    """A page of a list counted by estimate: whether a next page exists was seen by reading one row more."""

    def __init__(self, object_list, number, paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def next_page_number(self):
        return self.number + 1


def planner_estimate(queryset) -> int | None:
    """PostgreSQL's estimate of the rows ``queryset`` matches (``EXPLAIN``, nothing run); None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``; a client may ask for up to 500 rows a page (more gives 500).

    A ``page_size`` that is not a whole number of at least 1 (``0``, ``abc``, ``null``) answers 400
    naming it, rather than silently giving the default; left empty it is as if not given, like
    every query parameter (the schema says so: cami/schema.py). A ``page`` beyond the last one
    answers DRF's 404. ``count`` is exact up to 10,000 rows and PostgreSQL's estimate beyond, as
    ``count_exact`` says (BoundedCountPaginator); ``page=last`` counts exactly.
    """

    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = BoundedCountPaginator

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

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            paginator.count_exactly()
        return super().get_page_number(request, paginator)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response({
            "count": paginator.count,
            "count_exact": paginator.count_exact,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            f"Rows that match: exact up to {EXACT_COUNT_UP_TO:,}; beyond, the database's estimate "
            "(count_exact false).")
        response["properties"] = {
            "count": response["properties"]["count"],
            "count_exact": {"type": "boolean", "description": "false when count is an estimate"},
            **{name: value for name, value in response["properties"].items() if name != "count"},
        }
        response["required"] = ["count", "count_exact", "results"]
        return response

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
