"""Reading what users type: integers from forms, query strings, headers and spreadsheet cells.

``str.isdigit()`` says yes to "²" and "①", which ``int()`` refuses with a ValueError (an HTTP 500 where
the user deserved a sentence). Every integer that comes from a user is read here instead.
"""
from __future__ import annotations

import re

# ASCII digits only (not "²", "①", nor other scripts' digits). At most 18 of them: every id, version and
# year fits, a 64-bit column holds the value, and int() never meets Python's 4300-digit limit.
INTEGER = re.compile(r"[+-]?[0-9]{1,18}")


def parse_int(value, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """The integer ``value`` spells, or None when it is blank, not an integer or outside the bounds.

    Text may have surrounding whitespace and a leading sign; a spreadsheet's whole-number float
    (``3.0``) passes, as does an int. ``True``/``False`` are not numbers here.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not INTEGER.fullmatch(text):
            return None
        number = int(text)
    else:
        return None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return None
    return number
