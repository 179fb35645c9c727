"""The live-events socket: members get their organization's events and nothing else."""

from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from django.test import Client

from config.asgi import application
from stockroom.accounts.roles import Role
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.inventory import services
from stockroom.inventory.tests.factories import LocationFactory
from stockroom.realtime.tests.sockets import ORIGIN, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def _socket(cookie: bytes | None = None, path: str = "/ws/events/") -> WebsocketCommunicator:
    headers = [ORIGIN] + ([(b"cookie", cookie)] if cookie else [])
    return WebsocketCommunicator(application, path, headers=headers)


def _receive_movement(membership):
    product = ProductFactory(organization=membership.organization, sku="SKU-LIVE")
    location = LocationFactory(organization=membership.organization)
    return services.stock_receive(
        organization=membership.organization,
        product=product,
        location=location,
        quantity=Decimal("5"),
        unit_cost=Decimal("2.00"),
        user=membership.user,
    )


def test_member_receives_the_movement_they_caused():
    clerk = MembershipFactory(role=Role.CLERK)

    async def scenario():
        socket = _socket(await database_sync_to_async(session_cookie)(clerk))
        connected, _ = await socket.connect()
        assert connected
        assert await socket.receive_json_from() == {
            "type": "hello",
            "organization": clerk.organization_id,
        }
        movement = await database_sync_to_async(_receive_movement)(clerk)
        event = await socket.receive_json_from(timeout=2)
        await socket.disconnect()
        return movement, event

    movement, event = async_to_sync(scenario)()
    assert event["type"] == "stock.changed"
    assert (event["movement_id"], event["sku"], event["quantity"]) == (
        movement.pk,
        "SKU-LIVE",
        "5",
    )


def test_another_organization_receives_nothing():
    clerk = MembershipFactory(role=Role.CLERK)
    stranger = MembershipFactory(role=Role.OWNER)

    async def scenario():
        socket = _socket(await database_sync_to_async(session_cookie)(stranger))
        connected, _ = await socket.connect()
        assert connected
        await socket.receive_json_from()  # hello
        await database_sync_to_async(_receive_movement)(clerk)
        nothing = await socket.receive_nothing(timeout=0.5)
        await socket.disconnect()
        return nothing

    assert async_to_sync(scenario)() is True


def test_anonymous_socket_is_refused():
    async def scenario():
        socket = _socket()
        connected, code = await socket.connect()
        return connected, code

    connected, code = async_to_sync(scenario)()
    assert connected is False
    assert code == 4401


def test_jwt_client_joins_its_organization():
    owner = MembershipFactory(role=Role.OWNER)
    token = AccessToken.for_user(owner.user)
    token["org"] = owner.organization_id

    async def scenario():
        socket = _socket(path=f"/ws/events/?token={token}")
        connected, _ = await socket.connect()
        hello = await socket.receive_json_from()
        await socket.disconnect()
        return connected, hello

    connected, hello = async_to_sync(scenario)()
    assert connected
    assert hello == {"type": "hello", "organization": owner.organization_id}


def test_tampered_jwt_is_refused():
    owner = MembershipFactory(role=Role.OWNER)
    token = str(AccessToken.for_user(owner.user))[:-2] + "xx"

    async def scenario():
        socket = _socket(path=f"/ws/events/?token={token}")
        return await socket.connect()

    connected, code = async_to_sync(scenario)()
    assert (connected, code) == (False, 4401)


def test_user_without_membership_is_refused():
    from stockroom.accounts.tests.factories import UserFactory

    user = UserFactory()

    def cookie():
        client = Client()
        client.force_login(user)
        return f"sessionid={client.cookies['sessionid'].value}".encode()

    async def scenario():
        socket = _socket(await database_sync_to_async(cookie)())
        return await socket.connect()

    assert async_to_sync(scenario)() == (False, 4403)


def test_ping_is_answered():
    clerk = MembershipFactory(role=Role.CLERK)

    async def scenario():
        socket = _socket(await database_sync_to_async(session_cookie)(clerk))
        await socket.connect()
        await socket.receive_json_from()
        await socket.send_json_to({"type": "ping"})
        pong = await socket.receive_json_from()
        await socket.disconnect()
        return pong

    assert async_to_sync(scenario)() == {"type": "pong"}
