"""Revoke the API credentials a user's old password granted, when it changes."""

from rest_framework.authtoken.models import Token
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from django.dispatch import receiver

from stockroom.accounts.signals import password_changed


@receiver(password_changed, dispatch_uid="api_revoke_tokens_on_password_change")
def revoke_api_tokens(sender, *, user, **kwargs) -> None:
    """DRF's token is deleted and every refresh token still outstanding is blacklisted; access
    tokens fail on their own (their password claim no longer matches, CHECK_REVOKE_TOKEN)."""
    Token.objects.filter(user=user).delete()
    outstanding = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )
