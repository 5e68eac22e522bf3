"""Dashboards and the printable national report: reads only, in a constant number of queries.

Every figure counts *pairs*: an activity of a plan and a range state it applies to. A pair's status is
what the country reported on the activity in the round, or "No information" where there is no report
the user may see: anonymous visitors count the published versions (``ProgressReport.visible_to``: the
values at the last validation), so their figures never show what a country has not yet had validated,
nor a correction in review.

- *Reported* means said in this round (``rules.REPORTED``, ``rules.is_reported``): a report that is not
  an unconfirmed carry-over. A carried-over report still counts under its status: it is the last thing known.
- *Validated* means a report in a country report the Secretariat validated (for anonymous visitors, every
  published version).

The counts come from one grouped query (``selectors.pair_counts``, which the home page's cards and
the reminders count with too): pairs grouped by country, plan, conservation unit,
objective, priority level, status, carry-over and report state; the breakdowns add up its few rows.

Each figure carries the address of the list behind it: the progress list (``/progress/``) or the
country report page where that page lists exactly the figure's rows, else the dashboard's own list
of pairs (``plan_dashboard_rows``), which can show "No information" and filter by unit and priority.

- ``figures``: a figure (``Cell``), a row of figures (``Row``), the trend, and the addresses behind them;
- ``plan``: a plan's dashboard and the list of pairs behind its figures;
- ``country``: a country across plans, with what is overdue;
- ``national_report``: the printable national report of one country in one round.
"""
from .country import country_dashboard
from .figures import STATUS_LABELS, STATUSES
from .national_report import national_report
from .plan import plan_dashboard, plan_dashboard_rows


__all__ = ["STATUS_LABELS", "STATUSES", "country_dashboard", "national_report", "plan_dashboard", "plan_dashboard_rows"]
