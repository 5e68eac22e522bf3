"""The app's URLs plus the limit the activity API is measured against (benchmarks/scale.py, in-process only).

/benchmark/raw-activities/?plan=argali&page_size=100: the rows and columns of the API's page, and their
count, in one SQL query turned into JSON with json.dumps -- the same middleware, no ORM, no serializer.
"""
import json

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from actionplans.models import ActionPlan, Activity, PlanEdition, PlanElement
from cami.urls import handler400, handler404, urlpatterns as app_urlpatterns  # noqa: F401  (handlers kept)
from conservation_units.models import ConservationUnit, Country


def _sql() -> str:
    activity, plan, edition = Activity._meta.db_table, ActionPlan._meta.db_table, PlanEdition._meta.db_table
    element, unit, country = PlanElement._meta.db_table, ConservationUnit._meta.db_table, Country._meta.db_table
    pair = Activity.countries.through._meta.db_table
    footnote_pair, footnote = Activity.footnotes.through._meta.db_table, Activity.footnotes.rel.model._meta.db_table
    return f"""
        SELECT a.id, '/api/v1/activities/' || a.id || '/', '/activities/' || a.id || '/', p.slug, e.number,
               a.kind, a.code, COALESCE(a.text_en, a.text), s.code, t.code, o.code, r.code, u.number, a.priority,
               a.priority_scale, a.priority_level, COALESCE(a.actor_en, a.actor),
               COALESCE(a.indicator_en, a.indicator), a.timeline, a.target_year, a.budget, a.budget_usd,
               a.budget_basis, a.cami_pow, a.applicability,
               ARRAY(SELECT c.code FROM {pair} ac JOIN {country} c ON c.id = ac.country_id
                     WHERE ac.activity_id = a.id ORDER BY c.code),
               ARRAY(SELECT f.number || ': ' || f.text FROM {footnote_pair} af JOIN {footnote} f
                     ON f.id = af.footnote_id WHERE af.activity_id = a.id ORDER BY f.number),
               a.editorial_note, COUNT(*) OVER ()
        FROM {activity} a JOIN {plan} p ON p.id = a.plan_id JOIN {edition} e ON e.id = a.edition_id
        LEFT JOIN {element} s ON s.id = a.section_id LEFT JOIN {element} t ON t.id = a.theme_id
        LEFT JOIN {element} o ON o.id = a.objective_id LEFT JOIN {element} r ON r.id = a.result_id
        LEFT JOIN {unit} u ON u.id = a.conservation_unit_id
        WHERE p.slug = %s ORDER BY p.slug, e.number, a.position LIMIT %s
    """


COLUMNS = ["id", "url", "html_url", "plan", "edition", "kind", "code", "text", "section", "theme", "objective",
           "result", "conservation_unit", "priority", "priority_scale", "priority_level", "actor", "indicator",
           "timeline", "target_year", "budget", "budget_usd", "budget_basis", "cami_pow", "applicability",
           "countries", "footnotes", "editorial_note"]


def raw_activities(request):
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [request.GET.get("plan", ""), int(request.GET.get("page_size", 50))])
        rows = cursor.fetchall()
    count = rows[0][-1] if rows else 0
    results = [dict(zip(COLUMNS, row[:-1])) for row in rows]
    return HttpResponse(json.dumps({"count": count, "next": None, "previous": None, "results": results}, default=str),
                        content_type="application/json")


urlpatterns = [*app_urlpatterns, path("benchmark/raw-activities/", raw_activities)]
