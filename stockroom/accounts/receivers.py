"""Welcome emails, sent in answer to the account events (which fire after commit)."""

from django.dispatch import receiver

from .emails import send_templated_email
from .signals import member_joined, user_signed_up


@receiver(user_signed_up, dispatch_uid="accounts_welcome_on_signup")
def send_signup_welcome(sender, *, user, organization, **kwargs) -> None:
    send_templated_email(
        to=user.email,
        template="welcome_signup",
        context={"user": user, "organization": organization},
        language=user.language,
    )


@receiver(member_joined, dispatch_uid="accounts_welcome_on_join")
def send_join_welcome(sender, *, membership, **kwargs) -> None:
    send_templated_email(
        to=membership.user.email,
        template="welcome_member",
        context={"membership": membership, "organization": membership.organization},
        language=membership.user.language,
    )
