"""WebSocket consumers. Each joins only the group of an organization the user belongs to."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from stockroom.accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY
from stockroom.accounts.selectors import active_membership_for, membership_role
from stockroom.core.metrics import WEBSOCKET_CONNECTIONS

from .groups import member_group, organization_group

# Close codes. From 4400 up the browser gives up (static/js/app.js): the socket may not return.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_A_MEMBER = 4403
# Below 4400 it reconnects; this one at once: the new connection is authorized again and joins
# the groups of the membership as it is now (a changed role, a changed password).
CLOSE_REJOIN = 4000


class OrganizationEventsConsumer(AsyncJsonWebsocketConsumer):
    """Pushes the active organization's events (stock changes, notifications) to the browser."""

    groups_joined: tuple[str, ...] = ()

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        session = self.scope.get("session") or {}
        preferred = self.scope.get("organization_hint") or session.get(
            ACTIVE_ORGANIZATION_SESSION_KEY
        )
        membership = await database_sync_to_async(active_membership_for)(user, preferred)
        if membership is None:
            await self.close(code=CLOSE_NOT_A_MEMBER)
            return
        self.groups_joined = (
            organization_group(membership.organization_id),
            member_group(membership.organization_id, user.pk),
        )
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        WEBSOCKET_CONNECTIONS.inc()
        # A removal or role change committed between the read above and joining the groups sent
        # its close to groups this socket was not in yet: read the membership once more.
        role_now = await database_sync_to_async(membership_role)(membership.pk)
        if role_now != membership.role:
            await self.access_changed(
                {"code": CLOSE_NOT_A_MEMBER if role_now is None else CLOSE_REJOIN}
            )
            return
        await self.send_json({"type": "hello", "organization": membership.organization_id})

    async def disconnect(self, code):
        await self._leave_groups()

    async def _leave_groups(self) -> None:
        joined, self.groups_joined = self.groups_joined, ()
        if joined:
            WEBSOCKET_CONNECTIONS.dec()
        for group in joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # The browser only listens; a ping keeps proxies from closing an idle socket.
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def organization_event(self, event):
        await self.send_json(event["payload"])

    async def access_changed(self, event):
        """The membership this socket was opened for was removed or changed, or the user was
        deactivated: stop hearing the organization at once, then close with the event's code."""
        await self._leave_groups()
        await self.close(code=event["code"])
