"""Russian, complete: every page type rendered with the Russian interface, as the roles that see most, has no
interface string left in English. Plan texts without a Russian version stay English and carry lang="en"
(they and everything inside them are skipped), as do user names, codes, numbers and the few names below."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from tests.browser_client import Client

from tests.demo_reports import draft_and_submitted_reports

pytestmark = pytest.mark.django_db

# Names that are the same in a Russian interface: the initiative and convention, formats, standards, and the
# language switcher's own "English".
ALLOWED = {
    "CAMI", "CMS", "API", "REST", "OpenAPI", "Excel", "CSV", "XLSX", "xlsx", "PDF", "ISO", "URL", "USD", "Token",
    # ISO 4217 currency codes given as examples in the funds help texts.
    "EUR", "KZT",
    "Authorization", "English", "Instructions", "LibreOffice", "UNEP", "Doc", "Rev", "RS", "PL", "KZ", "IR", "csv", "Swagger", "UI", "A4", "ID",
    # Priority levels as printed stay English, as timelines and budgets do (README "Plan texts in Russian").
    "High", "Medium", "Low", "Essential",
    # "TBD", as budgets print it, quoted in the money figures' explanation.
    "TBD",
    # The file types evidence may have.
    "doc", "docx", "gif", "jpeg", "jpg", "odp", "ods", "odt", "pdf", "png", "ppt", "pptx", "webp", "xls",
}
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SHOWN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
USER_NAMES = {"focal-kz", "focal-ir", "contributor-kz", "observer", "secretariat"}


def data_texts() -> list[str]:
    """What users and the plans wrote, which the interface does not translate: every English plan text (the
    fields django-modeltranslation holds per language), scientific names, round titles and narratives;
    longest first, so that a text is removed before the shorter ones it contains."""
    from modeltranslation.translator import translator

    from actionplans.models import ActionPlan
    from reporting.models import ProgressReport, ReportingRound

    texts = set()
    for model in translator.get_registered_models():
        fields = [f"{field}_en" for field in translator.get_options_for_model(model).fields]
        for row in model.objects.values_list(*fields):
            texts.update(value for value in row if value)
    texts.update(ActionPlan.objects.values_list("species_scientific_name", flat=True))
    texts.update(ReportingRound.objects.values_list("title", flat=True))
    texts.update(ProgressReport.objects.exclude(narrative="").values_list("narrative", flat=True))
    return sorted({" ".join(text.split()) for text in texts if text}, key=len, reverse=True)


class EnglishFinder(HTMLParser):
    """The visible text (and the attributes read aloud) outside lang="en" parts that has English words."""

    def __init__(self, exempt_texts: list[str]):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is its content exempt?
        self.found: list[str] = []
        self.exempt_texts = exempt_texts
        self.blob = "\n".join(exempt_texts)

    def _exempt(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        exempt = self._exempt() or tag in SKIPPED_TAGS or attrs.get("lang", "ru") != "ru"
        if not exempt:
            for name in SHOWN_ATTRIBUTES:
                if attrs.get(name):
                    self._check(attrs[name], f"[{name}]")
            if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
                self._check(attrs["value"], "[value]")
        if tag not in VOID_TAGS:
            self.stack.append(exempt)

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._exempt():
            self._check(data, "")

    def _check(self, text: str, where: str):
        if not any(word not in ALLOWED for word in LATIN_WORD.findall(text)):
            return
        stripped = " ".join(text.split())
        # A plan text shortened for a list or a picker ("…"), or shown with a footnote mark: its start is enough.
        start = re.sub(r"^[\s—–·:-]*(\d+\)\s*)?", "", stripped)[:40]
        if len(start) >= 15 and start in self.blob:
            return
        for known in [*USER_NAMES, *self.exempt_texts]:
            if known in stripped:
                stripped = stripped.replace(known, "")
        if any(word not in ALLOWED for word in LATIN_WORD.findall(stripped)):
            self.found.append(f"{where}{' '.join(text.split())[:300]}")


def english_left(html: str, exempt_texts: list[str]) -> list[str]:
    finder = EnglishFinder(exempt_texts)
    finder.feed(html)
    return finder.found


@pytest.fixture
def site(real_plans):
    """The demo accounts and rounds; Kazakhstan has a report in progress and Iran has submitted one."""
    from django.contrib.auth import get_user_model

    from reporting.demo import demo_data_load

    demo_data_load()
    return {**draft_and_submitted_reports(), "users": get_user_model().objects}


def russian_client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = "ru"
    return client


def test_every_page_type_in_russian_has_no_english_interface_string(site):
    round, activity = site["round"], site["activity"]
    pages = {
        None: ["/accounts/login/", "/accounts/password_reset/"],
        "focal-kz": [
            "/", "/plans/argali/", "/activities/?plan=argali", f"/activities/{activity}/", "/home/",
            f"/rounds/{round}/KZ/", f"/rounds/{round}/KZ/activities/{activity}/", f"/rounds/{round}/KZ/submit/",
            "/dashboards/plans/argali/", "/dashboards/countries/KZ/", f"/rounds/{round}/KZ/print/", "/progress/",
            "/rounds/", "/account/", f"/rounds/{round}/KZ/workbook/upload/", "/exports/mine/", "/commitments/",
            "/commitments/cami-pow/19.2/", "/commitments/gbf/4/",
        ],
        "secretariat": ["/validation/", "/plan-import/", "/rounds/", "/progress/", f"/rounds/{round}/KZ/"],
    }
    from reporting import services

    # "My exports" with an export under way: its status, format and the reloading note.
    services.export_job_start(user=site["users"].get(username="focal-kz"), params={}, format="xlsx", language="ru")
    problems, exempt_texts = [], data_texts()
    for username, paths in pages.items():
        client = russian_client(site["users"].get(username=username) if username else None)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            html = response.content.decode()
            assert '<html lang="ru">' in html, path
            problems += [f"{path} ({username or 'anonymous'}): {text}" for text in english_left(html, exempt_texts)]
    assert not problems, "\n".join(dict.fromkeys(problems))
