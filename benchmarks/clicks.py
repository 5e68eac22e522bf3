"""Clicks and page loads for "a Kazakh focal point reports the six measures of unit 2 of the Argali plan and
submits" (issue #10's closing note). A measurement, not a test.

    .venv/bin/python benchmarks/clicks.py                       # this checkout
    .venv/bin/python benchmarks/clicks.py --root /work/wt-old   # another checkout (e.g. an older commit)

For the checkout at ``--root`` it builds a throw-away SQLite database with both plans and the demo accounts
(``load_plans``, ``load_demo``, as ``scripts/run`` does), serves it with ``runserver`` on a free port, and
walks the task in Debian's headless Chromium (/usr/bin/chromium) as the demo ``focal-kz`` would, taking the
shortest path the pages offer:

1. From "My reports" (signed in: signing in is the same in every version and is left out), open the Argali
   report of Kazakhstan.
2. Filter it to conservation unit 2 (Western Tien Shan): a select if the page offers one, else the unit's
   number typed.
3. Report each measure shown, in two ways (each on a fresh database):
   - statuses: a status ("In progress") on each row of the report page, saved once with "Save all changed
     statuses" where the page has it, else with each row's Save;
   - pages: each measure's own page, a status and a sentence of what was done, saved, then on to the next
     measure with the page's "Next" where it has one, else back to the report (filtering again if the
     filter was lost) and the next row.
4. "Submit the report…", then "Submit to the Secretariat".

Counted: clicks (a choice in a select is two, opening it and picking; focusing a text field is one), fields
typed, and page loads (documents loaded in the tab, redirects followed within one). It prints one line per
step and the totals.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
USERNAME, PASSWORD = "focal-kz", "demo"  # reporting/demo.py
UNIT = "2"
UNIT_NAME = "Western Tien Shan"
STATUS = "In progress"


@dataclass
class Tally:
    clicks: int = 0
    typed: int = 0
    loads: int = 0
    steps: list = field(default_factory=list)

    def step(self, name: str, before: tuple):
        self.steps.append((name, self.clicks - before[0], self.typed - before[1], self.loads - before[2]))

    def mark(self) -> tuple:
        return self.clicks, self.typed, self.loads


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(root: Path, python: str, database: Path, port: int) -> subprocess.Popen:
    """The checkout at ``root`` with the plans and demo accounts, served on ``port``."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1", "PYTHONPATH": str(root)}
    manage = [python, str(root / "manage.py")]
    for command in (["migrate", "--no-input"], ["createcachetable"], ["load_plans"], ["load_demo"]):
        done = subprocess.run([*manage, *command], cwd=root, env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{' '.join(command)} failed in {root}:\n{done.stderr}")
    server = subprocess.Popen([*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=root, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not answer within a minute")


def sign_in(page):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).get_by_role("button").click()
    page.wait_for_url(re.compile(r"/home/$"))


def choose(page, tally: Tally, select, **option):
    select.select_option(**option)
    tally.clicks += 2  # open the list, pick the choice


def click(page, tally: Tally, locator, loads: bool = True):
    if loads:
        with page.expect_navigation():
            locator.click()
    else:
        locator.click()
    tally.clicks += 1


def filter_to_unit(page, tally: Tally):
    filters = page.locator("form.filters")
    unit = filters.get_by_label("Conservation unit", exact=True)
    if unit.evaluate("el => el.tagName") == "SELECT":
        choose(page, tally, unit, label=next(text for text in unit.locator("option").all_inner_texts()
                                             if UNIT_NAME in text))
    else:
        unit.click()
        unit.fill(UNIT)
        tally.clicks += 1
        tally.typed += 1
    click(page, tally, filters.get_by_role("button", name="Filter"))


def report_rows(page, tally: Tally) -> int:
    """A status on every measure shown; saved at once where the page can, else row by row."""
    rows = page.locator("table.report tbody tr[id^='row-']")
    count = rows.count()
    save_all = page.get_by_role("button", name="Save all changed statuses")
    if save_all.count():
        for index in range(count):
            choose(page, tally, rows.nth(index).locator("select"), label=STATUS)
        click(page, tally, save_all)
    else:
        for index in range(count):
            row = page.locator("table.report tbody tr[id^='row-']").nth(index)
            choose(page, tally, row.locator("select"), label=STATUS)
            click(page, tally, row.get_by_role("button", name=re.compile(r"^Save")))
    return count


def report_pages(page, tally: Tally) -> int:
    """Each measure on its own page: a status and a sentence of what was done, saved; then the next measure,
    by the page's "Next" where it has one, else back to the report (filtered again if the filter was lost)."""
    rows = page.locator("table.report tbody tr[id^='row-']")
    count = rows.count()
    click(page, tally, rows.first.locator("a").first)
    for index in range(count):
        form = page.locator("form").filter(has=page.get_by_role("button", name="Save report"))
        choose(page, tally, form.get_by_label("Status", exact=True), label=STATUS)
        click(page, tally, form.get_by_label("What was done"), loads=False)
        form.get_by_label("What was done").fill("Rangers patrolled the unit every month.")
        tally.typed += 1
        click(page, tally, form.get_by_role("button", name="Save report"))
        if index + 1 == count:
            break
        following = page.locator("a[rel=next]")
        if following.count():
            click(page, tally, following)
            continue
        back_to_report(page, tally)
        click(page, tally, page.locator("table.report tbody tr[id^='row-']").nth(index + 1).locator("a").first)
    back_to_report(page, tally)
    return count


def back_to_report(page, tally: Tally):
    click(page, tally, page.locator(".breadcrumbs a").last)
    if f"conservation_unit={UNIT}" not in page.url:
        filter_to_unit(page, tally)


SCENARIOS = {
    "statuses": ("a status on each measure, on the report page", report_rows),
    "pages": ("a status and what was done on each measure's page", report_pages),
}


def walk(base_url: str, report) -> tuple[Tally, int, str]:
    from playwright.sync_api import sync_playwright

    tally = Tally()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(base_url=base_url, locale="en-GB", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        sign_in(page)
        page.on("load", lambda _: setattr(tally, "loads", tally.loads + 1))

        before = tally.mark()
        click(page, tally, page.get_by_role("link", name=re.compile(r"^Argali Action Plan")).first)
        tally.step("open the Argali report of Kazakhstan", before)

        before = tally.mark()
        filter_to_unit(page, tally)
        tally.step(f"filter to conservation unit {UNIT}", before)

        before = tally.mark()
        measures = report(page, tally)
        tally.step(f"report each of the {measures} measures", before)

        before = tally.mark()
        click(page, tally, page.get_by_role("link", name=re.compile(r"^Submit the report")))
        click(page, tally, page.get_by_role("button", name="Submit to the Secretariat"))
        state = page.locator(".report-status .state").first.inner_text() if page.locator(
            ".report-status .state").count() else page.locator("main").inner_text()[:80]
        tally.step("submit", before)
        browser.close()
    return tally, measures, state


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve (default: this one)")
    parser.add_argument("--python", default=sys.executable, help="its Python (default: this one)")
    args = parser.parse_args()
    root = args.root.resolve()
    commit = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h %s"], capture_output=True,
                            text=True).stdout.strip()
    print(f"{root} at {commit}")
    for title, report in SCENARIOS.values():
        with tempfile.TemporaryDirectory(prefix="cami-clicks-") as tmp:  # a fresh database: nothing reported
            port = free_port()
            server = serve(root, args.python, Path(tmp) / "db.sqlite3", port)
            try:
                tally, measures, state = walk(f"http://127.0.0.1:{port}", report)
            finally:
                server.terminate()
                server.wait(timeout=30)
        print(f"\n{title}")
        print(f"{'step':<50} {'clicks':>6} {'typed':>6} {'loads':>6}")
        for name, clicks, typed, loads in tally.steps:
            print(f"{name:<50} {clicks:>6} {typed:>6} {loads:>6}")
        print(f"{'total (from My reports, signed in)':<50} {tally.clicks:>6} {tally.typed:>6} {tally.loads:>6}")
        print(f"measures reported: {measures}; report state at the end: {state}")


if __name__ == "__main__":
    main()
