"""Every page type on a desktop (1280 × 900) and a phone (390 × 844), in English and Russian, in headless
Chromium: no axe-core violation of the WCAG 2.0/2.1 A and AA rules, no sideways scrolling on the phone,
controls at least 44 px high on the phone, a skip link first and a visible focus style of the project's own.

axe-core comes from the axe-playwright-python wheel (its axe.min.js, injected with page.evaluate): nothing is
fetched at test time. One test walks every page, so the plans and demo accounts are loaded once.
"""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.demo_reports import draft_and_submitted_reports

from .conftest import TIMEOUT_MS, sign_in

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}
MIN_TARGET_PX = 44
# Form controls and button-like links; links inside running text are exempt from the target size (WCAG 2.5.8).
CONTROLS = ("button, select, textarea, a.button, input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
            ":not([type=file])")


def page_list(ids: dict) -> list[tuple[str | None, str, str]]:
    """(who is signed in, page type, path) for every page type."""
    round, activity = ids["round"], ids["activity"]
    return [
        (None, "sign-in", "/accounts/login/"),
        ("focal-kz", "home", "/"),
        ("focal-kz", "plan", "/plans/argali/"),
        ("focal-kz", "activity list", "/activities/?plan=argali"),
        ("focal-kz", "activity", f"/activities/{activity}/"),
        ("focal-kz", "my reports", "/home/"),
        ("focal-kz", "country report", f"/rounds/{round}/KZ/"),
        ("focal-kz", "activity progress", f"/rounds/{round}/KZ/activities/{activity}/"),
        ("focal-kz", "submit", f"/rounds/{round}/KZ/submit/"),
        ("focal-kz", "plan dashboard", "/dashboards/plans/argali/"),
        ("focal-kz", "activities behind a figure", f"/dashboards/plans/argali/rows/?round={round}"),
        ("focal-kz", "country dashboard", "/dashboards/countries/KZ/"),
        ("focal-kz", "national report", f"/rounds/{round}/KZ/print/"),
        ("focal-kz", "progress list", "/progress/"),
        ("focal-kz", "rounds", "/rounds/"),
        ("focal-kz", "account", "/account/"),
        ("focal-kz", "workbook upload", f"/rounds/{round}/KZ/workbook/upload/"),
        ("focal-kz", "my exports", "/exports/mine/"),
        ("focal-kz", "commitments", "/commitments/"),
        ("focal-kz", "commitment item", "/commitments/cami-pow/19.2/"),
        ("secretariat", "validation queue", "/validation/"),
        ("secretariat", "plan import", "/plan-import/"),
        ("secretariat", "rounds (Secretariat)", "/rounds/"),
    ]


def _describe(violation: dict) -> str:
    targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:3])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} [{len(violation['nodes'])}× e.g. {targets}]"


def _page_problems(page, axe: Axe, viewport: str) -> list[str]:
    problems = []
    results = axe.run(page, options=WCAG_AA).response
    problems += [_describe(violation) for violation in results["violations"]]
    first_focusable = page.evaluate("""() => {
        const el = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea');
        return el && el.matches('a.skip-link[href="#main"]') && document.getElementById('main') !== null;
    }""")
    if not first_focusable:
        problems.append("the first focusable element is not a skip link to <main id=\"main\">")
    if viewport == "phone":
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            problems.append(f"scrolls sideways: {widths[0]} px wide in a {widths[1]} px viewport")
        small = page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
            .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < %d)
            .map(el => el.outerHTML.slice(0, 90))""" % MIN_TARGET_PX, CONTROLS)
        if small:
            problems.append(f"{len(small)} controls lower than {MIN_TARGET_PX} px, e.g. {small[:3]}")
    return problems


def _focus_style_is_visible(page) -> bool:
    """Tab once from the top: the skip link shows, with the project's outline."""
    page.goto("/")
    page.keyboard.press("Tab")
    return page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return el.classList.contains('skip-link') && style.outlineStyle !== 'none'
            && parseFloat(style.outlineWidth) >= 2 && el.getBoundingClientRect().top >= 0;
    }""")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_page_type_is_accessible_on_desktop_and_phone(browser, live_server, demo_site, language):
    ids = draft_and_submitted_reports()
    axe = Axe()
    problems = []
    for viewport, size in VIEWPORTS.items():
        context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=size)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        signed_in = None
        for username, name, path in page_list(ids):
            if username != signed_in:
                if username is None:
                    context.clear_cookies()
                else:  # at desktop width, where the header shows the account link sign_in waits for
                    page.set_viewport_size(VIEWPORTS["desktop"])
                    sign_in(page, username)
                    page.set_viewport_size(size)
                context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
                signed_in = username
            response = page.goto(path)
            if response.status != 200:
                problems.append(f"{name} {path} [{viewport}, {language}]: HTTP {response.status}")
                continue
            problems += [f"{name} {path} [{viewport}, {language}]: {problem}"
                         for problem in _page_problems(page, axe, viewport)]
        if not _focus_style_is_visible(page):
            problems.append(f"[{viewport}, {language}] Tab does not show the skip link with a visible outline")
        context.close()
    assert not problems, "\n".join(problems)
