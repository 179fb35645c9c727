"""WebSocket authentication for API clients: a JWT access token in the `token` query parameter.

Browsers authenticate with their session cookie (Channels' AuthMiddlewareStack); this runs
inside it and only acts when the session left the scope anonymous.
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware


@database_sync_to_async
def _user_for_token(raw_token: str):
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
    from rest_framework_simplejwt.tokens import AccessToken

    from stockroom.api.auth import token_user

    try:
        token = AccessToken(raw_token)
        # The API's own check: an active user, and a token issued under their current password.
        user = token_user(token)
    except (TokenError, InvalidToken, AuthenticationFailed):
        return None, None
    return user, token.get("org")


class JWTQueryAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            query = parse_qs(scope.get("query_string", b"").decode())
            raw_token = (query.get("token") or [""])[0]
            if raw_token:
                token_user, organization_id = await _user_for_token(raw_token)
                if token_user is not None:
                    scope["user"] = token_user
                    scope["organization_hint"] = organization_id
        return await super().__call__(scope, receive, send)
