"""OpenAPI additions: the organization header, the error responses, and the token scheme."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes

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


class StockroomAutoSchema(AutoSchema):
    """Adds the X-Organization header to tenant endpoints and the error shape to every
    operation's responses."""

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
