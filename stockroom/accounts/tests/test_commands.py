import pytest

from django.core.management import call_command
from django.core.management.base import CommandError

from stockroom.accounts.models import Membership
from stockroom.accounts.roles import Role


def test_create_owner(db, capsys):
    call_command(
        "create_owner",
        email="Boss@Example.com",
        organization="Boss Ltd",
        password="Kettle-Harbour-93",
        staff=True,
    )
    membership = Membership.objects.get()
    assert (membership.user.email, membership.role) == ("boss@example.com", Role.OWNER)
    assert membership.user.is_staff is True
    assert "boss@example.com owns Boss Ltd" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("password", "message"),
    [(None, "OWNER_PASSWORD"), ("123", "too short")],
    ids=["missing-password", "weak-password"],
)
def test_create_owner_refusals(db, monkeypatch, password, message):
    monkeypatch.delenv("OWNER_PASSWORD", raising=False)
    with pytest.raises(CommandError, match=message):
        call_command("create_owner", email="a@example.com", organization="A", password=password)
    assert Membership.objects.count() == 0
