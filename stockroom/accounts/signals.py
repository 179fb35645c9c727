"""Events the accounts services publish after commit. Receivers must not write domain data."""

from django.dispatch import Signal

# sent with user=, organization=
user_signed_up = Signal()
# sent with membership=
member_joined = Signal()
# sent with user=, inside the save that stored the user's new password (see password_validation.py)
password_changed = Signal()
