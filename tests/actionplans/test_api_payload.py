"""The activity list's JSON is a public contract: what a page sends stays byte for byte what it sent before
the list was made lighter (issue #11), in a fixed number of queries.

``activities_page.json`` holds the page of the data set below as the API sent it before the change; ids
are fixed so that the bytes are the same on every run and database. Regenerate it only for a change
of the contract (and say so in the README): ``CAMI_WRITE_SNAPSHOT=1 pytest tests/actionplans/test_api_payload.py``.
"""
import json
import os
import re
from pathlib import Path

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from actionplans.models import Footnote, PlanEdition
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    ConservationUnitFactory,
    CountryFactory,
    PlanElementFactory,
)

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).parent / "activities_page.json"
URL = "/api/v1/activities/?plan=snapshot-plan&page_size=3"


@pytest.fixture
def snapshot_plan():
    """Three range states, an outline of theme, objective and result, a section, a unit, footnotes, a text
    translated into Russian, and activities listed out of their countries' code order."""
    qc, qa, qb = (CountryFactory(code=code, name=f"Testland {code}") for code in ("QC", "QA", "QB"))
    plan = ActionPlanFactory(slug="snapshot-plan", title="Snapshot Action Plan", short_title="Snapshot plan",
                             range_states=[qa, qb, qc])
    theme = PlanElementFactory(plan=plan, level="theme", code="1", title="Conservation")
    objective = PlanElementFactory(plan=plan, level="objective", code="2", title="Stop poaching", parent=theme)
    result = PlanElementFactory(plan=plan, level="result", code="2.1", title="Rangers trained", parent=objective)
    section = PlanElementFactory(plan=plan, level="section", code="3.0", title="Habitat", parent=None)
    unit = ConservationUnitFactory(plan=plan, number=4, countries=[qa, qb])
    note = Footnote.objects.create(plan=plan, number=7, text="As agreed in Bishkek, 2024.")
    first = ActivityFactory(
        id=910001, plan=plan, code="2.1.1", key="2.1.1", position=1, theme=theme, objective=objective,
        result=result, conservation_unit=unit, text="Train rangers in SMART patrolling", priority="2.58",
        priority_level="high", timeline="2025", target_year=2025, budget="10.000 USD per country",
        budget_usd=10000, budget_basis="per country", cami_pow=["19.2", "19.5"], countries=[qc, qa, qb],
        editorial_note="Code corrected from 2.1.l",
    )
    first.footnotes.set([note])
    with translation.override("ru"):
        first.text = "Обучить егерей патрулированию SMART"
        first.save(update_fields=["text_ru"])
    ActivityFactory(id=910002, plan=plan, code="2.1.2", key="2.1.2", position=2, theme=theme, objective=objective,
                    result=result, text="Equip ranger posts", actor="Border guards", priority="1.27",
                    priority_level="low", timeline="2030", target_year=2030, countries=[qb])
    ActivityFactory(id=910003, plan=plan, kind="measure", code="3.1", key="3.1", position=3, section=section,
                    result=None, text="Map winter ranges", priority="", priority_level="", timeline="",
                    target_year=None, budget="", actor="", countries=[qa, qc], applicability="QA, QC")
    ActivityFactory(id=910004, plan=plan, code="2.1.3", key="2.1.3", position=4, result=result, countries=[qa])
    return plan


def _page(client, **headers) -> bytes:
    response = client.get(URL, **headers)
    assert response.status_code == 200, response.content
    # The edition's id is the one thing the database picks (plans make their first edition themselves).
    edition = PlanEdition.objects.get(plan__slug="snapshot-plan").pk
    return response.content.replace(f'"edition":{{"id":{edition},'.encode(), b'"edition":{"id":"EDITION",')


def test_a_page_of_activities_is_sent_byte_for_byte_as_before(snapshot_plan):
    client = APIClient()
    pages = {"en": _page(client), "ru": _page(client, HTTP_ACCEPT_LANGUAGE="ru")}
    if os.environ.get("CAMI_WRITE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps({lang: page.decode() for lang, page in pages.items()}, ensure_ascii=False,
                                       indent=1) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert pages["en"].decode() == expected["en"]
    assert pages["ru"].decode() == expected["ru"]
    # What the bytes say, for a reader of this test:
    body = json.loads(pages["en"])
    first = body["results"][0]
    assert (body["count"], len(body["results"])) == (4, 3) and body["next"].endswith("page=2&page_size=3&plan=snapshot-plan")
    assert first["url"] == "http://testserver/api/v1/activities/910001/"
    assert first["html_url"] == "http://testserver/activities/910001/"
    assert first["countries"] == ["QA", "QB", "QC"] and first["plan"] == "snapshot-plan"
    assert first["footnotes"] == [{"number": 7, "text": "As agreed in Bishkek, 2024."}]
    assert first["edition"] == {"id": "EDITION", "number": 1, "slug": first["edition"]["slug"],
                                "title": first["edition"]["title"], "current": True}
    assert [row["countries"] for row in body["results"]] == [["QA", "QB", "QC"], ["QB"], ["QA", "QC"]]  # by code
    assert json.loads(pages["ru"])["results"][0]["text_language"] == "ru"


def test_the_url_of_each_row_is_the_detail_it_leads_to(snapshot_plan):
    client = APIClient()
    for row in json.loads(_page(client))["results"]:
        detail = client.get(row["url"])
        assert detail.status_code == 200 and detail.json()["id"] == row["id"]
        assert re.fullmatch(rf"http://testserver/activities/{row['id']}/", row["html_url"])


@pytest.mark.parametrize("page_size", [2, 4])
def test_a_page_of_activities_takes_the_same_queries_whatever_its_size(snapshot_plan, django_assert_num_queries,
                                                                        page_size):
    client = APIClient()
    # the plan filter, the count, the page, its outline elements, its countries' codes, its footnotes, its
    # commitment tags
    with django_assert_num_queries(7):
        response = client.get("/api/v1/activities/", {"plan": "snapshot-plan", "page_size": page_size})
    assert len(response.json()["results"]) == page_size
