import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_interface_switches_to_russian_and_remembers_it(client):
    response = client.post(reverse("reporting:language_set"), {"language": "ru", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("actionplans:actionplan_list")).content.decode()
    assert "Планы действий" in html
    assert '<html lang="ru">' in html


def test_interface_is_english_by_default(client):
    html = client.get(reverse("actionplans:actionplan_list")).content.decode()
    assert "Action plans" in html and '<html lang="en">' in html


def test_every_page_has_the_language_switcher(client):
    html = client.get(reverse("actionplans:activity_list")).content.decode()
    assert f'action="{reverse("reporting:language_set")}"' in html and 'value="ru"' in html
