"""The cross-tenant matrix of the live sockets, generated from `websocket_urlpatterns`: every
socket route, opened as organization A's member of each role with B's id put where a client can
put it (the session's active organization, the JWT's `org` claim), and anonymously. A socket
must never join B: it joins A (its "hello" names A) or is closed, and then hears A's events and
none of B's. A route with a keyword fails `test_every_socket_route_is_generated` until a rule
for filling it with B's rows is added here, as in the page matrix (core/tests/test_url_matrix.py).
"""

from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from django.test import Client
from django.urls import URLPattern

from config.asgi import application
from stockroom.accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY
from stockroom.accounts.tests.factories import MembershipFactory
from stockroom.catalog.tests.factories import ProductFactory
from stockroom.core.tests.tenant_world import ROLES
from stockroom.inventory import services
from stockroom.inventory.tests.factories import LocationFactory
from stockroom.realtime.consumers import CLOSE_UNAUTHENTICATED
from stockroom.realtime.routing import websocket_urlpatterns
from stockroom.realtime.tests.sockets import ORIGIN

pytestmark = pytest.mark.django_db(transaction=True)


def socket_paths() -> list[str]:
    paths = []
    for pattern in websocket_urlpatterns:
        assert isinstance(pattern, URLPattern), pattern
        route = str(pattern.pattern)
        paths.append("/" + route)
    return paths


def test_every_socket_route_is_generated():
    """The matrix below fills no keywords: a route with one needs a rule here first."""
    paths = socket_paths()
    assert paths, "no socket routes found: the matrix would test nothing"
    assert [path for path in paths if "<" in path] == []


def _session_cookie_naming(membership, organization_id: int) -> bytes:
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[ACTIVE_ORGANIZATION_SESSION_KEY] = organization_id
    session.save()
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def _jwt_naming(membership, organization_id: int) -> str:
    token = AccessToken.for_user(membership.user)
    token["org"] = organization_id
    return str(token)


def _receive(organization, sku: str) -> None:
    services.stock_receive(
        organization=organization,
        product=ProductFactory(organization=organization, sku=sku),
        location=LocationFactory(organization=organization),
        quantity=Decimal("1"),
    )


def _communicator(path: str, credential: str, member, other_id: int) -> WebsocketCommunicator:
    headers = [ORIGIN]
    if credential == "session naming B":
        headers.append((b"cookie", _session_cookie_naming(member, other_id)))
    elif credential == "JWT naming B":
        path = f"{path}?token={_jwt_naming(member, other_id)}"
    return WebsocketCommunicator(application, path, headers=headers)


@pytest.mark.parametrize("path", socket_paths())
@pytest.mark.parametrize("credential", ["session naming B", "JWT naming B"])
@pytest.mark.parametrize("role", ROLES)
def test_a_member_of_a_never_joins_b(path, credential, role):
    member = MembershipFactory(role=role)
    other = MembershipFactory(role=role)  # organization B, with its own member

    async def scenario():
        socket = await database_sync_to_async(_communicator)(
            path, credential, member, other.organization_id
        )
        connected, _code = await socket.connect()
        if not connected:
            return None, None, None
        hello = await socket.receive_json_from()
        await database_sync_to_async(_receive)(other.organization, "B-EVENT")
        heard_b = not await socket.receive_nothing(timeout=0.3)
        await database_sync_to_async(_receive)(member.organization, "A-EVENT")
        heard_a = await socket.receive_json_from(timeout=2)
        await socket.disconnect()
        return hello, heard_b, heard_a

    hello, heard_b, heard_a = async_to_sync(scenario)()
    if hello is None:
        return  # closed: joined nothing
    assert hello == {"type": "hello", "organization": member.organization_id}
    assert heard_b is False
    assert heard_a["sku"] == "A-EVENT"  # the socket works: silence about B means something


@pytest.mark.parametrize("path", socket_paths())
def test_an_anonymous_socket_joins_nothing(path):
    async def scenario():
        socket = WebsocketCommunicator(application, path, headers=[ORIGIN])
        return await socket.connect()

    assert async_to_sync(scenario)() == (False, CLOSE_UNAUTHENTICATED)
