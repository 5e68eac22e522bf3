"""End-to-end tests: the app served by pytest-django's live server, driven in Debian's headless Chromium.

Playwright for Python (its wheel ships the driver) talks to /usr/bin/chromium: no browser is downloaded.
Without that Chromium the tests are skipped, except under CI (CI set), where they fail instead.
The live server runs on a transactional database flushed after each test, so ``demo_site`` loads the
plans, the demo accounts and their rounds again for every test.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
TIMEOUT_MS = 10_000
DEMO_PASSWORD = "demo"


def _unavailable(reason: str):
    """Skip on a developer's machine; under CI a missing browser is a failure, never a silent skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the end-to-end tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium package to run the end-to-end tests")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[dev]')")
    # Playwright's sync API keeps an asyncio loop running in this thread; the tests' own database work
    # (fixtures, the flush after each test, checks) is plain synchronous code, so Django's guard is lifted
    # while the browser is up.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) per test; relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_site(live_server, real_plans):
    """Both real plans, the demo accounts (password "demo") and an open round per plan, in the live server's
    database. Returns the server's URL and the round ids by plan slug."""
    from reporting.demo import demo_data_load
    from reporting.models import ReportingRound

    demo_data_load()
    rounds = {round.plan.slug: round.pk for round in ReportingRound.objects.select_related("plan")}
    return {"url": live_server.url, "rounds": rounds}


def sign_in(page, username: str, password: str = DEMO_PASSWORD):
    """Sign in through the login form, as ``username`` only (the context's cookies are cleared first)."""
    from playwright.sync_api import expect

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("header .account").get_by_role("link", name=username, exact=True)).to_be_visible()
    return page
