"""Sign-in endpoints: JWT obtain / refresh / verify / logout, and DRF's token for scripts.

The JWT carries the organization the client chose (`org` claim). It is only a preference:
every request checks it against the user's memberships again (see tenancy.py).
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken
from rest_framework_simplejwt.tokens import Token as JSONWebToken
from rest_framework_simplejwt.views import TokenViewBase

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _

from stockroom.accounts.models import User, canonical_email
from stockroom.accounts.selectors import memberships_for_user

from .tenancy import ORGANIZATION_CLAIM


class CredentialsSerializer(serializers.Serializer):
    email = serializers.EmailField(write_only=True, max_length=254)
    password = serializers.CharField(
        write_only=True, max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )

    def validate(self, attrs):
        request = self.context["request"]._request
        # `username` is the credential name django-axes watches for lockouts (it counts failures
        # per canonical email, AXES_USERNAME_CALLABLE). When it refuses (or just locked) the
        # account, its middleware answers with AXES_LOCKOUT_CALLABLE: a JSON 429 for API paths
        # (stockroom.api.lockout).
        user = authenticate(
            request, username=canonical_email(attrs["email"]), password=attrs["password"]
        )
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(
                _("No active account matches this email and password."), code="invalid_credentials"
            )
        attrs["user"] = user
        return attrs


class TokenObtainSerializer(CredentialsSerializer):
    organization = serializers.IntegerField(
        required=False,
        min_value=1,
        write_only=True,
        help_text="Organization to act in; defaults to the user's first organization.",
    )
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)
    organization_id = serializers.IntegerField(read_only=True, allow_null=True)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user: User = attrs["user"]
        memberships = memberships_for_user(user)
        wanted = attrs.get("organization")
        if wanted is None:
            membership = memberships.first()
        else:
            membership = memberships.filter(organization_id=wanted).first()
            if membership is None:
                raise serializers.ValidationError(
                    {"organization": [_("You are not a member of this organization.")]},
                    code="organization_forbidden",
                )
        refresh = RefreshToken.for_user(user)
        organization_id = membership.organization_id if membership else None
        if organization_id is not None:
            refresh[ORGANIZATION_CLAIM] = organization_id
        return {
            "access": str(refresh.access_token),
            "refresh": str(refresh),
            "organization_id": organization_id,
        }


def token_user(token: JSONWebToken) -> User:
    """The active user a valid token names, if the token was issued under their current password.

    Access tokens are checked so by JWTAuthentication on every request (CHECK_REVOKE_TOKEN);
    refresh and verify call this, so a changed password ends the refresh tokens as well, even one
    the blacklist did not know about. Raises AuthenticationFailed (401) otherwise."""
    return JWTAuthentication().get_user(token)


class TokenRefreshSerializer(jwt_serializers.TokenRefreshSerializer):
    refresh = serializers.CharField()

    def validate(self, attrs):
        try:
            token_user(self.token_class(attrs["refresh"]))
            return super().validate(attrs)
        except User.DoesNotExist:
            raise exceptions.AuthenticationFailed(
                _("No active account found for the given token."), code="no_active_account"
            ) from None


class LogoutSerializer(jwt_serializers.TokenBlacklistSerializer):
    pass


class TokenVerifySerializer(jwt_serializers.TokenVerifySerializer):
    def validate(self, attrs):
        verified = super().validate(attrs)
        token_user(UntypedToken(attrs["token"]))
        return verified


class _TokenView(TokenViewBase):
    throttle_scope = "auth"

    def get_authenticate_header(self, request) -> str:
        # Without it DRF would answer bad credentials with 403 instead of 401.
        return 'Bearer realm="api"'


class TokenObtainView(_TokenView):
    """Sign in with email and password; receive an access and a refresh token."""

    serializer_class = TokenObtainSerializer


class TokenRefreshView(_TokenView):
    """Trade a refresh token for a new access token and a new refresh token (the old one is
    blacklisted: rotation)."""

    serializer_class = TokenRefreshSerializer


class TokenVerifyView(_TokenView):
    """Check that a token is valid and unexpired."""

    serializer_class = TokenVerifySerializer


class LogoutView(_TokenView):
    """Blacklist a refresh token, so neither it nor a rotation of it works again."""

    serializer_class = LogoutSerializer

    @extend_schema(responses={204: None})
    def post(self, request, *args, **kwargs):
        super().post(request, *args, **kwargs)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DRFTokenObtainView(APIView):
    """Sign in with email and password; receive DRF's long-lived token (`Authorization:
    Token <key>`), for scripts and integrations."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_scope = "auth"

    def get_authenticate_header(self, request) -> str:
        return 'Token realm="api"'

    @extend_schema(
        request=CredentialsSerializer,
        responses={200: inline_serializer("DRFToken", {"token": serializers.CharField()})},
    )
    def post(self, request, *args, **kwargs):
        serializer = CredentialsSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
