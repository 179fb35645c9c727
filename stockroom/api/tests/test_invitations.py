import re

from django.core import mail

from stockroom.accounts.models import Invitation
from stockroom.accounts.roles import Role

INVITATIONS = "/api/v1/invitations/"


def test_invitation_create_returns_the_accept_url_once(
    owner_client, owner, settings, django_capture_on_commit_callbacks
):
    # The link is built on SITE_URL, not on the host the request came in on.
    settings.SITE_URL = "https://stock.example.com"
    settings.ALLOWED_HOSTS = ["*"]
    with django_capture_on_commit_callbacks(execute=True):
        created = owner_client.post(
            INVITATIONS,
            {"email": "chat@example.com", "role": Role.CLERK},
            format="json",
            HTTP_HOST="evil.example.net",
        )
    assert created.status_code == 201
    emailed = re.search(
        r"https://stock\.example\.com/accounts/invitations/[^/\s]+/", mail.outbox[-1].body
    )
    assert "evil.example.net" not in mail.outbox[-1].body
    assert created.json()["accept_url"] == emailed.group(0)
    invitation = Invitation.objects.get(email="chat@example.com")
    assert invitation.token_hash not in created.json()["accept_url"]
    # Neither the list nor the detail can read it again.
    listed = owner_client.get(INVITATIONS).json()["results"]
    assert [row["email"] for row in listed] == ["chat@example.com"]
    assert "accept_url" not in listed[0]
    detail = owner_client.get(f"{INVITATIONS}{invitation.pk}/").json()
    assert "accept_url" not in detail


def test_schema_documents_the_accept_url_on_create_only(api_client, db):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert "accept_url" in components["InvitationCreated"]["properties"]
    assert "accept_url" not in components["Invitation"]["properties"]
