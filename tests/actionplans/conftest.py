import pytest


@pytest.fixture
def secretariat(client, django_user_model, settings, tmp_path):
    """A Secretariat user signed in; uploads wait in a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    user = django_user_model.objects.create_user("sec-import", is_staff=True)
    client.force_login(user)
    return user
