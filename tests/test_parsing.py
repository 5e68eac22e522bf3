"""cami.parsing.parse_int: what users type, read as an integer or refused, never an exception."""
import pytest

from cami.parsing import parse_int


@pytest.mark.parametrize(("value", "expected"), [
    ("12", 12), (" 12 ", 12), ("+3", 3), ("-4", -4), ("007", 7),
    (7, 7), (3.0, 3),  # spreadsheet cells: a whole number typed as a number
])
def test_integers_are_read(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", [
    "²", "¹", "①", "٣", "1²",  # str.isdigit() says yes to these; int() refuses most of them
    "", "   ", None, "abc", "3.0", "1e3", "1_000", "0x10", "- 4", "4-",
    3.5, float("nan"), float("inf"), True, False, [], "9" * 19, "9" * 5000,
])
def test_anything_else_is_none(value):
    assert parse_int(value) is None


def test_bounds_refuse_what_lies_outside():
    assert parse_int("5", minimum=5, maximum=5) == 5
    assert parse_int("4", minimum=5) is None
    assert parse_int("6", maximum=5) is None
    assert parse_int("-1", minimum=0) is None
