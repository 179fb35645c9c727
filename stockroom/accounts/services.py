"""Every write to users, organizations, memberships and invitations."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from stockroom.core import events
from stockroom.core.cache import bump_organization_cache
from stockroom.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionRefused,
)
from stockroom.core.mail import absolute_url

from .emails import send_templated_email
from .models import (
    Invitation,
    Membership,
    Organization,
    User,
    canonical_email,
    hash_invitation_token,
    new_invitation_token,
)
from .roles import Action, Role, invitable_roles
from .signals import member_joined, user_signed_up


def _unique_slug(name: str) -> str:
    base = slugify(name)[:150] or "org"
    slug, suffix = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


def user_create(*, email: str, password: str, full_name: str = "", language: str = "") -> User:
    """Create a login after validating the password against the configured validators.

    `language` is the one the person signed up in; empty keeps the model's default."""
    email = canonical_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(
            _("An account with this email address already exists."), field="email", code="exists"
        )
    candidate = User(email=email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    extra = {"language": language} if language else {}
    return User.objects.create_user(email=email, password=password, full_name=full_name, **extra)


@transaction.atomic
def organization_create(*, name: str, owner: User) -> Membership:
    """Create an organization with `owner` as its first owner."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("The organization needs a name."), field="organization_name")
    organization = Organization.objects.create(name=name, slug=_unique_slug(name))
    return Membership.objects.create(user=owner, organization=organization, role=Role.OWNER)


@transaction.atomic
def organization_signup(
    *, email: str, password: str, organization_name: str, full_name: str = "", language: str = ""
) -> Membership:
    """Sign-up: a new user, a new organization, and the user as its owner."""
    user = user_create(email=email, password=password, full_name=full_name, language=language)
    membership = organization_create(name=organization_name, owner=user)
    events.send_after_commit(
        user_signed_up,
        hook="user_signed_up",
        sender=Organization,
        user=user,
        organization=membership.organization,
    )
    return membership


@transaction.atomic
def organization_update(
    *,
    actor: Membership,
    organization: Organization,
    name: str,
    time_zone: str,
    currency: str,
    demand_includes_consumption: bool | None = None,
) -> Organization:
    """Change the organization's settings. A demand setting left as None stays as it is."""
    _require(actor, Action.MANAGE_ORGANIZATION)
    organization.name = name.strip()
    organization.time_zone = time_zone
    organization.currency = currency
    if demand_includes_consumption is not None:
        organization.demand_includes_consumption = demand_includes_consumption
    organization.full_clean(exclude=["slug", "members"])
    organization.save(
        update_fields=[
            "name",
            "time_zone",
            "currency",
            "demand_includes_consumption",
            "updated_at",
        ]
    )
    # Cached reports and charts were computed under the old settings (the currency, the day
    # boundaries, what counts as demand). A form has already set the new values on the
    # instance, so there is no telling what changed from here: settings change rarely.
    organization_id = organization.pk
    transaction.on_commit(lambda: bump_organization_cache(organization_id))
    return organization


@transaction.atomic
def organization_delete(
    *, actor: Membership, organization: Organization, confirm_name: str
) -> None:
    """Delete an organization and all its data. The owner must type its name to confirm."""
    _require(actor, Action.DELETE_ORGANIZATION)
    if confirm_name.strip() != organization.name:
        raise ApplicationError(
            _("Type the organization's exact name to confirm."), field="confirm_name"
        )
    organization.delete()


def _require(actor: Membership, action: Action) -> None:
    if not actor.can(action):
        raise PermissionRefused(
            _("Your role does not allow this action."), code="permission_denied"
        )


@transaction.atomic
def invitation_create(*, actor: Membership, email: str, role: str) -> Invitation:
    """Invite `email` to the actor's organization with `role`, replacing any pending invite.

    The accept link is built on the configured SITE_URL, never on the request's host: a forged
    Host header (or an internal host name behind the proxy) must not end up in the email.
    The returned invitation carries that URL as `accept_url`, in memory only: the database keeps
    just the token's hash, so this is the one moment the inviter can be shown the link.
    """
    _require(actor, Action.INVITE_MEMBERS)
    if role not in invitable_roles(actor.role):
        raise ApplicationError(_("You cannot invite someone with this role."), field="role")
    email = canonical_email(email)
    organization = actor.organization
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ApplicationError(
            _("This person is already a member of the organization."), field="email"
        )
    now = timezone.now()
    Invitation.objects.pending().filter(organization=organization, email=email).update(
        revoked_at=now
    )
    raw_token = new_invitation_token()
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=hash_invitation_token(raw_token),
        invited_by=actor.user,
        expires_at=now + settings.INVITATION_TTL,
    )
    path = reverse("accounts:invitation_accept", kwargs={"token": raw_token})
    accept_url = absolute_url(path)
    events.on_commit(
        lambda: send_templated_email(
            to=email,
            template="invitation",
            context={"invitation": invitation, "accept_url": accept_url, "inviter": actor.user},
            language=actor.user.language,
        ),
        hook="accounts.invitation_email",
    )
    invitation.accept_url = accept_url
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: Membership, invitation: Invitation) -> Invitation:
    _require(actor, Action.INVITE_MEMBERS)
    if invitation.organization_id != actor.organization_id:
        raise NotFoundError(_("Invitation not found."), code="not_found")
    if invitation.accepted_at is not None:
        raise ApplicationError(_("This invitation has already been accepted."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    return invitation


def _lock_usable_invitation(raw_token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organization")
        .filter(token_hash=hash_invitation_token(raw_token))
        .first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise ApplicationError(_("This invitation link is not valid."), code="invalid_token")
    if invitation.accepted_at is not None:
        raise ApplicationError(_("This invitation has already been used."), code="used_token")
    if invitation.is_expired:
        raise ApplicationError(_("This invitation has expired."), code="expired_token")
    return invitation


@transaction.atomic
def invitation_accept(*, raw_token: str, user: User) -> Membership:
    """Join the invitation's organization as `user`; the token works once."""
    invitation = _lock_usable_invitation(raw_token)
    if user.email.lower() != invitation.email.lower():
        raise ApplicationError(
            _("This invitation was sent to another email address."), code="wrong_user"
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, organization=invitation.organization, role=invitation.role
            )
    except IntegrityError:
        raise ConflictError(
            _("You are already a member of this organization."), code="already_member"
        ) from None
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    events.send_after_commit(
        member_joined, hook="member_joined", sender=Membership, membership=membership
    )
    return membership


@transaction.atomic
def invitation_accept_with_signup(
    *, raw_token: str, password: str, full_name: str = "", language: str = ""
) -> Membership:
    """Create the invited person's account and accept the invitation in one step."""
    invitation = _lock_usable_invitation(raw_token)
    user = user_create(
        email=invitation.email, password=password, full_name=full_name, language=language
    )
    return invitation_accept(raw_token=raw_token, user=user)


def _lock_owners(organization_id: int) -> int:
    """Lock the organization's owner rows and count them, so two demotions cannot race."""
    return len(
        list(
            Membership.objects.select_for_update()
            .filter(organization_id=organization_id, role=Role.OWNER)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    )


@transaction.atomic
def membership_change_role(*, actor: Membership, membership: Membership, role: str) -> Membership:
    _require(actor, Action.MANAGE_MEMBERS)
    if membership.organization_id != actor.organization_id:
        raise NotFoundError(_("Member not found."), code="not_found")
    if role not in Role.values:
        raise ApplicationError(_("Choose a valid role."), field="role")
    demoting_owner = membership.role == Role.OWNER and role != Role.OWNER
    if demoting_owner and _lock_owners(membership.organization_id) <= 1:
        raise ConflictError(
            _("An organization needs at least one owner."), field="role", code="last_owner"
        )
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, actor: Membership, membership: Membership) -> None:
    """Remove a member. Owners remove anyone; any member may leave; the last owner stays."""
    if membership.organization_id != actor.organization_id:
        raise NotFoundError(_("Member not found."), code="not_found")
    if membership.pk != actor.pk:
        _require(actor, Action.MANAGE_MEMBERS)
    if membership.role == Role.OWNER and _lock_owners(membership.organization_id) <= 1:
        raise ConflictError(_("An organization needs at least one owner."), code="last_owner")
    membership.delete()


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Remember the interface language the user chose (the navigation's switcher)."""
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Choose a valid language."), field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def user_update_profile(*, user: User, full_name: str, language: str) -> User:
    user.full_name = full_name.strip()
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "language"])
    return user
