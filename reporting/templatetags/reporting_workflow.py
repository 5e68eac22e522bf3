"""The workflow's allowed moves as templates ask them: the buttons follow services.ALLOWED_MOVES."""
from django import template

from reporting.services import ALLOWED_MOVES

register = template.Library()


@register.filter
def allows(country_report, action: str) -> bool:
    """Whether a country report in its state may take ``action`` (a ReportEvent.Action value):
    ``{% if country_report|allows:"submitted" %}``. Who may take it is the view's question."""
    return country_report is not None and country_report.state in ALLOWED_MOVES[action]
