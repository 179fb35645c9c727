"""OpenAPI additions: the organization header, the error responses, and the token scheme."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes
from rest_framework import serializers

from .errors import ErrorSerializer
from .tenancy import ORGANIZATION_HEADER, ActiveOrganizationMixin

ORGANIZATION_PARAMETER = OpenApiParameter(
    name=ORGANIZATION_HEADER,
    type=OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Id of the organization to act in. Defaults to the token's `org` claim, else the "
        "user's first organization. An organization the user is not a member of is a 403."
    ),
)


def decimal_pattern(whole_digits: int, decimal_places: int) -> str:
    """A decimal string as DecimalField reads and writes it: at least one digit, at most
    `whole_digits` before the point and `decimal_places` after it. drf-spectacular's own pattern
    also matches "", "-" and ".", which the API refuses."""
    if not decimal_places:
        return rf"^-?\d{{1,{whole_digits}}}$"
    return (
        rf"^-?(?:\d{{1,{whole_digits}}}(?:\.\d{{0,{decimal_places}}})?"
        rf"|\.\d{{1,{decimal_places}}})$"
    )


class StockroomAutoSchema(AutoSchema):
    """Adds the X-Organization header to tenant endpoints and the error shape to every
    operation's responses."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.DecimalField) and "pattern" in schema:
            schema["pattern"] = decimal_pattern(field.max_whole_digits, field.decimal_places)
        return schema

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if isinstance(self.view, ActiveOrganizationMixin):
            parameters = [*parameters, ORGANIZATION_PARAMETER]
        return parameters

    def _error_codes(self) -> list[str]:
        # 400 covers bad filters and pages as well as bad bodies; 401/403 include the token
        # endpoints' refusals and the X-Organization check; 404 includes unknown pages.
        codes = ["400", "401", "403", "404"]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append("409")
        codes.append("429")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            responses.setdefault(code, self._get_response_for_code(ErrorSerializer, code))
        return responses


class DRFTokenScheme(OpenApiAuthenticationExtension):
    """DRF's token authentication, with the `Token` prefix spelled out for clients."""

    target_class = "rest_framework.authentication.TokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token-based authentication: `Authorization: Token <key>`.",
        }


class MembershipJWTScheme(SimpleJWTScheme):
    """The same `jwtAuth` scheme for the JWT authenticator that also loads the membership."""

    target_class = "stockroom.api.tenancy.MembershipJWTAuthentication"
