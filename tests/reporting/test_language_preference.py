"""The interface language per browser and the saved preference (reporting/middleware.py, the account page):
the header's switcher changes only the browser it is used in; the account page's preference is saved and
applies whenever the user signs in, in any browser."""
import pytest
from django.test import Client
from django.urls import reverse

from reporting.models import Profile

pytestmark = pytest.mark.django_db


def _language(client) -> str:
    html = client.get(reverse("actionplans:actionplan_list")).content.decode()
    return "ru" if '<html lang="ru">' in html else "en"


@pytest.fixture
def focal(django_user_model):
    return django_user_model.objects.create_user("focal", password="pw")


def test_switching_the_language_in_one_browser_leaves_the_other_sessions_alone(focal):
    laptop, phone = Client(), Client()
    laptop.force_login(focal)
    phone.force_login(focal)
    laptop.post(reverse("reporting:language_set"), {"language": "ru", "next": "/"})
    assert _language(laptop) == "ru"
    assert _language(phone) == "en"
    other = Client()
    other.force_login(focal)
    assert _language(other) == "en"


def test_the_preference_saved_on_the_account_page_applies_at_every_sign_in(focal):
    laptop = Client()
    laptop.force_login(focal)
    response = laptop.post(reverse("reporting:account"), {"preferred_language": "ru"}, follow=True)
    assert Profile.objects.get(user=focal).language == "ru"
    assert '<html lang="ru">' in response.content.decode()
    other = Client()
    other.force_login(focal)
    assert _language(other) == "ru"


def test_a_saved_preference_applies_through_the_sign_in_form(focal):
    Profile.objects.create(user=focal, language="ru")
    browser = Client()
    browser.post(reverse("login"), {"username": "focal", "password": "pw"})
    assert _language(browser) == "ru"


def test_the_header_switch_overrides_the_preference_in_its_browser_only(focal):
    Profile.objects.create(user=focal, language="ru")
    laptop = Client()
    laptop.force_login(focal)
    laptop.post(reverse("reporting:language_set"), {"language": "en", "next": "/"})
    assert _language(laptop) == "en"
    assert Profile.objects.get(user=focal).language == "ru"
    other = Client()
    other.force_login(focal)
    assert _language(other) == "ru"


def test_clearing_the_preference_leaves_each_browser_its_own_choice(focal):
    Profile.objects.create(user=focal, language="ru")
    browser = Client()
    browser.force_login(focal)
    browser.post(reverse("reporting:account"), {"preferred_language": ""})
    assert Profile.objects.get(user=focal).language == ""
    other = Client()
    other.force_login(focal)
    assert _language(other) == "en"


def test_an_unknown_preferred_language_is_refused(focal):
    browser = Client()
    browser.force_login(focal)
    response = browser.post(reverse("reporting:account"), {"preferred_language": "xx"}, follow=True)
    assert "no such language" in response.content.decode()
    assert not Profile.objects.exists()


def test_the_account_page_shows_the_saved_preference(focal):
    Profile.objects.create(user=focal, language="ru")
    browser = Client()
    browser.force_login(focal)
    html = browser.get(reverse("reporting:account")).content.decode()
    assert '<option value="ru" selected>' in html
