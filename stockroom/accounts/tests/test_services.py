from datetime import timedelta

import pytest

from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from stockroom.accounts import services
from stockroom.accounts.models import Invitation, Membership, Organization, User
from stockroom.accounts.roles import Role
from stockroom.core.exceptions import ApplicationError

from .factories import MembershipFactory, UserFactory

STRONG = "Kettle-Harbour-93"


def test_signup_creates_user_organization_and_owner(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.organization_signup(
            email="  Ana@Example.COM ",
            password=STRONG,
            full_name="Ana Díaz",
            organization_name="Díaz Hardware",
        )
    assert membership.role == Role.OWNER
    assert membership.user.email == "ana@example.com"
    assert membership.user.check_password(STRONG)
    assert membership.organization.name == "Díaz Hardware"
    assert membership.organization.slug == "diaz-hardware"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.com"]
    assert "Díaz Hardware" in mail.outbox[0].subject


def test_plain_text_email_is_not_html_escaped(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_signup(
            email="bean@example.com", password=STRONG, organization_name="Bean & Leaf Roasters"
        )
    message = mail.outbox[0]
    assert "Bean & Leaf Roasters" in message.subject
    assert "Bean & Leaf Roasters" in message.body
    assert "&amp;" not in message.subject + message.body
    html = message.alternatives[0][0]
    assert "Bean &amp; Leaf Roasters" in html  # the HTML part stays escaped


def test_welcome_email_waits_for_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.organization_signup(
            email="b@example.com", password=STRONG, organization_name="B Co"
        )
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_signup_slug_is_unique(db):
    first = services.organization_signup(
        email="a@example.com", password=STRONG, organization_name="Acme"
    )
    second = services.organization_signup(
        email="b@example.com", password=STRONG, organization_name="Acme"
    )
    assert (first.organization.slug, second.organization.slug) == ("acme", "acme-2")


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("taken@example.com", STRONG, "email"),
        ("new@example.com", "123", "password"),
        ("new@example.com", "password", "password"),
    ],
    ids=["existing-email", "short-password", "common-password"],
)
def test_signup_refusals_write_nothing(db, email, password, field):
    UserFactory(email="taken@example.com")
    with pytest.raises((ApplicationError, ValidationError)) as excinfo:
        services.organization_signup(email=email, password=password, organization_name="X")
    error = excinfo.value
    named = error.field if isinstance(error, ApplicationError) else next(iter(error.message_dict))
    assert named == field
    assert Organization.objects.count() == 0
    assert User.objects.count() == 1


def _invite(actor, email="new@example.com", role=Role.CLERK, **kwargs):
    return services.invitation_create(actor=actor, email=email, role=role, **kwargs)


def test_invitation_sends_email_with_link(owner, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://app.test"
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(owner)
    assert invitation.is_pending
    assert len(mail.outbox) == 1
    assert "https://app.test/accounts/invitations/" in mail.outbox[0].body
    assert invitation.accept_url.startswith("https://app.test/accounts/invitations/")
    assert invitation.token_hash not in mail.outbox[0].body  # only the raw token travels


def _raw_token_from_outbox() -> str:
    body = mail.outbox[-1].body
    return body.split("/accounts/invitations/")[1].split("/")[0]


def test_invitation_accept_creates_membership_once(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(owner, role=Role.VIEWER)
    token = _raw_token_from_outbox()
    user = UserFactory(email="new@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.invitation_accept(raw_token=token, user=user)
    assert (membership.organization, membership.role) == (owner.organization, Role.VIEWER)
    assert mail.outbox[-1].to == ["new@example.com"]  # welcome to the organization
    with pytest.raises(ApplicationError) as excinfo:
        services.invitation_accept(raw_token=token, user=user)
    assert excinfo.value.code == "used_token"


def test_expired_invitation_is_refused(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(owner)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    user = UserFactory(email="new@example.com")
    with pytest.raises(ApplicationError) as excinfo:
        services.invitation_accept(raw_token=_raw_token_from_outbox(), user=user)
    assert excinfo.value.code == "expired_token"
    assert not Membership.objects.filter(user=user).exists()


def test_reinvite_revokes_the_earlier_link(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(owner)
    first_token = _raw_token_from_outbox()
    with django_capture_on_commit_callbacks(execute=True):
        _invite(owner)
    user = UserFactory(email="new@example.com")
    with pytest.raises(ApplicationError) as excinfo:
        services.invitation_accept(raw_token=first_token, user=user)
    assert excinfo.value.code == "invalid_token"
    assert services.invitation_accept(raw_token=_raw_token_from_outbox(), user=user)


def test_invitation_for_another_email_is_refused(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(owner)
    with pytest.raises(ApplicationError) as excinfo:
        services.invitation_accept(
            raw_token=_raw_token_from_outbox(), user=UserFactory(email="other@example.com")
        )
    assert excinfo.value.code == "wrong_user"


def test_unknown_token_is_refused(db):
    with pytest.raises(ApplicationError) as excinfo:
        services.invitation_accept(raw_token="nope", user=UserFactory())
    assert excinfo.value.code == "invalid_token"


def test_accept_with_signup_creates_the_account(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(owner, email="fresh@example.com")
    membership = services.invitation_accept_with_signup(
        raw_token=_raw_token_from_outbox(), password=STRONG, full_name="Fresh"
    )
    assert membership.user.email == "fresh@example.com"
    assert membership.user.check_password(STRONG)


@pytest.mark.parametrize(
    ("actor_role", "invited_role", "allowed"),
    [
        (Role.OWNER, Role.MANAGER, True),
        (Role.MANAGER, Role.CLERK, True),
        (Role.MANAGER, Role.VIEWER, True),
        (Role.MANAGER, Role.MANAGER, False),
        (Role.MANAGER, Role.OWNER, False),
        (Role.CLERK, Role.CLERK, False),
        (Role.VIEWER, Role.VIEWER, False),
    ],
    ids=[
        "owner-invites-manager",
        "manager-invites-clerk",
        "manager-invites-viewer",
        "manager-cannot-invite-manager",
        "manager-cannot-invite-owner",
        "clerk-cannot-invite",
        "viewer-cannot-invite",
    ],
)
def test_who_may_invite_whom(organization, actor_role, invited_role, allowed):
    actor = MembershipFactory(organization=organization, role=actor_role)
    if allowed:
        assert _invite(actor, role=invited_role).role == invited_role
    else:
        with pytest.raises(ApplicationError):
            _invite(actor, role=invited_role)
        assert Invitation.objects.count() == 0


def test_inviting_an_existing_member_is_refused(owner, clerk):
    with pytest.raises(ApplicationError) as excinfo:
        _invite(owner, email=clerk.user.email.upper())
    assert excinfo.value.field == "email"


def test_last_owner_cannot_be_demoted_or_removed(owner):
    with pytest.raises(ApplicationError) as excinfo:
        services.membership_change_role(actor=owner, membership=owner, role=Role.MANAGER)
    assert excinfo.value.code == "last_owner"
    with pytest.raises(ApplicationError):
        services.membership_remove(actor=owner, membership=owner)
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_owner_changes_roles_and_removes(owner, clerk):
    services.membership_change_role(actor=owner, membership=clerk, role=Role.MANAGER)
    clerk.refresh_from_db()
    assert clerk.role == Role.MANAGER
    services.membership_remove(actor=owner, membership=clerk)
    assert not Membership.objects.filter(pk=clerk.pk).exists()


def test_second_owner_may_be_demoted(owner, organization):
    other = MembershipFactory(organization=organization, role=Role.OWNER)
    services.membership_change_role(actor=owner, membership=other, role=Role.VIEWER)
    other.refresh_from_db()
    assert other.role == Role.VIEWER


def test_manager_cannot_change_roles_but_may_leave(manager, clerk):
    with pytest.raises(ApplicationError):
        services.membership_change_role(actor=manager, membership=clerk, role=Role.VIEWER)
    with pytest.raises(ApplicationError):
        services.membership_remove(actor=manager, membership=clerk)
    services.membership_remove(actor=manager, membership=manager)
    assert not Membership.objects.filter(pk=manager.pk).exists()


def test_members_of_another_organization_are_out_of_reach(owner, other_organization):
    stranger = MembershipFactory(organization=other_organization, role=Role.CLERK)
    with pytest.raises(ApplicationError) as excinfo:
        services.membership_change_role(actor=owner, membership=stranger, role=Role.VIEWER)
    assert excinfo.value.code == "not_found"
    with pytest.raises(ApplicationError):
        services.membership_remove(actor=owner, membership=stranger)


def test_organization_delete_needs_the_exact_name(owner):
    organization = owner.organization
    with pytest.raises(ApplicationError) as excinfo:
        services.organization_delete(actor=owner, organization=organization, confirm_name="x")
    assert excinfo.value.field == "confirm_name"
    services.organization_delete(
        actor=owner, organization=organization, confirm_name=organization.name
    )
    assert not Organization.objects.filter(pk=organization.pk).exists()


def test_deleting_an_organization_removes_all_its_data(owner, django_capture_on_commit_callbacks):
    """Everything the organization owns goes with it: nested categories, stock and the ledger."""

    from stockroom.catalog.models import Category, Product
    from stockroom.catalog.tests.factories import CategoryFactory, ProductFactory
    from stockroom.inventory.models import StockMovement
    from stockroom.inventory.tests.factories import LocationFactory, receive

    organization = owner.organization
    parent = CategoryFactory(organization=organization)
    child = CategoryFactory(organization=organization, parent=parent)
    product = ProductFactory(organization=organization, category=child)
    location = LocationFactory(organization=organization)
    receive(product, location, 3)
    services.organization_delete(
        actor=owner, organization=organization, confirm_name=organization.name
    )
    assert Category.unscoped.count() == 0
    assert Product.unscoped.count() == 0
    assert StockMovement.unscoped.count() == 0
