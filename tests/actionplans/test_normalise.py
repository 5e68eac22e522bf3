import pytest

from actionplans.normalise import budget_from, priority_level_from, target_year_from


@pytest.mark.parametrize(
    ("printed", "scale", "level"),
    [
        ("1", "rank", "high"), ("2", "rank", "medium"), ("3", "rank", "low"),
        ("Essential", "word", "high"), ("High", "word", "high"), ("Medium", "word", "medium"), ("Low", "word", "low"),
        ("3.00", "score", "high"), ("2.50", "score", "high"), ("2.49", "score", "medium"),
        ("1.50", "score", "medium"), ("1.46", "score", "low"), ("1.27", "score", "low"),
        ("", "score", ""), ("4", "rank", ""), ("Urgent", "word", ""),
    ],
)
def test_priority_level_follows_the_documented_mapping(printed, scale, level):
    assert priority_level_from(printed, scale) == level


def test_a_leopard_score_of_3_is_high_but_an_argali_rank_of_3_is_low():
    assert priority_level_from("3.00", "score") == "high"
    assert priority_level_from("3", "rank") == "low"


@pytest.mark.parametrize(
    ("timeline", "year"),
    [
        ("2025", 2025), ("2023-24", 2024), ("2026-27", 2027), ("2023 (drafted)/ 25 (endorsed)", 2025),
        ("Every 3 years", None), ("Every five years", None), ("Regularly", None), ("ASAP", None),
        ("TBD", None), ("Annually", None), ("On-going", None), ("Long", None), ("", None),
    ],
)
def test_target_year_is_read_from_the_timeline(timeline, year):
    assert target_year_from(timeline) == year


@pytest.mark.parametrize(
    ("budget", "amount", "basis"),
    [
        ("10.000 USD per country", 10_000, "per country"),
        ("4.25 M USD", 4_250_000, ""),
        ("20 M USD", 20_000_000, ""),
        ("2.25 M USD", 2_250_000, ""),
        ("250.000 USD", 250_000, ""),
        ("10.000 USD (per State)", 10_000, "per State"),
        ("25.000 USD per State", 25_000, "per State"),
        ("TBD", None, ""), ("N/A", None, ""), ("TBD for each rescue centre", None, ""),
        ("TBD (state dependent)", None, ""), ("", None, ""),
    ],
)
def test_budget_amount_and_basis_are_read_from_the_printed_budget(budget, amount, basis):
    assert budget_from(budget) == (amount, basis)
