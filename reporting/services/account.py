"""The user's own account: issuing and revoking an API token, saving the interface language."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from ..models import Profile


def _lock_user(user):
    """Serialise the account writes of one user (two token requests at once: one after the other)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()


def api_token_issue(*, user) -> Token:
    """A new API token for ``user``: the old one stops working in the same transaction."""
    with transaction.atomic():
        _lock_user(user)
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def api_token_revoke(*, user) -> bool:
    """The user's API token no longer works; False if they had none."""
    with transaction.atomic():
        _lock_user(user)
        deleted, _rows = Token.objects.filter(user=user).delete()
    return bool(deleted)


def api_token_get_or_issue(*, user) -> Token:
    """The user's API token, issued if they have none (what POST /api/v1/auth/token/ answers)."""
    with transaction.atomic():
        _lock_user(user)
        token, _created = Token.objects.get_or_create(user=user)
    return token


def user_language_save(*, user, language: str) -> Profile:
    """Remember the interface language ``user`` chose (one of settings.LANGUAGES; "" for none)."""
    # The field's choices are settings.LANGUAGES: an unknown code raises ValidationError naming language.
    Profile(user=user, language=language).clean_fields(exclude=["user"])
    profile, _created = Profile.objects.update_or_create(user=user, defaults={"language": language})
    return profile


def user_mail_preference_save(*, user, mail_on_workflow: bool) -> Profile:
    """Whether ``user`` is mailed when a report moves or drafting is handed to them (notifications.py)."""
    profile, _created = Profile.objects.update_or_create(user=user, defaults={"mail_on_workflow": mail_on_workflow})
    return profile
