"""Long lists: counted exactly up to a bound, estimated beyond it on PostgreSQL (issue #11), and paged
the same way either side of the bound: next links, the last page, a page past the end."""
import pytest
from django.db import connection
from django.urls import reverse

from cami.pagination import BoundedCountPaginator
from tests.reporting.test_api import PROGRESS, add_reports, api

ESTIMATED = connection.vendor == "postgresql"


@pytest.fixture
def seven_reports(world):
    add_reports(world, 7)


@pytest.fixture
def bound_of_three(monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "exact_up_to", 3)


def test_a_list_within_the_bound_is_counted_exactly(world, seven_reports):
    body = api(world["secretariat"]).get(PROGRESS).json()
    assert (body["count"], body["count_exact"]) == (7, True)


def test_past_the_bound_postgresql_estimates_and_other_databases_count(world, seven_reports, bound_of_three,
                                                                       django_assert_num_queries):
    client = api(world["secretariat"])
    # 1 count of the first rows up to the bound, then 1 EXPLAIN (PostgreSQL) or 1 full count (SQLite),
    # 1 page of reports, 1 their evidence, 1 the return comments on their activities: the same number either way
    with django_assert_num_queries(5):
        body = client.get(PROGRESS, {"page_size": 3}).json()
    assert body["count_exact"] is not ESTIMATED
    if ESTIMATED:
        assert body["count"] >= 4  # at least what was counted; the planner's guess beyond
    else:
        assert body["count"] == 7
    assert len(body["results"]) == 3 and body["next"].endswith("page=2&page_size=3")


def test_estimated_pages_end_where_the_rows_end(world, seven_reports, bound_of_three):
    client = api(world["secretariat"])
    seen, url = [], f"{PROGRESS}?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 7  # every report once, and no next link after the last one
    past_the_end = client.get(PROGRESS, {"page_size": 3, "page": 4})
    assert past_the_end.status_code == 404


def test_page_last_counts_exactly(world, seven_reports, bound_of_three):
    body = api(world["secretariat"]).get(PROGRESS, {"page_size": 3, "page": "last"}).json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (7, True, 1)
    assert body["next"] is None


def test_the_progress_page_says_about_when_it_estimates(world, seven_reports, bound_of_three, client):
    client.force_login(world["secretariat"])
    html = client.get(reverse("reporting:progress_list")).content.decode()
    if ESTIMATED:
        assert "About " in html and "Page 1 of" not in html
    else:
        assert "7 reports" in html and "About " not in html
