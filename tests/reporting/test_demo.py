"""The demo data (load_demo): accounts, and a round per plan opened as the Secretariat opens one."""
import datetime

from reporting import services
from reporting.demo import demo_data_load
from reporting.models import ReportingRound


def test_demo_rounds_are_opened_through_round_open_by_the_demo_secretariat(real_plans, monkeypatch):
    opened, round_open = [], services.round_open
    monkeypatch.setattr(services, "round_open", lambda **kwargs: opened.append(kwargs["plan"].slug) or round_open(
        **kwargs))
    demo_data_load(today=datetime.date(2026, 3, 1))
    assert sorted(opened) == sorted(real_plans)
    rounds = ReportingRound.objects.filter(plan__slug__in=real_plans).select_related("opened_by")
    assert sorted((r.plan.slug, r.status, r.opened_by.username, r.due_on) for r in rounds) == [
        (slug, "open", "secretariat", datetime.date(2026, 4, 30)) for slug in sorted(real_plans)]


def test_demo_data_loads_twice_without_a_second_round(real_plans):
    demo_data_load(today=datetime.date(2026, 3, 1))
    done = demo_data_load(today=datetime.date(2026, 3, 2))
    assert not [line for line in done if line.startswith("open round")]
    assert ReportingRound.objects.filter(plan__slug__in=real_plans).count() == len(real_plans)
