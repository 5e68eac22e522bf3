"""Country names in the interface language: the CLDR's, through Babel (issue #10, "Russian, complete")."""
import re

import pytest
from django.utils import translation

from conservation_units.models import Country


@pytest.mark.parametrize("code, english, russian", [
    ("KZ", "Kazakhstan", "Казахстан"), ("IR", "Iran", "Иран"), ("GE", "Georgia", "Грузия"),
])
def test_a_country_is_named_in_the_interface_language(code, english, russian):
    country = Country(code=code, name=english)
    with translation.override("en"):
        assert str(country) == english  # English: the name stored, as the plans print it
    with translation.override("ru"):
        assert str(country) == country.local_name == russian


@pytest.mark.parametrize("code", ["QZ", "XA", "XB", "ZZ", "AA"])
def test_codes_left_to_users_keep_their_own_name(code):
    # The CLDR calls XA "Pseudo-Accents" and ZZ "Unknown Region": no test country is named so.
    with translation.override("ru"):
        assert str(Country(code=code, name=f"Testland {code}")) == f"Testland {code}"


def test_pages_in_russian_name_the_range_states_in_russian(client, real_plans):
    client.cookies["django_language"] = "ru"
    html = client.get("/plans/argali/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    range_states = re.search(r"<dt>Государства ареала</dt><dd>(.*?)</dd>", html).group(1)
    assert "Казахстан" in range_states and "Монголия" in range_states
    assert "Kazakhstan" not in range_states  # (unit names keep the countries as the plan prints them)
