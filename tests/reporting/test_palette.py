"""The status colours: one palette (reporting/rules.py) for the web pages and the Excel exports."""
from django.core.management import call_command

from reporting import rules
from reporting.management.commands.status_palette_css import APP_CSS, with_palette
from reporting.models import ProgressReport


def test_every_status_and_no_information_has_a_colour():
    assert set(rules.STATUS_COLOURS) == {*ProgressReport.Status.values, rules.NO_INFORMATION}


def test_the_stylesheet_holds_the_palette_of_rules():
    css = APP_CSS.read_text(encoding="utf-8")
    assert ".dash-s-completed { fill: %s; }" % rules.STATUS_COLOURS["completed"] in css
    assert with_palette(css) == css, "run `manage.py status_palette_css` after changing rules.STATUS_COLOURS"


def test_the_command_rewrites_a_stale_palette(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "app.css"
    stale.write_text(f"body {{}}\n{rules.PALETTE_CSS_START}\n.dash-s-completed {{ fill: #000; }}\n"
                     f"{rules.PALETTE_CSS_END}\nfooter {{}}\n", encoding="utf-8")
    monkeypatch.setattr("reporting.management.commands.status_palette_css.APP_CSS", stale)
    call_command("status_palette_css")
    written = stale.read_text(encoding="utf-8")
    assert written == f"body {{}}\n{rules.status_palette_css()}\nfooter {{}}\n"
    assert "status palette written" in capsys.readouterr().out


def test_excel_fills_are_light_tints_that_keep_black_text_legible():
    assert rules.excel_fill_colour("#009e73") == "FF99D8C7"
    assert rules.excel_fill_colour("#000000", 1) == "FF000000"
    assert rules.excel_fill_colour("#000000", 0) == "FFFFFFFF"
