"""API tokens that expire, and are revoked at logout and whenever the password changes.

DRF's own token (`POST /api/v1/auth/token/` → {"token": …}, `Authorization: Token …`) with an age check:
the simplest route that keeps the documented API. A token older than API_TOKEN_TTL is refused and
deleted; the next login issues a new one.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expires_at(token: Token) -> dt.datetime:
    return token.created + settings.API_TOKEN_TTL


def token_issue(*, user) -> Token:
    """The user's token, a new one when the old one has expired."""
    with transaction.atomic():
        token, created = Token.objects.select_for_update().get_or_create(user=user)
        if not created and token_expires_at(token) <= timezone.now():
            token.delete()
            token = Token.objects.create(user=user)
        return token


def user_tokens_revoke(*, user) -> int:
    """Delete every API token of the user (logout, password change)."""
    if user is None or not getattr(user, "pk", None):
        return 0
    with transaction.atomic():
        deleted, _by_model = Token.objects.filter(user=user).delete()
        return deleted


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expires_at(token) <= timezone.now():
            token.delete()
            raise AuthenticationFailed(_("Token đã hết hạn. Hãy đăng nhập lại để lấy token mới."))
        return user, token


class RevokeTokensOnPasswordChange:
    """Listed in AUTH_PASSWORD_VALIDATORS only for its hook: Django calls `password_changed` on every
    save of a new password (change page, reset by e-mail, admin, create_user), the one place they all pass."""

    def validate(self, password, user=None):
        """Accepts every password: the other validators judge it."""
        return None

    def password_changed(self, password, user=None):
        user_tokens_revoke(user=user)

    def get_help_text(self):
        return _("Khi đổi mật khẩu, mọi token API của tài khoản bị thu hồi.")
