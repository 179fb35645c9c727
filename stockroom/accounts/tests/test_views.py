import re

import pytest

from django.core import mail
from django.urls import reverse

from stockroom.accounts import services
from stockroom.accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY
from stockroom.accounts.models import Invitation, Membership, Organization, User
from stockroom.accounts.roles import Action, Role

from .factories import TEST_PASSWORD, MembershipFactory, OrganizationFactory, UserFactory

STRONG = "Kettle-Harbour-93"


def test_signup_logs_in_and_lands_on_the_dashboard(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            {
                "full_name": "Ana",
                "email": "ana@example.com",
                "organization_name": "Ana's Parts",
                "password": STRONG,
                "password2": STRONG,
            },
            follow=True,
        )
    assert response.redirect_chain[-1][0] == reverse("reports:dashboard")
    assert response.context["active_organization"].name == "Ana's Parts"
    assert response.context["active_membership"].role == Role.OWNER
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password2": "different-Pass-1"}, "password2"),
        ({"password": "123", "password2": "123"}, "password"),
        ({"organization_name": "   "}, "organization_name"),
        ({"email": "taken@example.com"}, "email"),
    ],
    ids=["bad-email", "mismatch", "weak-password", "blank-organization", "taken-email"],
)
def test_signup_bad_input_names_the_field(client, db, data, field):
    UserFactory(email="taken@example.com")
    payload = {
        "full_name": "Ana",
        "email": "ana@example.com",
        "organization_name": "Parts",
        "password": STRONG,
        "password2": STRONG,
        **data,
    }
    response = client.post(reverse("accounts:signup"), payload)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Organization.objects.count() == 0


def test_login_with_email(client, clerk):
    response = client.post(
        reverse("accounts:login"),
        {"username": clerk.user.email.upper(), "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("reports:dashboard")
    page = client.get(reverse("reports:dashboard"))
    assert page.status_code == 200
    assert page.context["active_organization"] == clerk.organization


def test_repeated_failures_lock_the_login(client, clerk, settings):
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": clerk.user.email, "password": "wrong"})
        assert response.status_code == 200
    locked = client.post(url, {"username": clerk.user.email, "password": "wrong"})
    assert locked.status_code == 429
    assert b"Too many failed attempts" in locked.content
    still_locked = client.post(url, {"username": clerk.user.email, "password": TEST_PASSWORD})
    assert still_locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_requires_post_and_ends_the_session(client, clerk, member_client):
    member_client(clerk)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("reports:dashboard")).status_code == 302


def test_password_reset_link_works_once(client, clerk):
    client.post(reverse("accounts:password_reset"), {"email": clerk.user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    set_password_page = client.get(link, follow=True)
    assert set_password_page.context["validlink"] is True
    form_url = set_password_page.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert done.status_code == 302
    clerk.user.refresh_from_db()
    assert clerk.user.check_password(STRONG)
    reused = client.get(link, follow=True)
    assert reused.context["validlink"] is False


def test_password_reset_for_unknown_email_sends_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "ghost@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change(client, clerk, member_client):
    member_client(clerk)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
    )
    assert response.status_code == 302
    clerk.user.refresh_from_db()
    assert clerk.user.check_password(STRONG)


def _invitation_link(owner, email, django_capture_on_commit_callbacks, role=Role.CLERK):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(actor=owner, email=email, role=role)
    token = mail.outbox[-1].body.split("/accounts/invitations/")[1].split("/")[0]
    return reverse("accounts:invitation_accept", kwargs={"token": token})


def test_invitee_without_account_signs_up_and_joins(
    client, owner, django_capture_on_commit_callbacks
):
    link = _invitation_link(owner, "new@example.com", django_capture_on_commit_callbacks)
    page = client.get(link)
    assert page.context["usable"] and not page.context["has_account"]
    response = client.post(
        link, {"full_name": "New", "password": STRONG, "password2": STRONG}, follow=True
    )
    assert response.context["active_organization"] == owner.organization
    assert response.context["active_membership"].role == Role.CLERK
    reused = client.get(link)
    assert reused.context["usable"] is False


def test_logged_in_invitee_accepts(
    client, owner, member_client, django_capture_on_commit_callbacks
):
    elsewhere = MembershipFactory(user__email="multi@example.com", role=Role.OWNER)
    link = _invitation_link(
        owner, "multi@example.com", django_capture_on_commit_callbacks, role=Role.VIEWER
    )
    member_client(elsewhere)
    response = client.post(link, follow=True)
    assert response.context["active_organization"] == owner.organization
    assert Membership.objects.filter(user=elsewhere.user).count() == 2


def test_expired_invitation_page_says_so(client, owner, django_capture_on_commit_callbacks):
    link = _invitation_link(owner, "late@example.com", django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at="2000-01-01T00:00:00Z")
    page = client.get(link)
    assert page.context["usable"] is False
    response = client.post(link, {"password": STRONG, "password2": STRONG})
    assert response.status_code == 200
    assert not User.objects.filter(email="late@example.com").exists()


def test_switching_organization(client, member_client, db):
    first = MembershipFactory(role=Role.OWNER, organization__name="Alpha")
    second = MembershipFactory(user=first.user, role=Role.VIEWER, organization__name="Beta")
    member_client(first)
    response = client.post(
        reverse("accounts:switch"),
        {"organization": second.organization_id, "next": "https://evil.example/"},
    )
    assert response.url == reverse("reports:dashboard")  # off-site redirect refused
    page = client.get(reverse("reports:dashboard"))
    assert page.context["active_organization"] == second.organization
    assert page.context["active_membership"].role == Role.VIEWER


def test_cannot_switch_into_a_foreign_organization(client, member_client, clerk):
    foreign = OrganizationFactory()
    member_client(clerk)
    response = client.post(reverse("accounts:switch"), {"organization": foreign.pk})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "value", ["abc", "²", "", str(2**63), "-1"], ids=["letters", "²", "empty", "2**63", "negative"]
)
def test_switching_to_an_organization_id_no_row_can_have_is_not_found(
    value, client, member_client, clerk
):
    member_client(clerk)
    response = client.post(reverse("accounts:switch"), {"organization": value})
    assert response.status_code == 404


def test_forged_session_organization_falls_back_to_a_real_membership(client, clerk):
    foreign = OrganizationFactory()
    client.force_login(clerk.user)
    session = client.session
    session[ACTIVE_ORGANIZATION_SESSION_KEY] = foreign.pk
    session.save()
    page = client.get(reverse("reports:dashboard"))
    assert page.context["active_organization"] == clerk.organization


def test_user_without_membership_is_sent_to_create_one(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("reports:dashboard"))
    assert response.url == reverse("accounts:no_organization")
    created = client.post(
        reverse("accounts:no_organization"), {"organization_name": "Solo"}, follow=True
    )
    assert created.context["active_organization"].name == "Solo"


def test_profile_update(client, clerk, member_client):
    member_client(clerk)
    response = client.post(reverse("accounts:profile"), {"full_name": "Clara C.", "language": "es"})
    assert response.status_code == 302
    clerk.user.refresh_from_db()
    assert (clerk.user.full_name, clerk.user.language) == ("Clara C.", "es")


def test_invite_form_preselects_clerk_not_owner(client, owner, member_client):
    member_client(owner)
    form = client.get(reverse("accounts:members")).context["invite_form"]
    assert form["role"].value() == Role.CLERK


def test_team_page_says_what_each_role_may_do(client, viewer, member_client):
    member_client(viewer)
    page = client.get(reverse("accounts:members"))
    rows = dict(page.context["role_capabilities"])
    # Read from the one policy: owner, manager, clerk, viewer in that order.
    assert rows["Receive, issue, transfer and adjust stock"] == [True, True, True, False]
    assert rows["Approve counts (posts their variances)"] == [True, True, False, False]
    assert rows["Delete the organization"] == [True, False, False, False]
    assert len(rows) == len(Action)
    assert "What each role may do" in page.content.decode()


def test_invitation_link_is_shown_once_to_the_inviter_only(
    client, owner, manager, member_client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://stock.example.com"
    member_client(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invite"), {"email": "chat@example.com", "role": Role.CLERK}
        )
    assert response.status_code == 302
    # Built on SITE_URL (not the request's host "testserver"), in the email and on the page.
    emailed = re.search(
        r"https://stock\.example\.com/accounts/invitations/[^/\s]+/", mail.outbox[-1].body
    )
    page = client.get(reverse("accounts:members"))
    assert page.context["invitation_link"]["url"] == emailed.group(0)
    assert 'data-copy-target="invitation-link-url"' in page.content.decode()
    # Only the hash reaches the database, and neither the sessions nor the invitation hold the link.
    token = emailed.group(0).rstrip("/").rsplit("/", 1)[1]
    assert Invitation.objects.get(email="chat@example.com").token_hash != token
    from django.contrib.sessions.models import Session

    assert not any(token in str(s.get_decoded()) for s in Session.objects.all())
    # A later load of the page no longer shows it.
    again = client.get(reverse("accounts:members"))
    assert again.context["invitation_link"] is None
    assert token not in again.content.decode()


def test_invitation_link_cookie_is_ignored_for_another_user(
    client, owner, manager, member_client, django_capture_on_commit_callbacks
):
    member_client(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:invite"), {"email": "chat@example.com", "role": Role.CLERK})
    token = mail.outbox[-1].body.split("/accounts/invitations/")[1].split("/")[0]
    # Someone else signs in on the same browser before the inviter opened the Team page.
    member_client(manager)
    page = client.get(reverse("accounts:members"))
    assert page.context["invitation_link"] is None
    assert token not in page.content.decode()
