"""Write the status colours of reporting/rules.py into static/css/app.css (its generated block).

The dashboards' CSS cannot read Python, and inline styles are refused by the Content Security
Policy; so the block is generated, and tests/reporting/test_rules.py fails when it is out of date.
"""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reporting import rules

APP_CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"


def with_palette(css: str) -> str:
    """``css`` with its status palette block replaced by the one rules.py defines."""
    start, end = css.find(rules.PALETTE_CSS_START), css.find(rules.PALETTE_CSS_END)
    if start < 0 or end < start:
        raise CommandError(f"{APP_CSS} has no status palette block ({rules.PALETTE_CSS_START!r} ... "
                           f"{rules.PALETTE_CSS_END!r}).")
    return css[:start] + rules.status_palette_css() + css[end + len(rules.PALETTE_CSS_END):]


class Command(BaseCommand):
    help = "Write the status colours of reporting/rules.py into static/css/app.css."

    def handle(self, *args, **options):
        css = APP_CSS.read_text(encoding="utf-8")
        updated = with_palette(css)
        if updated == css:
            self.stdout.write("static/css/app.css: the status palette is up to date.")
            return
        APP_CSS.write_text(updated, encoding="utf-8")
        self.stdout.write("static/css/app.css: status palette written.")
