"""WebSocket consumers. Each joins only the group of an organization the user belongs to."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from stockroom.accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY
from stockroom.accounts.selectors import active_membership_for
from stockroom.core.metrics import WEBSOCKET_CONNECTIONS

from .groups import member_group, organization_group


class OrganizationEventsConsumer(AsyncJsonWebsocketConsumer):
    """Pushes the active organization's events (stock changes, notifications) to the browser."""

    groups_joined: tuple[str, ...] = ()

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        session = self.scope.get("session") or {}
        preferred = self.scope.get("organization_hint") or session.get(
            ACTIVE_ORGANIZATION_SESSION_KEY
        )
        membership = await database_sync_to_async(active_membership_for)(user, preferred)
        if membership is None:
            await self.close(code=4403)
            return
        self.groups_joined = (
            organization_group(membership.organization_id),
            member_group(membership.organization_id, user.pk),
        )
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        WEBSOCKET_CONNECTIONS.inc()
        await self.send_json({"type": "hello", "organization": membership.organization_id})

    async def disconnect(self, code):
        if self.groups_joined:
            WEBSOCKET_CONNECTIONS.dec()
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # The browser only listens; a ping keeps proxies from closing an idle socket.
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def organization_event(self, event):
        await self.send_json(event["payload"])
