"""Open sockets follow access changes: a removed member's socket closes (4403), a changed role's
or a changed password's socket is told to reconnect (4000), a deactivated user's closes (4401).
On the in-memory channel layer, or Redis's when REDIS_URL is set."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from config.asgi import application
from stockroom.accounts import services
from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.realtime.broadcast import publish
from stockroom.realtime.groups import organization_group
from stockroom.realtime.tests.sockets import ORIGIN, open_events_socket, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)
# The finding: a removed member's socket must close within a second.
CLOSE_WITHIN = 1.0


async def _closed_with(socket: WebsocketCommunicator) -> int | None:
    message = await socket.receive_output(timeout=CLOSE_WITHIN)
    assert message["type"] == "websocket.close"
    return message.get("code")


@pytest.fixture
def team():
    owner = MembershipFactory(role=Role.OWNER)
    clerk = MembershipFactory(organization=owner.organization, role=Role.CLERK)
    return owner, clerk


def test_a_removed_members_socket_closes_and_hears_nothing_more(team):
    owner, clerk = team

    async def scenario():
        clerk_socket = await open_events_socket(clerk)
        owner_socket = await open_events_socket(owner)
        await database_sync_to_async(services.membership_remove)(actor=owner, membership=clerk)
        code = await _closed_with(clerk_socket)
        await database_sync_to_async(publish)(
            organization_group(owner.organization_id), {"type": "stock.changed"}
        )
        owner_event = await owner_socket.receive_json_from(timeout=1)
        clerk_silent = await clerk_socket.receive_nothing(timeout=0.2)
        await owner_socket.disconnect()
        return code, owner_event, clerk_silent

    code, owner_event, clerk_silent = async_to_sync(scenario)()
    assert code == 4403
    assert owner_event == {"type": "stock.changed"}
    assert clerk_silent is True


def test_removing_the_member_through_its_organization_closes_the_socket(team):
    owner, clerk = team

    async def scenario():
        socket = await open_events_socket(clerk)
        await database_sync_to_async(owner.organization.delete)()
        return await _closed_with(socket)

    assert async_to_sync(scenario)() == 4403


def test_a_changed_roles_socket_reconnects_and_keeps_its_organization(team):
    owner, clerk = team

    async def scenario():
        socket = await open_events_socket(clerk)
        await database_sync_to_async(services.membership_change_role)(
            actor=owner, membership=clerk, role=Role.VIEWER
        )
        code = await _closed_with(socket)
        again = await open_events_socket(clerk)
        await again.disconnect()
        return code

    assert async_to_sync(scenario)() == 4000


def test_a_deactivated_users_socket_closes(team):
    _owner, clerk = team

    def deactivate():
        clerk.user.is_active = False
        clerk.user.save(update_fields=["is_active"])

    async def scenario():
        socket = await open_events_socket(clerk)
        await database_sync_to_async(deactivate)()
        return await _closed_with(socket)

    assert async_to_sync(scenario)() == 4401


def test_a_password_change_refuses_the_old_token_on_reconnect(team):
    _owner, clerk = team
    token = AccessToken.for_user(clerk.user)
    token["org"] = clerk.organization_id
    path = f"/ws/events/?token={token}"

    def change_password():
        clerk.user.set_password("another-staple-battery-horse")
        clerk.user.save()

    async def scenario():
        socket = WebsocketCommunicator(application, path, headers=[ORIGIN])
        assert (await socket.connect())[0]
        await socket.receive_json_from()  # hello
        await database_sync_to_async(change_password)()
        code = await _closed_with(socket)
        again = WebsocketCommunicator(application, path, headers=[ORIGIN])
        return code, await again.connect()

    code, reconnect = async_to_sync(scenario)()
    assert code == 4000
    assert reconnect == (False, 4401)


def test_other_members_sockets_stay_open(team):
    owner, clerk = team
    colleague = MembershipFactory(organization=owner.organization, role=Role.CLERK)

    async def scenario():
        socket = await open_events_socket(colleague)
        await database_sync_to_async(services.membership_remove)(actor=owner, membership=clerk)
        silent = await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()
        return silent

    assert async_to_sync(scenario)() is True


def test_a_removal_committed_while_the_socket_joins_still_closes_it(team, monkeypatch):
    """The removal lands after the consumer read the membership but before it joined the groups,
    so the close sent to the member's group misses it: the consumer reads the membership again."""
    owner, clerk = team
    layer = get_channel_layer()
    join = layer.group_add
    removed = []

    async def join_after_a_removal(group, channel):
        if not removed:
            removed.append(group)
            await database_sync_to_async(services.membership_remove)(actor=owner, membership=clerk)
        await join(group, channel)

    monkeypatch.setattr(layer, "group_add", join_after_a_removal)

    async def scenario():
        cookie = await database_sync_to_async(session_cookie)(clerk)
        socket = WebsocketCommunicator(
            application, "/ws/events/", headers=[ORIGIN, (b"cookie", cookie)]
        )
        connected, _ = await socket.connect()
        return connected, await _closed_with(socket)

    assert async_to_sync(scenario)() == (True, 4403)
