"""Announces every password change, whichever path set it.

Django calls `password_changed(password, user)` on each configured password validator after
`User.save()` stores a new password: the web change and reset forms, the admin's password form,
`changepassword` and any service that calls `set_password()`. Hooking there instead of in each
view means a new way of setting a password cannot forget to revoke the old credentials.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from .models import User
from .signals import password_changed


class PasswordChangePublisher:
    """Validates nothing; sends `password_changed` so the API and the live sockets can revoke
    what the old password granted. Its help text tells the person so, beside the other rules."""

    def validate(self, password: str, user: User | None = None) -> None:
        return None

    def password_changed(self, password: str, user: User | None = None) -> None:
        if user is None or user.pk is None:
            return
        # Sent now, not on commit: the revocations belong to the same transaction as the new
        # password, so neither is stored without the other.
        with transaction.atomic():
            password_changed.send(sender=User, user=user)

    def get_help_text(self) -> str:
        return _("A new password signs out your API tokens and live connections.")
