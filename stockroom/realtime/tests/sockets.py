"""Opening the live-events socket as a signed-in member, for the tests of every app."""

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from django.test import Client

from config.asgi import application
from stockroom.accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY

ORIGIN = (b"origin", b"http://localhost")


def session_cookie(membership) -> bytes:
    """The cookie header value of a session signed in as `membership`, in its organization."""
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[ACTIVE_ORGANIZATION_SESSION_KEY] = membership.organization_id
    session.save()
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def open_events_socket(membership) -> WebsocketCommunicator:
    """A connected /ws/events/ socket of `membership`, past its "hello"."""
    cookie = await database_sync_to_async(session_cookie)(membership)
    socket = WebsocketCommunicator(
        application, "/ws/events/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "hello"
    return socket
